"""Working days (Monday to Friday) and calendar months: the two units the implementation plan is scheduled in.
Public holidays differ by country and year and are left to the consultant: the plan's durations are estimates."""
from __future__ import annotations

import datetime as dt

DAY = dt.timedelta(days=1)


def workday(day: dt.date) -> dt.date:
    """`day`, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += DAY
    return day


def next_workday(day: dt.date) -> dt.date:
    return workday(day + DAY)


def finish(start: dt.date, days: int) -> dt.date:
    """The last day of work that takes `days` working days from `start` (a milestone, 0 days, ends where it starts)."""
    end = workday(start)
    for _ in range(max(days, 1) - 1):
        end = next_workday(end)
    return end


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, both included."""
    count, day = 0, start
    while day <= end:
        count += day.weekday() < 5
        day += DAY
    return count
