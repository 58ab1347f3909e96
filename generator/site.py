"""Writing the generated pages into docs/ and building site/ with MkDocs + Material."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .control import ControlState
from .findings import Findings, Severity
from .fsutil import replace_dir, write_if_changed
from .model import Organisation
from .pages import (changes_page, clause_index, clause_matrix_page, document_page, front_matter, home_page,
                    html_text, master_list_page, readiness_page, role_page, section_index)
from .render import md_escape
from .render import Document
from .workspace import Workspace

MANIFEST = ".smsgen-pages"   # the list of pages smsgen generated, so stale ones can be removed safely
# Material renders the open section of the navigation into every page, so a section of n pages costs n * n: a long
# section is split into groups of this many entries, named by their first and last entry.
NAV_GROUP = 40


@dataclass
class Downloads:
    """The DOCX and PDF files the site offers. They may still be converting while MkDocs builds the pages, so the
    site is keyed on what they will be (`fingerprint`), and `ready` waits for them and says whether all were made."""
    folder: Path
    fingerprint: str
    ready: Callable[[], bool] = lambda: True


@dataclass
class Generated:
    nav: list
    pages: list[str]


def write_docs(ws: Workspace, org: Organisation, documents: list[Document], figures: dict[str, str],
               states: dict[str, ControlState], tasks: dict | None = None, register=None,
               release: str | None = None, hidden: set[str] = frozenset()) -> Generated:
    """Write one page per document plus the indexes; remove pages smsgen wrote earlier that no longer exist."""
    pages: dict[str, str] = {}
    sections: list[tuple[str, str, int]] = []
    nav: list = [{"Home": "index.md"}]
    for type_key, type_def in org.documents.types.items():
        docs = sorted((d for d in documents if d.type == type_key), key=lambda d: d.id)
        if not docs:
            continue
        sections.append((type_def.label, type_def.folder, len(docs)))
        pages[f"{type_def.folder}/index.md"] = section_index(type_def.label, docs, states)
        for doc in docs:
            pages[doc.docs_path] = document_page(doc, states[doc.id])
        short = f"{org.org.document_prefix}-"
        nav.append({html_text(type_def.label): [f"{type_def.folder}/index.md"] + _grouped(
            [(d.id.removeprefix(short), d.label, d.docs_path) for d in docs])})
    pages["clauses.md"] = clause_index(documents)
    pages["master-list.md"] = master_list_page(documents, states, org)
    pages["clause-matrix.md"] = clause_matrix_page(documents, states)
    pages["readiness.md"] = readiness_page(org, documents, states)
    role_rows = ["# Roles", "", "What each role does in the SMS: its tasks, forms and instructions.", ""]
    for role in org.roles:
        pages[f"roles/{role.key}.md"] = role_page(role, org, documents, tasks or {})
        role_rows.append(f"- [{md_escape(role.title)}](/roles/{role.key}.md): {md_escape(role.purpose)}")
    pages["roles/index.md"] = front_matter({"title": "Roles"}) + "\n".join(role_rows) + "\n"
    pages["changes.md"] = changes_page(documents, states, register, release, hidden)
    role_entries = _grouped([(r.title, r.title, f"roles/{r.key}.md") for r in org.roles])
    nav += [{"Roles": ["roles/index.md"] + role_entries}, {"Clause index": "clauses.md"},
            {"Master document list": "master-list.md"}, {"Clause matrix": "clause-matrix.md"},
            {"Readiness report": "readiness.md"}, {"What changed": "changes.md"}]
    pages["index.md"] = home_page(org, documents, sections)
    pages["branding.css"] = _branding_css(org)
    pages.update({f"figures/{name}": svg for name, svg in figures.items()})

    docs_dir = ws.docs_dir
    for rel, content in pages.items():
        write_if_changed(docs_dir / rel, content)
    manifest = docs_dir / MANIFEST
    previous = manifest.read_text(encoding="utf-8").split() if manifest.exists() else []
    for rel in set(previous) - set(pages):
        (docs_dir / rel).unlink(missing_ok=True)
    write_if_changed(manifest, "\n".join(sorted(pages)) + "\n")
    return Generated(nav, sorted(pages))


def _grouped(entries: list[tuple[str, str, str]]) -> list:
    """Navigation entries (short name, label, path), in groups of NAV_GROUP when there are more than that."""
    items = [{html_text(label): path} for _, label, path in entries]
    if len(items) <= NAV_GROUP:
        return items
    groups = []
    for start in range(0, len(items), NAV_GROUP):
        first, last = entries[start][0], entries[min(start + NAV_GROUP, len(entries)) - 1][0]
        groups.append({html_text(f"{first} to {last}"): items[start:start + NAV_GROUP]})
    return groups


def _branding_css(org: Organisation) -> str:
    b = org.org.branding
    return (":root > * {\n"
            f"  --md-primary-fg-color: {b.primary_colour};\n"
            f"  --md-primary-fg-color--dark: {b.primary_colour};\n"
            f"  --md-accent-fg-color: {b.accent_colour};\n"
            f"  --smsgen-brand: {b.primary_colour};\n"
            "}\n")


class _Collect(logging.Handler):
    """Turns MkDocs warnings into findings instead of letting them scroll past."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def mkdocs_config(ws: Workspace, org: Organisation, nav: list, site_dir: Path, **extra):
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(ws.mkdocs_yml), site_dir=str(site_dir), **extra)
    apply_organisation(config, ws, org, nav)
    return config


