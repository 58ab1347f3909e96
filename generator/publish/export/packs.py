"""Packs: several documents in one PDF, made of the documents' own PDFs behind a title page and a contents table."""
from __future__ import annotations

import io
import json
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pikepdf
from pikepdf import OutlineItem

from generator.base.typeset import compile_typst
from generator.model.fields import Classification
from generator.publish.export.base import Brand
from generator.publish.export.common import status_text
from generator.publish.export.page import Page
from generator.publish.export.pdf import PREAMBLE, brand_input

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
T = TypeVar("T")


def highest_classification(pages: list[Page]) -> str:
    """The pack is as sensitive as its most sensitive document: that classification (as the organisation names it)
    is marked on its cover."""
    top = max(pages, key=lambda p: Classification(p.control["classification"]).level, default=None)
    return top.control["classification_label"] if top is not None else Classification.public.value.capitalize()


def apart(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a process of its own. typst keeps the memory of a layout for the life of its process; a
    process that has ended gives it all back."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        return process.submit(function, *args).result()


def save_pack(out: BinaryIO, pages: list[Page], pdfs: list[Path], title: str, brand: Brand, root: Path,
              timestamp: int) -> None:
    """Several documents in one PDF: a title page and contents, then each document's own PDF, page for page, so the
    pack carries exactly the controlled copies (header, footer, "Page X of Y" of each document) and their bookmarks.
    qpdf (through pikepdf) copies the pages without decoding them and reads their streams from the files only as it
    writes the pack: measured on 1053 documents (170 MB of PDFs), 400 MB for the merge, where pypdf held about 14x the
    files (1.8 GB for a 1000-document Stage 1 pack). Laying the set out again in one typst run would take several GB."""
    counts = [_page_count(path) for path in pdfs]
    rows = [[p.control["id"], p.title, str(p.control["revision"]), status_text(p)] for p in pages]
    inputs = {"brand": brand_input(brand, root), "title": title, "link": LINK,
              "classification": highest_classification(pages)}
    # the front matter is laid out apart (a 1000-row contents table: about 250 MB), ending before the merge needs memory
    front, front_length, starts = apart(_front_matter, rows, counts, inputs, root, timestamp)
    with ExitStack() as open_files:
        pack = open_files.enter_context(pikepdf.Pdf.new())
        front_pdf = open_files.enter_context(pikepdf.open(io.BytesIO(front)))
        pack.pages.extend(front_pdf.pages)
        # every source stays open until the pack is written: qpdf copies a page's streams from its file then
        sources = [open_files.enter_context(pikepdf.open(path)) for path in pdfs]
        with pack.open_outline() as outline:
            outline.root.append(OutlineItem("Contents", 1))
            for source, start in zip(sources, starts):
                index = {page.obj.objgen: n for n, page in enumerate(source.pages)}
                _drop_signatures(source)
                pack.pages.extend(source.pages)
                with source.open_outline() as own:
                    outline.root.extend(_copy_outline(item, pack, start, index) for item in own.root)
        _link_contents(pack, front_length, starts)
        pack.docinfo = pack.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Author=pikepdf.String(brand.name), Creator=pikepdf.String("smsgen")))
        # deterministic: the same inputs give the same bytes (no random /ID, no dates)
        pack.save(out, deterministic_id=True, compress_streams=True,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _drop_signatures(source: pikepdf.Pdf) -> None:
    """A signed document's signature fields (smsgen sign) cannot survive a merge, which makes new bytes: they are left
    out of the pack rather than carried as widgets no form refers to. An unsigned document has no form at all."""
    if "/AcroForm" not in source.Root:
        return
    for page in source.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = [a for a in annots if not (a.get("/Subtype") == "/Widget" and "/Sig" in
                                          (a.get("/FT"), a.get("/Parent", pikepdf.Dictionary()).get("/FT")))]
        if len(kept) != len(annots):
            page.obj.Annots = pikepdf.Array(kept)
    del source.Root.AcroForm


def _front_matter(rows: list[list[str]], counts: list[int], inputs: dict[str, str], root: Path,
                  timestamp: int) -> tuple[bytes, int, list[int]]:
    """The title page and contents, how many pages they take, and the 0-based pack page each document starts on."""
    front_length, front = 0, b""
    starts: list[int] = []
    for _ in range(4):  # the contents' own length moves the page numbers it prints: settle them
        starts, first = [], front_length
        for count in counts:
            starts.append(first)
            first += count
        inputs["contents"] = json.dumps([row + [str(start + 1)] for row, start in zip(rows, starts)])
        front = compile_typst(PREAMBLE + FRONT_MATTER, inputs, root, timestamp)
        with pikepdf.open(io.BytesIO(front)) as front_pdf:
            length = len(front_pdf.pages)
        if length == front_length:
            break
        front_length = length
    return front, front_length, starts


def _page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _copy_outline(item: OutlineItem, pack: pikepdf.Pdf, start: int, index: dict[tuple[int, int], int]) -> OutlineItem:
    """A document's bookmark (and its children) pointing at the same place on its page's copy in the pack."""
    destination = item.destination
    target: int | pikepdf.Array = start
    if isinstance(destination, pikepdf.Array) and len(destination) and destination[0].objgen in index:
        target = pikepdf.Array([pack.pages[start + index[destination[0].objgen]].obj, *list(destination)[1:]])
    copy = OutlineItem(str(item.title), target)
    copy.is_closed = item.is_closed
    copy.children.extend(_copy_outline(child, pack, start, index) for child in item.children)
    return copy


def _link_contents(pack: pikepdf.Pdf, front_length: int, starts: list[int]) -> None:
    """typst drew the contents' links to "smsgen-doc:N" (a document's own PDF cannot be linked to before the merge);
    each becomes a link to the first page of document N in the pack."""
    for index in range(front_length):
        for annotation in pack.pages[index].obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(LINK):
                del annotation["/A"]
                target = pack.pages[starts[int(uri.removeprefix(LINK))]].obj
                annotation["/Dest"] = pikepdf.Array([target, pikepdf.Name.Fit])
