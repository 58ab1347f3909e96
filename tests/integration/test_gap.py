"""From a fresh client workspace to the implementation plan: `gap start`, the consultant's answers, `gap report`, and
every output read back (the PDF's text, the DOCX's tables, the plan workbook, the SVG figures): the plan's tasks are
the gaps, owned by whoever owns the documents that address them, and an impossible Stage 1 target is said so."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.cli import main
from generator.model.gap import questionnaire_clauses

from ..conftest import edit

pytestmark = pytest.mark.integration
SVG = "{http://www.w3.org/2000/svg}"
ANSWERS = {"4.3": ("absent", "", "No written scope; boundaries of the depot unknown."),
           "5.2": ("partial", "A 2019 policy signed by the former director.", "Not communicated to staff."),
           "6.1.2": ("absent", "", "Risks discussed at meetings, never assessed or recorded."),
           "8.4": ("partial", "Gate and CCTV in place at the distribution centre.", "No seal procedure."),
           "9.2.2": ("absent", "", "")}


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """A workspace from `smsgen init`, its gap analysis answered and reported on, with what the commands printed."""
    root = tmp_path_factory.mktemp("gap") / "client"
    assert main(["init", str(root)]) == 0
    ws = Workspace.at(root)
    assert main(["-C", str(root), "gap", "start", "--date", "2026-03-02", "--kickoff", "2026-03-16"]) == 0
    path = ws.data_dir / "gap_analysis.yml"
    edit(path, "  stage1_target:", "  stage1_target: 2026-05-04")   # seven weeks: not achievable
    for clause in questionnaire_clauses():
        status, evidence, notes = ANSWERS.get(clause.number, ("in_place", "Seen in the records of 2025.", ""))
        edit(path, f'    - clause: "{clause.number}"\n      status: not_assessed\n      evidence:\n      notes:\n',
             f'    - clause: "{clause.number}"\n      status: {status}\n      evidence: {evidence}\n'
             f'      notes: {notes}\n')
    assert main(["-C", str(root), "check"]) == 0
    assert main(["-C", str(root), "gap", "report"]) == 0
    return ws, assess(ws)


def gaps() -> set[str]:
    return set(ANSWERS)


def test_the_plan_workbook_has_a_task_for_every_gap_and_none_for_what_is_in_place(reported):
    ws, outcome = reported
    book = load_workbook(ws.dist_dir / "gap" / "implementation-plan.xlsx")
    assert book.sheetnames == ["Plan", "Gap analysis", "Summary", "Key dates"]
    header, *rows = list(book["Plan"].values)
    tasks = [dict(zip(header, row)) for row in rows]
    worked = [t for t in tasks if t["Phase"] in ("Documentation", "Implementation") and t["Milestone"] == "No"]
    served = {c for t in worked for c in t["Clauses"].split(", ") if c}
    assert served == gaps()
    implemented = {c for t in worked if t["Phase"] == "Implementation" for c in t["Clauses"].split(", ")}
    assert implemented == gaps()
    # 6.1.2 is absent: every document addressing it is written, each by a task of its owner
    addressing = {d.id: d for d in outcome.documents if "6.1.2" in d.clauses}   # the manual too, written last
    writes = [t for t in worked if t["Phase"] == "Documentation" and "6.1.2" in t["Clauses"].split(", ")]
    written = {line.split(" ")[0] for t in writes for line in t["Documents"].split("; ")}
    assert written == set(addressing)
    for task in writes:
        (owner,) = {addressing[line.split(" ")[0]].owner.title for line in task["Documents"].split("; ")}
        assert task["Owner"].startswith(owner + " (")   # the role, then who holds it
    # absent before partial: the absent clauses' writing starts no later than the partial ones'
    first = {c: min(t["Start"] for t in worked if c in t["Clauses"].split(", ")) for c in gaps()}
    assert max(first[c] for c in gaps() if ANSWERS[c][0] == "absent") <= min(first["5.2"], first["8.4"])
    stages = {t["Task"]: t for t in tasks if t["Milestone"] == "Yes"}
    assert stages["Kick-off meeting"]["Start"].date() == dt.date(2026, 3, 16)
    assert stages["Stage 1 audit"]["Start"].date() > dt.date(2026, 5, 4)
    assert stages["Stage 2 audit"]["Start"] > stages["Stage 1 audit"]["End"]
    dates = {row[0]: row for row in list(book["Key dates"].values)[1:]}
    assert dates["Stage 1 audit"][3].startswith("The Stage 1 target (2026-05-04) cannot be met")


def test_the_report_reads_the_same_in_pdf_and_docx(reported):
    ws, _ = reported
    out = ws.dist_dir / "gap"
    book = load_workbook(out / "implementation-plan.xlsx")
    tasks = list(book["Plan"].values)[1:]
    pdf = " ".join((page.extract_text() or "") for page in PdfReader(out / "gap-report.pdf").pages)
    flat = " ".join(pdf.split())
    assert "Gap analysis and implementation plan: ABC Logistics" in flat
    assert "Target not achievable. The Stage 1 target (2026-05-04) cannot be met" in flat
    for number, (_, _, notes) in ANSWERS.items():
        assert number in flat and (not notes or notes in flat)
    assert "Confidential · Uncontrolled when printed" in flat
    docx = Docx(str(out / "gap-report.docx"))
    table = docx.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["No.", "Task", "Owner", "Start", "End", "After", "Clauses"]
    assert len(table.rows) - 1 == len(tasks)
    for row, task in zip(table.rows[1:], tasks):
        cells = [c.text for c in row.cells]
        assert cells[0] == str(task[0]) and cells[1].startswith(task[1]) and cells[3] == task[4].date().isoformat()
    assert "Page" in docx.sections[0].footer.paragraphs[0].text
    assert "ABC Logistics" in docx.sections[0].header.paragraphs[0].text
    assert len(docx.inline_shapes) == 2   # the two figures


def test_the_figures_are_standalone_svg_naming_every_task(reported):
    ws, _ = reported
    out = ws.dist_dir / "gap"
    tasks = list(load_workbook(out / "implementation-plan.xlsx")["Plan"].values)[1:]
    timeline = ET.parse(out / "figures" / "plan-timeline.svg").getroot()
    assert timeline.tag == f"{SVG}svg" and timeline.find(f"{SVG}title").text == "Implementation plan"
    tips = {t.text.split(" ")[0] for t in timeline.iter(f"{SVG}title")}
    assert {str(task[0]) for task in tasks} <= tips
    assert not any(e.tag.endswith("script") or e.get("href") for e in timeline.iter())
    status = ET.parse(out / "figures" / "gap-status.svg").getroot()
    labels = [t.text for t in status.iter(f"{SVG}text")]
    assert "All clauses" in labels and "10 Improvement" in labels
    in_place = round(100 * (len(questionnaire_clauses()) - len(ANSWERS)) / len(questionnaire_clauses()))
    assert f"{in_place}%" in labels


def test_a_report_without_a_gap_analysis_is_refused(tmp_path, capsys):
    root = tmp_path / "client"
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    assert main(["-C", str(root), "gap", "report"]) == 2
    assert "no gap analysis to report on" in capsys.readouterr().err
