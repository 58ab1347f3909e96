"""Every table of every document of every fixture organisation is a real table: a heading in each column, no row
wider than its header, no pipes printed as text. (Half the forms once shipped with all their column names in one
cell.)"""
from __future__ import annotations

import re

import pytest

from generator.publish.export.tables import CELL_SPLIT, find_tables

ESCAPED_PIPE = re.compile(r"\\\|")


def table_problems(doc_id: str, body: str) -> list[str]:
    problems = []
    for table in find_tables(body.split("\n")):
        header, width = table.rows[0], len(table.aligns)
        where = f"{doc_id} line {table.start + 1}"
        if len(header) != width:
            problems.append(f"{where}: {len(header)} headings over {width} columns")
        problems += [f"{where}: an empty heading" for cell in header if not cell.strip()]
        problems += [f"{where}: a heading holds a pipe as text ({cell!r})" for cell in header
                     if ESCAPED_PIPE.search(cell)]
        problems += [f"{where}: a row of {len(row)} cells under {width} headings" for row in table.rows[1:]
                     if len(row) > width]
    return problems


@pytest.mark.parametrize("fixture", ["mini_outcome", "pharma_outcome", "reference_outcome"])
def test_every_table_of_every_document_has_real_columns(fixture, request):
    outcome = request.getfixturevalue(fixture)
    problems = [p for doc in outcome.documents for p in table_problems(doc.id, doc.body)]
    assert problems == []
    assert sum(len(find_tables(d.body.split("\n"))) for d in outcome.documents) > 50


def test_no_site_page_prints_table_markup(built_site):
    """In the built site no table separator or pipe-delimited row is left as text."""
    raw = []
    for page in (built_site.root / "site").rglob("index.html"):
        text = re.sub(r"<[^>]+>", "\n", page.read_text(encoding="utf-8"))
        raw += [f"{page.parent.name}: {line.strip()[:60]}" for line in text.split("\n")
                if re.match(r"^\s*\|.*\|\s*$", line) and len(CELL_SPLIT.split(line)) > 2]
    assert raw == []
