"""The redline as PDF (typst, with the house preamble and header) and as DOCX with native tracked changes (pandoc's
DOCX writer, with the DOCX exporter's reference document), written to dist/redline/<DOC>-rN-rM.pdf/.docx.

Review aids, not controlled copies: written on request (`smsgen redline`, `pack stage1 --redlines`), never by a
build, so dist/ holds the controlled outputs and a build spends nothing on them."""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from docx import Document as DocxDocument
from docx.shared import Pt, RGBColor

from generator.base.errors import ConversionError
from generator.base.files import normalise_zip, write_atomic
from generator.base.typeset import compile_typst
from generator.base.workspace import Workspace
from generator.model.organisation import Organisation
from generator.publish.export.base import Brand, ExportContext
from generator.publish.export.common import run_pandoc
from generator.publish.export.docx import DocxExporter
from generator.publish.export.page import print_markdown
from generator.publish.export.pdf import PREAMBLE, brand_input
from generator.publish.export.plan import brand_of
from generator.publish.redline.ast import print_view, redlines, typst_view
from generator.publish.redline.compare import REVIEW_AID, Comparison
from generator.publish.redline.diff import Node

GREEN, RED = "#116329", "#a40e26"   # 7.5:1 and 7.8:1 on white; underline and strike-through say it without colour

REDLINE_TYPST = f"""
#let redline-ins(body) = text(fill: rgb("{GREEN}"), underline(stroke: 0.7pt + rgb("{GREEN}"), offset: 1.5pt, body))
#let redline-del(body) = text(fill: rgb("{RED}"), strike(stroke: 0.7pt + rgb("{RED}"), body))
#let meta = json(bytes(sys.inputs.meta))
#let redline-footer(c) = {{
  set text(size: 7.5pt, fill: luma(80))
  line(length: 100%, stroke: 0.5pt + luma(170))
  v(-4pt)
  grid(columns: (1fr, auto, 1fr), align: (left, center, right),
    [Review aid, not a controlled copy],
    [Page #counter(page).display() of #counter(page).final().first()],
    [#c.classification])
}}
#set page(header: doc-header(meta), footer: context redline-footer(meta))
#heading(level: 1, outlined: true)[#meta.id #meta.title]
#block(width: 100%, fill: rgb("#fff3cd"), stroke: 0.75pt + rgb("#e0b000"), inset: 8pt, radius: 2pt,
  text(weight: "bold", fill: rgb("#664d03"), meta.banner))
#kv-table(meta.rows)
#v(2pt)
#text(size: 8.5pt)[Legend: #redline-ins[inserted text] is underlined in green; #redline-del[deleted text] is struck
  through in red.]
#v(6pt)
"""


def banner(c: Comparison) -> str:
    return f"{c.title} — {REVIEW_AID}"


def _rows(c: Comparison, classification: str) -> list[tuple[str, str]]:
    effective = f", effective {c.old_effective}" if c.old_effective else ""
    return [("Document", f"{c.doc.id} {c.doc.title}"),
            ("Compared", f"Revision {c.old_revision} (approved{effective}) with revision {c.new_revision} "
                         f"({c.new_status.lower()})"),
            ("Changes by", c.by),
            ("Classification", classification)]


