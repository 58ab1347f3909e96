"""Tables on paper: column widths from their content, and tables too wide for a portrait page laid out on a landscape
one.

pandoc gives the columns of a long pipe table widths in proportion to the dashes of its separator row; smsgen's pages
write three dashes per column, so a 13-column register printed as 13 equal slivers with words broken across lines.
Here each column gets at least its longest word and, of what is left, a share in proportion to how much longer its
text runs, the way a browser lays out a table. A table whose longest words alone do not fit across a portrait page
is set on a landscape page in the PDF (Word fits its tables itself)."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CELL_SPLIT = re.compile(r"(?<!\\)\|")
SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")
MARKUP = re.compile(r"\*\*|__|`|\\(?=.)")
LINK = re.compile(r"!?\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
# Characters across the text block, at the body size (9.5 pt Liberation Sans averages about half an em a character),
# less what each column's cell padding takes. The landscape page keeps the body size: a smaller one reads worse, and
# typst shapes every line again under the new style (measured: +240 MB on a 740 KB register).
PORTRAIT = 100
LANDSCAPE = 150       # on the flipped page
PADDING = 2
MAX_LINE = 60         # beyond this a cell wraps anyway: a longer text earns its column no more width
WRITING = 40          # what a column left blank for handwriting asks for
PANDOC_COLUMNS = 80   # above pandoc's default --columns (72)


@dataclass
class Table:
    start: int            # line index of the header row
    rows: list[list[str]]  # header first, separator left out
    aligns: list[str]     # each separator cell, for its colons


def _cells(line: str) -> list[str]:
    return [c.strip() for c in CELL_SPLIT.split(line.strip().strip("|"))]


def _text(cell: str) -> list[str]:
    """The lines a cell prints: links as their text, no emphasis markers or escapes."""
    return [MARKUP.sub("", LINK.sub(lambda m: m.group(1), part)) for part in re.split(r"<br\s*/?>", cell)]


def find_tables(lines: list[str]) -> list[Table]:
    tables, i = [], 0
    while i + 1 < len(lines):
        header, separator = lines[i], lines[i + 1]
        if header.lstrip().startswith("|") and separator.lstrip().startswith("|") \
                and all(SEPARATOR_CELL.match(c) for c in _cells(separator)):
            rows, j = [_cells(header)], i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                rows.append(_cells(lines[j]))
                j += 1
            tables.append(Table(i, rows, _cells(separator)))
            i = j
        else:
            i += 1
    return tables


def column_needs(table: Table) -> tuple[list[int], list[int]]:
    """Per column: the longest word (it must fit on one line) and the longest line (what it would take unwrapped)."""
    shortest, longest = _needs(tuple(tuple(row) for row in table.rows), len(table.aligns))
    return list(shortest), list(longest)


@functools.lru_cache(maxsize=1024)   # the tables of a page or two (a 300-site register has 300)
def _needs(rows: tuple[tuple[str, ...], ...], count: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """column_needs, once per table: a page's table is measured for its PDF and again for its DOCX, and twice for
    the PDF (whether it fits a portrait page, then its widths)."""
    shortest, longest = [3] * count, [3] * count
    for row in rows:
        for n, cell in enumerate(row[:count]):
            for line in _text(cell):
                words = line.split()
                # one character to spare: capitals and digits run wider than the average character
                shortest[n] = max(shortest[n], max((len(w) + 1 for w in words), default=0))
                longest[n] = max(longest[n], min(len(line), MAX_LINE))
    for n in range(count):
        if len(rows) > 1 and all(not "".join(_text(row[n])).strip() for row in rows[1:] if n < len(row)):
            longest[n] = max(longest[n], WRITING)   # a form's blank column: room to write in by hand
    return tuple(shortest), tuple(longest)


def widths(shortest: list[int], longest: list[int], across: int) -> list[int]:
    """Share `across` characters out: each column its longest word, the rest in proportion to what it lacks."""
    room = across - PADDING * len(shortest)
    if sum(longest) <= room:
        return longest
    spare, wanted = room - sum(shortest), [b - a for a, b in zip(shortest, longest)]
    if spare <= 0 or not sum(wanted):
        return shortest
    return [a + round(spare * w / sum(wanted)) for a, w in zip(shortest, wanted)]


def fits_portrait(table: Table) -> bool:
    shortest, _ = column_needs(table)
    return sum(shortest) + PADDING * len(shortest) <= PORTRAIT


def fit_tables(markdown: str, landscape: bool, across: int = PORTRAIT) -> str:
    """Rewrite every pipe table's separator row with dashes in proportion to its columns' needs (`across`: the
    characters a line of the page holds). With `landscape` (typst output), tables that cannot fit a portrait page go
    on landscape pages: consecutive ones, with the headings and text between them, share one
    landscape stretch, so a register split by site does not turn the page for every site."""
    lines = markdown.split("\n")
    tables = find_tables(lines)
    wide = [landscape and not fits_portrait(t) for t in tables]
    for table, is_wide in zip(tables, wide):
        shortest, longest = column_needs(table)
        sizes = widths(shortest, longest, LANDSCAPE if is_wide else across)
        if sum(sizes) < PANDOC_COLUMNS:   # pandoc heeds the dashes only on a line longer than its --columns
            sizes = [-(-size * PANDOC_COLUMNS // sum(sizes)) for size in sizes]
        lines[table.start + 1] = "|" + "|".join(_separator(align, size) for align, size in
                                                zip(table.aligns, sizes)) + "|"
    stretches: list[tuple[int, int]] = []   # (first line, line after the last) of each landscape stretch
    for n, table in enumerate(tables):
        if not wide[n]:
            continue
        end = table.start + 1 + len(table.rows)
        if stretches and n > 0 and wide[n - 1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((_heading_above(lines, table.start), end))
    for first, end in reversed(stretches):   # from the end, so earlier line numbers stay right
        lines[end:end] = ["", "```{=typst}", "]", "```", ""]
        lines[first:first] = ["", "```{=typst}", "#page(flipped: true)[",
                              "```", ""]
    return "\n".join(lines)


def _heading_above(lines: list[str], start: int) -> int:
    """The headings that introduce a table, if only a few lines of text separate them (a section heading, then a
    site's): they turn the page with it rather than stand alone at the foot of the portrait one."""
    first = start
    while True:
        found = next((n for n in range(first - 1, max(-1, first - 6), -1)
                      if lines[n].startswith("#") or lines[n].lstrip().startswith("|")), None)
        if found is None or not lines[found].startswith("#"):
            return first
        first = found


def _separator(align: str, size: int) -> str:
    left, right = align.strip().startswith(":"), align.strip().endswith(":")
    dashes = "-" * max(3, size - left - right)
    return (":" if left else "") + dashes + (":" if right else "")
