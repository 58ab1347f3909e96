"""The redline of two revisions as one pandoc AST: the blocks of the old and the new text compared (difflib over a
canonical form of each block), and inside a changed paragraph, heading, list item or table cell word by word.

What changed is marked the way pandoc's DOCX writer turns into tracked changes: a Span of class `insertion` or
`deletion` with the attributes author and date. A whole inserted or deleted block has every run of its text wrapped,
table cells and list items included, so nothing changes untracked. The HTML and typst writers read the same spans
(see writers.py): one diff, three formats. Pure functions over pandoc's JSON: no subprocess, no files.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]        # a pandoc element as JSON: {"t": type, "c": content}
INSERTION, DELETION = "insertion", "deletion"

# inline elements that hold other inlines: the parts of "c" before and after the inline list
_WRAPPERS: dict[str, tuple[int, int]] = {
    "Emph": (0, 0), "Strong": (0, 0), "Underline": (0, 0), "Strikeout": (0, 0), "Superscript": (0, 0),
    "Subscript": (0, 0), "SmallCaps": (0, 0), "Quoted": (1, 0), "Span": (1, 0), "Link": (1, 1)}
# blocks whose content is a list of inlines, and where it sits in "c"
_INLINE_BLOCKS = {"Para": None, "Plain": None, "Header": 2}


@dataclass(frozen=True)
class Mark:
    """Who made the change and when: the attributes every insertion and deletion span carries."""
    author: str
    date: str    # ISO 8601, e.g. 2026-11-23T00:00:00Z

    def span(self, kind: str, inlines: list[Node]) -> Node:
        return {"t": "Span", "c": [["", [kind], [["author", self.author], ["date", self.date]]], inlines]}


def _key(node: Any) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False)


def marked(node: Node) -> str | None:
    """INSERTION or DELETION for a span the redline made, else None."""
    if node.get("t") == "Span":
        classes = node["c"][0][1]
        for kind in (INSERTION, DELETION):
            if kind in classes:
                return kind
    return None


# --- words --------------------------------------------------------------------------------------------------------

# a token is one leaf inline (a word, a space, a code span, an image) with the wrappers it sits in, outermost first;
# a wrapper is (type, the parts of "c" before the inlines, the parts after), so formatting is compared with the word
Wrapper = tuple[str, tuple[Any, ...], tuple[Any, ...]]
Token = tuple[Node, tuple[Wrapper, ...]]


def _tokens(inlines: list[Node], path: tuple[Wrapper, ...] = ()) -> list[Token]:
    out: list[Token] = []
    for node in inlines:
        t = node["t"]
        if t in _WRAPPERS:
            before, after = _WRAPPERS[t]
            c = node["c"] if before or after else [node["c"]]
            out += _tokens(c[before], path + ((t, tuple(c[:before]), tuple(c[before + 1:])),))
        else:
            out.append((node, path))
    return out


def _token_key(token: Token) -> str:
    node, path = token
    # a line break in the source is a space: re-wrapping a paragraph is no change; a figure is its file (its
    # description changes with its caption, which is compared as text)
    leaf = {"t": "Space"} if node["t"] == "SoftBreak" else \
        {"t": "Image", "c": node["c"][2][0]} if node["t"] == "Image" else node
    return _key([leaf, [[t, list(b), list(a)] for t, b, a in path]])


def _wrap(wrapper: Wrapper, inlines: list[Node]) -> Node:
    t, before, after = wrapper
    if not before and not after:
        return {"t": t, "c": inlines}
    return {"t": t, "c": [*before, inlines, *after]}


def _rebuild(tokens: list[Token], depth: int = 0) -> list[Node]:
    """Inlines from tokens: consecutive tokens inside the same wrapper share one element again."""
    out: list[Node] = []
    i = 0
    while i < len(tokens):
        node, path = tokens[i]
        if len(path) <= depth:
            out.append(node)
            i += 1
            continue
        j = i
        while j < len(tokens) and len(tokens[j][1]) > depth and tokens[j][1][depth] == path[depth]:
            j += 1
        out.append(_wrap(path[depth], _rebuild(tokens[i:j], depth + 1)))
        i = j
    return out


def _mark_wrapper(mark: Mark, kind: str) -> Wrapper:
    return ("Span", (["", [kind], [["author", mark.author], ["date", mark.date]]],), ())


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with an unchanged run of spaces alone between two changes taken into the change: "the
    quick fox" -> "a slow fox" reads as one replacement, not three interleaved ones."""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    space = _key([{"t": "Space"}, []])
    merged: list[list[Any]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        lone_space = tag == "equal" and 0 < n < len(ops) - 1 and all(k == space for k in old[i1:i2])
        if tag != "equal" or lone_space:
            if merged and merged[-1][0] != "equal":
                merged[-1][2], merged[-1][4] = i2, j2
                merged[-1][0] = "replace"
                continue
            merged.append(["replace" if lone_space else tag, i1, i2, j1, j2])
        else:
            merged.append([tag, i1, i2, j1, j2])
    return [(str(t), int(a), int(b), int(c), int(d)) for t, a, b, c, d in merged]


def diff_inlines(old: list[Node], new: list[Node], mark: Mark) -> list[Node]:
    """The new inlines with what was deleted and inserted, word by word, marked: deletions before insertions."""
    a, b = _tokens(old), _tokens(new)
    out: list[Token] = []
    for tag, i1, i2, j1, j2 in _opcodes([_token_key(t) for t in a], [_token_key(t) for t in b]):
        if tag == "equal":
            out += b[j1:j2]
            continue
        out += [(node, path + (_mark_wrapper(mark, DELETION),)) for node, path in a[i1:i2]]
        out += [(node, path + (_mark_wrapper(mark, INSERTION),)) for node, path in b[j1:j2]]
    return _rebuild(out)


# --- whole blocks ---------------------------------------------------------------------------------------------------

def mark_blocks(blocks: list[Node], kind: str, mark: Mark) -> list[Node]:
    """Blocks inserted or deleted whole, with every run of their text inside a span of `kind`."""
    out: list[Node] = []
    for block in blocks:
        marked_block = mark_block(block, kind, mark)
        if marked_block is not None:
            out.append(marked_block)
    return out


def _map_cells(table: Node, change: Callable[[list[Node]], list[Node]]) -> Node:
    """A copy of a table with `change` applied to the blocks of every cell (head, bodies, foot)."""
    attr, caption, specs, head, bodies, foot = table["c"]

    def rows(rs: list) -> list:
        return [[r_attr, [[c_attr, align, rs_, cs_, change(blocks)] for c_attr, align, rs_, cs_, blocks in cells]]
                for r_attr, cells in rs]

    return {"t": "Table", "c": [attr, caption, specs, [head[0], rows(head[1])],
                                [[b[0], b[1], rows(b[2]), rows(b[3])] for b in bodies], [foot[0], rows(foot[1])]]}


def mark_block(block: Node, kind: str, mark: Mark) -> Node | None:
    t, c = block["t"], block.get("c", [])
    wrap = lambda inlines: [mark.span(kind, inlines)] if inlines else []  # noqa: E731
    if t in ("Para", "Plain"):
        return {"t": t, "c": wrap(c)}
    if t == "Header":
        return {"t": t, "c": [c[0], c[1], wrap(c[2])]}
    if t == "LineBlock":
        return {"t": t, "c": [wrap(line) for line in c]}
    if t in ("BulletList", "OrderedList"):
        items = c if t == "BulletList" else c[1]
        marked_items = [mark_blocks(item, kind, mark) for item in items]
        return {"t": t, "c": marked_items if t == "BulletList" else [c[0], marked_items]}
    if t == "BlockQuote":
        return {"t": t, "c": mark_blocks(c, kind, mark)}
    if t == "Div":
        return {"t": t, "c": [c[0], mark_blocks(c[1], kind, mark)]}
    if t == "Table":
        return _map_cells(block, lambda blocks: mark_blocks(blocks, kind, mark))
    if t == "DefinitionList":
        return {"t": t, "c": [[wrap(term), [mark_blocks(d, kind, mark) for d in defs]] for term, defs in c]}
    if t == "CodeBlock":
        return {"t": "Para", "c": wrap([{"t": "Code", "c": [c[0], c[1]]}])}
    if t == "Figure":
        caption = c[1]
        return {"t": t, "c": [c[0], [caption[0], mark_blocks(caption[1], kind, mark)], mark_blocks(c[2], kind, mark)]}
    # a raw block or a rule has no text to mark: an inserted one stays, a deleted one goes
    return block if kind == INSERTION else None


# --- blocks ---------------------------------------------------------------------------------------------------------

def _rows(table: Node) -> tuple[list, list]:
    """A table's header rows and body rows (bodies' intermediate head rows count as body rows)."""
    _, _, _, head, bodies, _ = table["c"]
    return head[1], [row for body in bodies for row in body[2] + body[3]]


def _same_shape(old: Node, new: Node) -> bool:
    """Whether two blocks are the same kind of thing, so comparing inside them says more than replacing them."""
    if old["t"] != new["t"]:
        return False
    if old["t"] == "Header":
        return old["c"][0] == new["c"][0]
    if old["t"] == "OrderedList":
        return True
    if old["t"] == "Table":
        return len(old["c"][2]) == len(new["c"][2]) and len(old["c"][4]) == len(new["c"][4]) <= 1
    return old["t"] in ("Para", "Plain", "BulletList", "BlockQuote", "Div", "LineBlock", "Figure")


def _refine(old: Node, new: Node, mark: Mark) -> list[Node]:
    """Two blocks of the same shape compared inside: words in text, items in lists, rows and cells in tables."""
    t = new["t"]
    if t in ("Para", "Plain"):
        return [{"t": t, "c": diff_inlines(old["c"], new["c"], mark)}]
    if t == "Header":
        return [{"t": t, "c": [new["c"][0], new["c"][1], diff_inlines(old["c"][2], new["c"][2], mark)]}]
    if t == "LineBlock" and len(old["c"]) == len(new["c"]):
        return [{"t": t, "c": [diff_inlines(a, b, mark) for a, b in zip(old["c"], new["c"])]}]
    if t == "BulletList":
        return [{"t": t, "c": _diff_items(old["c"], new["c"], mark)}]
    if t == "OrderedList":
        return [{"t": t, "c": [new["c"][0], _diff_items(old["c"][1], new["c"][1], mark)]}]
    if t == "BlockQuote":
        return [{"t": t, "c": diff_blocks(old["c"], new["c"], mark)}]
    if t == "Div":
        return [{"t": t, "c": [new["c"][0], diff_blocks(old["c"][1], new["c"][1], mark)]}]
    if t == "Table":
        return [_diff_table(old, new, mark)]
    if t == "Figure":
        caption = [new["c"][1][0], diff_blocks(old["c"][1][1], new["c"][1][1], mark)]
        return [{"t": t, "c": [new["c"][0], caption, diff_blocks(old["c"][2], new["c"][2], mark)]}]
    return mark_blocks([old], DELETION, mark) + mark_blocks([new], INSERTION, mark)


def _diff_items(old: list[list[Node]], new: list[list[Node]], mark: Mark) -> list[list[Node]]:
    """List items compared as a sequence: an item inserted or deleted whole is marked whole, a changed one inside."""
    return _diff_sequence(old, new,
                          same=lambda a, b: [diff_blocks(a, b, mark)],
                          whole=lambda item, kind: [mark_blocks(item, kind, mark)])


def _diff_table(old: Node, new: Node, mark: Mark) -> Node:
    """The new table with its rows compared as a sequence (a moved row is deleted where it was and inserted where it
    is), and the cells of a changed row compared one by one."""
    (old_head, old_body), (new_head, new_body) = _rows(old), _rows(new)

    def row_pair(a: list, b: list) -> list:
        if len(a[1]) != len(b[1]):
            return [whole_row(a, DELETION), whole_row(b, INSERTION)]
        cells = [[nc[0], nc[1], nc[2], nc[3], diff_blocks(oc[4], nc[4], mark)] for oc, nc in zip(a[1], b[1])]
        return [[b[0], cells]]

    def whole_row(row: list, kind: str) -> list:
        return [row[0], [[c[0], c[1], c[2], c[3], mark_blocks(c[4], kind, mark)] for c in row[1]]]

    def rows(a: list, b: list) -> list:
        return _diff_sequence(a, b, same=row_pair, whole=lambda row, kind: [whole_row(row, kind)])

    attr, caption, specs, head, bodies, foot = new["c"]
    new_bodies = [[bodies[0][0], bodies[0][1], [], rows(old_body, new_body)]] if bodies else []
    return {"t": "Table", "c": [attr, caption, specs, [head[0], rows(old_head, new_head)], new_bodies, foot]}


def _diff_sequence(old: list, new: list, same: Callable[[Any, Any], list],
                   whole: Callable[[Any, str], list]) -> list:
    """Two sequences (blocks, list items, table rows) compared by a canonical form of each element. Equal runs are
    kept; in a changed run, elements of the same shape are paired in order and compared inside (`same`), the rest
    are deleted or inserted whole (`whole`)."""
    out: list = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, [_key(x) for x in old], [_key(x) for x in new],
                                                        autojunk=False).get_opcodes():
        if tag == "equal":
            out += new[j1:j2]
            continue
        a, b = old[i1:i2], new[j1:j2]
        paired = _pairs(a, b)
        j = 0
        for i, x in enumerate(a):
            if i not in paired:
                out += whole(x, DELETION)
                continue
            while j < paired[i]:
                out += whole(b[j], INSERTION)
                j += 1
            out += same(x, b[j])
            j += 1
        for y in b[j:]:
            out += whole(y, INSERTION)
    return out


