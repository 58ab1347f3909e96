"""Gap analysis: the questionnaire covers every clause the question bank asks about, is validated like every data
file (each mistake at its line), travels to a client as a workbook and back without losing an answer, and the plan
follows from the gaps: owners from the documents that address a clause, absent before partial, scheduled from the
kickoff, saying plainly when a target date cannot be met."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.model.clauses import catalogue
from generator.model.gap import questionnaire_clauses
from generator.model.load import load
from generator.publish.gap.plan import PREREQUISITES, DocRef, Owner, Plan, make_plan, role_owner, setting_of
from generator.publish.gap.questionnaire import blank

from ..conftest import edit

KICKOFF = dt.date(2026, 3, 16)   # a Monday


def start(ws, *args: str) -> int:
    return main(["-C", str(ws.root), "gap", "start", "--date", "2026-03-02", *args])


def gap_file(ws) -> Path:
    return ws.data_dir / "gap_analysis.yml"


def set_status(ws, clause: str, status: str, extra: str = "") -> None:
    """Answer one clause of the questionnaire `gap start` wrote."""
    edit(gap_file(ws), f'    - clause: "{clause}"\n      status: not_assessed\n      evidence:\n',
         f'    - clause: "{clause}"\n      status: {status}\n      evidence:{extra}\n')


def loaded(ws):
    org, findings, _ = load(ws)
    assert org is not None and not findings.fatal, [str(f) for f in findings]
    return org, findings


# --- the questionnaire ---------------------------------------------------------------------------------------------

def test_the_questionnaire_asks_every_clause_with_questions_and_loads_clean(mini):
    assert start(mini) == 0
    text = gap_file(mini).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=.schema/gap_analysis.schema.json\n")
    org, findings = loaded(mini)
    asked = [c for c in catalogue().values() if c.standard == "ISO 28000" and c.questions]
    assert asked == questionnaire_clauses() and len(asked) == 52
    assert [a.clause for a in org.gap.clauses] == [c.number for c in asked]
    assert all(a.status == "not_assessed" for a in org.gap.clauses)
    assert org.gap.assessed_by == "Ann Archer" and org.gap.kickoff == KICKOFF   # the SMS manager; two weeks on
    assert [f for f in findings if f.path.endswith("gap_analysis.yml")] == []
    for clause in asked:   # what to ask is written above each entry
        entry = text.index(f'- clause: "{clause.number}"')
        above = text[text.rindex(f"# {clause.label}\n", 0, entry):entry]
        assert all(question.split()[0] in above for question in clause.questions)
        assert "# Ask:" in above


def test_start_never_overwrites_a_gap_analysis(mini, capsys):
    assert start(mini) == 0
    set_status(mini, "4.1", "absent")
    before = gap_file(mini).read_text(encoding="utf-8")
    assert start(mini) == 2
    assert "already started" in capsys.readouterr().err
    assert gap_file(mini).read_text(encoding="utf-8") == before


def test_every_mistake_in_the_gap_analysis_is_reported_at_its_line(mini):
    assert start(mini, "--kickoff", "2026-04-06") == 0
    path = gap_file(mini)
    edit(path, '- clause: "4.2.1"', '- clause: "4.2.9"')
    edit(path, '    - clause: "4.3"\n      status: not_assessed', '    - clause: "4.3"\n      status: done')
    edit(path, '    - clause: "5.1"\n      status: not_assessed\n      evidence:\n      notes:\n      owner:',
         '    - clause: "5.1"\n      status: absent\n      evidence:\n      notes:\n      owner: zed')
    edit(path, "  stage1_target:", "  stage1_target: 2026-04-01")
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines) if text in line) + 1

    _, findings, _ = load(mini)
    got = {(f.line, f.field): f.message for f in findings if f.path == "data/gap_analysis.yml"}
    assert "Input should be" in got[(line_of("status: done"), "gap_analysis.clauses[5].status")]
    # the file no longer validates, so nothing of it reaches the cross-file rules: fix the status and look again
    edit(path, "status: done", "status: absent")
    _, findings, _ = load(mini)
    got = {(f.line, f.field): (f.message, f.severity.name) for f in findings if f.path == "data/gap_analysis.yml"}
    assert got[(line_of('"4.2.9"'), "gap_analysis.clauses[2].clause")] == (
        "unknown ISO 28000 clause '4.2.9'", "fatal")
    assert got[(line_of("owner: zed"), "gap_analysis.clauses[7].owner")] == ("unknown person id 'zed'", "fatal")
    assert got[(line_of("stage1_target:"), "gap_analysis.stage1_target")] == (
        "stage1_target (2026-04-01) is not after the kickoff (2026-04-06)", "error")
    missing = got[(line_of("clauses:"), "gap_analysis.clauses")]
    assert missing == ("1 clause(s) not in the gap analysis: 4.2.1", "warning")


def test_a_clause_in_place_needs_evidence_and_one_not_applicable_a_reason(mini):
    assert start(mini) == 0
    set_status(mini, "4.1", "in_place")
    set_status(mini, "7.4", "not_applicable")
    _, findings = loaded(mini)
    warned = sorted(f.message for f in findings if f.code == "data.gap-evidence")
    assert warned == ["4.1 is in place with no evidence", "7.4 is not applicable with no reason"]


# --- the workbook ----------------------------------------------------------------------------------------------------

def rows_by_clause(sheet) -> dict[str, int]:
    return {str(sheet.cell(r, 1).value): r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value}


def test_a_filled_in_workbook_comes_back_into_the_yaml(mini, tmp_path):
    book_path = tmp_path / "gap.xlsx"
    assert start(mini, "--xlsx", str(book_path)) == 0
    book = load_workbook(book_path)
    sheet = book["Gap analysis"]
    assert sheet.protection.sheet and len(sheet.data_validations.dataValidation) == 3   # dates, status, owner
    rows = rows_by_clause(sheet)
    assert set(rows) >= {c.number for c in questionnaire_clauses()}
    sheet.cell(rows["4.1"], 4, "Absent")
    sheet.cell(rows["4.1"], 6, "No record of issues.")
    sheet.cell(rows["4.1"], 7, "Bob Baker (bob)")
    sheet.cell(rows["8.4"], 4, "In place")
    sheet.cell(rows["8.4"], 5, "Gate log and patrol records for 2026 seen.")
    sheet.cell(7, 3, "2026-10-05")                    # Stage 1 wanted, typed as text
    sheet.cell(8, 3, dt.datetime(2026, 11, 16))       # Stage 2 wanted, as a date
    book.save(book_path)
    assert main(["-C", str(mini.root), "gap", "import", str(book_path)]) == 0
    org, _ = loaded(mini)
    gap = org.gap
    assert (gap.kickoff, gap.stage1_target, gap.stage2_target) == (KICKOFF, dt.date(2026, 10, 5),
                                                                   dt.date(2026, 11, 16))
    first = gap.answer("4.1")
    assert (first.status, first.notes, first.owner) == ("absent", "No record of issues.", "bob")
    assert (gap.answer("8.4").status, gap.answer("8.4").evidence) == ("in_place",
                                                                      "Gate log and patrol records for 2026 seen.")
    assert gap.answer("5.1").status == "not_assessed"
    assert "# Ask:" in gap_file(mini).read_text(encoding="utf-8")   # still the questionnaire, comments and all


def test_a_workbook_with_mistakes_is_refused_naming_each_row(mini, tmp_path, capsys):
    book_path = tmp_path / "gap.xlsx"
    assert start(mini, "--xlsx", str(book_path)) == 0
    before = gap_file(mini).read_text(encoding="utf-8")
    book = load_workbook(book_path)
    sheet = book["Gap analysis"]
    rows = rows_by_clause(sheet)
    sheet.cell(rows["4.1"], 4, "Done")
    sheet.cell(rows["6.2"], 7, "Zed Zimmer (zed)")
    sheet.cell(6, 3, "next spring")
    book.save(book_path)
    capsys.readouterr()
    assert main(["-C", str(mini.root), "gap", "import", str(book_path)]) == 2
    err = capsys.readouterr().err
    assert f"{book_path}:{rows['4.1']}: status: 'Done' is not a status" in err
    assert f"{book_path}:{rows['6.2']}: owner: unknown person 'Zed Zimmer (zed)'" in err
    assert f"{book_path}:6: kickoff: 'next spring' is not a date" in err
    assert "Traceback" not in err
    assert gap_file(mini).read_text(encoding="utf-8") == before


def test_an_answer_that_differs_is_a_conflict_unless_forced_and_none_is_lost(mini, tmp_path, capsys):
    book_path = tmp_path / "gap.xlsx"
    assert start(mini, "--xlsx", str(book_path)) == 0
    set_status(mini, "4.1", "in_place", " Context register of 2026-01-10 seen.")
    before = gap_file(mini).read_text(encoding="utf-8")
    yaml_line = before.splitlines().index("      status: in_place") + 1
    book = load_workbook(book_path)
    sheet = book["Gap analysis"]
    rows = rows_by_clause(sheet)
    sheet.cell(rows["4.1"], 4, "Partial")
    sheet.cell(rows["4.3"], 4, "Absent")
    book.save(book_path)
    capsys.readouterr()
    assert main(["-C", str(mini.root), "gap", "import", str(book_path)]) == 2
    err = capsys.readouterr().err
    assert (f"{book_path}:{rows['4.1']}: status: the workbook says 'Partial', data/gap_analysis.yml:{yaml_line} "
            "says 'In place'") in err
    assert gap_file(mini).read_text(encoding="utf-8") == before
    assert main(["-C", str(mini.root), "gap", "import", "--force", str(book_path)]) == 0
    org, _ = loaded(mini)
    taken = org.gap.answer("4.1")
    assert (taken.status, taken.evidence) == ("partial", "Context register of 2026-01-10 seen.")   # evidence kept
    assert org.gap.answer("4.3").status == "absent"


def test_start_with_a_workbook_keeps_an_existing_analysis_and_carries_its_answers(mini, tmp_path):
    assert start(mini) == 0
    set_status(mini, "4.1", "absent")
    before = gap_file(mini).read_text(encoding="utf-8")
    book_path = tmp_path / "gap.xlsx"
    assert start(mini, "--xlsx", str(book_path)) == 0
    assert gap_file(mini).read_text(encoding="utf-8") == before
    sheet = load_workbook(book_path)["Gap analysis"]
    assert sheet.cell(rows_by_clause(sheet)["4.1"], 4).value == "Absent"
    assert start(mini, "--xlsx", str(book_path)) == 2   # a workbook may hold a client's answers: never overwritten


# --- the plan --------------------------------------------------------------------------------------------------------

def plan_for(mini, statuses: dict[str, str], docs: list[DocRef], **dates) -> Plan:
    org, _ = loaded(mini)
    gap = blank("Consultant", dt.date(2026, 3, 2), KICKOFF)
    for number, status in statuses.items():
        gap.answer(number).status = status
    for name, value in dates.items():
        setattr(gap, name, value)
    return make_plan(gap, docs, setting_of(org))


def in_place_except(*gaps: str) -> dict[str, str]:
    return {c.number: ("absent" if c.number in gaps else "in_place") for c in questionnaire_clauses()}


def documents(mini) -> list[DocRef]:
    org, _ = loaded(mini)
    director, ops = role_owner(org, org.role["director"]), role_owner(org, org.role["ops_manager"])
    return [DocRef("M-SYS-01", "Scope of the SMS", "core", ("4.3",), director),
            DocRef("M-PR-04", "Risk assessment", "procedure", ("6.1.2", "8.3"), director),
            DocRef("M-OP-01", "Access control", "operational", ("8.4",), ops),
            DocRef("M-F-01", "Gate log", "form", ("8.4",), ops),
            DocRef("M-MAN-01", "SMS manual", "manual", tuple(c.number for c in questionnaire_clauses()), director)]


def clause_tasks(plan: Plan, number: str):
    return [t for t in plan.tasks if t.group and number in t.clauses]


def test_tasks_follow_from_the_gaps_with_the_owner_of_the_documents(mini):
    plan = plan_for(mini, in_place_except("8.4"), documents(mini))
    assert clause_tasks(plan, "4.3") == [] and clause_tasks(plan, "6.1.2") == []   # in place: nothing to do
    write, implement = clause_tasks(plan, "8.4")
    assert write.name == "Write and issue 2 documents for 8.4 Controls"
    assert write.documents == ["M-F-01 Gate log", "M-OP-01 Access control"]
    assert write.owner == Owner("ops_manager", "Operations Manager (Bob Baker)")
    assert implement.name == "Implement and record 8.4 Controls" and implement.after == [write]
    assert implement.owner == write.owner
    manual = next(t for t in plan.tasks if t.documents == ["M-MAN-01 SMS manual"])
    assert manual.clauses == ["8.4"] and manual.start > write.end   # the manual summarises: written last
    names = [t.name for t in plan.tasks if not t.group]
    assert names[:3] == ["Kick-off meeting", "Form the SMS committee", "Train the internal auditors"]
    assert names[-3:] == ["Stage 1 audit", "Rectify the Stage 1 findings", "Stage 2 audit"]
    audit = next(t for t in plan.tasks if t.name == "First internal audit of every clause")
    assert audit.clauses == [c.number for c in questionnaire_clauses()]


def test_nothing_to_do_but_operate_audit_and_certify_when_every_clause_is_in_place(mini):
    plan = plan_for(mini, in_place_except(), documents(mini))
    assert [t for t in plan.tasks if t.group] == [] and "issued" not in plan.milestones
    assert plan.milestones["stage1"].start >= plan.milestones["records"].end


def test_the_owner_named_in_the_gap_analysis_leads_the_clause(mini):
    org, _ = loaded(mini)
    gap = blank("Consultant", dt.date(2026, 3, 2), KICKOFF)
    for answer in gap.clauses:
        answer.status = "in_place"
    gap.answer("8.4").status, gap.answer("8.4").owner = "partial", "cal"
    plan = make_plan(gap, documents(mini), setting_of(org))
    write, implement = clause_tasks(plan, "8.4")
    assert write.name.startswith("Complete and issue") and implement.name == "Close the gaps in 8.4 Controls"
    assert implement.owner.label == "Cal Cooper (Yard Guard)"


def test_absent_clauses_are_written_before_partial_ones(mini):
    statuses = in_place_except("8.3") | {"4.3": "partial"}
    plan = plan_for(mini, statuses, documents(mini))
    (scope,), (risk,) = ([t for t in clause_tasks(plan, n) if t.phase == "Documentation"] for n in ("4.3", "8.3"))
    assert risk.owner == scope.owner and risk.end < scope.start   # one writer: the absent clause first


def test_the_schedule_starts_at_the_kickoff_and_keeps_every_dependency(mini):
    statuses = {c.number: ("absent", "partial", "in_place")[i % 3] for i, c in enumerate(questionnaire_clauses())}
    plan = plan_for(mini, statuses, documents(mini))
    assert plan.tasks[0].name == "Kick-off meeting" and plan.tasks[0].start == KICKOFF
    assert [t.number for t in plan.tasks] == list(range(1, len(plan.tasks) + 1))
    for task in plan.tasks:
        assert task.start >= KICKOFF and task.start.weekday() < 5 and task.end >= task.start
        for before in task.after:
            assert task.start >= before.end, (task.name, before.name)
            assert before.number < task.number or before.start == task.start
    practice = [t for t in plan.tasks if t.phase == "Implementation"]
    records = plan.milestones["records"]
    assert records.start > max(t.end for t in practice)
    assert (records.end - records.start).days >= 89   # three months of records (cycle.yml evidence_months)
    assert records.start <= plan.milestones["audit"].start <= plan.milestones["review"].start <= records.end
    assert plan.problems == []


def test_an_impossible_stage1_target_is_reported_and_a_possible_one_kept(mini):
    soon = plan_for(mini, in_place_except("4.3", "8.4"), documents(mini), stage1_target=dt.date(2026, 4, 1))
    stage1 = soon.milestones["stage1"]
    assert stage1.start > dt.date(2026, 4, 1)
    assert soon.problems[0].startswith("The Stage 1 target (2026-04-01) cannot be met")
    assert f"The earliest Stage 1 is {stage1.start}" in soon.problems[0]
    later = plan_for(mini, in_place_except("4.3", "8.4"), documents(mini), stage1_target=dt.date(2027, 3, 1),
                     stage2_target=dt.date(2027, 3, 15))
    assert later.milestones["stage1"].start == dt.date(2027, 3, 1)
    assert later.problems[0].startswith("The Stage 2 target (2027-03-15) cannot be met")
    assert later.milestones["stage2"].start > dt.date(2027, 3, 15)


@pytest.mark.parametrize("clause", sorted(PREREQUISITES))
def test_a_clause_builds_only_on_earlier_clauses(clause):
    order = list(catalogue())
    assert all(order.index(p) < order.index(clause) for p in PREREQUISITES[clause])
