"""The placeholder and link-scheme checks skip what cannot match (see integrity.py): they must find exactly what a
scan of every line and every link finds, on texts made to slip past a careless shortcut."""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest

from generator.checks import integrity
from generator.checks.integrity import PLACEHOLDER, _has_empty_cell, _link_schemes, _placeholders

pytestmark = pytest.mark.unit

# the link pattern before the shortcut (look-behind first), to compare with
PLAIN_LINK_TARGET = re.compile(r"(?<!\\)\]\(\s*<?([^)\s>]*)"
                               r"|<[a-zA-Z][^<>]*?\s(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?"
                               r"([^\"'\s>]*)", re.I)

BODIES = [
    "All done.\n\n| Owner | Site |\n|---|---|\n| Guard | HO |\n",
    "Steps: [İnsert the steps here].\n",          # case-blind, 'i' matches dotted capital I
    "Text: lorem ipſum dolor.\n",                   # and 's' matches long s
    "Status: FıXME later.\n",                       # and dotless i
    "A [split\ninsert] across lines, then todo.\n",
    "| A | B |\n|---|---|\n| x |\u00a0|\n",           # a cell holding only a no-break space is empty
    "| A | B |\n| x | y |\n|\n| |\n",                  # a lone pipe, and a row of one blank cell, are no finding
    "| A |\n| x |\n| y |\n",                           # pipes on consecutive lines are not adjacent
    "| A | B |\r| x | |\n",                           # a carriage return ends a line for splitlines()
    "See \\](javascript:alert(1)) and [x](javascript:alert(2)).\n",
    "Escaped then real: \\](x](javascript:alert(3)).\n",
    "Entity: [x](javascript&colon;alert(4)) and [y](&#106;avascript:alert(5)).\n",
    "Tag: <a class=x\nhref='data:text/html,hi'>y</a> and [ok](https://example.org) [p](../forms/X.md).\n",
    "Spaced: [x](   javascript:alert(6)).\n",
]


def docs(doc_type: str) -> list:
    return [SimpleNamespace(id=f"D-{i}", type=doc_type, body=body, template=SimpleNamespace(display="t.md.j2"))
            for i, body in enumerate(BODIES)]


def every_line(documents: list) -> list[str]:
    """The placeholder check as written before the shortcut: every line searched."""
    found = []
    for doc in documents:
        if doc.type == "form" and PLACEHOLDER.search(doc.body) is None:
            continue
        for number, line in enumerate(doc.body.splitlines(), 1):
            hit = PLACEHOLDER.search(line)
            if hit:
                found.append(f"{doc.id}: placeholder text '{hit.group(0)}' in line {number} of the rendered document")
            elif doc.type != "form" and _has_empty_cell(line):
                found.append(f"{doc.id}: empty table cell in line {number} of the rendered document")
    return found


def every_link(documents: list) -> list[str]:
    found = []
    for doc in documents:
        for match in PLAIN_LINK_TARGET.finditer(doc.body):
            target = re.sub(r"[\x00-\x20]", "", html.unescape(match.group(1) or match.group(2) or ""))
            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", target)
            if scheme and scheme.group(1).lower() not in integrity.SAFE_SCHEMES:
                found.append(f"{doc.id}: {scheme.group(1)} at {match.start()}")
    return found


@pytest.mark.parametrize("doc_type", ["procedure", "form"])
def test_placeholders_are_found_as_a_scan_of_every_line_finds_them(doc_type):
    found = [f.message for f in _placeholders(docs(doc_type))]
    assert found == every_line(docs(doc_type))
    assert any("İnsert" in m for m in found) and any("ipſum" in m for m in found) and any("FıXME" in m for m in found)
    if doc_type == "procedure":
        assert "D-5: empty table cell in line 3 of the rendered document" in found
        assert "D-8: empty table cell in line 2 of the rendered document" in found
        assert not any(m.startswith(("D-6:", "D-7:")) for m in found)


def test_link_matches_are_those_of_the_pattern_with_the_look_behind_first():
    for body in BODIES:
        assert [m.span() + m.groups() for m in integrity.LINK_TARGET.finditer(body)] == \
               [m.span() + m.groups() for m in PLAIN_LINK_TARGET.finditer(body)]


def test_every_unsafe_link_is_found_whatever_hides_it():
    found = [f.message for f in _link_schemes(docs("procedure"))]
    expected = every_link(docs("procedure"))
    assert [m.split(":")[0] for m in found] == [m.split(":")[0] for m in expected]
    assert sum("'javascript:'" in m for m in found) == 5 and sum("'data:'" in m for m in found) == 1
