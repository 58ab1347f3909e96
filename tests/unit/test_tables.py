"""Tables on paper: every column at least as wide as its longest word, blank form columns with room to write, and
tables too wide for portrait on landscape pages."""
from __future__ import annotations

import re

from generator.publish.export.tables import PORTRAIT, column_needs, find_tables, fit_tables, widths

REGISTER = "\n".join([
    "## 3 Risk register", "", "### Head office", "",
    "| ID | Asset | Threat | Vulnerability | Consequence | L | I | Score | Rating | Existing controls | Treatment "
    "| Owner | Residual |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    "| R-01 | Transport management platform | Ransomware deployed after phishing | Legacy VPN appliance without "
    "multi-factor authentication | Planning stops at every site for days | 4 | 5 | 20 | Critical | Endpoint "
    "detection and response on all laptops | Replace the VPN appliance with zero-trust access | IT and Information "
    "Security Manager | Medium (8) |",
    "", "### Depot", "",
    "| ID | Asset | Threat | Vulnerability | Consequence | L | I | Score | Rating | Existing controls | Treatment "
    "| Owner | Residual |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    "| R-02 | Consignment information | Insider passes load details to an organised crime group | Load values "
    "visible to planners | Targeted theft | 3 | 4 | 12 | High | Access by named user | Issue haulier "
    "instructions only through the system | Transport Manager | Medium (6) |", ""])


def separators(markdown: str) -> list[list[int]]:
    return [[len(cell) for cell in line.strip("|").split("|")] for line in markdown.split("\n")
            if re.fullmatch(r"\|[-:|]+\|", line)]


def test_every_column_gets_its_longest_word():
    table = find_tables(REGISTER.split("\n"))[0]
    shortest, longest = column_needs(table)
    sizes = widths(shortest, longest, 180)
    assert all(size >= need for size, need in zip(sizes, shortest))
    assert shortest[3] >= len("Vulnerability") and shortest[0] >= len("R-01")


def test_a_register_too_wide_for_portrait_turns_the_page_once_with_its_headings():
    out = fit_tables(REGISTER, landscape=True)
    assert out.count("#page(flipped: true)") == 1          # both site tables share one landscape stretch
    opening = out.index("#page(flipped: true)")
    assert opening < out.index("## 3 Risk register") < out.index("### Depot") < out.rindex("]\n```")
    sizes = separators(out)
    assert len(sizes) == 2 and all(len(s) == 13 for s in sizes) and len(set(map(tuple, sizes))) <= 2
    assert sizes[0][3] > sizes[0][5]                        # Vulnerability is wider than L


def test_word_output_keeps_portrait_and_sizes_the_columns():
    out = fit_tables(REGISTER, landscape=False)
    assert "#page" not in out and "{=typst}" not in out
    assert all(sum(s) > 72 for s in separators(out))       # pandoc heeds the dashes only beyond its 72 columns


def test_a_blank_form_column_has_room_to_write():
    form = "| Field | Entry |\n| --- | --- |\n| Course |  |\n| Trainer |  |\n"
    entry_size, field_size = separators(fit_tables(form, landscape=True))[0][::-1]
    assert entry_size > field_size and "#page" not in fit_tables(form, landscape=True)


def test_a_narrow_table_stays_on_a_portrait_page():
    small = "| Band | Scores | Action required |\n| --- | --- | --- |\n| Critical | 17-25 | Act now. |\n"
    out = fit_tables(small, landscape=True)
    assert "#page" not in out and sum(separators(out)[0]) <= max(PORTRAIT, 80) + 3
