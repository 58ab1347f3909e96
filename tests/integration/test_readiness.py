"""Each Stage 1 readiness check passes on a fixture that meets it and fails on one that does not."""
from __future__ import annotations

import generator.checks.assess
from generator.checks.assess import assess as run
from generator.checks.readiness import readiness

from ..conftest import smsgen

FRONT = ("---\nkey: {key}\nnumber: '{number}'\ntitle: {title}\nsummary: For the readiness tests.\ntype: {type}\n"
         "clauses: [{clauses}]\nowner: sms_manager\napprover: sms_manager\n---\n{body}\n")


def template(ws, path: str, **fields) -> None:
    target = ws.root / "sms_templates" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(FRONT.format(**fields), encoding="utf-8")


def check(ws, key: str):
    outcome = run(ws)
    return next(c for c in readiness(outcome.org, outcome.documents, outcome.states) if c.key == key)


AUDIT_BODY = ("| Clause | Quarter |\n|---|---|\n"
              "{% for c in clauses.values() if c.standard == 'ISO 28000' and c.depth == 1 "
              "%}| {{ c.number }} | Q{{ loop.index % 4 + 1 }} |\n{% endfor %}")


def test_audit_programme_must_cover_every_clause(mini):
    template(mini, "plans/internal-audit-programme.md.j2", key="internal-audit-programme", number="03",
             title="Internal audit programme", type="plan", clauses="'9.2.2'", body=AUDIT_BODY)
    assert check(mini, "audit-programme").passed
    template(mini, "plans/internal-audit-programme.md.j2", key="internal-audit-programme", number="03",
             title="Internal audit programme", type="plan", clauses="'9.2.2'",
             body=AUDIT_BODY.replace("c.depth == 1", "c.depth == 1 and c.number != '8.4'"))
    result = check(mini, "audit-programme")
    assert not result.passed and result.details == ["clause 8.4 is not in the programme"]


def test_management_review_needs_minutes(mini):
    assert check(mini, "management-review").passed
    template(mini, "forms/management-review-minutes.md.j2", key="form-management-review-minutes", number="34",
             title="Management review minutes", type="form", clauses="'9.3.2'",
             body="| Input | Decision |\n|---|---|\n| | |")
    result = check(mini, "management-review")
    assert not result.passed and "no management review minutes form (clause 9.3.3)" in result.details


def drop_clause_10_2(ws) -> None:
    """Rewrite both procedures of the library that address clause 10.2 so that none does."""
    template(ws, "procedures/corrective-action.md.j2", key="corrective-action", number="13",
             title="Improvement", type="procedure", clauses="'10.1'",
             body="Improvements are logged on {{ ref('form-corrective-action') }}.")
    template(ws, "procedures/incident-management.md.j2", key="incident-management", number="14",
             title="Security incident reporting", type="procedure", clauses="'8.4'",
             body="Incidents are reported on {{ ref('form-incident-report') }}.")


def test_corrective_action_process_must_exist(mini):
    assert check(mini, "corrective-action").passed
    drop_clause_10_2(mini)
    assert not check(mini, "corrective-action").passed


def test_no_document_may_refer_to_an_obsolete_one(mini, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-02T09:00:00+00:00")
    assert check(mini, "no-obsolete-references").passed
    policy = next(d for d in run(mini).documents if d.key == "security-policy")
    # Ann owns and approves the policy in the mini organisation: Cal is named as its author
    assert smsgen(mini, "submit", policy.id, "--by", "cal", "--author", "cal") == 0
    assert smsgen(mini, "approve", policy.id, "--by", "ann") == 0
    assert smsgen(mini, "withdraw", policy.id, "--by", "ann", "--reason", "Replaced by the group policy") == 0
    result = check(mini, "no-obsolete-references")
    assert not result.passed and any(f"references {policy.id} which is obsolete" in d for d in result.details)


def test_failed_readiness_checks_are_check_warnings(mini):
    drop_clause_10_2(mini)
    hit = next(f for f in run(mini).findings if f.code == "readiness.corrective-action")
    assert hit.severity.name == "warning"


def test_a_check_failing_many_times_reports_the_first_few_and_a_count(mini, monkeypatch):
    monkeypatch.setattr(generator.checks.assess, "READINESS_DETAILS_SHOWN", 1)
    scope = mini.root / "data" / "scope.yml"
    text = scope.read_text(encoding="utf-8")
    scope.write_text(text.replace("Freight booking and trailer parking at the Hull office and Hull yard.",
                                  "Freight booking and trailer parking."), encoding="utf-8")
    hits = [f.message for f in run(mini).findings if f.code == "readiness.scope-sites"]
    assert hits == ["The scope names every site with its physical and logical boundaries: "
                    "the scope statement does not name Hull office",
                    "The scope names every site with its physical and logical boundaries: 1 more like these"]
