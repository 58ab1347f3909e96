"""Records as data (issue 15): what the SMS did is validated like every other data file, with each broken reference
reported at its line, and readiness judges the SMS on it: each evidence check fails on records made to break it."""
from __future__ import annotations

import datetime as dt

from generator.checks.evidence import evidence
from generator.model.clauses import iso28000
from generator.model.load import load
from generator.publish.records import external_page, incidents_page

from ..conftest import edit

DAY = dt.date(2026, 11, 24)
ALL_CLAUSES = ", ".join(f'"{c.number}"' for c in iso28000() if c.depth == 1)

RECORDS = {
    "audits.yml": f"""\
# yaml-language-server: $schema=../.schema/audits.schema.json
audits:
  - id: IA-01
    start: 2026-09-15
    end: 2026-09-16
    lead_auditor: ann
    external_auditor: Pat Lane, ISO 28000 lead auditor
    auditees: [bob, cal]
    clauses: [{ALL_CLAUSES}]
    sites: [HO, YD]
    conclusion: The SMS conforms, with one minor nonconformity at the yard.
    findings:
      - id: IA-01-F1
        grade: minor
        clause: "8.1"
        site: YD
        text: Two gate checks of 14 September were not recorded.
        action: CA-01
""",
    "corrective_actions.yml": """\
# yaml-language-server: $schema=../.schema/corrective_actions.schema.json
actions:
  - id: CA-01
    raised: 2026-09-16
    source: internal_audit
    reference: IA-01
    clause: "8.1"
    site: YD
    nonconformity: Gate checks not recorded on two occasions.
    cause: The night guard had no log sheet at the gate.
    action: Log sheets kept at the gate and checked at each handover.
    owner: bob
    due: 2026-10-31
    completed: 2026-10-10
    verification: {by: ann, date: 2026-11-10, effective: true, evidence: Thirty days of complete gate logs.}
""",
    "management_reviews.yml": """\
# yaml-language-server: $schema=../.schema/management_reviews.schema.json
reviews:
  - id: MR-01
    date: 2026-11-12
    chair: ann
    attendees: [ann, bob]
    inputs:
      previous_actions: First review.
      issues: No change.
      parties: No change.
      incidents: None.
      nonconformities: One minor, closed.
      monitoring: Gate logs complete since October.
      audits: IA-01, one minor.
      objectives: O-01 on track.
      risks: R-01 treatment in progress.
      partners: BP-01 approved.
      exercises: Both plans exercised.
      communication: None received.
      resources: Adequate.
      improvement: Electronic gate log.
    conclusions: {suitable: Yes., adequate: Yes., effective: Yes.}
    decisions:
      - {kind: improvement, decision: Trial an electronic gate log., owner: bob, due: 2027-03-31}
""",
    "exercises.yml": """\
# yaml-language-server: $schema=../.schema/exercises.schema.json
exercises:
  - {id: EX-01, date: 2026-10-05, site: YD, kind: drill, scenarios: [SC-01], led_by: bob, outcome: Gate shut.}
  - {id: EX-02, date: 2026-10-06, site: HO, kind: tabletop, scenarios: [SC-02], led_by: ann, outcome: Plan worked.}
""",
    "measurements.yml": """\
# yaml-language-server: $schema=../.schema/measurements.schema.json
objectives:
  - objective: O-01
    unit: trailer thefts
    target: 0
    better: lower
    readings:
      - {date: 2026-09-30, value: 0}
      - {date: 2026-10-31, value: 0}
""",
    "training.yml": """\
# yaml-language-server: $schema=../.schema/training.schema.json
sessions:
  - {id: TR-01, date: 2026-08-20, title: SMS awareness, kind: awareness, trainer: Ann Archer, attendees: [bob, cal]}
""",
}


def with_records(ws, **changed: str | None) -> None:
    folder = ws.data_dir / "records"
    folder.mkdir(exist_ok=True)
    for name, text in (RECORDS | changed).items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")


def checks(ws, today=DAY):
    org, findings, _ = load(ws)
    assert org is not None, [str(f) for f in findings]
    return {c.key: c for c in evidence(org, today)}


