"""Approvals are attributed to the right people: a document is approved by a holder of its approver function (or
under a recorded delegation), its author is whoever prepared it, its reviewer is who submitted it, and nobody
approves a document they authored or submitted. On the reference organisation, following the README."""
from __future__ import annotations

import re
import shlex

from generator.checks.assess import assess as run
from generator.control.register import load_register

from ..conftest import REPO, edit, smsgen


def first_issue_commands() -> list[list[str]]:
    """The submit and approve commands of the README's "A typical first issue", as written."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"A typical first issue:\s*```sh\n(.*?)```", readme, re.S)
    assert block, "README.md has no 'A typical first issue' block"
    commands = [shlex.split(line.split("#")[0]) for line in block.group(1).splitlines()]
    return [c[1:] for c in commands if c[:2] in (["smsgen", "submit"], ["smsgen", "approve"])]


def assert_attributed(ws) -> None:
    """Every document approved by a holder of its approver function, author and reviewer not the approver, the
    author of a first issue a holder of its owner function."""
    outcome = run(ws)
    org, register = outcome.org, load_register(ws.register_file, "register")
    wrong = []
    for doc in outcome.documents:
        rev = register.documents[doc.id].current
        approver_holders = {p.id for p in doc.approver.holders}
        if rev.status != "approved" or rev.approver not in approver_holders or rev.delegation is not None:
            wrong.append(f"{doc.id}: approved by {rev.approver}, approver function held by {sorted(approver_holders)}")
        if rev.author == rev.approver or rev.reviewer == rev.approver:
            wrong.append(f"{doc.id}: author {rev.author}, reviewer {rev.reviewer}, approver {rev.approver}")
        if rev.author not in {p.id for p in doc.owner.holders}:
            wrong.append(f"{doc.id}: author {rev.author} does not hold the owner function ({doc.owner.key})")
        # what every page shows: the approver's role title beside a person who holds that role
        state = outcome.states[doc.id]
        if state.approved_by not in {p.name for p in doc.approver.holders}:
            wrong.append(f"{doc.id}: page shows approver {doc.approver.title} ({state.approved_by})")
    assert not wrong, "\n".join(wrong)
    assert org is not None


def test_the_readme_first_issue_attributes_every_approval_correctly(workspace, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-02T09:00:00+00:00")
    commands = first_issue_commands()
    assert commands[0][0] == "submit" and len(commands) > 1
    for args in commands:
        assert smsgen(workspace, *args) == 0, args
    assert smsgen(workspace, "build", "--controlled", "--no-site") == 0
    assert smsgen(workspace, "verify") == 0
    assert_attributed(workspace)
    register = load_register(workspace.register_file, "register")
    submitter = commands[0][commands[0].index("--by") + 1]
    assert {e.current.reviewer for e in register.documents.values()} == {submitter}


def test_the_shared_approved_set_is_attributed_correctly(approved):
    assert_attributed(approved)


def test_authors_of_first_issues_and_revisions(mini, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-23T10:00:00+00:00")
    outcome = run(mini)
    by_key = {d.key: d for d in outcome.documents}
    incident, policy = by_key["incident-management"], by_key["security-policy"]
    # a first issue's author is a holder of its owner function, whoever submits it ...
    assert smsgen(mini, "submit", incident.id, "--by", "cal") == 0
    # ... unless --author says who prepared it
    assert smsgen(mini, "submit", policy.id, "--by", "cal", "--author", "bob") == 0
    register = load_register(mini.register_file, "register")
    assert (register.documents[incident.id].current.author, register.documents[incident.id].current.reviewer) == \
        ("bob", "cal")                                         # incident_lead: the Operations Manager, Bob
    assert register.documents[policy.id].current.author == "bob"
    assert smsgen(mini, "approve", incident.id, "--by", "ann") == 0
    # a revision's author is whoever revised it
    assert smsgen(mini, "revise", incident.id, "--by", "cal", "--change", "Call tree updated") == 0
    assert smsgen(mini, "submit", incident.id, "--by", "bob") == 0
    assert load_register(mini.register_file, "register").documents[incident.id].current.author == "cal"


def test_approval_follows_the_approver_function_and_recorded_delegations(mini, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-23T10:00:00+00:00")
    doc = next(d for d in run(mini).documents if d.key == "document-control")   # owner and approver: Ann
    assert smsgen(mini, "submit", doc.id, "--by", "cal") == 0
    capsys.readouterr()
    assert smsgen(mini, "approve", doc.id, "--by", "ann") == 2                   # her own document
    assert "author of revision 1" in capsys.readouterr().err
    assert smsgen(mini, "approve", doc.id, "--by", "bob") == 2                   # not his function
    err = capsys.readouterr().err
    assert "no authority to approve" in err and "smsgen delegate --function sms_manager" in err
    # only a holder of the function may delegate it; a delegation needs a reason and a future end date
    refused = [("--function", "sms_manager", "--to", "cal", "--by", "bob", "--reason", "x"),
               ("--function", "sms_manager", "--to", "bob", "--by", "ann", "--reason", " "),
               ("--function", "sms_manager", "--to", "bob", "--by", "ann", "--reason", "x", "--until", "2020-01-01"),
               ("--function", "sms_manager", "--to", "ann", "--by", "ann", "--reason", "x")]
    for args in refused:
        assert smsgen(mini, "delegate", *args) == 2, args
    assert not load_register(mini.register_file, "register").delegations
    assert smsgen(mini, "delegate", "--function", "sms_manager", "--to", "bob", "--by", "ann",
                  "--reason", "Ann wrote the procedure", "--until", "2026-12-31") == 0
    assert smsgen(mini, "approve", doc.id, "--by", "bob") == 0
    rev = load_register(mini.register_file, "register").documents[doc.id].current
    assert (rev.approver, rev.delegation) == ("bob", "D1")
    capsys.readouterr()
    assert smsgen(mini, "status", doc.id) == 0
    assert "D1: sms_manager approvals delegated to Bob Baker by Ann Archer" in capsys.readouterr().out
    assert smsgen(mini, "verify") == 0
    assert "D1:" in capsys.readouterr().out
    # revoked, it no longer lets Bob approve
    assert smsgen(mini, "delegate", "--revoke", "D1", "--by", "ann", "--reason", "Ann is back") == 0
    assert smsgen(mini, "revise", doc.id, "--by", "cal", "--change", "Retention periods") == 0
    assert smsgen(mini, "submit", doc.id, "--by", "cal") == 0
    assert smsgen(mini, "approve", doc.id, "--by", "bob") == 2
    assert smsgen(mini, "approve", doc.id, "--by", "ann") == 0
    assert smsgen(mini, "verify") == 0
    # a delegation edited in the register is not explained by the log
    edit(mini.register_file, "to: bob", "to: cal")
    assert smsgen(mini, "verify") == 1
    assert "delegation D1 in the register differs" in capsys.readouterr().err


def test_check_flags_a_template_whose_owner_approves_it(mini, capsys):
    same = "sms_manager"
    override = mini.root / "sms_templates" / "plans" / "self-approved.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: self-approved\nnumber: '88'\ntitle: Self-approved plan\nsummary: A test.\n"
                        f"type: plan\nclauses: ['8.1']\nowner: {same}\napprover: {same}\n---\nBody.\n",
                        encoding="utf-8")
    hit = next(f for f in run(mini).findings if f.code == "set.owner-approves")
    assert hit.severity.name == "error" and hit.path == "sms_templates/plans/self-approved.md.j2" and hit.line == 9
    assert "top_management" in hit.hint
    assert smsgen(mini, "check") == 1
