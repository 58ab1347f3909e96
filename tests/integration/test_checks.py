"""Integrity checks over the rendered set, each shown failing on a fixture made to break it."""
from __future__ import annotations

from types import SimpleNamespace

from generator.checks.assess import assess as run
from generator.checks.integrity import check_documents

from .test_readiness import template


def codes(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in run(ws).findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_the_reference_organisation_checks_clean(workspace):
    assert run(workspace).findings == []


def test_a_clause_addressed_by_no_document_is_reported(mini_outcome):
    outcome = mini_outcome
    # the same set, with clause 7.1 removed from every document that names it
    stripped = [SimpleNamespace(**{**vars(d), "clauses": [c for c in d.clauses if c != "7.1"]})
                for d in outcome.documents]
    uncovered = [f.message for f in check_documents(outcome.org, stripped) if f.code == "set.clause-uncovered"]
    assert uncovered == ["clause 7.1 (Resources) is addressed by no document"]
    # a subclause counts for its parent: 7.5 is covered through 7.5.1-7.5.3
    assert not any(m.startswith("clause 7.5 ") for m in uncovered)


def test_placeholder_text_and_empty_cells_are_reported(mini):
    template(mini, "procedures/draft.md.j2", key="draft-procedure", number="90", title="Draft", type="procedure",
             clauses="'8.4'", body="Steps: TBD.\n\n| Owner | Site |\n|---|---|\n| [insert owner] | HO |\n| Guard | |\n")
    found = [f.message for f in codes(mini)["set.placeholder"]]
    assert any("'TBD'" in m for m in found) and any("[insert owner]" in m for m in found)
    assert any("empty table cell" in m for m in found)


def test_a_role_without_job_description_is_reported(mini):
    template(mini, "job-descriptions/job-description.md.j2", key="jd-generic", number="GEN", title="Generic duties",
             type="job_description", clauses="'5.3'", body="Duties of all staff.")
    found = codes(mini)["set.role-undescribed"]
    assert {f.message.split("'")[1] for f in found} == {"director", "ops_manager", "yard_guard"}


def test_a_form_no_procedure_uses_is_reported(mini):
    template(mini, "forms/orphan.md.j2", key="form-orphan", number="88", title="Orphan form", type="form",
             clauses="'7.5.3'", body="| Field | Entry |\n|---|---|\n| Name | |")
    assert any("MF-F-88" in f.message for f in codes(mini)["set.form-unused"])
