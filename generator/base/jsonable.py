"""Which values JSON gives back as they were: the rule every JSON record and cache of smsgen keeps to."""
from __future__ import annotations

import math
from collections.abc import Callable


def json_faithful(value: object, number_kept: Callable[[float], bool] = math.isfinite) -> bool:
    """Whether JSON gives `value` back exactly: text keys; text, whole numbers, yes/no, nothing, lists and mappings;
    and a fractional number when `number_kept` says so (JSON writes no infinity or NaN a reader takes back)."""
    if value is None or isinstance(value, (str, int)):   # bool is an int, and JSON keeps it one
        return True
    if isinstance(value, float):
        return number_kept(value)
    if isinstance(value, list):
        return all(json_faithful(item, number_kept) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and json_faithful(item, number_kept) for key, item in value.items())
    return False   # a tuple comes back a list, a date as text
