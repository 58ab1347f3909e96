"""Redlines as pandoc ASTs, and each output's view of one: the Markdown of both revisions read by one pandoc process
for the whole set (a process per text would cost a build seconds), diffed (diff.py), then made ready for a writer.

The marks stay pandoc spans for DOCX (its writer makes them tracked changes); for HTML and typst they become the
writer's own markup around the text, which pandoc still writes and escapes itself: data stays text."""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.base.errors import ConversionError
from generator.publish.export import batch
from generator.publish.export.batch import Request
from generator.publish.redline.compare import Comparison
from generator.publish.redline.diff import DELETION, INSERTION, Node, marked, redline


def convert_many(texts: list[str], source: str, target: str) -> list[str]:
    """Each text converted from `source` to `target` (pandoc format names), by one pandoc process (batch.py)."""
    out = []
    for result in batch.run([Request(text, target, source=source) for text in texts]):
        if isinstance(result, ConversionError):
            raise result
        out.append(result.decode("utf-8"))
    return out


def redlines(items: list[Comparison], texts: list[tuple[str, str]]) -> list[Node]:
    """The redline AST of each comparison, from the Markdown compared of its two revisions (old, new): each
    revision's text made ready by the caller (links made text, figures pointed at files, what an audience may not
    read taken out)."""
    parsed = [json.loads(t) for t in convert_many([text for pair in texts for text in pair], "markdown", "json")]
    return [redline(parsed[2 * i], parsed[2 * i + 1], c.mark) for i, c in enumerate(items)]


def _expand(x: Any, span: Callable[[str, list[Node]], list[Node]] | None, image: Callable[[Node], Node] | None) -> Any:
    """A copy of the AST with every mark replaced by `span(kind, its inlines)` and every image by `image(it)` (None:
    kept as they are)."""
    if isinstance(x, list):
        out: list[Any] = []
        for item in x:
            kind = marked(item) if isinstance(item, dict) and span is not None else None
            if kind is not None and span is not None:
                out += span(kind, _expand(item["c"][1], span, image))
            elif image is not None and isinstance(item, dict) and item.get("t") == "Image":
                out.append(image(item))
            else:
                out.append(_expand(item, span, image))
        return out
    if isinstance(x, dict):
        return {k: _expand(v, span, image) for k, v in x.items()}
    return x


def _raw(fmt: str, text: str) -> Node:
    return {"t": "RawInline", "c": [fmt, text]}


def _alt(image: Node) -> Node:
    """An image as its description in brackets: the site's redline names a figure, it does not draw it."""
    alt = image["c"][1]
    return {"t": "Emph", "c": [{"t": "Str", "c": "[Figure:"}, {"t": "Space"}, *alt, {"t": "Str", "c": "]"}]}


DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
SAY = {INSERTION: ("ins", "inserted"), DELETION: ("del", "deleted")}


def html_view(doc: Node, date: str) -> Node:
    """Insertions as <ins>, deletions as <del>, each announced to a screen reader in visually hidden words; figures
    named, not drawn. The tags are constant markup (the date is checked to be one): the text between them is
    pandoc's, escaped by its HTML writer."""
    stamp = f' datetime="{html.escape(date)}"' if DATE.fullmatch(date) else ""

    def span(kind: str, inlines: list[Node]) -> list[Node]:
        tag, word = SAY[kind]
        return [_raw("html", f'<{tag}{stamp}><span class="smsgen-sr-only">[{word}: </span>'), *inlines,
                _raw("html", f'<span class="smsgen-sr-only">]</span></{tag}>')]
    return _expand(doc, span, _alt)


def typst_view(doc: Node) -> Node:
    """Marks as calls of the redline functions the PDF's preamble defines; headings one level below the title."""
    def span(kind: str, inlines: list[Node]) -> list[Node]:
        return [_raw("typst", f"#redline-{SAY[kind][0]}["), *inlines, _raw("typst", "]")]
    out = _expand(doc, span, None)
    _shift_headings(out["blocks"])
    return out


def _shift_headings(x: Any) -> None:
    if isinstance(x, dict):
        if x.get("t") == "Header":
            x["c"][0] += 1
        for v in x.values():
            _shift_headings(v)
    elif isinstance(x, list):
        for v in x:
            _shift_headings(v)


def print_view(doc: Node, root: Path, prefix: str) -> Node:
    """Figures as the printed outputs find them: `prefix` + their path under docs/ (typst: "/figures/..." from the
    docs root; pandoc's DOCX writer: "figures/..." on its resource path). A figure no longer drawn (a deleted one)
    is named instead, so a missing file never stops the conversion."""
    def image(node: Node) -> Node:
        target = node["c"][2][0]
        if _DELETED in node["c"][0][1]:
            return _alt(node)   # only the current drawing is on disk: a deleted figure is named, not drawn
        rel = target.lstrip("/")
        if rel.startswith("figures/") and (root / rel).is_file():
            return {"t": "Image", "c": [node["c"][0], node["c"][1], [prefix + rel, node["c"][2][1]]]}
        return _alt(node)
    return _expand(_flag_deleted_images(doc), None, image)


_DELETED = "smsgen-deleted"


def _flag_deleted_images(x: Any, deleted: bool = False) -> Any:
    """A copy with every image inside a deletion given the class _DELETED."""
    if isinstance(x, dict):
        if deleted and x.get("t") == "Image":
            attr = x["c"][0]
            return {"t": "Image", "c": [[attr[0], [*attr[1], _DELETED], attr[2]], *x["c"][1:]]}
        inside = deleted or (marked(x) == DELETION if "t" in x else False)
        return {k: _flag_deleted_images(v, inside) for k, v in x.items()}
    if isinstance(x, list):
        return [_flag_deleted_images(v, deleted) for v in x]
    return x
