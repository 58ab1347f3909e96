"""DOCX: pandoc with a reference document made from the organisation's branding, then python-docx adds what pandoc
cannot: the control header, the page-numbered footer, the approval block, the revision history and table borders."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import typst
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from generator.base.errors import ConversionError
from generator.base.files import normalise_zip, write_atomic
from generator.publish.export.base import Brand, ExportContext, Exporter, timestamp
from generator.publish.export.batch import Request, converted
from generator.publish.export.common import HISTORY_HEADER, approval_rows, history_rows, pandoc, status_text
from generator.publish.export.page import Page, print_markdown
from generator.publish.export.tables import fit_tables
from generator.publish.formats import FORMATS

A4 = (210, 297)
MARGIN_MM = 20


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def reference_docx(brand: Brand) -> bytes:
    """pandoc's default reference document, set to A4 with explicit margins and the organisation's font and colour."""
    raw = pandoc("", "docx")  # an empty document carries pandoc's default styles
    doc = Document(io.BytesIO(raw))
    for section in doc.sections:
        section.page_width, section.page_height = Mm(A4[0]), Mm(A4[1])
        section.left_margin = section.right_margin = Mm(MARGIN_MM)
        section.top_margin, section.bottom_margin = Mm(30), Mm(22)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
    colour = RGBColor.from_string(_hex(brand.colour))
    for style in doc.styles:
        if getattr(style, "font", None) is None:
            continue
        style.font.name = brand.font
        if style.name.startswith("Heading") or style.name == "Title":
            style.font.color.rgb = colour
    doc.styles["Normal"].font.size = Pt(10)
    out = io.BytesIO()
    doc.save(out)
    return normalise_zip(out.getvalue())


def body_request(page: Page, root: Path, reference: Path) -> Request:
    """The page body to DOCX with the organisation's reference document; figures read from docs/."""
    return Request(fit_tables(print_markdown(page.body, "figures/"), landscape=False), "docx",
                   reference=str(reference), resources=str(root))


def write_docx(page: Page, brand: Brand, root: Path, reference: Path, logo_png: bytes | None,
               when: datetime, cache_dir: Path) -> bytes:
    raw = converted(body_request(page, root, reference), cache_dir)
    try:
        return _decorate(raw, page, brand, logo_png, when)
    except (KeyError, ValueError) as exc:
        raise ConversionError(f"python-docx: {exc}") from None


def _decorate(raw: bytes, page: Page, brand: Brand, logo_png: bytes | None, when: datetime) -> bytes:
    doc = Document(io.BytesIO(raw))
    c = page.control
    status = status_text(page)
    approved = c["status"] == "approved"

    section = doc.sections[0]
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    table = header.add_table(rows=1, cols=3, width=Mm(A4[0] - 2 * MARGIN_MM))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, middle, right = table.rows[0].cells
    left.width, middle.width, right.width = Mm(30), Mm(95), Mm(45)
    if logo_png:
        left.paragraphs[0].add_run().add_picture(io.BytesIO(logo_png), height=Mm(12))
    _lines(middle, [(brand.name, True, None), (page.title, False, None)], Pt(8))
    _lines(right, [(c["id"], True, None), (f"Revision {c['revision']} · {status}", False,
                                          None if approved else RGBColor(0xB0, 0x2A, 0x37)),
                   (c["classification_label"].upper(), True, None)], Pt(8), align_right=True)
    _border_bottom(header.paragraphs[0] if header.paragraphs else header.add_paragraph(), _hex(brand.colour))

    footer = section.footer
    footer.is_linked_to_previous = False
    ftable = footer.add_table(rows=1, cols=3, width=Mm(A4[0] - 2 * MARGIN_MM))
    f_left, f_mid, f_right = ftable.rows[0].cells
    _lines(f_left, [("Uncontrolled when printed", False, None)], Pt(7.5))
    para = f_mid.paragraphs[0]
    para.alignment = 1
    for piece in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if piece in ("PAGE", "NUMPAGES"):
            _field(para, piece, Pt(7.5))
        else:
            para.add_run(piece).font.size = Pt(7.5)
    _lines(f_right, [(f"Effective: {c.get('effective') or 'not yet effective'}", False, None)], Pt(7.5),
           align_right=True)

    body = doc.element.body
    first = body[0] if len(body) else None
    heading = doc.add_paragraph(f"{c['id']} {page.title}", style="Title")
    cover_items = [heading._p]
    if not approved:
        banner = doc.add_paragraph()
        run = banner.add_run(f"{status.upper()}: not an approved, controlled document.")
        run.bold, run.font.color.rgb = True, RGBColor(0xB0, 0x2A, 0x37)
        cover_items.append(banner._p)
    approval = doc.add_table(rows=0, cols=2)
    for label, value in approval_rows(page):
        cells = approval.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
        _shade(cells[0], "EEF2F8")
    cover_items.append(approval._tbl)
    cover_items.append(doc.add_paragraph()._p)
    for element in cover_items:
        if first is not None:
            first.addprevious(element)

    doc.add_heading("Revision history", level=2)
    history = doc.add_table(rows=1, cols=len(HISTORY_HEADER))
    for cell, text in zip(history.rows[0].cells, HISTORY_HEADER):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in history_rows(page):
        for cell, text in zip(history.add_row().cells, row):
            cell.text = text

    for tbl in doc.tables:
        _borders(tbl._tbl)
        if tbl is not approval:
            for cell in tbl.rows[0].cells:
                _shade(cell, "DCE4F2")
    for tbl in (table, ftable):
        _no_borders(tbl._tbl)

    props = doc.core_properties
    props.title, props.subject = f"{c['id']} {page.title}", page.summary
    props.author = props.last_modified_by = brand.name
    props.identifier, props.version = c["id"], str(c["revision"])
    props.keywords = f"{c['classification']}; {status}"
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return normalise_zip(out.getvalue())


