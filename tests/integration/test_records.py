"""Readiness from evidence on the reference organisation (issue 15): its first cycle of records passes every
evidence check; taking the management review away, or leaving a clause unaudited, fails naming what is missing. The
records pages and the dashboard are built from the same records."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from generator.base.clock import today
from generator.checks.assess import assess
from generator.checks.evidence import evidence
from generator.model.clauses import iso28000
from generator.model.load import load

from ..unit.test_records import with_records

pytestmark = pytest.mark.integration


def failed(ws) -> dict[str, list[str]]:
    org, findings, _ = load(ws)
    assert org is not None, [str(f) for f in findings]
    return {c.key: c.details for c in evidence(org, today()) if not c.passed}


def test_the_reference_organisation_passes_on_evidence(workspace):
    assert failed(workspace) == {}


def test_without_its_management_review_it_fails_naming_it(workspace):
    (workspace.data_dir / "records" / "management_reviews.yml").unlink()
    assert failed(workspace) == {"review-held": ["no management review recorded in the last 12 months"]}


def test_a_clause_left_unaudited_fails_naming_it(workspace):
    audits = workspace.data_dir / "records" / "audits.yml"
    text = audits.read_text(encoding="utf-8")
    audits.write_text(text.replace('"7.4", ', "").replace(', "7.4"', ""), encoding="utf-8")
    clauses = sum(1 for c in iso28000() if c.depth >= 1)
    assert failed(workspace) == {
        "audits-held": [f"1 of {clauses} clauses not audited in the last 12 months: 7.4"]}


def test_the_records_pages_and_dashboard_are_built_from_the_records(built_site):
    org = load(built_site)[0]
    site = built_site.site_dir / "records"
    assert (site / "index.html").exists() and (site / "dashboard" / "index.html").exists()
    for audit in org.records.audits:
        page = (site / "audits" / audit.id / "index.html").read_text(encoding="utf-8")
        assert f"Internal audit report {audit.id}" in page
        assert all(f.id in page for f in audit.findings)
    minutes = (site / "reviews" / org.records.reviews[0].id / "index.html").read_text(encoding="utf-8")
    assert "not considered" not in minutes and "Whether resources (people, equipment, budget) are adequate" in minutes
    programme = (site / "audit-programme" / "index.html").read_text(encoding="utf-8")
    assert "not audited" not in programme and all(a.id in programme for a in org.records.audits)
    for exercise in org.records.exercises:
        report = (site / "exercises" / exercise.id / "index.html").read_text(encoding="utf-8")
        assert f"Exercise report {exercise.id}" in report and all(s in report for s in exercise.scenarios)
    log = (site / "actions" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{a.id.lower()}"' in log for a in org.records.actions)
    figures = sorted((site / "figures").glob("*.svg"))
    assert {f.name for f in figures} >= {f"objective-{m.objective.lower()}.svg" for m in org.records.measurements}
    for figure in figures:
        root = ET.fromstring(figure.read_text(encoding="utf-8"))   # well-formed, standalone SVG
        assert root.tag.endswith("svg") and not root.findall(".//{http://www.w3.org/2000/svg}script")
    incidents = (site / "incidents" / "index.html").read_text(encoding="utf-8")
    # every notification with a deadline in the legal register was made within it, and the page says so
    assert "<strong>late</strong>" not in incidents
    assert incidents.count(": met)") == 4   # HMRC's duty (LR-01) is "at once": no hours to meet


def test_a_record_naming_an_unknown_document_is_an_error_at_its_line(mini):
    """Documents briefed in a training session are checked against the rendered set, by key or ID."""
    with_records(mini, **{"training.yml": "# yaml-language-server: $schema=../.schema/training.schema.json\n"
                                          "sessions:\n  - {id: TR-01, date: 2026-08-20, title: Awareness, "
                                          "kind: awareness, trainer: Ann, attendees: [bob],\n"
                                          "     documents: [security-policy, MF-PR-04, no-such-document]}\n"})
    found = [f for f in assess(mini).findings if f.path == "data/records/training.yml"]
    assert [(f.line, f.message, f.severity.name) for f in found] == [
        (4, "no document has the key or ID 'no-such-document'", "error")]
