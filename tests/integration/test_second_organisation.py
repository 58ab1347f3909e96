"""Generality: a pharmaceutical distributor with other sites, roles, numbering and revision scheme uses the same
template library unchanged and comes out complete and clean."""
from __future__ import annotations

import yaml

from generator.checks.assess import assess as run

from ..conftest import smsgen


def test_the_second_organisation_checks_clean(pharma_outcome):
    outcome = pharma_outcome
    assert outcome.findings == []
    assert len(outcome.documents) >= 100
    assert all(d.id.startswith("MPD-") for d in outcome.documents)


def test_the_second_organisation_builds_its_own_set(pharma_built):
    pharma = pharma_built   # `smsgen build`, asserted to exit 0, by the fixture
    docs, site = pharma.root / "docs", pharma.root / "site"
    assert (site / "index.html").is_file()
    text = "\n".join(p.read_text(encoding="utf-8") for p in docs.rglob("*.md"))
    for code, place in (("DHO", "Dublin"), ("NDC", "Naas"), ("CDV", "Ballycoolin"), ("HXH", "Holyhead"),
                        ("WRD", "Warrington")):
        assert place in text, code
    # one security plan per site, five sites in two countries
    plans = sorted(d.key for d in run(pharma).documents if d.key.startswith("site-plan-"))
    assert plans == ["site-plan-cdv", "site-plan-dho", "site-plan-hxh", "site-plan-ndc", "site-plan-wrd"]
    # its own role titles reach job descriptions and procedures; nothing of the reference organisation leaks in
    assert "Responsible Person (GDP)" in text and "Controlled Drugs Officer" in text
    assert "ABC Logistics" not in text
    # its own legal requirements and risk scale are rendered from its data
    assert "2016/161" in text and "Intolerable" in text


def test_the_second_organisation_revises_with_letters(pharma, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-23T09:00:00+00:00")
    policy = next(d for d in run(pharma).documents if d.key == "security-policy")
    assert smsgen(pharma, "submit", policy.id, "--by", "c_obrien") == 0
    assert smsgen(pharma, "approve", policy.id, "--by", "d_moriarty") == 0
    assert smsgen(pharma, "revise", policy.id, "--by", "c_obrien", "--change", "Vault commitments added") == 0
    assert smsgen(pharma, "submit", policy.id, "--by", "c_obrien") == 0
    assert smsgen(pharma, "approve", policy.id, "--by", "d_moriarty") == 0
    register = yaml.safe_load((pharma.root / "control" / "register.yml").read_text(encoding="utf-8"))
    assert [r["revision"] for r in register["documents"][policy.id]["revisions"]] == ["A", "B"]
