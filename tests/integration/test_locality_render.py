"""An organisation abroad reads its own conventions in every rendered document: dates through `longdate` in its
country's English locale, site addresses in its post's order (issue 13). The formats themselves are unit-tested in
tests/unit/test_locality.py."""
from __future__ import annotations

from generator.checks.assess import assess as run

from ..conftest import edit

US_ADDRESS = "{street: 1 Harbor Way, city: Long Beach, postcode: '90802', region: California, country: United States}"


def test_a_us_organisation_gets_us_dates_and_addresses(mini):
    edit(mini.data_dir / "organisation.yml",
         "{street: 1 Quay Road, city: Hull, postcode: HU1 1AA, country: United Kingdom}", US_ADDRESS)
    edit(mini.data_dir / "sites.yml",
         "{street: 1 Quay Road, city: Hull, postcode: HU1 1AA, country: United Kingdom}", US_ADDRESS)
    outcome = run(mini)
    assert not outcome.findings.fatal, outcome.findings
    bodies = "\n".join(doc.body for doc in outcome.documents)
    assert "December 31, 2027" in bodies and "31 December 2027" not in bodies   # an objective's due date
    assert "1 Harbor Way, Long Beach, CA 90802, United States" in bodies        # the site's address


def test_a_uk_organisation_keeps_british_dates(mini):
    bodies = "\n".join(doc.body for doc in run(mini).documents)
    assert "31 December 2027" in bodies and "December 31, 2027" not in bodies
