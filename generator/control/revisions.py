"""Revision identifiers and review dates: the one place that knows how revisions are numbered and ordered."""
from __future__ import annotations

import calendar
import datetime as dt
import string
from typing import Literal

Scheme = Literal["numeric", "alpha"]


def first_revision(scheme: str) -> str:
    return "A" if scheme == "alpha" else "1"


def next_revision(revision: str, scheme: str) -> str:
    if scheme == "numeric":
        return str(int(revision) + 1)
    letters = string.ascii_uppercase
    # A..Z, then AA, AB ... like spreadsheet columns
    digits = [letters.index(c) for c in revision]
    i = len(digits) - 1
    while i >= 0 and digits[i] == 25:
        digits[i] = 0
        i -= 1
    if i < 0:
        digits.insert(0, 0)
    else:
        digits[i] += 1
    return "".join(letters[d] for d in digits)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def revision_order(revision: str) -> tuple[int, str]:
    """Sort key of a revision identifier in either scheme: 2 < 10, and Z < AA."""
    return (len(revision), revision) if not revision.isdigit() else (len(revision.lstrip("0")), revision.lstrip("0"))


def revision_after(revision: str, than: str) -> bool:
    return revision_order(revision) > revision_order(than)
