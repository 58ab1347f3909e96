"""The MkDocs + Material site backend: builds site/ from the generated pages in docs/."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator import __version__
from generator.base.files import replace_dir
from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.model.organisation import Organisation
from generator.publish.docs import Generated
from generator.render.markdown import html_text


@dataclass
class Downloads:
    """The files the site offers beside each page (DOCX, PDF ...). They may still be converting while the pages are
    built, so the site is keyed on what they will be (`fingerprint`), and `ready` waits for them and says whether all
    were made. `formats` are (name, label) pairs: the dist/ folder and the link text."""
    folder: Path
    fingerprint: str
    formats: list[tuple[str, str]] = field(default_factory=list)
    ready: Callable[[], bool] = lambda: True


class _Collect(logging.Handler):
    """Turns MkDocs warnings into findings instead of letting them scroll past."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def mkdocs_config(ws: Workspace, org: Organisation, nav: list, site_dir: Path, **extra):
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
        config.extra["smsgen_downloads"] = [{"name": name, "label": label} for name, label in downloads.formats] \
            if downloads is not None else []
        if versioned:
            # Material's version selector and outdated banner read mike's versions.json, with no network
            config.extra["version"] = {"provider": "mike", "default": "latest", "alias": True}
        build(config)
        if downloads is not None:
            if not downloads.ready():  # a conversion failed and says so itself; the previous site stays
                shutil.rmtree(tmp, ignore_errors=True)
                return findings
            for fmt, _ in downloads.formats:
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

    digest = hashlib.sha256(json.dumps([generated.nav, versioned, __version__,
                                        downloads.fingerprint if downloads else None]).encode())
    root = ws.docs_dir
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(ws.mkdocs_yml.read_bytes())
    return digest.hexdigest()
