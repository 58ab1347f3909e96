"""Consistency checks (issue 14): what data cannot make impossible by construction is reported at its line, and each
check fails on a workspace made to break it."""
from __future__ import annotations

import datetime as dt

from generator.checks.consistency import consistency
from generator.model.load import load
from generator.render.render import Functions

from ..conftest import PORT, copy_workspace, edit

DAY = dt.date(2026, 11, 24)


def codes(ws, today=DAY):
    org, findings, sources = load(ws)
    assert org is not None, [str(f) for f in findings]
    return [f for f in consistency(org, sources, today) if f.code == "consistency.risk-acceptance"]


def test_the_fixture_records_its_acceptance(mini):
    assert codes(mini) == []


def test_a_residual_risk_above_the_threshold_needs_an_acceptance(mini):
    text = (mini.data_dir / "risks.yml").read_text(encoding="utf-8")
    start = text.index("    acceptance:\n")
    end = text.index("\n  - id:", start) + 1
    (mini.data_dir / "risks.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    found = codes(mini)
    assert len(found) == 1 and found[0].path == "data/risks.yml" and found[0].line == 14
    assert "R-01: residual rating Medium is above the acceptance threshold (Low)" in found[0].message


def test_an_acceptance_lapses_and_is_given_by_top_management_only(mini):
    assert [f.message for f in codes(mini, dt.date(2028, 1, 1))] == ["R-01: its acceptance lapsed on 2027-09-30"]
    edit(mini.data_dir / "risks.yml", "      by: ann\n", "      by: bob\n")
    found = codes(mini)
    assert len(found) == 1 and "accepted by Bob Baker, who is not in top management (Director)" in found[0].message


def all_codes(ws, code, today=DAY):
    org, findings, sources = load(ws)
    assert org is not None, [str(f) for f in findings]
    return [f for f in consistency(org, sources, today) if f.code == code]


def test_a_control_stated_as_in_place_that_a_treatment_has_yet_to_bring(mini):
    edit(mini.data_dir / "processes.yml", "security_controls: [Gate check of the driver's identity]",
         "security_controls: [Gate check of the driver's identity, Kingpin locks added to every parked trailer]")
    edit(mini.data_dir / "risks.yml", "actions: [Add kingpin locks]",
         "actions: [Add kingpin locks to every parked trailer]")
    found = all_codes(mini, "consistency.control-claimed")
    assert len(found) == 1 and found[0].path == "data/processes.yml" and found[0].line == 10
    assert "R-01's treatment has yet to bring" in found[0].message and "planned: R-01" in found[0].hint
    # written as planned, it is no claim; documents then say when it comes
    edit(mini.data_dir / "processes.yml", ", Kingpin locks added to every parked trailer]",
         ", {control: Kingpin locks added to every parked trailer, planned: R-01}]")
    assert all_codes(mini, "consistency.control-claimed") == []
    org = load(mini)[0]
    assert str(org.processes[0].security_controls[1]) == \
        "Kingpin locks added to every parked trailer (planned under R-01, due 2027-01-31)"


def test_a_partner_reviewed_less_often_than_its_risk_allows(mini):
    assert all_codes(mini, "consistency.partner-review") == []
    edit(mini.data_dir / "partners.yml", "next_review: 2027-03-01", "next_review: 2028-09-01")
    found = all_codes(mini, "consistency.partner-review")
    assert len(found) == 1 and "30 months after the last, longer than the 24 months" in found[0].message


def test_site_work_falls_to_someone_who_works_at_the_site(mini):
    """Tasks are given where the work happens: the mini office's own lead is its director, and its security work does
    not go to the yard's guard, who never works there."""
    org = load(mini)[0]
    at_office = Functions(org).at(org.site["HO"])
    assert at_office.in_charge().key == "director" and at_office.in_charge(security=True).key == "director"
    assert Functions(org).at(org.site["YD"]).in_charge(security=True).key == "yard_guard"
    assert all_codes(mini, "consistency.site-holder") == []


def test_a_site_whose_work_falls_to_someone_based_elsewhere(mini):
    edit(mini.data_dir / "roles.yml", "training_coordinator, site_lead]", "training_coordinator]")
    found = all_codes(mini, "consistency.site-holder")
    assert len(found) == 1 and found[0].path == "data/roles.yml" and found[0].line == 14
    assert found[0].message.startswith("site HO (Hull office): its site-level work falls to Operations Manager, "
                                       "whose holders work at YD")
    # a site nobody works at is visited, and its plan says by whom: no finding
    edit(mini.data_dir / "people.yml", "site: HO", "site: YD")
    assert all_codes(mini, "consistency.site-holder") == []


def test_a_regulated_facility_s_security_work_goes_to_its_own_security_officer(tmp_path):
    ws = copy_workspace(tmp_path / "port", PORT)
    org = load(ws)[0]
    for code in ("MPC", "P9T", "BCT"):
        assert Functions(org).at(org.site[code]).in_charge(security=True).key == f"fso_{code.lower()}"
    assert Functions(org).at(org.site["ADM"]).in_charge(security=True).key == "deputy_executive_director_operations"
