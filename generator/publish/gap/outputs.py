"""`smsgen gap report`: the plan made from the gap analysis and the rendered set, written to dist/gap/ as the report
(Markdown, PDF through the registers' typst route, DOCX through pandoc with the organisation's reference document),
the plan as a workbook, and the two figures. Every file is written atomically; the same inputs give the same bytes."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.base.files import normalise_zip, write_atomic
from generator.base.workspace import Workspace
from generator.model.clauses import catalogue
from generator.model.gap import STATUS_LABELS, GapAnalysis, questionnaire_clauses
from generator.model.organisation import Organisation
from generator.publish.export.base import Brand
from generator.publish.export.common import pandoc
from generator.publish.export.docx import reference_docx
from generator.publish.export.pdf import write_report
from generator.publish.export.plan import brand_of
from generator.publish.gap.charts import status_chart, timeline
from generator.publish.gap.plan import Plan, doc_ref, make_plan, setting_of, status_of
from generator.publish.gap.report import STATUS_FIGURE, TIMELINE_FIGURE, group_counts, report_markdown
from generator.publish.spreadsheet import to_xlsx
from generator.render.document import Document

NAME = "gap-report"
PLAN_COLUMNS = ("No.", "Task", "Phase", "Owner", "Start", "End", "Working days", "Milestone", "Clauses", "After",
                "Documents", "Notes")


@dataclass
class GapOutputs:
    plan: Plan
    files: list[Path]


def write_gap_outputs(ws: Workspace, org: Organisation, gap: GapAnalysis, documents: list[Document]) -> GapOutputs:
    plan = make_plan(gap, [doc_ref(org, d) for d in documents], setting_of(org))
    out = ws.dist_dir / "gap"
    title = f"{org.org.name}: gap analysis and implementation plan"
    figures = {STATUS_FIGURE: status_chart(group_counts(gap), "ISO 28000 clauses by status and clause group"),
               TIMELINE_FIGURE: timeline(plan, "Implementation plan", {n: c.label for n, c in catalogue().items()},
                                         {"Stage 1": gap.stage1_target, "Stage 2": gap.stage2_target})}
    # printed, the timeline takes the page's width and the status chart two thirds: it fits under the summary
    markdown = report_markdown(org, gap, plan).replace(f"]({TIMELINE_FIGURE})", f"]({TIMELINE_FIGURE}){{width=100%}}") \
        .replace(f"]({STATUS_FIGURE})", f"]({STATUS_FIGURE}){{width=70%}}")
    files: dict[Path, str | bytes] = {out / name: svg for name, svg in figures.items()}
    files[out / f"{NAME}.md"] = markdown
    for path, content in files.items():   # the converters read the figures from disk
        write_atomic(path, content)
    brand = brand_of(org, ws)
    stamp = int(dt.datetime.combine(gap.date, dt.time(), dt.UTC).timestamp())
    marking = org.documents.label(org.documents.pages.readiness)   # like the readiness report: it shows the gaps
    pdf = write_report(markdown, title, brand, out, stamp, marking)
    docx = write_docx_report(markdown, title, brand, out, ws.cache_dir, marking, gap.date)
    xlsx = plan_workbook(org, gap, plan)
    for path, data in ((out / f"{NAME}.pdf", pdf), (out / f"{NAME}.docx", docx),
                       (out / "implementation-plan.xlsx", xlsx)):
        write_atomic(path, data)
        files[path] = data
    return GapOutputs(plan, sorted(files))


def plan_workbook(org: Organisation, gap: GapAnalysis, plan: Plan) -> bytes:
    status = status_of(gap)
    tasks = [(t.number, t.name, t.phase, t.owner.label, t.start, t.end, t.days or None, "Yes" if t.milestone else "No",
              ", ".join(t.clauses), ", ".join(map(str, t.depends)), "; ".join(t.documents), t.detail)
             for t in plan.tasks]
    answers = []
    for clause in questionnaire_clauses():
        answer = gap.answer(clause.number)
        owner = org.person[answer.owner].name if answer and answer.owner in org.person else ""
        answers.append((clause.number, clause.title, catalogue()[clause.number.split(".")[0]].title,
                        STATUS_LABELS[status[clause.number]], answer.evidence or "" if answer else "",
                        answer.notes or "" if answer else "", owner))
    summary = [(g.label, g.total, *(g.counts[s] for s in STATUS_LABELS),
                f"{round(100 * g.counts['in_place'] / g.total)}%") for g in group_counts(gap)]
    return to_xlsx({"Plan": (PLAN_COLUMNS, tasks),
                    "Gap analysis": (("Clause", "Title", "Clause group", "Status", "Evidence", "Notes", "Owner"),
                                     answers),
                    "Summary": (("Clause group", "Clauses", *STATUS_LABELS.values(), "In place"), summary),
                    "Key dates": (("Milestone", "Start", "End", "Note"), key_dates(plan))})


def key_dates(plan: Plan) -> list[tuple]:
    """The milestones, with why a target date could not be kept beside the audit it is about."""
    m = plan.milestones
    notes = {"stage1": next((p for p in plan.problems if p.startswith("The Stage 1")), ""),
             "stage2": next((p for p in plan.problems if p.startswith("The Stage 2")), "")}
    return [(m[key].name, m[key].start, m[key].end, notes.get(key, ""))
            for key in ("kickoff", "issued", "records", "audit", "review", "stage1", "stage2") if key in m]


def write_docx_report(markdown: str, title: str, brand: Brand, root: Path, cache: Path, marking: str,
                      date: dt.date) -> bytes:
    """pandoc with the organisation's reference document (its font and colours), on landscape pages with a header,
    a numbered footer carrying the classification, and ruled tables."""
    reference = cache / "gap-reference.docx"
    write_atomic(reference, _landscape(reference_docx(brand)))   # pandoc sizes figures to its text width
    raw = pandoc(markdown.replace("<br>", "; "), "docx", f"--reference-doc={reference}", f"--resource-path={root}")
    doc = Docx(io.BytesIO(raw))
    for section in doc.sections:
        _landscape_section(section)
        header = section.header.paragraphs[0]
        header.text = f"{brand.name} · {title.split(': ', 1)[-1]}"
        header.runs[0].font.size = Pt(8)
        footer = section.footer.paragraphs[0]
        for piece in (f"{marking} · Uncontrolled when printed · Page ", "PAGE", " of ", "NUMPAGES"):
            if piece in ("PAGE", "NUMPAGES"):
                _field(footer, piece)
            else:
                footer.add_run(piece).font.size = Pt(7.5)
    for table in doc.tables:
        _rule(table._tbl)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, brand.name, brand.name
    props.keywords = marking
    props.created = props.modified = dt.datetime.combine(date, dt.time())
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def _landscape(docx: bytes) -> bytes:
    doc = Docx(io.BytesIO(docx))
    for section in doc.sections:
        _landscape_section(section)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def _landscape_section(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Mm(18)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES): Word fills it in on every page."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = paragraph.add_run()
        run.font.size = Pt(7.5)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = "1"
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _rule(tbl) -> None:
    """Thin grey rules around and inside a table (pandoc's tables have none)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "A6A6A6")):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    tbl.tblPr.append(borders)