class DocxExporter(Exporter):
    """Word documents: pandoc with the organisation's reference document, then python-docx for the control parts."""
    name = "docx"
    label = FORMATS[name]
    version = "4"   # 4: column widths from content

    def prepare(self, context: ExportContext) -> None:
        """The reference document and a PNG of the logo (Word headers cannot hold SVG), made once per run."""
        brand = context.brand
        reference = context.cache_dir / f"reference-{_brand_digest(brand)}.docx"
        if not reference.exists():
            write_atomic(reference, reference_docx(brand))
        context.prepared["docx.reference"] = reference
        context.prepared["docx.logo"] = _logo_png(brand.logo) if brand.logo else None

    def convert(self, page: Page, context: ExportContext) -> bytes:
        when = datetime.fromtimestamp(timestamp(page), UTC)
        return write_docx(page, context.brand, context.docs_dir, context.prepared["docx.reference"],
                          context.prepared["docx.logo"], when, context.cache_dir)

    def pandoc_requests(self, page: Page, context: ExportContext) -> list[Request]:
        return [body_request(page, context.docs_dir, context.prepared["docx.reference"])]

    def memory(self, size: int) -> int:
        return 130 * 2**20 + size // 5


def _brand_digest(brand: Brand) -> str:
    return hashlib.sha256(json.dumps(dataclasses.asdict(brand), sort_keys=True).encode()).hexdigest()[:12]


def _logo_png(logo: str) -> bytes | None:
    """python-docx cannot place SVG: typst rasterises the logo (no extra dependency)."""
    path = Path(logo)
    if path.suffix.lower() != ".svg":
        return path.read_bytes()
    source = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("/{path.name}", height: 3cm)\n'
    try:
        # typst's stub ties `root` to the input's type (one TypeVar); typst takes a bytes source with a str root
        return typst.compile(source.encode(), root=str(path.parent), format="png", ppi=200)  # type: ignore[call-overload]
    except Exception:  # noqa: BLE001 - a logo that cannot be drawn leaves the header without it, nothing worse
        return None


# --- python-docx helpers: small pieces of WordprocessingML that python-docx has no API for ------------------------

def _lines(cell, lines, size, align_right: bool = False) -> None:
    para = cell.paragraphs[0]
    for i, (text, bold, colour) in enumerate(lines):
        if i:
            para = cell.add_paragraph()
        if align_right:
            para.alignment = 2
        run = para.add_run(text)
        run.bold, run.font.size = bold, size
        if colour is not None:
            run.font.color.rgb = colour


def _field(paragraph, instruction: str, size) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = size
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _borders(tbl, colour: str = "A6A6A6") -> None:
    props = tbl.tblPr
    for old in props.findall(qn("w:tblBorders")):
        props.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", colour)):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    props.append(borders)


def _no_borders(tbl) -> None:
    for old in tbl.tblPr.findall(qn("w:tblBorders")):
        tbl.tblPr.remove(old)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _border_bottom(paragraph, colour: str) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "8"), ("space", "1"), ("color", colour)):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)
