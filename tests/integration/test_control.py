"""Document control: lifecycle, authority, approvals bound to content, review dates, the audit trail.
Revision labels and month arithmetic are in tests/unit/test_revisions.py."""
from __future__ import annotations

import json

import pytest

from generator.checks.assess import assess as run
from generator.control.register import load_register

from ..conftest import edit, smsgen

DOC = "MF-PR-04"   # risk assessment: its table of sites prints the site names
# The mini organisation's director (Ann) holds the document controller, SMS manager and top management functions,
# so by default she is the author of DOC (owner: document controller) and its approver (SMS manager): tests that have
# Ann approve it name Bob, who submits it, as its author.
BY_BOB = ("--by", "bob", "--author", "bob")


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-23T10:00:00+00:00")


def snapshot(ws) -> tuple[bytes, bytes]:
    read = lambda p: p.read_bytes() if p.exists() else b""  # noqa: E731
    return read(ws.register_file), read(ws.audit_file)


def control_codes(ws, **kwargs) -> dict[str, list]:
    outcome = run(ws, **kwargs)
    codes: dict[str, list] = {}
    for f in outcome.findings:
        if f.code.startswith("control."):
            codes.setdefault(f.code, []).append(f)
    return codes


def test_full_lifecycle_with_approval_bound_to_content(mini, now, capsys):
    assert any(f.message.startswith(DOC) for f in control_codes(mini, controlled=True)["control.not-approved"])
    assert smsgen(mini, "submit", "--all", "--by", "cal") == 0
    # in a three-person company the owner of a document often also holds its approver function: the holders
    # delegate approval to each other, on the record, so nobody approves their own document
    for function, to, by in (("top_management", "bob", "ann"), ("sms_manager", "bob", "ann"),
                             ("security_manager", "ann", "bob")):
        assert smsgen(mini, "delegate", "--function", function, "--to", to, "--by", by,
                      "--reason", "The holder owns many of the documents this function approves") == 0
    assert smsgen(mini, "approve", "--all", "--by", "ann") == 0
    assert smsgen(mini, "approve", "--all", "--by", "bob") == 0
    assert control_codes(mini, controlled=True) == {}
    register, outcome = load_register(mini.register_file, "r"), run(mini)
    for doc in outcome.documents:
        rev = register.documents[doc.id].current
        assert rev.author != rev.approver and rev.reviewer == "cal", doc.id
        # an approval by someone who does not hold the approver function names the delegation it was made under
        assert (rev.delegation is not None) == (doc.approver.key not in outcome.org.person[rev.approver].roles)
    state = run(mini).states[DOC]
    assert (state.revision, state.status, state.effective, state.next_review) == ("1", "approved", "2026-11-23",
                                                                                  "2028-11-23")
    # a change to data the procedure prints makes it "changed since approval", with the changed lines
    edit(mini.data_dir / "sites.yml", "name: Hull yard", "name: Hull container yard")
    changed = {f.message.split()[0]: f for f in control_codes(mini, controlled=True)["control.changed-since-approval"]}
    message = changed[DOC].message.replace("\n    ", "\n")
    assert "-| YD Hull yard |" in message and "+| YD Hull container yard |" in message
    preview = run(mini)
    assert preview.states[DOC].status == "changed" and preview.states[DOC].revision == "2 (draft)"
    assert smsgen(mini, "build", "--controlled", "--no-site") == 1
    # revise, submit and approve again: revision 2, both revisions in the history
    for doc_id in changed:
        assert smsgen(mini, "revise", doc_id, "--by", "cal", "--change", "Yard renamed") == 0
    assert smsgen(mini, "submit", *changed, "--by", "cal") == 0
    assert smsgen(mini, "approve", "--all", "--by", "ann", "--comment", "Checked against the site list") == 0
    smsgen(mini, "approve", "--all", "--by", "bob")
    assert control_codes(mini, controlled=True) == {}
    entry = load_register(mini.register_file, "r").documents[DOC]
    assert [(r.revision, r.status) for r in entry.revisions] == [("1", "superseded"), ("2", "approved")]
    assert entry.revisions[1].change == "Yard renamed" and entry.revisions[1].approver == "ann"
    history = run(mini).states[DOC].history
    assert [h.revision for h in history] == ["1", "2"] and history[1].approver == "Ann Archer"
    assert smsgen(mini, "verify") == 0


