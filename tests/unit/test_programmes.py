"""Partner security status beyond EU AEO (issue 13): one catalogue of programmes says which are security evidence
(AEO-C is not), the older single fields still read, an unknown programme is reported at its line, and the checks
report expired evidence and partners vetted on nothing that audits security."""
from __future__ import annotations

import datetime as dt

from generator.checks.consistency import consistency
from generator.model.datafiles import HeldProgramme, Partner
from generator.model.load import load
from generator.model.programmes import programmes

from ..conftest import edit

DAY = dt.date(2026, 11, 24)


def partner(**fields) -> Partner:
    base = dict(id="BP-01", name="Harbour Drayage", type="drayage_carrier", services="Container moves",
                country="United States", security_declaration=False, risk_level="high", owner="director",
                last_review=DAY, next_review=DAY)
    return Partner.model_validate(base | fields)


def test_the_catalogue_says_what_is_security_evidence():
    catalogue = programmes()
    assert catalogue["eu_aeo_s"].security_evidence and catalogue["ctpat"].security_evidence
    assert catalogue["tapa_fsr"].security == "supply_chain" and catalogue["iso27001"].security == "information"
    assert not catalogue["eu_aeo_c"].security_evidence and not catalogue["uk_aeo_c"].security_evidence
    assert not catalogue["iso9001"].security_evidence


def test_programmes_and_the_older_fields_read_as_one_list():
    p = partner(programmes=[{"programme": "ctpat", "reference": "CT-123"}, {"programme": "iso28000"}],
                aeo_status="AEOC", iso28000_certified=True)
    assert [h.programme for h in p.held] == ["ctpat", "iso28000", "eu_aeo_c"]   # iso28000 once
    assert p.programme_labels == "CTPAT, ISO 28000, AEO-C"
    assert [x.key for x in p.security_evidence()] == ["ctpat", "iso28000"]
    assert partner().programme_labels == "none" and partner().security_evidence() == []


def test_aeo_c_alone_is_no_security_evidence_and_expiry_counts_only_with_a_date():
    assert partner(aeo_status="AEOC").security_evidence() == []
    p = partner(programmes=[HeldProgramme(programme="tapa_tsr", valid_until=dt.date(2026, 1, 31))])
    assert [x.key for x in p.security_evidence()] == ["tapa_tsr"]   # documents: no date, no change day to day
    assert p.security_evidence(on=DAY) == []


def test_an_unknown_programme_is_reported_at_its_line(mini):
    edit(mini.data_dir / "partners.yml", "    aeo_status: none\n", "    programmes: [{programme: ctpatt}]\n")
    _, findings, _ = load(mini)
    hit = next(f for f in findings if "programme" in f.field)
    assert (hit.path, hit.line, hit.field) == ("data/partners.yml", 8, "partners[0].programmes[0].programme")
    assert hit.message == "unknown programme 'ctpatt'" and "ctpat" in hit.hint


def test_checks_report_expired_evidence_and_unvetted_partners(mini):
    edit(mini.data_dir / "partners.yml", "    aeo_status: none\n    security_declaration: true\n",
         "    programmes: [{programme: tapa_fsr, valid_until: 2026-06-30}, {programme: eu_aeo_c}]\n"
         "    security_declaration: false\n")
    org, _, sources = load(mini)
    assert org is not None
    found = consistency(org, sources, DAY)
    codes = {f.code: f for f in found}
    assert codes["consistency.partner-evidence-expired"].line == 8
    assert "TAPA FSR expired on 2026-06-30" in codes["consistency.partner-evidence-expired"].message
    assert "holds only AEO-C" in codes["consistency.partner-unvetted"].message
    # while the TAPA certificate was in force the partner was vetted, and nothing had expired
    assert not [f.code for f in consistency(org, sources, dt.date(2026, 6, 1))]
