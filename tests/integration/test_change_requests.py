"""Change requests on the mini organisation, through the commands a document controller runs: one request takes three
documents through revise -> submit -> approve together and is released; a document of an open request is refused on
its own; a refusal on any one document approves none; bad input is reported all at once; the register, the audit log,
`status`, the site's history table and the Change requests page show the request; `verify` finds a hand edit."""
from __future__ import annotations

import re
import shutil

import pytest

from generator.base.workspace import Workspace
from generator.control.audit import read_entries
from generator.control.register import load_register

from ..conftest import MINI, approve_mini, copy_workspace, smsgen

pytestmark = pytest.mark.integration

APPROVED_ON = "2026-11-23T10:00:00+00:00"
DOCS = ("MF-PR-04", "MF-OP-01", "MF-F-11")   # approved by the SMS manager, the SMS manager, the security manager
ASSESSMENT = ("--impact", "The gate procedures and the risk assessment's site table",
              "--risks", "R-01", "--risk-effect", "R-01 falls once the new gate camera is in",
              "--resources", "A contractor for two days", "--responsibilities", "The Operations Manager makes it",
              "--timing", "Before 2027-01-31", "--interim-controls", "A guard stays at the old gate")


@pytest.fixture(scope="module")
def approved_mini(tmp_path_factory):
    """The mini set submitted by the guard and approved on 2026-11-23 under delegations, as
    tests/integration/test_acknowledgements.py makes it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", APPROVED_ON)
    ws = copy_workspace(tmp_path_factory.mktemp("cr") / "mini", MINI)
    approve_mini(ws)
    mp.undo()
    return ws


@pytest.fixture
def ws(approved_mini, tmp_path, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-25T10:00:00+00:00")
    return Workspace.at(shutil.copytree(approved_mini.root, tmp_path / "mini"))


def open_request(ws, *docs: str, by: str = "bob") -> None:
    assert smsgen(ws, "change-request", "open", "--by", by, "--title", "Yard gate moved north", "--reason",
                  "The old gate is being closed", "--documents", *docs, *ASSESSMENT) == 0


def files(ws) -> tuple[bytes, bytes]:
    return ws.register_file.read_bytes(), ws.audit_file.read_bytes()


def refused(ws, capsys, *args: str) -> str:
    """Run a command that must be refused with nothing written; its messages."""
    before = files(ws)
    capsys.readouterr()
    assert smsgen(ws, *args) == 2, args
    assert files(ws) == before, args
    return capsys.readouterr().err


def test_one_request_takes_three_documents_through_the_lifecycle_together(ws, capsys):
    open_request(ws, *DOCS)
    assert smsgen(ws, "revise", "--change-request", "CR-001", "--by", "cal") == 0
    entries = {d: load_register(ws.register_file, "r").documents[d] for d in DOCS}
    assert {(e.current.revision, e.current.status, e.current.change_request, e.current.change)
            for e in entries.values()} == {("2", "draft", "CR-001", "CR-001: Yard gate moved north")}
    # a document of the open request is not submitted or approved on its own
    assert "MF-PR-04 belongs to change request CR-001" in refused(ws, capsys, "submit", "MF-PR-04", "--by", "cal")
    assert smsgen(ws, "submit", "--change-request", "CR-001", "--by", "cal") == 0
    assert "CR-001: in review" in capsys.readouterr().out
    err = refused(ws, capsys, "approve", "MF-PR-04", "--by", "ann")
    assert "MF-PR-04 belongs to change request CR-001 (in review" in err
    assert "smsgen approve --change-request CR-001 --by PERSON" in err
    # approve --all leaves the request's documents to approve --change-request (here: nothing else to approve)
    before = files(ws)
    assert smsgen(ws, "approve", "--all", "--by", "ann") == 2
    assert "change request(s) CR-001 in review" in capsys.readouterr().out and files(ws) == before
    assert smsgen(ws, "approve", "--change-request", "CR-001", "--by", "ann", "--effective", "2026-12-01") == 0
    assert "CR-001: released (3 documents approved together)" in capsys.readouterr().out
    register = load_register(ws.register_file, "r")
    for doc_id in DOCS:
        revisions = register.documents[doc_id].revisions
        assert [(r.revision, r.status, r.change_request) for r in revisions] == \
            [("1", "superseded", None), ("2", "approved", "CR-001")]
        assert (revisions[1].approver, revisions[1].effective, revisions[1].author) == ("ann", "2026-12-01", "cal")
    cr = register.change_requests[0]
    assert (cr.id, cr.status, cr.released, cr.documents) == ("CR-001", "released", "2026-11-25", list(DOCS))
    # the audit log: each action on each document names the request, and the request's own moves
    log = read_entries(ws.audit_file)
    assert {(e["action"], e["document"]) for e in log if e.get("change_request") == "CR-001" and "document" in e} \
        >= {(a, d) for a in ("revise", "submit", "approve") for d in DOCS}
    assert [(e["from"], e["to"]) for e in log if e["action"] == "change-request-status"] == \
        [("open", "in_review"), ("in_review", "released")]
    opened = next(e for e in log if e["action"] == "change-request")
    assert opened["assessment"]["risks"] == ["R-01"] and opened["documents"] == list(DOCS)
    assert smsgen(ws, "verify") == 0
    # status, list and show name it
    capsys.readouterr()
    assert smsgen(ws, "status", *DOCS) == 0
    assert all("[CR-001]" in line for line in capsys.readouterr().out.splitlines()[1:4])
    assert smsgen(ws, "change-request", "show", "CR-001") == 0
    shown = capsys.readouterr().out
    assert "status:  Released" in shown and "interim controls: A guard stays at the old gate" in shown
    # the site: each document's history table names the request, and the Change requests page lists it
    assert smsgen(ws, "build") == 0
    for doc_id in DOCS:
        page = next(ws.site_dir.glob(f"*/{doc_id}/index.html")).read_text(encoding="utf-8")
        history = page[page.index('id="revision-history"'):]
        assert "<td>CR-001: Yard gate moved north</td>" in history, doc_id
    listing = (ws.docs_dir / "change-requests.md").read_text(encoding="utf-8")
    assert "| [CR-001](#cr-001) | Yard gate moved north | Released |" in listing
    assert "| **Interim controls** | A guard stays at the old gate |" in listing
    assert "[MF-F-11](forms/MF-F-11.md) | Management of change request | 2 | Approved |" in listing
    assert (ws.site_dir / "change-requests" / "index.html").exists()
    # the master document list shows the request of the current revision
    assert smsgen(ws, "master-list", "--csv", str(ws.root / "m.csv")) == 0
    rows = [line.split(",") for line in (ws.root / "m.csv").read_text(encoding="utf-8").splitlines()]
    assert rows[0][-1] == "Change request" and {r[0] for r in rows if r[-1] == "CR-001"} == set(DOCS)


def test_a_refusal_on_any_one_document_approves_none(ws, capsys):
    open_request(ws, *DOCS)
    assert smsgen(ws, "revise", "--change-request", "CR-001", "--by", "cal") == 0
    assert smsgen(ws, "submit", "--change-request", "CR-001", "--by", "cal") == 0
    # Ann approves for the security manager only under Bob's delegation D3: revoked, she may approve two of three
    assert smsgen(ws, "delegate", "--revoke", "D3", "--by", "bob", "--reason", "Back from leave") == 0
    err = refused(ws, capsys, "approve", "--change-request", "CR-001", "--by", "ann")
    assert "MF-F-11: Ann Archer has no authority to approve it" in err
    assert "MF-PR-04" not in err and "MF-OP-01" not in err
    register = load_register(ws.register_file, "r")
    assert {register.documents[d].current.status for d in DOCS} == {"in_review"}
    assert register.change_requests[0].status == "in_review"
    # Bob holds the security manager function and approves for the SMS manager under D2: all three at once
    assert smsgen(ws, "approve", "--change-request", "CR-001", "--by", "bob") == 0
    register = load_register(ws.register_file, "r")
    assert {register.documents[d].current.status for d in DOCS} == {"approved"}
    assert {register.documents[d].current.effective for d in DOCS} == {"2026-11-25"}
    assert register.change_requests[0].status == "released"
    assert smsgen(ws, "verify") == 0
    # a released request takes no more actions
    assert "CR-001 is released" in refused(ws, capsys, "revise", "--change-request", "CR-001", "--by", "cal")


def test_a_rejection_sends_the_request_back_and_approval_waits_for_every_document(ws, capsys):
    open_request(ws, *DOCS)
    assert smsgen(ws, "revise", "--change-request", "CR-001", "--by", "cal", "--change", "Gate moved") == 0
    assert smsgen(ws, "submit", "--change-request", "CR-001", "--by", "cal") == 0
    # rejecting one document is allowed: it holds the whole request back
    assert smsgen(ws, "reject", "MF-OP-01", "--by", "ann", "--comment", "Gate plan missing") == 0
    assert load_register(ws.register_file, "r").change_requests[0].status == "open"
    err = refused(ws, capsys, "approve", "--change-request", "CR-001", "--by", "ann")
    assert "MF-OP-01: revision 2 is still a draft, so CR-001 cannot be approved" in err
    capsys.readouterr()
    assert smsgen(ws, "submit", "--change-request", "CR-001", "--by", "cal") == 0
    assert "MF-OP-01 revision 2: submitted" in capsys.readouterr().out
    assert smsgen(ws, "approve", "--change-request", "CR-001", "--by", "ann") == 0
    entry = load_register(ws.register_file, "r").documents["MF-OP-01"]
    assert entry.current.change == "CR-001: Gate moved" and entry.current.status == "approved"
    assert smsgen(ws, "verify") == 0


def test_bad_input_is_reported_all_at_once_and_nothing_is_written(ws, capsys):
    err = refused(ws, capsys, "change-request", "open", "--by", "nobody", "--title", "Gate", "--reason", "  ",
                  "--documents", "MF-PR-04", "MF-XX-99", "MF-PR-04", *ASSESSMENT[:2], "--risks", "R-01", "R-77",
                  *ASSESSMENT[4:])
    for message in ("unknown person 'nobody'", "a change request needs why the change is made: reason is empty",
                    "unknown document 'MF-XX-99'", "MF-PR-04 is named twice", "unknown risk 'R-77'"):
        assert message in err, message
    assert "Traceback" not in err and "5 finding(s): 5 fatal" in err
    # the same from a file: each problem at its line
    (ws.root / "cr.yml").write_text("title: Gate\nreason: ''\ndocuments: [MF-PR-04, MF-XX-99, MF-PR-04]\n"
                                    "risks: [R-77]\nimpct: typo\n", encoding="utf-8")
    err = refused(ws, capsys, "change-request", "open", "--by", "bob", "--from-file", str(ws.root / "cr.yml"))
    assert "cr.yml:2:1: reason: a change request needs why the change is made: reason is empty" in err
    assert "cr.yml:3:1: documents: unknown document 'MF-XX-99'" in err and "MF-PR-04 is named twice" in err
    assert "cr.yml:4:1: risks: unknown risk 'R-77'" in err
    assert "cr.yml:5:1: impct: unknown field 'impct'" in err and "did you mean 'impact'?" in err
    # a document already in an open request cannot join another
    open_request(ws, "MF-PR-04")
    err = refused(ws, capsys, "change-request", "open", "--by", "bob", "--title", "Other", "--reason", "Why",
                  "--documents", "MF-PR-04", *ASSESSMENT)
    assert "MF-PR-04 already belongs to change request CR-001" in err
    assert "unknown change request 'CR-009'" in refused(ws, capsys, "approve", "--change-request", "CR-009",
                                                       "--by", "ann")
    assert "name no IDs, --type or --all" in refused(ws, capsys, "submit", "MF-OP-01", "--change-request", "CR-001",
                                                     "--by", "cal")


def test_verify_finds_a_hand_edited_request_and_revision_link(ws, capsys):
    open_request(ws, *DOCS)
    assert smsgen(ws, "revise", "--change-request", "CR-001", "--by", "cal") == 0
    assert smsgen(ws, "verify") == 0
    original = ws.register_file.read_text(encoding="utf-8")
    ws.register_file.write_text(original.replace("reason: The old gate is being closed",
                                                 "reason: The old gate was never used"), encoding="utf-8")
    capsys.readouterr()
    assert smsgen(ws, "verify") == 1
    assert "change request CR-001 differs from the request logged when it was opened (reason)" in \
        capsys.readouterr().err
    ws.register_file.write_text(original.replace("status: open", "status: released"), encoding="utf-8")
    assert smsgen(ws, "verify") == 1
    assert "change request CR-001 is 'released' in the register but the log ends at 'open'" in \
        capsys.readouterr().err
    ws.register_file.write_text(re.sub(r"\n +change_request: CR-001\n", "\n", original, count=1), encoding="utf-8")
    assert smsgen(ws, "verify") == 1
    assert "names change request none in the register but CR-001 in the log" in capsys.readouterr().err


def test_first_issues_in_a_request_and_cancelling_one(tmp_path, monkeypatch, capsys):
    """Documents never approved join a request as the drafts of their first issue; cancelling leaves every revision
    as it is and frees the documents."""
    monkeypatch.setenv("SMSGEN_NOW", APPROVED_ON)
    ws = copy_workspace(tmp_path / "mini", MINI)
    first = ("MF-OP-01", "MF-OP-05")       # approved by the SMS manager (Ann)
    open_request(ws, *first)
    assert "MF-OP-01 belongs to change request CR-001" in refused(ws, capsys, "submit", "--all", "--by", "cal")
    assert smsgen(ws, "revise", "--change-request", "CR-001", "--by", "bob") == 0
    register = load_register(ws.register_file, "r")
    assert {(d, e.current.revision, e.current.status, e.current.author, e.current.change)
            for d, e in register.documents.items()} == \
        {(d, "1", "draft", "bob", "CR-001: First issue") for d in first}
    assert smsgen(ws, "submit", "--change-request", "CR-001", "--by", "cal") == 0
    # whoever opened it, or the SMS manager or top management, may cancel it; the guard may not
    assert "Cal Cooper may not cancel CR-001" in refused(ws, capsys, "change-request", "cancel", "CR-001", "--by",
                                                         "cal", "--reason", "Not needed")
    assert smsgen(ws, "change-request", "cancel", "CR-001", "--by", "ann", "--reason", "Gate stays") == 0
    register = load_register(ws.register_file, "r")
    cr = register.change_requests[0]
    assert (cr.status, cr.cancelled_by, cr.cancel_reason) == ("cancelled", "ann", "Gate stays")
    assert {e.current.status for e in register.documents.values()} == {"in_review"}
    # the documents are free again: approved on their own, the revision still naming the request it was made under
    assert smsgen(ws, "approve", "MF-OP-01", "--by", "ann") == 0
    log = [e for e in read_entries(ws.audit_file) if e.get("document") == "MF-OP-01" and e["action"] == "approve"]
    assert log[0]["change_request"] == "CR-001"
    assert "CR-001 is cancelled" in refused(ws, capsys, "approve", "--change-request", "CR-001", "--by", "ann")
    assert smsgen(ws, "verify") == 0
    capsys.readouterr()
    assert smsgen(ws, "change-request", "list") == 0
    assert "CR-001 (cancelled): Yard gate moved north" in capsys.readouterr().out