def test_refusals_change_nothing(mini, now, capsys):
    assert smsgen(mini, "submit", DOC, "--by", "bob") == 0
    before = snapshot(mini)
    assert smsgen(mini, "approve", DOC, "--by", "ann") == 2          # the author (a holder of the owner function)
    assert "author of revision 1" in capsys.readouterr().err
    assert smsgen(mini, "approve", DOC, "--by", "bob") == 2          # the reviewer, who submitted it
    assert "submitted revision 1" in capsys.readouterr().err
    assert snapshot(mini) == before
    assert smsgen(mini, "approve", DOC, "--by", "cal") == 2          # no approval authority for procedures
    err = capsys.readouterr().err
    assert "no authority to approve" in err and "Ann Archer" in err
    assert snapshot(mini) == before
    assert smsgen(mini, "approve", DOC, "--by", "nobody") == 2       # not a person in the data
    assert "unknown person 'nobody'" in capsys.readouterr().err
    assert smsgen(mini, "submit", DOC, "--by", "bob") == 2           # already in review
    assert snapshot(mini) == before


def test_content_changed_after_submission_cannot_be_approved(mini, now, capsys):
    assert smsgen(mini, "submit", DOC, *BY_BOB) == 0
    edit(mini.data_dir / "sites.yml", "name: Hull yard", "name: Hull trailer park")
    assert smsgen(mini, "approve", DOC, "--by", "ann") == 2
    assert "changed after it was submitted" in capsys.readouterr().err
    assert smsgen(mini, "reject", DOC, "--by", "ann", "--comment", "Resubmit with the new yard name") == 0
    assert smsgen(mini, "submit", DOC, "--by", "bob") == 0            # the author recorded first stays the author
    assert smsgen(mini, "approve", DOC, "--by", "ann") == 0


def test_withdrawn_documents_are_obsolete(mini, now):
    for args in (("submit", DOC, *BY_BOB), ("approve", DOC, "--by", "ann"),
                 ("withdraw", DOC, "--by", "ann", "--reason", "Merged into the manual")):
        assert smsgen(mini, *args) == 0
    assert run(mini).states[DOC].status == "obsolete"
    assert smsgen(mini, "verify") == 0


def test_review_due_and_overdue(mini, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_NOW", "2024-01-10T09:00:00+00:00")
    assert smsgen(mini, "submit", DOC, *BY_BOB) == 0
    assert smsgen(mini, "approve", DOC, "--by", "ann") == 0          # effective 2024-01-10, review every 24 months
    monkeypatch.setenv("SMSGEN_NOW", "2025-12-20T09:00:00+00:00")
    capsys.readouterr()
    assert smsgen(mini, "review-due", "--within", "30") == 0
    assert "2026-01-10" in capsys.readouterr().out
    monkeypatch.setenv("SMSGEN_NOW", "2026-02-01T09:00:00+00:00")
    assert smsgen(mini, "review-due") == 1
    assert "OVERDUE" in capsys.readouterr().out
    assert "control.review-overdue" in control_codes(mini)


@pytest.mark.parametrize("tamper", ["delete", "edit", "swap"])
def test_verify_detects_a_tampered_audit_log(mini, now, tamper, capsys):
    for args in (("submit", DOC, *BY_BOB), ("approve", DOC, "--by", "ann"),
                 ("revise", DOC, "--by", "bob", "--change", "x")):
        assert smsgen(mini, *args) == 0
    assert smsgen(mini, "verify") == 0
    lines = mini.audit_file.read_text().splitlines()
    if tamper == "delete":
        del lines[1]
    elif tamper == "edit":
        entry = json.loads(lines[1])
        entry["by"] = "cal"
        lines[1] = json.dumps(entry, sort_keys=True, separators=(",", ":"))
    else:
        lines[0], lines[1] = lines[1], lines[0]
    mini.audit_file.write_text("\n".join(lines) + "\n")
    assert smsgen(mini, "verify") == 1
    assert "audit.jsonl:" in capsys.readouterr().err


def test_verify_detects_a_register_the_log_does_not_explain(mini, now, capsys):
    assert smsgen(mini, "submit", DOC, "--by", "bob") == 0
    edit(mini.register_file, "status: in_review", "status: approved")
    assert smsgen(mini, "verify") == 1
    assert "the log ends at 'in_review'" in capsys.readouterr().err


def test_restricted_documents_never_reach_a_lower_audience(mini):
    override = mini.root / "sms_templates" / "plans" / "secret.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: secret-plan\nnumber: '77'\ntitle: Vault plan\nsummary: Where the keys are.\n"
                        "type: plan\nclassification: restricted\nclauses: ['8.6.4']\nowner: security_manager\n"
                        "approver: sms_manager\n---\nThe vault code is kept in {{ ref('document-control') }}.\n",
                        encoding="utf-8")
    assert smsgen(mini, "build", "--audience", "employees") in (0, 1)
    index = (mini.site_dir / "search" / "search_index.json").read_text()
    assert "Vault plan" not in index and "MF-PL-77" not in index
    assert not (mini.docs_dir / "plans" / "MF-PL-77.md").exists()
    assert "Vault plan" not in (mini.site_dir / "index.html").read_text()
    assert smsgen(mini, "build", "--audience", "security") in (0, 1)
    assert "Vault plan" in (mini.site_dir / "search" / "search_index.json").read_text()
