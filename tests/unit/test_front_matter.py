"""A page's front matter is written as JSON (publish/pages.py): every YAML reader of the pages (MkDocs, PyYAML in
C and in Python, smsgen's own `read_page`) must read back exactly the values written, whatever characters they hold."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml
from mkdocs.utils.meta import get_data

from generator.publish.export.page import read_page
from generator.publish.pages import front_matter

pytestmark = pytest.mark.unit

# every character of the basic plane but the surrogates (no UTF-8 file holds one), and some beyond, in pieces
CHARACTERS = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF) + "\U0001F6E1\U0010FFFD"
PIECES = [CHARACTERS[i:i + 700] for i in range(0, len(CHARACTERS), 700)]


def meta_holding(text: str) -> dict:
    return {"title": text, "description": text[::-1],
            "control": {"id": "X-PR-01", "revision": "2", "review_months": 12, "review_overdue": False,
                        "approved_by": None, "clauses": ["8.1", text], "history": [{"summary": text, "n": 1}],
                        "record_classification": ""},
            "search": {"boost": 0.5}, "hide": [], "empty": {}}


def readers(page_text: str, tmp_path) -> list[dict]:
    front = page_text.split("---\n", 2)[1]
    page = tmp_path / "page.md"
    page.write_text(page_text + "Body.\n", encoding="utf-8")
    read = read_page(page)
    return [yaml.load(front, Loader=yaml.SafeLoader), yaml.load(front, Loader=yaml.CSafeLoader),
            get_data(page_text + "Body.\n")[1],
            {"title": read.title, "description": read.summary, "control": read.control}]


@pytest.mark.parametrize("index", range(len(PIECES)))
def test_every_reader_reads_back_what_was_written(index, tmp_path):
    meta = meta_holding(PIECES[index])
    written = front_matter(meta)
    assert written.startswith("---\n{\n")   # written as JSON
    python_yaml, c_yaml, mkdocs, smsgen = readers(written, tmp_path)
    assert python_yaml == c_yaml == mkdocs == meta
    assert smsgen == {key: meta[key] for key in ("title", "description", "control")}


def test_the_body_starts_after_the_front_matter_whatever_the_values_hold(tmp_path):
    meta = meta_holding("line\n---\nnot the end\n...\n")
    page = tmp_path / "page.md"
    page.write_text(front_matter(meta) + "Body.\n", encoding="utf-8")
    assert read_page(page).body == "Body.\n"
    assert get_data(page.read_text(encoding="utf-8")) == ("Body.\n", meta)


@pytest.mark.parametrize("value", [dt.date(2026, 11, 24), 1e20, float("inf"), (1, 2)])
def test_a_value_json_would_write_otherwise_is_written_by_yaml(value, tmp_path):
    meta = {"title": "T", "control": {"id": "X", "value": value}}
    written = front_matter(meta)
    assert not written.startswith("---\n{")
    expected = yaml.safe_load(yaml.safe_dump(meta))
    assert readers(written, tmp_path)[1] == expected
