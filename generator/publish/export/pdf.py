"""PDF: pandoc turns the Markdown body into typst markup; typst lays it out with the control header, footer, cover
block and revision history. All control data reaches typst through sys.inputs as JSON, never as markup, so nothing
in a title or a name can break the layout."""
from __future__ import annotations

import json
from pathlib import Path

from generator.base.typeset import compile_typst, typeset_file
from generator.publish.export.base import Brand, ExportContext, Exporter, Isolated, timestamp
from generator.publish.export.batch import Request, converted
from generator.publish.export.common import HISTORY_HEADER, approval_rows, history_rows, pandoc, status_text
from generator.publish.export.page import Page, print_markdown
from generator.publish.export.tables import LANDSCAPE, PORTRAIT, fit_tables
from generator.publish.formats import FORMATS

PREAMBLE = r"""
#let brand = json(bytes(sys.inputs.brand))
#let primary = rgb(brand.colour)
#let horizontalrule = line(length: 100%, stroke: 0.5pt + luma(180))
#set document(title: sys.inputs.at("title", default: brand.name), author: brand.name)
#set text(font: (brand.font, "Liberation Sans", "DejaVu Sans"), size: 9.5pt, lang: "en", region: "gb")
#set par(justify: false, leading: 0.6em)
#set heading(numbering: none)
#show heading: set text(fill: primary)
#show heading.where(level: 1): set text(size: 15pt)
#show heading.where(level: 2): set text(size: 12.5pt)
#show heading.where(level: 3): set text(size: 11pt)
#show figure: set block(breakable: true)
#show figure.where(kind: table): set align(left)
#set table(stroke: 0.5pt + luma(170), inset: 5pt, fill: (x, y) => if y == 0 { primary.lighten(85%) })
#show table.cell.where(y: 0): set text(weight: "bold")
#show table.cell: set align(left)
#show link: set text(fill: primary)

#let kv-table(rows) = table(columns: (auto, 1fr), stroke: 0.5pt + luma(170),
  fill: (x, y) => if x == 0 { primary.lighten(88%) },
  ..rows.map(r => (text(weight: "bold", r.at(0)), r.at(1))).flatten())

#let doc-header(c) = {
  set text(size: 8pt)
  grid(columns: (auto, 1fr, auto), column-gutter: 8pt, align: (left + horizon, left + horizon, right + horizon),
    if brand.logo != none { image(brand.logo, height: 1.0cm) } else { [] },
    [#text(weight: "bold", brand.name) \ #c.title],
    [#text(weight: "bold", c.id) \ Rev. #c.revision · #c.status \ #upper(c.classification)])
  v(-4pt)
  line(length: 100%, stroke: 0.75pt + primary)
}

#let doc-footer(c) = {
  set text(size: 7.5pt, fill: luma(80))
  line(length: 100%, stroke: 0.5pt + luma(170))
  v(-4pt)
  grid(columns: (1fr, auto, 1fr), align: (left, center, right),
    [Uncontrolled when printed],
    [Page #counter(page).display() of #counter(page).final().first()],
    [Effective: #c.effective])
}

#let watermark(c) = if c.status != "Approved" {
  place(center + horizon, rotate(-40deg, text(size: 70pt, weight: "bold", fill: rgb(200, 30, 30, 40), upper(c.status))))
}

#set page(paper: "a4", margin: (top: 3.1cm, bottom: 2.4cm, x: 2cm), header-ascent: 20%)

#let cover(c) = {
  if c.status != "Approved" {
    block(width: 100%, fill: rgb("#fff3cd"), stroke: 0.75pt + rgb("#e0b000"), inset: 8pt, radius: 2pt,
      text(weight: "bold", fill: rgb("#664d03"))[#upper(c.status): not an approved, controlled document.])
  }
  kv-table(c.approval)
  v(6pt)
}

#let history(c) = {
  heading(level: c.level + 1, outlined: false, bookmarked: false)[Revision history]
  table(columns: (auto, auto, 1fr, auto, auto, auto, auto), table.header(..c.history-header.map(h => [#h])),
    ..c.history.flatten().map(v => [#v]))
}

#let controlled(c, body) = {
  heading(level: c.level, outlined: true)[#c.id #c.title]
  cover(c)
  body
  history(c)
}
"""


def control_input(page: Page) -> dict:
    c = page.control
    return {"id": c["id"], "title": page.title, "revision": str(c["revision"]), "status": status_text(page),
            "classification": c["classification_label"], "effective": c.get("effective") or "not yet effective",
            "approval": approval_rows(page), "history": history_rows(page), "history-header": list(HISTORY_HEADER),
            "level": 1}


