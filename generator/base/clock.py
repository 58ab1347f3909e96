"""The time of an action. SMSGEN_NOW (ISO 8601) pins it, for reproducible records and tests; a value that is not
a date is a user error, never a traceback."""
from __future__ import annotations

import datetime as dt
import os

from generator.base.errors import UserError
from generator.base.findings import Finding, Severity


def now() -> dt.datetime:
    pinned = os.environ.get("SMSGEN_NOW")
    if pinned:
        try:
            return dt.datetime.fromisoformat(pinned)
        except ValueError:
            raise UserError(Finding("env.now", Severity.fatal, f"SMSGEN_NOW='{pinned}' is not an ISO 8601 date or time",
                                    hint="e.g. SMSGEN_NOW=2026-03-01 or 2026-03-01T09:30:00+00:00")) from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def today() -> dt.date:
    return now().date()