def test_a_complete_first_cycle_passes_every_evidence_check(mini):
    with_records(mini)
    org, findings, _ = load(mini)
    assert [str(f) for f in findings if f.severity >= 2] == []
    assert org is not None and len(org.records.audits) == 1 and org.records.action("CA-01").closed
    failed = {k: c.details for k, c in checks(mini).items() if not c.passed}
    assert failed == {}


def test_a_workspace_without_records_fails_on_evidence_naming_what_is_missing(mini):
    found = checks(mini)
    assert [k for k, c in found.items() if c.passed] == ["auditors-independent"]   # no audit, no conflict
    assert found["review-held"].details == ["no management review recorded in the last 12 months"]
    clauses = sum(1 for c in iso28000() if c.depth >= 1)
    assert found["audits-held"].details[0].startswith(f"{clauses} of {clauses} clauses not audited in the last 12")
    assert found["objectives-measured"].details == ["O-01 has no measurement in the last 3 months"]


def test_no_management_review_in_the_interval_fails(mini):
    with_records(mini, **{"management_reviews.yml": None})
    assert checks(mini)["review-held"].details == ["no management review recorded in the last 12 months"]
    # a review held, but longer ago than the interval, is no review
    with_records(mini)
    assert not checks(mini, dt.date(2028, 1, 1))["review-held"].passed


def test_a_review_that_skipped_an_input_fails_naming_it(mini):
    with_records(mini)
    edit(mini.data_dir / "records" / "management_reviews.yml", "      resources: Adequate.\n", "")
    assert checks(mini)["review-held"].details == [
        "MR-01 (2026-11-12) did not consider: whether resources (people, equipment, budget) are adequate"]


def test_a_clause_left_unaudited_fails_naming_it(mini):
    with_records(mini, **{"audits.yml": RECORDS["audits.yml"].replace('"8", ', "").replace(', "8"', "")
                          .replace('"8.4"', '"8.1"')})
    text = (mini.data_dir / "records" / "audits.yml").read_text(encoding="utf-8")
    (mini.data_dir / "records" / "audits.yml").write_text(text.replace(', "8.1"', ""), encoding="utf-8")
    details = checks(mini)["audits-held"].details
    assert len(details) == 1 and "clauses not audited in the last 12 months" in details[0]
    assert "8.1" in details[0]


def test_an_overdue_action_and_a_silent_month_fail(mini):
    with_records(mini)
    edit(mini.data_dir / "records" / "corrective_actions.yml", "    completed: 2026-10-10\n    verification: "
         "{by: ann, date: 2026-11-10, effective: true, evidence: Thirty days of complete gate logs.}\n", "")
    found = checks(mini)
    assert found["actions-tracked"].details == ["CA-01 is overdue: due 2026-10-31, owner Bob Baker"]
    # nothing dated between 25 August and 24 September once the audit, its action and training move out
    assert checks(mini, dt.date(2027, 2, 24))["operating"].details[0].startswith("no record dated")


def test_every_broken_reference_in_records_is_reported_at_its_line(mini):
    with_records(mini)
    folder = mini.data_dir / "records"
    edit(folder / "audits.yml", "clause: \"8.1\"", "clause: \"8.99\"")
    edit(folder / "audits.yml", "sites: [HO, YD]", "sites: [HO, XX]")
    edit(folder / "corrective_actions.yml", "owner: bob", "owner: bobby")
    edit(folder / "exercises.yml", "scenarios: [SC-01]", "scenarios: [SC-09]")
    edit(folder / "management_reviews.yml", "      resources: Adequate.\n", "      resourcez: Adequate.\n")
    edit(folder / "measurements.yml", "target: 0", "target: 3")
    _, findings, _ = load(mini)
    got = {(f.path, f.line): f.message for f in findings if f.severity >= 2}
    assert got[("data/records/audits.yml", 15)] == "unknown clause '8.99'"
    assert got[("data/records/audits.yml", 10)] == "unknown site code 'XX'"
    assert "unknown person id 'bobby'" in got[("data/records/corrective_actions.yml", 12)]
    assert "unknown scenario ID 'SC-09'" in got[("data/records/exercises.yml", 3)]
    assert "'resources' or 'improvement'" in got[("data/records/management_reviews.yml", 20)]
    assert "target 3 is not the target O-01 states" in got[("data/records/measurements.yml", 5)]