def body_request(page: Page) -> Request:
    """The page body to typst markup; headings shifted one level below the document's own title heading."""
    return Request(fit_tables(print_markdown(page.body, "/figures/"), landscape=True), "typst", shift=1)


def brand_input(brand: Brand, root: Path) -> str:
    logo = brand.logo
    if logo:
        logo = "/" + Path(logo).resolve().relative_to(root.resolve()).as_posix() \
            if Path(logo).resolve().is_relative_to(root.resolve()) else None
    return json.dumps({"name": brand.name, "colour": brand.colour, "font": brand.font, "logo": logo})


def pdf_source(page: Page, brand: Brand, root: Path, cache_dir: Path) -> tuple[str, dict[str, str]]:
    """One document's typst markup and inputs. Headings of the body sit one level below the document title, for
    bookmarks."""
    meta = control_input(page)
    body = converted(body_request(page), cache_dir).decode("utf-8")
    # one document: its header, footer and watermark are fixed for every page, from page 1 on
    source = (PREAMBLE + "\n#let meta = json(bytes(sys.inputs.meta))\n"
              "#set page(header: doc-header(meta), footer: context doc-footer(meta), background: watermark(meta))\n"
              "#controlled(meta)[\n" + body + "\n]\n")
    return source, {"brand": brand_input(brand, root), "meta": json.dumps(meta), "title": f"{page.id} {page.title}"}


def write_pdf(page: Page, brand: Brand, root: Path, timestamp: int, cache_dir: Path) -> bytes:
    """One document as PDF."""
    source, inputs = pdf_source(page, brand, root, cache_dir)
    return compile_typst(source, inputs, root, timestamp)


def report_source(markdown: str, title: str, brand: Brand, root: Path, classification: str,
                  landscape: bool = True) -> tuple[str, dict[str, str]]:
    """A register or report page (master list, clause matrix, readiness) as typst markup and inputs, with the
    organisation header and, on every page, its classification and that a printed copy is uncontrolled (as every
    document carries)."""
    printable = fit_tables(print_markdown(markdown.replace("<br>", "; "), "/figures/"), landscape=False,
                           across=LANDSCAPE if landscape else PORTRAIT)
    body = pandoc(printable, "typst").decode("utf-8")
    source = (PREAMBLE + f"\n#set page(flipped: {'true' if landscape else 'false'}, "
              "header: [#set text(size: 8pt); #text(weight: \"bold\", brand.name) #h(1fr) #sys.inputs.title "
              "#v(-4pt) #line(length: 100%, stroke: 0.75pt + primary)], "
              "footer: context [#set text(size: 7.5pt); #sys.inputs.title #h(1fr) "
              "#text(weight: \"bold\", sys.inputs.marking) #h(1fr) "
              "Page #counter(page).display() of #counter(page).final().first()])\n"
              "#set text(size: 8.5pt)\n" + body + "\n")
    marking = f"{classification} · Uncontrolled when printed"
    return source, {"brand": brand_input(brand, root), "title": title, "marking": marking}


def write_report(markdown: str, title: str, brand: Brand, root: Path, timestamp: int, classification: str,
                 landscape: bool = True) -> bytes:
    """A register or report page as PDF (report_source)."""
    source, inputs = report_source(markdown, title, brand, root, classification, landscape)
    return compile_typst(source, inputs, root, timestamp)


class PdfExporter(Exporter):
    """PDF: pandoc to typst markup, laid out by typst with the control header, footer and revision history."""
    name = "pdf"
    label = FORMATS[name]
    version = "5"   # 5: column widths from content, wide tables on landscape pages at body size
    # typst lays out a whole document in memory (about 1 MB per KB of Markdown) and never frees its memo cache
    heavy_bytes = 50_000

    def pandoc_requests(self, page: Page, context: ExportContext) -> list[Request]:
        return [body_request(page)]

    def convert(self, page: Page, context: ExportContext) -> bytes:
        return write_pdf(page, context.brand, context.docs_dir, timestamp(page), context.cache_dir)

    def isolated(self, page: Page, context: ExportContext, out: Path) -> Isolated:
        source, inputs = pdf_source(page, context.brand, context.docs_dir, context.cache_dir)
        return typeset_file, (source, inputs, context.docs_dir, timestamp(page), out)

    def memory(self, size: int) -> int:
        return 130 * 2**20 + size * 1000
