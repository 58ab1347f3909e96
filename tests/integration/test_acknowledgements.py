"""Read and understood (clause 7.3) on the mini organisation, through the commands a document controller runs:
who owes an acknowledgement after approval, acknowledging, a new revision owed again, the audit log's chain over the
acknowledgements, bulk import all or nothing, overdue after the grace period, and the pages that show it."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil

import pytest

from generator.base.workspace import Workspace
from generator.checks.assess import assess as run
from generator.control.acknowledgements import obligations, recorded
from generator.control.audit import entry_hash
from generator.control.register import load_register

from ..conftest import MINI, approve_mini, copy_workspace, smsgen

pytestmark = pytest.mark.integration

DOC = "MF-PR-04"        # risk assessment: tasks for the Director and the Operations Manager, none for the guard
APPROVED_ON = "2026-11-23T10:00:00+00:00"
OWED_RE = re.compile(r"^\S.* \((\w+), site \w+\): (\d+) outstanding, (\d+) overdue$", re.M)


@pytest.fixture(scope="module")
def approved_mini(tmp_path_factory):
    """The mini set submitted by the guard and approved on 2026-11-23 under delegations, as tests/integration/
    test_control.py does it (the Director holds most functions, so the holders delegate approval to each other)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", APPROVED_ON)
    ws = copy_workspace(tmp_path_factory.mktemp("ack") / "mini", MINI)
    approve_mini(ws)
    mp.undo()
    return ws


