"""Packs: several documents in one PDF, made of the documents' own PDFs behind a title page and a contents table."""
from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from generator.model.fields import Classification
from generator.publish.export.base import Brand
from generator.publish.export.common import status_text
from generator.publish.export.page import Page
from generator.publish.export.pdf import PREAMBLE, brand_input, compile_typst

FRONT_MATTER = r"""
#let LINK = sys.inputs.link
#set page(header: [#set text(size: 8pt); #text(weight: "bold", brand.name) #h(1fr) #sys.inputs.title \
  #h(1fr) #text(weight: "bold", upper(sys.inputs.classification))
  #v(-4pt) #line(length: 100%, stroke: 0.75pt + primary)],
  footer: [#set text(size: 7.5pt, fill: luma(80)); #line(length: 100%, stroke: 0.5pt + luma(170)) #v(-4pt)
  Uncontrolled when printed #h(1fr) #upper(sys.inputs.classification)])
#align(center + horizon)[#text(size: 22pt, weight: "bold", fill: primary, sys.inputs.title) \ #v(6pt)
  #text(size: 13pt, brand.name) \ #v(4pt) #text(size: 10pt, str(json(bytes(sys.inputs.contents)).len()) + " documents")
  \ #v(10pt) #box(stroke: 1pt + primary, inset: 6pt, text(size: 12pt, weight: "bold", fill: primary,
    upper(sys.inputs.classification))) \ #v(4pt)
  #text(size: 9pt)[Highest classification of the documents in this pack. Uncontrolled when printed.]]
#pagebreak()
#heading(outlined: false, bookmarked: false)[Contents]
#set text(size: 8.5pt)
// a row's ID and title link to "smsgen-doc:N"; once merged, each such link is pointed at document N's first page
#table(columns: (auto, 1fr, auto, auto, auto), table.header([Document], [Title], [Rev.], [Status], [Page]),
  ..json(bytes(sys.inputs.contents)).enumerate().map(((n, r)) => (
    link(LINK + str(n))[#r.at(0)], link(LINK + str(n), text(fill: black, r.at(1))), ..r.slice(2).map(v => [#v])
  )).flatten())
"""
LINK = "smsgen-doc:"


def highest_classification(pages: list[Page]) -> str:
    """The pack is as sensitive as its most sensitive document: that classification (as the organisation names it)
    is marked on its cover."""
    top = max(pages, key=lambda p: Classification(p.control["classification"]).level, default=None)
    return top.control["classification_label"] if top is not None else Classification.public.value.capitalize()


def write_pack(pages: list[Page], pdfs: list[Path], title: str, brand: Brand, root: Path, timestamp: int) -> bytes:
    """Several documents in one PDF: a title page and contents, then each document's own PDF, page for page, so the
    pack carries exactly the controlled copies (header, footer, "Page X of Y" of each document) and their bookmarks.
    Merging the finished PDFs takes seconds, and memory in proportion to them (pypdf holds them all: about 850 MB
    for a 1000-document set); laying that set out again in one typst run would take several GB."""
    readers = [PdfReader(path) for path in pdfs]
    inputs = {"brand": brand_input(brand, root), "title": title, "link": LINK,
              "classification": highest_classification(pages)}
    front_length, front = 0, b""
    starts: list[int] = []
    for _ in range(4):  # the contents' own length moves the page numbers it prints: settle them
        starts, rows, first = [], [], front_length  # first: 0-based index of a document's page 1 in the pack
        for page, reader in zip(pages, readers):
            c = page.control
            starts.append(first)
            rows.append([c["id"], page.title, str(c["revision"]), status_text(page), str(first + 1)])
            first += len(reader.pages)
        inputs["contents"] = json.dumps(rows)
        front = compile_typst(PREAMBLE + FRONT_MATTER, inputs, root, timestamp)
        length = len(PdfReader(io.BytesIO(front)).pages)
        if length == front_length:
            break
        front_length = length
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title="Contents", page_number=1)
    for reader in readers:
        writer.append(reader)  # with its bookmarks: the document, then its sections
    _link_contents(writer, front_length, starts)
    writer.add_metadata({"/Title": title, "/Author": brand.name, "/Creator": "smsgen"})
    out = io.BytesIO()
    writer.write(out)  # no /ID or date is added: the same inputs give the same bytes
    return out.getvalue()


def _link_contents(writer, front_length: int, starts: list[int]) -> None:
    """typst drew the contents' links to "smsgen-doc:N" (a document's own PDF cannot be linked to before the merge);
    each becomes a link to the first page of document N in the pack."""
    for index in range(front_length):
        for annotation in writer.pages[index].get("/Annots", []):
            annotation = annotation.get_object()
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            if uri.startswith(LINK):
                del annotation["/A"]
                target = writer.pages[starts[int(uri.removeprefix(LINK))]].indirect_reference
                annotation[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])


