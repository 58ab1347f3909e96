"""Revision labels and review dates: numeric and alpha schemes, and month arithmetic that clamps to month end."""
from __future__ import annotations

import datetime as dt

from generator.control.revisions import add_months, first_revision, next_revision


def test_numeric_revisions():
    assert first_revision("numeric") == "1"
    assert next_revision("9", "numeric") == "10"


def test_alpha_revisions_roll_over_like_spreadsheet_columns():
    assert first_revision("alpha") == "A"
    assert next_revision("A", "alpha") == "B"
    assert next_revision("Z", "alpha") == "AA"
    assert next_revision("AZ", "alpha") == "BA"


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 23), 24) == dt.date(2028, 11, 23)
