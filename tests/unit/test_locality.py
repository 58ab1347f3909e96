"""Addresses and dates in each country's own convention (issue 13): the postal order of the country's post on one
line with the country last, dates in the English locale of the organisation's country, an unknown country reported
at its line."""
from __future__ import annotations

import datetime as dt

import pytest

from generator.model.datafiles import Address
from generator.model.load import load
from generator.model.locality import country_code, date_locale
from generator.render.markdown import finalize, longdate

from ..conftest import edit

ADDRESSES = [
    (dict(street="Carrington House, 12 Tameside Way, Nechells", city="Birmingham", postcode="B7 4QN",
          region="West Midlands", country="United Kingdom"),
     # Royal Mail: post town and postcode, no county
     "Carrington House, 12 Tameside Way, Nechells, Birmingham, B7 4QN, United Kingdom"),
    (dict(street="Meridian House, Block C, Citywest Business Campus", city="Dublin 24", postcode="D24 HX73",
          region="County Dublin", country="Ireland"),
     "Meridian House, Block C, Citywest Business Campus, Dublin 24, County Dublin, D24 HX73, Ireland"),
    (dict(street="Am Sandtorkai 50", city="Hamburg", postcode="20457", country="Germany"),
     "Am Sandtorkai 50, 20457 Hamburg, Germany"),
    (dict(street="Europaweg 10", city="Rotterdam", postcode="3199 LC", region="Zuid-Holland", country="Netherlands"),
     "Europaweg 10, 3199 LC Rotterdam, Netherlands"),
    (dict(street="12 rue de la République", city="Le Havre", postcode="76600", region="Normandie", country="France"),
     "12 rue de la République, 76600 Le Havre, France"),
    (dict(street="1 Harbor Way", city="Long Beach", postcode="90802", region="California", country="United States"),
     "1 Harbor Way, Long Beach, CA 90802, United States"),
]


@pytest.mark.parametrize(("fields", "expected"), ADDRESSES, ids=lambda v: v["country"] if isinstance(v, dict) else "")
def test_address_in_the_countrys_postal_order(fields, expected):
    assert str(Address(**fields)) == expected


def test_a_code_or_a_common_name_gives_the_same_address():
    us = dict(street="1 Harbor Way", city="Long Beach", postcode="90802", region="CA")
    assert str(Address(**us, country="US")) == "1 Harbor Way, Long Beach, CA 90802, United States"
    assert str(Address(**us, country="USA")) == "1 Harbor Way, Long Beach, CA 90802, USA"
    names = ("UK", "Great Britain", "gb", "united kingdom", "Holland", "Korea, Republic of", "South Korea")
    assert [country_code(c) for c in names] == ["GB", "GB", "GB", "GB", "NL", "KR", "KR"]


def test_a_state_the_address_data_cannot_confirm_is_kept_as_given():
    """A ZIP code outside California: the state cannot be normalised, so the data's own name stays."""
    wrong_zip = Address(street="1 Harbor Way", city="Long Beach", postcode="10001", region="California",
                        country="United States")
    assert str(wrong_zip) == "1 Harbor Way, Long Beach, California 10001, United States"


DATES = [("United Kingdom", "en_GB", "23 November 2026"), ("Ireland", "en_IE", "23 November 2026"),
         ("Germany", "en_DE", "23 November 2026"), ("Netherlands", "en_NL", "23 November 2026"),
         ("France", "en_FR", "23 November 2026"), ("United States", "en_US", "November 23, 2026")]


@pytest.mark.parametrize(("country", "locale", "expected"), DATES, ids=[d[0] for d in DATES])
def test_dates_in_the_organisations_convention(country, locale, expected):
    day = dt.date(2026, 11, 23)
    assert date_locale(country) == locale
    assert longdate(day, date_locale(country)) == expected
    assert finalize(day, date_locale(country)) == expected   # a date a template prints without the filter


def test_a_country_babel_has_no_english_locale_for_writes_dates_day_first():
    assert date_locale("Japan") == "en_GB"
    assert longdate(dt.date(2026, 11, 23)) == "23 November 2026"


def test_an_unknown_country_is_reported_at_its_line(mini):
    edit(mini.data_dir / "organisation.yml", "country: United Kingdom}", "country: Atlantis}")
    _, findings, _ = load(mini)
    hit = next(f for f in findings if f.field == "organisation.address.country")
    assert (hit.code, hit.path, hit.line) == ("data.invalid", "data/organisation.yml", 6)
    assert hit.message == "unknown country 'Atlantis'"
    assert "United Kingdom" in hit.hint and "alpha-2 code (GB" in hit.hint


def test_the_reference_organisation_loads_clean_and_reads_british(workspace):
    org, findings, _ = load(workspace)
    assert org is not None and not [f for f in findings if f.severity >= 2]
    assert str(org.org.address) == "Carrington House, 12 Tameside Way, Nechells, Birmingham, B7 4QN, United Kingdom"
    assert date_locale(org.org.address.country) == "en_GB"