def apply_organisation(config, ws: Workspace, org: Organisation, nav: list) -> None:
    """What the site takes from the data rather than from mkdocs.yml: its name, navigation and logo."""
    config["site_name"] = html_text(f"{org.org.name} SMS")  # Material prints it unescaped
    config["nav"] = nav
    logo = org.org.branding.logo
    if logo and (ws.root / logo).is_file() and (ws.root / logo).resolve().is_relative_to(ws.docs_dir.resolve()):
        rel = (ws.root / logo).resolve().relative_to(ws.docs_dir.resolve()).as_posix()
        config.theme["logo"] = rel
        config.theme["favicon"] = rel


def build_site(ws: Workspace, org: Organisation, generated: Generated, site_dir: Path | None = None,
               downloads: Downloads | None = None, versioned: bool = False) -> Findings:
    """Build site/ from docs/ in strict mode; the previous site stays in place unless the build succeeds."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    findings = Findings()
    if not ws.mkdocs_yml.exists():
        findings.add("site.config", Severity.fatal, "mkdocs.yml is missing", ws.display(ws.mkdocs_yml),
                     hint="`smsgen init DIR` writes one")
        return findings
    target = (site_dir or ws.site_dir).resolve()
    key = _site_key(ws, generated, downloads, versioned)
    stamp = target / ".smsgen-build"
    if stamp.exists() and stamp.read_text() == key:
        return findings  # nothing the site is made from has changed since it was built
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    collector = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(collector)
    try:
        config = mkdocs_config(ws, org, generated.nav, tmp, strict=True)
        config.extra["smsgen_downloads"] = downloads is not None
        if versioned:
            # Material's version selector and outdated banner read mike's versions.json, with no network
            config.extra["version"] = {"provider": "mike", "default": "latest", "alias": True}
        build(config)
        if downloads is not None:
            if not downloads.ready():  # a conversion failed and says so itself; the previous site stays
                shutil.rmtree(tmp, ignore_errors=True)
                return findings
            for fmt in ("docx", "pdf"):
                if (downloads.folder / fmt).is_dir():
                    shutil.copytree(downloads.folder / fmt, tmp / "downloads" / fmt)
    except (MkDocsException, SystemExit, OSError) as exc:
        findings.add("site.build", Severity.fatal, f"mkdocs build failed: {exc or 'aborted'}",
                     ws.display(ws.mkdocs_yml))
    finally:
        log.removeHandler(collector)
    for message in collector.messages:
        findings.add("site.warning", Severity.error, f"mkdocs: {message}", ws.display(ws.mkdocs_yml))
    if findings:
        shutil.rmtree(tmp, ignore_errors=True)
        return findings
    (tmp / ".smsgen-build").write_text(key)
    replace_dir(tmp, target)
    return findings


def _site_key(ws: Workspace, generated: Generated, downloads: Downloads | None, versioned: bool) -> str:
    """A hash of everything a site build reads: docs/ (pages, theme overrides, assets), mkdocs.yml, the navigation,
    the downloads it copies in (by their export keys), and the smsgen version."""
    import hashlib
    import json

    from . import __version__

    digest = hashlib.sha256(json.dumps([generated.nav, versioned, __version__,
                                        downloads.fingerprint if downloads else None]).encode())
    root = ws.docs_dir
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(ws.mkdocs_yml.read_bytes())
    return digest.hexdigest()
