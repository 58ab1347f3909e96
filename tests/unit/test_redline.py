"""The redline's diff over pandoc's JSON AST (generator/publish/redline/diff.py): words inserted, deleted and
replaced inside a paragraph, a table row moved, a list item inserted whole, and the marks pandoc's DOCX writer
turns into tracked changes. Pure functions: ASTs built here by hand, no pandoc."""
from __future__ import annotations

import pytest

from generator.publish.redline.ast import html_view, typst_view
from generator.publish.redline.diff import DELETION, INSERTION, Mark, changes, diff_blocks, diff_inlines, plain, redline

MARK = Mark("Bob Baker", "2026-11-25T00:00:00Z")


def words(text: str) -> list[dict]:
    out: list[dict] = []
    for i, word in enumerate(text.split(" ")):
        out += ([{"t": "Space"}] if i else []) + [{"t": "Str", "c": word}]
    return out


def para(text: str) -> dict:
    return {"t": "Para", "c": words(text)}


def plain_block(text: str) -> dict:
    return {"t": "Plain", "c": words(text)}


def bullets(*items: str) -> dict:
    return {"t": "BulletList", "c": [[plain_block(item)] for item in items]}


def table(*rows: tuple[str, ...]) -> dict:
    def cell(text: str) -> list:
        return [["", [], []], {"t": "AlignDefault"}, 1, 1, [plain_block(text)]]

    def row(cells: tuple[str, ...]) -> list:
        return [["", [], []], [cell(c) for c in cells]]
    head, *body = rows
    specs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * len(head)
    return {"t": "Table", "c": [["", [], []], [None, []], specs, [["", [], []], [row(head)]],
                                [[["", [], []], 0, [], [row(r) for r in body]]], [["", [], []], []]]}


def doc(*blocks: dict) -> dict:
    return {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": list(blocks)}


def spans(node) -> list[tuple[str, str]]:
    """(kind, text) of every mark, in document order (where the space next to a change falls is difflib's choice)."""
    found = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("t") == "Span" and set(x["c"][0][1]) & {INSERTION, DELETION}:
                found.append((x["c"][0][1][0], plain(x["c"][1]).strip()))
                return
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(node)
    return found


def test_a_word_inserted_is_one_insertion_with_author_and_date():
    out = diff_inlines(words("the Hull yard"), words("the Hull container yard"), MARK)
    assert spans(out) == [(INSERTION, "container")]
    span = next(x for x in out if x["t"] == "Span")
    assert span["c"][0] == ["", [INSERTION], [["author", "Bob Baker"], ["date", "2026-11-25T00:00:00Z"]]]
    assert plain(out) == "the Hull container yard"


def test_a_word_deleted_stays_in_place_marked_deleted():
    out = diff_inlines(words("a fenced and gated yard"), words("a fenced yard"), MARK)
    assert spans(out) == [(DELETION, "and gated")]
    assert plain(out) == "a fenced and gated yard"


def test_replaced_words_read_as_one_deletion_then_one_insertion_not_word_salad():
    out = diff_inlines(words("the quick brown fox jumps"), words("the slow red fox jumps"), MARK)
    assert spans(out) == [(DELETION, "quick brown"), (INSERTION, "slow red")]


def test_formatting_is_kept_around_a_change_inside_it():
    old = [{"t": "Str", "c": "is"}, {"t": "Space"}, {"t": "Emph", "c": words("fenced on all")}]
    new = [{"t": "Str", "c": "is"}, {"t": "Space"}, {"t": "Emph", "c": words("walled on all")}]
    out = diff_inlines(old, new, MARK)
    emph = out[2]
    assert emph["t"] == "Emph" and spans(emph) == [(DELETION, "fenced"), (INSERTION, "walled")]


def test_a_line_break_in_the_source_is_no_change():
    old = [{"t": "Str", "c": "a"}, {"t": "SoftBreak"}, {"t": "Str", "c": "b"}]
    assert spans(diff_inlines(old, words("a b"), MARK)) == []


def test_a_moved_table_row_is_deleted_where_it_was_and_inserted_where_it_is():
    old = table(("Site", "Guard"), ("HO", "Ann"), ("YD", "Cal"), ("DC", "Dan"))
    new = table(("Site", "Guard"), ("YD", "Cal"), ("HO", "Ann"), ("DC", "Dan"))
    out = diff_blocks([old], [new], MARK)
    assert len(out) == 1 and out[0]["t"] == "Table"
    body = out[0]["c"][4][0][3]
    assert [plain(row).split() for row in body] == [["YD", "Cal"], ["HO", "Ann"], ["YD", "Cal"], ["DC", "Dan"]]
    assert sorted(spans(out)) == sorted([(INSERTION, "YD"), (INSERTION, "Cal"), (DELETION, "YD"), (DELETION, "Cal")])


def test_a_changed_cell_is_compared_inside_its_row():
    out = diff_blocks([table(("Risk", "Rating"), ("R-01", "High (9)"))],
                      [table(("Risk", "Rating"), ("R-01", "Medium (4)"))], MARK)
    assert spans(out) == [(DELETION, "High (9)"), (INSERTION, "Medium (4)")]
    assert len(out[0]["c"][4][0][3]) == 1   # still one row


def test_a_whole_inserted_list_item_is_tracked_and_the_others_are_not():
    out = diff_blocks([bullets("Palisade fence", "CCTV at the gate")],
                      [bullets("Palisade fence", "Kingpin locks", "CCTV at the gate")], MARK)
    assert spans(out) == [(INSERTION, "Kingpin locks")]
    assert [plain(item) for item in out[0]["c"]] == ["Palisade fence ", "Kingpin locks ", "CCTV at the gate "]


def test_whole_blocks_inserted_and_deleted_have_every_run_of_text_marked_tables_included():
    out = redline(doc(para("Kept."), para("Gone for good.")),
                  doc(para("Kept."), table(("New", "Table"), ("a", "b"))), MARK)
    assert changes(out) == {DELETION: ["Gone for good."], INSERTION: ["New", "Table", "a", "b"]}


def test_a_heading_changed_keeps_its_level_and_is_compared_word_by_word():
    old = {"t": "Header", "c": [2, ["sites", [], []], words("Sites and yards")]}
    new = {"t": "Header", "c": [2, ["sites", [], []], words("Sites and depots")]}
    out = diff_blocks([old], [new], MARK)
    assert out[0]["t"] == "Header" and out[0]["c"][0] == 2
    assert spans(out) == [(DELETION, "yards"), (INSERTION, "depots")]


def test_identical_texts_have_no_marks():
    same = doc(para("One."), bullets("a", "b"), table(("x", "y"), ("1", "2")))
    assert changes(redline(same, same, MARK)) == {INSERTION: [], DELETION: []}


@pytest.mark.parametrize("view", ["html", "typst"])
def test_the_html_and_typst_views_wrap_the_text_and_leave_it_text(view):
    out = redline(doc(para("Hull yard")), doc(para("Hull <script>alert(1)</script> yard")), MARK)
    shown = html_view(out, MARK.date) if view == "html" else typst_view(out)
    raws = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("t") == "RawInline":
                raws.append(x["c"][1])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(shown)
    # the only raw markup is the constant around the change; the hostile words are still a Str, for pandoc to escape
    assert all("script" not in raw for raw in raws) and raws
    assert {"t": "Str", "c": "<script>alert(1)</script>"} in shown["blocks"][0]["c"]
    if view == "html":
        assert raws[0].startswith('<ins datetime="2026-11-25T00:00:00Z">') and raws[-1].endswith("</ins>")
    else:
        assert raws == ["#redline-ins[", "]"]
