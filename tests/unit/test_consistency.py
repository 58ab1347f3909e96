"""Consistency checks (issue 14): what data cannot make impossible by construction is reported at its line, and each
check fails on a workspace made to break it."""
from __future__ import annotations

import datetime as dt

from generator.checks.consistency import consistency
from generator.model.load import load

from ..conftest import edit

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