def test_a_nonconformity_needs_a_corrective_action(mini):
    with_records(mini)
    edit(mini.data_dir / "records" / "audits.yml", "        action: CA-01\n", "")
    _, findings, _ = load(mini)
    assert any(f.code == "data.record-action" and f.line == 13 and "IA-01-F1 is a minor nonconformity" in f.message
               for f in findings), [str(f) for f in findings]


def test_an_auditor_auditing_their_own_site_without_an_external_auditor_fails(mini):
    with_records(mini)
    assert checks(mini)["auditors-independent"].passed   # an external auditor is on the team
    edit(mini.data_dir / "records" / "audits.yml", "    external_auditor: Pat Lane, ISO 28000 lead auditor\n", "")
    assert checks(mini)["auditors-independent"].details == [
        "IA-01: Ann Archer audited their own area (site HO)"]


EXTERNAL = """\
# yaml-language-server: $schema=../.schema/external_audits.schema.json
audits:
  - id: CB-S1
    body: Example Certification Ltd
    stage: stage1
    start: 2026-11-18
    lead_auditor: Dana Reed
    outcome: Ready for Stage 2 once the area of concern is closed.
    findings:
      - {id: CB-S1-01, grade: area_of_concern, clause: "9.3", text: Minutes do not record resources., action: CA-01}
      - {id: CB-S1-02, grade: observation, clause: "7.5", text: Two forms carry an old logo.}
"""

INCIDENTS = """\
# yaml-language-server: $schema=../.schema/incidents.schema.json
incidents:
  - id: INC-01
    occurred: 2026-10-01T08:00:00
    discovered: 2026-10-01T09:00:00
    site: HO
    severity: serious
    category: Personal data breach
    description: A laptop with driver records was stolen from a car.
    reported_by: ann
    notifications:
      - {requirement: L-01, made: 2026-10-04T12:00:00, to: the ICO}
"""


def test_certification_body_findings_are_tracked_to_closure_and_named_in_the_report(mini):
    with_records(mini, **{"external_audits.yml": EXTERNAL})
    org, findings, _ = load(mini)
    assert [str(f) for f in findings if f.severity >= 2] == []
    page = external_page(org, org.records.external_audits, DAY)
    assert "CB-S1: Stage 1 by Example Certification Ltd" in page
    assert "| CB-S1-01 | Area of concern | 9.3 | Minutes do not record resources. |" in page
    assert "closed, verified effective | Thirty days of complete gate logs." in page
    # an area of concern with no corrective action is a data error at its line
    with_records(mini, **{"external_audits.yml": EXTERNAL.replace(", action: CA-01}", "}")})
    _, findings, _ = load(mini)
    assert any(f.code == "data.record-action" and f.path == "data/records/external_audits.yml" and f.line == 10
               for f in findings), [str(f) for f in findings]


def test_a_notification_after_its_legal_deadline_is_marked_late(mini):
    edit(mini.data_dir / "legal.yml", "obligations: [Protect personal data of drivers and consignees]",
         "obligations: [Protect personal data of drivers and consignees, {notify: the ICO, within_hours: 72, "
         "when: a personal data breach likely to harm people}]")
    with_records(mini, **{"incidents.yml": INCIDENTS})
    org = load(mini)[0]
    assert "the ICO (L-01) at 2026-10-04 12:00 — **late**" in incidents_page(org)   # 75 hours after discovery
    edit(mini.data_dir / "records" / "incidents.yml", "made: 2026-10-04T12:00:00", "made: 2026-10-03T12:00:00")
    assert "the ICO (L-01) at 2026-10-03 12:00 (within 72 hours: met)" in incidents_page(load(mini)[0])


def test_markup_in_records_is_printed_as_text(mini):
    """Data is text: a record's words never become markup or a link on the records pages."""
    with_records(mini, **{"incidents.yml": INCIDENTS.replace("A laptop with driver records was stolen from a car.",
                                                             '"<script>alert(1)</script> [x](http://evil) **b**"')})
    page = incidents_page(load(mini)[0])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert r"\[x\](http://evil)" in page and r"\*\*b\*\*" in page   # escaped: no link, no bold
