"""What the record of a built site keeps of each page's front matter: only what JSON gives back as it was; anything
else (a date) is read from the page's file when the site is next updated."""
from __future__ import annotations

import datetime as dt

from generator.publish.site.incremental import _as_recorded


def test_plain_front_matter_is_kept_as_it_is():
    meta = {"title": "Roles", "search": {"exclude": True}, "tags": ["a", "b"], "weight": 3}
    assert _as_recorded(meta) == meta


def test_front_matter_json_would_change_is_not_kept():
    assert _as_recorded({"reviewed": dt.date(2026, 11, 24)}) is None
    assert _as_recorded({"pair": (1, 2)}) is None          # a tuple comes back a list
    assert _as_recorded({1: "numbered key"}) is None       # a number key comes back a string