@pytest.fixture
def ws(approved_mini, tmp_path, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-25T10:00:00+00:00")
    return Workspace.at(shutil.copytree(approved_mini.root, tmp_path / "mini"))


def holders_with_tasks(ws, doc_id: str) -> set[str]:
    """The oracle, from the rendering itself: the holders of every role the document gives a task to."""
    outcome = run(ws)
    roles = {key for key, tasks in outcome.result.tasks.items() if any(t.document.id == doc_id for t in tasks)}
    return {p.id for key in roles for p in outcome.org.role[key].holders}


def outstanding(ws, capsys, *args: str) -> dict[str, tuple[int, int]]:
    """Person id -> (outstanding, overdue), as `smsgen acknowledgements` prints them."""
    capsys.readouterr()
    assert smsgen(ws, "acknowledgements", *args) == 0
    return {m[0]: (int(m[1]), int(m[2])) for m in OWED_RE.findall(capsys.readouterr().out)}


def obligations_now(ws):
    outcome = run(ws)
    return obligations(outcome.org, outcome.documents, outcome.result.tasks, outcome.register, recorded(ws),
                       dt.date(2026, 11, 25))


def test_after_approval_exactly_the_holders_of_roles_with_tasks_owe_it_until_they_acknowledge(ws, capsys):
    expected = holders_with_tasks(ws, DOC)
    assert expected and expected != {p.id for p in run(ws).org.people}   # some people owe it, not everyone
    assert set(outstanding(ws, capsys, "--document", DOC)) == expected
    for person in sorted(expected):
        assert smsgen(ws, "acknowledge", DOC, "--by", person) == 0
        assert f"{DOC} revision 1: acknowledged by" in capsys.readouterr().out
    assert outstanding(ws, capsys, "--document", DOC) == {}
    # the entries are in the hash-chained log, with the approved fingerprint, and verify explains them
    fingerprint = load_register(ws.register_file, "r").documents[DOC].current.fingerprint
    made = [a for a in recorded(ws) if a.document == DOC]
    assert {(a.person, a.revision, a.fingerprint, a.date) for a in made} == \
        {(p, "1", fingerprint, "2026-11-25") for p in expected}
    assert smsgen(ws, "verify") == 0


def test_a_new_revision_is_owed_again_and_the_old_acknowledgement_does_not_count(ws, capsys):
    expected = holders_with_tasks(ws, DOC)
    for person in expected:
        assert smsgen(ws, "acknowledge", DOC, "--by", person) == 0
    assert smsgen(ws, "revise", DOC, "--by", "bob", "--change", "Yard renamed") == 0
    # a draft of revision 2 leaves revision 1 in force, acknowledged
    assert outstanding(ws, capsys, "--document", DOC) == {}
    assert smsgen(ws, "submit", DOC, "--by", "cal") == 0
    assert smsgen(ws, "approve", DOC, "--by", "ann") == 0
    assert set(outstanding(ws, capsys, "--document", DOC)) == expected
    owed = [o for o in obligations_now(ws) if o.document.id == DOC]
    assert {(o.revision, o.outstanding) for o in owed} == {("2", True)}
    # a sign-off sheet for revision 1 is reported, not recorded; revision 2 is recorded
    person = sorted(expected)[0]
    sheet = ws.root / "sheet.csv"
    sheet.write_text(f"person,document,revision,date\n{person},{DOC},1,2026-11-24\n{person},{DOC},2,2026-11-25\n")
    capsys.readouterr()
    assert smsgen(ws, "acknowledge", "--import", str(sheet)) == 0
    out, err = capsys.readouterr()
    assert f"sheet.csv:2:1: revision: revision 1 of {DOC} is not the one in force (2" in err
    assert f"{DOC} revision 2: acknowledged by" in out and "1 acknowledgement(s) recorded" in out
    assert [(a.person, a.revision) for a in recorded(ws) if a.document == DOC and a.revision == "2"] == [(person, "2")]
    assert smsgen(ws, "verify") == 0


def test_refusals_write_nothing_and_a_repeat_is_reported_not_recorded(ws, capsys):
    before = ws.audit_file.read_bytes()
    cases = [(("MF-PR-04", "--by", "nobody"), "unknown person 'nobody'"),
             (("MF-PR-04", "--by", "cal"), "Cal Cooper owes no acknowledgement of MF-PR-04"),
             (("MF-F-01", "--by", "cal"), "MF-F-01: Forms need no acknowledgement"),
             (("MF-PR-04", "--by", "ann", "--date", "2026-11-01"), "before revision 1 was approved (2026-11-23)"),
             (("MF-PR-04", "--by", "ann", "--date", "2026-12-01"), "in the future"),
             (("MF-XX-99", "--by", "ann"), "unknown document 'MF-XX-99'"),
             (("--by", "ann"), "name the documents read, or use --all-due")]
    for args, message in cases:
        capsys.readouterr()
        assert smsgen(ws, "acknowledge", *args) == 2, args
        assert message in capsys.readouterr().err, args
    assert ws.audit_file.read_bytes() == before
    # a document not approved: withdrawn, so nothing is in force
    assert smsgen(ws, "withdraw", DOC, "--by", "ann", "--reason", "Merged") == 0
    capsys.readouterr()
    assert smsgen(ws, "acknowledge", DOC, "--by", "ann") == 2
    assert f"{DOC} is not approved (it is obsolete)" in capsys.readouterr().err
    # the same revision twice: the first stands, the repeat is reported and exits 0 (the record asked for exists)
    assert smsgen(ws, "acknowledge", "MF-OP-01", "--by", "cal", "--date", "2026-11-24") == 0
    size = len(ws.audit_file.read_bytes())
    capsys.readouterr()
    assert smsgen(ws, "acknowledge", "MF-OP-01", "--by", "cal") == 0
    assert "already acknowledged on 2026-11-24" in capsys.readouterr().out
    assert len(ws.audit_file.read_bytes()) == size


def test_all_due_acknowledges_everything_the_person_owes(ws, capsys):
    owed = outstanding(ws, capsys, "--person", "cal@mini.example")
    assert owed["cal"][0] > 1
    assert smsgen(ws, "acknowledge", "--all-due", "--by", "cal") == 0
    assert outstanding(ws, capsys, "--person", "cal") == {}
    assert smsgen(ws, "acknowledge", "--all-due", "--by", "cal") == 0
    assert "owes no acknowledgement: nothing is due" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", ["edit", "forge"])
def test_verify_detects_a_tampered_acknowledgement(ws, tamper, capsys):
    assert smsgen(ws, "acknowledge", DOC, "--by", "ann") == 0
    assert smsgen(ws, "verify") == 0
    lines = ws.audit_file.read_text().splitlines()
    entry = json.loads(lines[-1])
    assert entry["action"] == "acknowledge"
    entry["fingerprint"] = "0" * 64
    if tamper == "forge":     # the chain recomputed: the register still shows it acknowledges no approved content
        entry["hash"] = entry_hash(entry)
    lines[-1] = json.dumps(entry)
    ws.audit_file.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert smsgen(ws, "verify") == 1
    err = capsys.readouterr().err
    assert f"control/audit.jsonl:{len(lines)}:1:" in err
    assert ("content does not match its hash" if tamper == "edit" else "does not record as approved") in err


def test_bulk_import_reports_every_bad_row_and_writes_nothing(ws, capsys):
    before = ws.audit_file.read_bytes()
    sheet = ws.root / "signoff.csv"
    with sheet.open("w", newline="") as handle:
        csv.writer(handle).writerows([
            ["Person", "Document", "Revision", "Date", "Course"],
            ["ann@mini.example", "MF-OP-01", "1", "2026-11-24", "Induction"],     # good
            ["zed", "MF-OP-01", "1", "2026-11-24", ""],
            ["ann", "MF-XX-01", "1", "2026-11-24", ""],
            ["ann", "MF-OP-02", "7", "2026-11-24", ""],
            ["ann", "MF-OP-03", "1", "24/11/2026", ""],
            ["cal", DOC, "1", "2026-11-24", ""],
            ["ann", "MF-OP-04", "", "2026-11-24", ""]])
    assert smsgen(ws, "acknowledge", "--import", str(sheet)) == 2
    err = capsys.readouterr().err
    for row, column, message in ((3, "person", "unknown person 'zed'"), (4, "document", "unknown document"),
                                 (5, "revision", "has no revision '7'"), (6, "date", "not a date"),
                                 (7, "document", "owes no acknowledgement"), (8, "revision", "missing")):
        assert re.search(rf"signoff\.csv:{row}:1: {column}: .*{re.escape(message)}", err), (row, err)
    assert "signoff.csv:2:" not in err
    assert ws.audit_file.read_bytes() == before
    missing = ws.root / "short.csv"
    missing.write_text("person,document\nann,MF-OP-01\n")
    assert smsgen(ws, "acknowledge", "--import", str(missing)) == 2
    assert "short.csv:1:1: header: no column revision, date" in capsys.readouterr().err


def test_an_xlsx_export_with_e_mails_and_date_cells_is_recorded(ws, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["person", "document", "revision", "date", "score"])
    book.active.append(["Bob@Mini.example", DOC, 1, dt.datetime(2026, 11, 24), 95])
    book.save(ws.root / "lms.xlsx")
    assert smsgen(ws, "acknowledge", "--import", str(ws.root / "lms.xlsx")) == 0
    made = [a for a in recorded(ws) if a.document == DOC]
    assert [(a.person, a.date) for a in made] == [("bob", "2026-11-24")]
    assert json.loads(ws.audit_file.read_text().splitlines()[-1])["source"] == "import lms.xlsx:2"


def test_overdue_after_the_grace_period_shows_in_the_report_readiness_and_role_pages(ws, capsys, monkeypatch):
    assert smsgen(ws, "acknowledge", "--all-due", "--by", "cal") == 0
    assert all(late == 0 for _, late in outstanding(ws, capsys).values())
    monkeypatch.setenv("SMSGEN_NOW", "2026-12-24T10:00:00+00:00")    # procedures: 30 days after 2026-11-23
    late = outstanding(ws, capsys, "--overdue")
    assert set(late) == {"ann", "bob"} and all(n == overdue > 0 for n, overdue in late.values())
    assert smsgen(ws, "acknowledgements", "--overdue", "--csv", str(ws.root / "late.csv")) == 0
    rows = list(csv.DictReader((ws.root / "late.csv").open()))
    assert rows and {r["person"] for r in rows} == {"ann", "bob"} and {r["overdue"] for r in rows} == {"yes"}
    assert smsgen(ws, "build", "--no-site") in (0, 1)
    readiness = (ws.docs_dir / "readiness.md").read_text()
    operation = readiness.split("## The SMS in operation")[1].split("## ")[0]
    line = next(x for x in operation.splitlines() if "People have read and understood" in x)
    assert "fail" in line and "acknowledgement(s) overdue" in line and "Ann Archer" in line
    director = (ws.docs_dir / "roles" / "director.md").read_text()
    assert "## Still to read" in director and f"[{DOC}]" in director and "**overdue**" in director
    guard = (ws.docs_dir / "roles" / "yard_guard.md").read_text().split("## Still to read")[1]
    assert "Cal Cooper | Nothing outstanding" in guard
    page = (ws.docs_dir / "acknowledgements.md").read_text()
    assert "## By document" in page and "## By person" in page and f"[{DOC}]" in page
    # and `smsgen check` warns, naming the first people and documents overdue
    warned = [f.message for f in run(ws).findings if f.code == "readiness.awareness"]
    assert warned and "acknowledgement(s) overdue" in warned[0] and any("Ann Archer" in m for m in warned)


def test_pages_name_no_document_the_audience_may_not_see(ws):
    assert smsgen(ws, "build", "--no-site", "--audience", "employees") in (0, 1)
    outcome = run(ws)
    hidden = [d for d in outcome.documents if not d.classification.visible_at(1)]
    owed_hidden = {o.document.id for o in obligations_now(ws)} & {d.id for d in hidden}
    assert owed_hidden, "the mini set owes acknowledgements of plans employees may not see"
    pages = [ws.docs_dir / "acknowledgements.md", *(ws.docs_dir / "roles").glob("*.md")]
    for page in pages:
        text = page.read_text()
        assert not [d.id for d in hidden if d.id in text or d.title in text], page.name
    assert "(not published on this site)" in (ws.docs_dir / "acknowledgements.md").read_text()


def test_a_plain_workspace_owes_nothing_and_the_awareness_check_passes(mini, capsys):
    assert smsgen(mini, "acknowledgements") == 0
    assert "no approved document needs an acknowledgement yet" in capsys.readouterr().out
    assert smsgen(mini, "build", "--no-site") in (0, 1)
    readiness = (mini.docs_dir / "readiness.md").read_text()
    line = next(x for x in readiness.splitlines() if "People have read and understood" in x)
    assert "pass" in line and "no approved document yet" in line
