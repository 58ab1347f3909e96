"""Text from data made safe for Markdown and HTML, and the small text helpers templates use. Data is text, never
markup: everything a template inserts passes through `finalize`."""
from __future__ import annotations

import datetime as dt
import functools
import html
import importlib
import posixpath
import re

import inflection
from babel.dates import format_date
from markupsafe import Markup

from generator.model.locality import DEFAULT_LOCALE

# Braces too: `{: onclick="..." }` after a heading, a table cell or a paragraph's last line is an attribute list
# (attr_list), which would put the attribute on the element.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|{}])")
# A line break in data would end the line the template put it on: the next line could start a heading, a list, a
# definition, an admonition or a block attribute list, or split a table row. Data is one line of text.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")
# What makes a line a block when a template puts data at its start: a heading, a list item, a definition, an
# admonition, a fence, a rule or a setext underline. Its first character is escaped (or written as an entity where
# Markdown has no escape for it).
_BLOCK_START = re.compile(r"#|[-+:](?=\s)|\d+[.)](?=\s)|!!!|:::|[=-]+\s*$")
_START_ESCAPES = {"#": "\\#", "-": "\\-", "+": "\\+", "!": "\\!", ":": "&#58;", "=": "&#61;"}
# pandoc (DOCX, PDF) reads ~sub~, ^sup^ and $math$ where Python-Markdown has no escape for them: written as entities
_PANDOC_INLINE = str.maketrans({"~": "&#126;", "^": "&#94;", "$": "&#36;"})


def md_escape(value, locale: str = DEFAULT_LOCALE) -> str:
    """Text from data, made inert for Markdown (emphasis, links, table pipes, attribute lists, blocks) and for HTML
    (tags, entities): whatever it holds, it reads as the same text on the page. A date is written out in `locale`."""
    if isinstance(value, dt.date):
        value = longdate(value, locale)
    return _escaped(str(value))


@functools.lru_cache(maxsize=2**16)
def _escaped(value: str) -> str:
    """md_escape of text: the same names and titles are inserted thousands of times in a large set."""
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(value, quote=False)).translate(_PANDOC_INLINE)
    text = _LINE_BREAK.sub(" ", text)
    start = _BLOCK_START.match(text)
    if start is None:
        return text
    if start.group(0)[0].isdigit():   # "2024. " would number a list: escape the dot
        return text[:start.end() - 1] + "\\" + text[start.end() - 1:]
    return _START_ESCAPES[text[0]] + text[1:]


def finalize(value, locale: str = DEFAULT_LOCALE):
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return Markup(md_escape(value, locale))


_LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s")


def normalise_markdown(body: str) -> str:
    """Put a blank line before every list and table that follows a paragraph line.

    Python-Markdown and pandoc both need it, and Jinja loops that emit list items straight after an introductory
    sentence rarely leave one; without it the list would run into the paragraph."""
    out: list[str] = []
    for line in body.splitlines():
        prev = out[-1] if out else ""
        starts_list = _LIST_ITEM.match(line) and prev.strip() and not _LIST_ITEM.match(prev) \
            and not prev.startswith((" ", "\t"))
        starts_table = line.startswith("|") and prev.strip() and not prev.startswith("|")
        if starts_list or starts_table:
            out.append("")
        out.append(line)
    return "\n".join(out).strip() + "\n"


def longdate(value: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """A date in words as the organisation writes it (`locality.date_locale`): 23 November 2026 in en_GB,
    November 23, 2026 in en_US."""
    return format_date(value, format="long", locale=locale)


@functools.cache
def _inflect():
    """inflect's engine, loaded on first use: importing inflect costs about a second (typeguard instruments every
    method as the module loads), which no command should pay unless a template asks for grammar."""
    return importlib.import_module("inflect").engine()


def with_article(text: str) -> str:
    """"an Operations Manager", "a Site Security Officer", "an FSO": the article English grammar gives (inflect)."""
    return _inflect().a(str(text))


def plural(text: str, count: int = 2) -> str:
    """The plural of a noun phrase ("security officer" -> "security officers") unless `count` is 1: its last word
    pluralised by `inflection` (a quick import, unlike inflect)."""
    return str(text) if count == 1 else inflection.pluralize(str(text))


def every(months: int) -> str:
    """A period in months as documents state it, one way everywhere: "every month", "every 12 months"."""
    return "every month" if months == 1 else f"every {months} months"


def join_and(items) -> str:
    """"a, b and c". Links (Markup) stay links; other items are text, escaped when joined with links."""
    items = list(items)
    if any(isinstance(i, Markup) for i in items):
        parts = [i if isinstance(i, Markup) else Markup(md_escape(str(i))) for i in items]
        return parts[0] if len(parts) == 1 else Markup(", ").join(parts[:-1]) + Markup(" and ") + parts[-1]
    texts = [str(i) for i in items]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1] if texts else ""


def in_sentence(text: str) -> str:
    """A data phrase placed mid-sentence ("Security Officer" -> "security officer"), keeping acronyms (GDP, SIA)."""
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in text.split(" "))


def html_text(text: str) -> str:
    """Text for places MkDocs and Material print unescaped (titles, navigation, site name)."""
    return html.escape(text, quote=True)


def page_link(page: str, target: str) -> str:
    """The link from the page at `page` to `target`, both paths inside docs/: relative to the page, the one form
    every site generator resolves (Zensical ignores docs-absolute links) and that survives a site in a subfolder.

    Always up to docs/ and down again (`../procedures/X.md`, even beside it), so a link means the same on every page
    at the same depth: a task's text, links and all, is repeated on role pages and in job descriptions."""
    return "../" * page.count("/") + target


def resolve_link(page: str, link: str) -> str:
    """The path inside docs/ a link on the page at `page` points to: `page_link` read backwards."""
    if link.startswith("/"):
        return posixpath.normpath(link.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