# elements of a changed run are compared inside only when at least this much of their text is the same; below it,
# the old one is shown deleted and the new one inserted, which reads better than a word salad
SIMILAR = 0.5


def _pairs(a: list, b: list) -> dict[int, int]:
    """Which elements of a changed run are the same element changed: old index -> new index, in order, each of the
    same shape and similar enough in text."""
    if len(a) == len(b) == 1 and _shape(a[0]) == _shape(b[0]):
        return {0: 0}   # one changed for one: the same element, however much of it changed (a table cell's value)
    paired: dict[int, int] = {}
    start = 0
    words_b = [plain(y).split() for y in b]
    for i, x in enumerate(a):
        words = plain(x).split()
        for j in range(start, len(b)):
            if _shape(x) == _shape(b[j]) and \
                    difflib.SequenceMatcher(None, words, words_b[j], autojunk=False).ratio() >= SIMILAR:
                paired[i] = j
                start = j + 1
                break
    return paired


def _shape(x: Any) -> str:
    """What may be paired with what: a block's type (a heading's level, a table's columns), a row's cell count, a
    list item's first block type."""
    if isinstance(x, dict):
        if x["t"] == "Header":
            return f"Header{x['c'][0]}"
        if x["t"] == "Table":
            return f"Table{len(x['c'][2])}"
        return str(x["t"])
    if isinstance(x, list) and len(x) == 2 and isinstance(x[1], list) and x[1] and isinstance(x[1][0], list):
        return f"row{len(x[1])}"
    if isinstance(x, list):
        return "item:" + (str(x[0]["t"]) if x and isinstance(x[0], dict) else "")
    return "?"


