"""Reading a generated page back from docs/: the control data from its front matter and its Markdown body, made
ready for print (links become "ID Title" text, figures point at files)."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.control.meta import ControlMeta
from generator.model.yaml_source import FastLoader

FRONT = re.compile(r"\A---\n(.*?\n)---\n\n?", re.S)
# Links between pages are written relative to their page (`page_link`): ../forms/X.md, clauses.md; a link with a
# scheme (https://...) is a real link and stays one. Figures live in docs/figures/: ../figures/x.svg from a document.
LINK = re.compile(r"(?<!!)\[((?:\\.|[^\]\\])+)\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:)([^)\s]+?\.md)(#[^)\s]*)?\)")
FIGURE = re.compile(r"\]\((?:\.\./)*/?figures/([^)\s]+)\)")


@dataclass
class Page:
    path: Path
    text: str
    title: str
    summary: str
    control: ControlMeta   # {} on a page that is no document (an index)
    body: str

    @property
    def id(self) -> str:
        return self.control["id"]

    @property
    def approved(self) -> bool:
        return self.control["status"] == "approved"


def read_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    match = FRONT.match(text)
    meta = _front_meta(match.group(1)) if match else {}
    control = meta.get("control") or ControlMeta()
    # a document's own title is in its control data; the page title also carries its ID (for the site's search)
    title = control["title"] if "title" in control else html.unescape(meta.get("title", ""))
    return Page(path, text, title, html.unescape(meta.get("description", "")), control,
                text[match.end():] if match else text)


def _front_meta(text: str) -> dict:
    """Front matter as smsgen writes it, JSON (publish/pages.py), read by json; any other, by YAML."""
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return yaml.load(text, Loader=FastLoader)


def print_markdown(body: str, figures: str) -> str:
    """Links to other pages become their visible text; figure paths are rewritten with `figures` as the base."""
    body = LINK.sub(lambda m: m.group(1), body)
    return FIGURE.sub(lambda m: f"]({figures}{m.group(1)})", body)