def _timestamp(c: Comparison) -> int:
    """Dates inside the files come from the revision compared, never from the clock: the same revisions, the same
    bytes (a pack lists their SHA-256)."""
    try:
        return int(dt.datetime.fromisoformat(c.mark.date.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 946684800


def redline_pdf(c: Comparison, doc: Node, brand: Brand, root: Path, classification: str) -> bytes:
    body = run_pandoc(["--from", "json", "--to", "typst"], json.dumps(typst_view(doc)).encode()).decode("utf-8")
    meta = {"id": c.doc.id, "title": c.doc.title, "revision": f"{c.old_revision} → {c.new_revision}",
            "status": "Redline", "classification": classification, "banner": banner(c),
            "rows": _rows(c, classification)}
    source = PREAMBLE + REDLINE_TYPST + body + "\n"
    return compile_typst(source, {"brand": brand_input(brand, root), "meta": json.dumps(meta),
                                  "title": f"{c.doc.id} {c.doc.title}: {c.title}"}, root, _timestamp(c))


def _para(*inlines: Node) -> Node:
    return {"t": "Para", "c": list(inlines)}


def _text(text: str) -> list[Node]:
    """Plain words as pandoc inlines: data goes into the document as text, never as markup."""
    out: list[Node] = []
    for i, word in enumerate(text.split(" ")):
        out += ([{"t": "Space"}] if i else []) + ([{"t": "Str", "c": word}] if word else [])
    return out


def redline_docx(c: Comparison, doc: Node, reference: Path, root: Path, classification: str) -> bytes:
    """pandoc writes the marks as w:ins and w:del; a title, the banner and what is compared go before the text."""
    front = [{"t": "Header", "c": [1, ["", [], []], _text(f"{c.doc.id} {c.doc.title}")]},
             _para({"t": "Strong", "c": _text(banner(c))}),
             *[_para({"t": "Strong", "c": _text(f"{label}:")}, {"t": "Space"}, *_text(value))
               for label, value in _rows(c, classification)],
             _para(*_text("The changes are tracked changes: Word and LibreOffice list each insertion and deletion, "
                          "with who made it and when, to review, accept or reject."))]
    full = {**doc, "blocks": front + doc["blocks"]}
    raw = run_pandoc(["--from", "json", "--to", "docx", f"--reference-doc={reference}", f"--resource-path={root}"],
                     json.dumps(full).encode())
    try:
        document = DocxDocument(io.BytesIO(raw))
    except (KeyError, ValueError) as exc:
        raise ConversionError(f"python-docx: {exc}") from None
    header = document.sections[0].header
    header.is_linked_to_previous = False
    run = header.paragraphs[0].add_run(f"{c.doc.id} · {c.title} · {classification.upper()} · "
                                       f"{REVIEW_AID.capitalize()}")
    run.font.size, run.font.color.rgb = Pt(8), RGBColor(0xA4, 0x0E, 0x26)
    props = document.core_properties
    props.title, props.subject = f"{c.doc.id} {c.doc.title}: {c.title}", REVIEW_AID
    props.identifier, props.version = c.doc.id, f"{c.old_revision}-{c.new_revision}"
    when = dt.datetime.fromtimestamp(_timestamp(c), dt.UTC).replace(tzinfo=None)
    props.created = props.modified = when
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return normalise_zip(out.getvalue())


def redline_files(ws: Workspace, org: Organisation, items: list[Comparison],
                  formats: tuple[str, ...] = ("pdf", "docx")) -> list[tuple[Comparison, dict[str, bytes]]]:
    """The redline of each comparison in each format asked for ("pdf", "docx"): format -> bytes. Figures are read
    from docs/figures, so the pages are written first (a figure not there is named instead)."""
    if not items:
        return []
    brand = brand_of(org, ws)
    root = ws.docs_dir
    docs = redlines(items, [(print_markdown(c.old_text, "/figures/"), print_markdown(c.new_text, "/figures/"))
                            for c in items])
    reference = None
    if "docx" in formats:
        context = ExportContext(brand, root, ws.cache_dir)
        DocxExporter().prepare(context)   # the same reference document (styles, A4, brand) as every DOCX
        reference = context.prepared["docx.reference"]
    made = []
    for c, doc in zip(items, docs):
        label = org.documents.label(c.doc.classification)
        files = {}
        if "pdf" in formats:
            files["pdf"] = redline_pdf(c, print_view(doc, root, "/"), brand, root, label)
        if reference is not None:
            files["docx"] = redline_docx(c, print_view(doc, root, ""), reference, root, label)
        made.append((c, files))
    return made


def write_redlines(ws: Workspace, org: Organisation, items: list[Comparison], out_dir: Path) -> list[Path]:
    """The PDF and DOCX redline of each comparison, written into `out_dir` as <DOC>-rN-rM.pdf/.docx."""
    written = []
    for c, files in redline_files(ws, org, items):
        for suffix, data in files.items():
            path = out_dir / f"{c.name}.{suffix}"
            write_atomic(path, data)
            written.append(path)
    return written
