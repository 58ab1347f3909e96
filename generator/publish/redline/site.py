"""The site's "changes from revision N" page of each document that has a redline: docs/<folder>/<ID>-changes.md,
beside the document's page and written only where it is (so an audience that does not get a document does not get
its changes either: not the page, not its words in search). Its body is pandoc's HTML of the redline, insertions as
<ins> and deletions as <del>.

Each revision's text is read as the audience reads the document: links to pages it does not get, and the IDs and
titles of such documents, are taken out before the comparison, as `View.unlink` and `View.redact` do on every page.
The HTML is kept in dist/.cache/redline/ by a hash of what it is made from: an unchanged redline costs no pandoc."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from generator.base.files import write_atomic
from generator.base.workspace import Workspace
from generator.control.register import Register
from generator.control.snapshots import approved_text
from generator.control.state import ControlState
from generator.model.organisation import Organisation
from generator.publish.audience import View
from generator.publish.export.page import print_markdown
from generator.publish.pages import front_matter
from generator.publish.redline.ast import convert_many, html_view, redlines
from generator.publish.redline.compare import REVIEW_AID, Comparison, comparisons
from generator.render.markdown import html_text, md_escape, page_link

VERSION = "3"            # bump when the diff or the HTML changes, so every cached redline is made again
KEEP_DAYS = 30           # a cached redline not used for this long is removed


def site_redlines(ws: Workspace, org: Organisation, view: View, states: dict[str, ControlState],
                  register: Register | None) -> dict[str, tuple[Comparison, str]]:
    """Document ID -> its comparison and the redline's HTML, for every document this audience gets that has one."""
    if register is None:
        return {}
    found = comparisons(view.documents, register.documents, states, org, approved_text(ws))
    readable = lambda c, text: print_markdown(view.redact(view.unlink(c.doc.docs_path, text)), "/figures/")  # noqa: E731
    prepared = {doc_id: (readable(c, c.old_text), readable(c, c.new_text)) for doc_id, c in found.items()}
    folder = ws.cache_dir / "redline"
    cached = {doc_id: folder / f"{_key(found[doc_id], texts)}.html" for doc_id, texts in prepared.items()}
    missing = [doc_id for doc_id, path in cached.items() if not path.is_file()]
    if missing:
        items = [found[doc_id] for doc_id in missing]
        docs = redlines(items, [prepared[doc_id] for doc_id in missing])
        pages = convert_many([json.dumps(html_view(d, c.mark.date)) for c, d in zip(items, docs)], "json", "html")
        for doc_id, page in zip(missing, pages):
            write_atomic(cached[doc_id], page)
    out = {doc_id: (found[doc_id], path.read_text(encoding="utf-8")) for doc_id, path in cached.items()}
    _prune(folder, set(cached.values()))
    return out


def _key(c: Comparison, texts: tuple[str, str]) -> str:
    digest = hashlib.sha256()
    for part in (VERSION, c.mark.author, c.mark.date, *texts):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def _prune(folder: Path, used: set[Path]) -> None:
    """Mark the redlines used now, and remove those no build has used for KEEP_DAYS (other audiences' builds share
    the folder, so what this one did not use is not stale yet)."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.glob("*.html"):
        try:
            if path in used:
                os.utime(path, (now, now))
            elif now - path.stat().st_mtime > KEEP_DAYS * 86400:
                path.unlink()
        except OSError:
            continue


def redline_page(c: Comparison, body: str, classification: str) -> str:
    """The page: what is compared, that it is a review aid, a legend, then the redline. Everything from the data is
    escaped Markdown; the redline is pandoc's HTML, its text escaped by pandoc."""
    doc = c.doc
    title = f"{doc.id} {doc.title}: changes from revision {c.old_revision} to revision {c.new_revision}"
    meta = {"title": html_text(title), "description": html_text(f"{c.title} of {doc.id}, {REVIEW_AID}."),
            "search": {"boost": 0.3}}
    effective = f", effective {c.old_effective}" if c.old_effective else ""
    by = f"; changes by {md_escape(c.by)}"
    link = page_link(c.page, doc.docs_path)
    lines = [f"# {md_escape(title)}", "",
             f'<p class="smsgen-redline__class">Classification: <strong>{html_text(classification)}</strong></p>', "",
             '!!! warning "A review aid, not a controlled copy"', "",
             f"    Revision {c.old_revision} (approved{effective}) compared with revision {c.new_revision} "
             f"({md_escape(c.new_status.lower())}){by}. The controlled text is the document's own page: "
             f"[{md_escape(doc.id)} {md_escape(doc.title)}]({link}).", "",
             '<p class="smsgen-redline__legend">Legend: <ins>inserted text</ins> is underlined in green, '
             "<del>deleted text</del> is struck through in red; a screen reader announces each as inserted or "
             "deleted.</p>", "",
             '<div class="smsgen-redline">', body.strip(), "</div>", ""]
    return front_matter(meta) + "\n".join(lines)