def diff_blocks(old: list[Node], new: list[Node], mark: Mark) -> list[Node]:
    """The redline of two block lists: the new blocks, with what was deleted and inserted marked."""
    def same(a: Node, b: Node) -> list[Node]:
        return _refine(a, b, mark) if _same_shape(a, b) else \
            mark_blocks([a], DELETION, mark) + mark_blocks([b], INSERTION, mark)
    return _diff_sequence(old, new, same=same, whole=lambda block, kind: mark_blocks([block], kind, mark))


def redline(old: Node, new: Node, mark: Mark) -> Node:
    """The redline document of two pandoc documents (JSON), with the new one's metadata and API version."""
    return {"pandoc-api-version": new["pandoc-api-version"], "meta": new.get("meta", {}),
            "blocks": diff_blocks(old["blocks"], new["blocks"], mark)}


def changes(doc: Node) -> dict[str, list[str]]:
    """The text of every insertion and deletion in a redline (for tests and summaries): kind -> texts."""
    found: dict[str, list[str]] = {INSERTION: [], DELETION: []}

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            kind = marked(x) if "t" in x else None
            if kind is not None:
                found[kind].append(plain(x["c"][1]))
                return
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(doc)
    return found


def plain(inlines: Any) -> str:
    """The text of inlines (or any part of an AST): words and spaces, formatting dropped."""
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict) and "t" in x:
            if x["t"] == "Str":
                out.append(x["c"])
            elif x["t"] in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif x["t"] == "Code":
                out.append(x["c"][1])
            elif "c" in x:
                walk(x["c"])
                if x["t"] in ("Para", "Plain", "Header", "CodeBlock"):   # blocks are apart, as words are
                    out.append(" ")
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(inlines)
    return "".join(out)
