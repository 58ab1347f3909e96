"""The seam between smsgen and the program that turns docs/ into a site.

Every backend reads the same generated pages (with links relative to the page, which every site generator resolves)
and the same values from data, `SiteRequest.config()`: the site name, the navigation, the logo and the `extra`
settings the theme overrides read. They differ only in how those values reach the builder (a live MkDocs config
object, a generated config file for Zensical) and how its warnings come back. What they share is here, in
`SiteBackend.build`: nothing is built when nothing changed, a warning fails the build like MkDocs' strict mode, the
downloads are copied in, and the previous site stays in place unless the new one is complete.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from generator import __version__
from generator.base.files import replace_dir
from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.model.organisation import Organisation
from generator.render.markdown import html_text

BUILD_STAMP = ".smsgen-build"   # in a built site: the key of what it was built from


@dataclass
class Downloads:
    """The files the site offers beside each page (DOCX, PDF ...). They may still be converting while the pages are
    built, so the site is keyed on what they will be (`fingerprint`), and `ready` waits for them and says whether all
    were made. `formats` are (name, label) pairs: the dist/ folder and the link text."""
    folder: Path
    fingerprint: str
    formats: list[tuple[str, str]] = field(default_factory=list)
    ready: Callable[[], bool] = lambda: True


@dataclass
class SiteRequest:
    """One site build: what it takes from data rather than from mkdocs.yml, and where it goes."""
    site_name: str
    nav: list
    logo: str | None                  # relative to docs/; also the favicon
    site_dir: Path                    # the target, replaced whole when the build succeeds
    versioned: bool = False           # Material's version selector reads mike's versions.json
    downloads: Downloads | None = None
    site_url: str | None = None       # where this site is served: the sitemap lists its pages under it
    offline: bool = False             # a site to open from disk (file://): .html links, search without a server

    def config(self) -> dict:
        """The config values every backend sets on top of mkdocs.yml (`theme` and `extra` are merged into it)."""
        extra: dict = {"smsgen_downloads": [{"name": name, "label": label} for name, label in self.downloads.formats]
                       if self.downloads is not None else []}
        if self.versioned:
            # the version selector and the outdated banner read mike's versions.json, with no network
            extra["version"] = {"provider": "mike", "default": "latest", "alias": True}
        theme = {"logo": self.logo, "favicon": self.logo} if self.logo else {}
        config = {"site_name": self.site_name, "nav": self.nav, "theme": theme, "extra": extra}
        if self.site_url:
            config["site_url"] = self.site_url
        return config


def site_request(ws: Workspace, org: Organisation, nav: list, site_dir: Path | None = None,
                 downloads: Downloads | None = None, versioned: bool = False,
                 version: str | None = None, offline: bool = False) -> SiteRequest:
    """The site's name, navigation, logo and address from the data: the one place they come from, whichever backend
    builds. A released `version` is served from its folder under the site's address (mike's layout)."""
    logo = org.org.branding.logo
    rel = None
    if logo and (ws.root / logo).is_file() and (ws.root / logo).resolve().is_relative_to(ws.docs_dir.resolve()):
        rel = (ws.root / logo).resolve().relative_to(ws.docs_dir.resolve()).as_posix()
    # Material prints the site name unescaped: it is escaped here, once
    site_url = org.org.site_url
    if site_url:
        site_url = site_url.rstrip("/") + "/" + (f"{version}/" if version else "")
    # SMSGEN_OFFLINE=true still asks for it, as before `build --offline` existed
    offline = offline or os.environ.get("SMSGEN_OFFLINE", "").lower() in ("1", "true", "yes")
    return SiteRequest(html_text(f"{org.org.name} SMS"), nav, rel, (site_dir or ws.site_dir).resolve(), versioned,
                       downloads, site_url, offline)


class SiteBackend(ABC):
    """A site generator smsgen can hand docs/ to. A backend implements `render` (and says its `version`); `build`,
    shared, decides whether to build at all and puts the result in place."""
    name: ClassVar[str]

    @abstractmethod
    def version(self) -> str | None:
        """The generator's version, or None when it is not installed."""

    @abstractmethod
    def render(self, ws: Workspace, request: SiteRequest, out: Path) -> Findings:
        """Build the site from docs/ into `out`, an empty directory beside the target. Every warning is a finding
        (error), a failed build a fatal one."""

    def build(self, ws: Workspace, request: SiteRequest) -> Findings:
        """Build the site into `request.site_dir`; the previous site stays in place unless the build succeeds."""
        findings = Findings()
        if not ws.mkdocs_yml.exists():
            findings.add("site.config", Severity.fatal, "mkdocs.yml is missing", ws.display(ws.mkdocs_yml),
                         hint="`smsgen init DIR` writes one")
            return findings
        target = request.site_dir
        key = self.site_key(ws, request)
        stamp = target / BUILD_STAMP
        if stamp.exists() and stamp.read_text() == key:
            return findings  # nothing the site is made from has changed since it was built
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
        try:
            findings += self.render(ws, request, tmp)
            downloads = request.downloads
            if not findings and downloads is not None:
                if not downloads.ready():  # a conversion failed and says so itself; the previous site stays
                    shutil.rmtree(tmp, ignore_errors=True)
                    return findings
                for fmt, _ in downloads.formats:
                    if (downloads.folder / fmt).is_dir():
                        shutil.copytree(downloads.folder / fmt, tmp / "downloads" / fmt)
        except OSError as exc:
            findings.add("site.build", Severity.fatal, f"{self.name} build failed: {exc}", ws.display(ws.mkdocs_yml))
        except BaseException:   # Ctrl-C in `smsgen serve`: leave no half-built directory behind
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if findings:
            shutil.rmtree(tmp, ignore_errors=True)
            return findings
        (tmp / BUILD_STAMP).write_text(key)
        replace_dir(tmp, target)
        return findings

    def site_key(self, ws: Workspace, request: SiteRequest) -> str:
        """A hash of everything a site build reads: docs/ (pages, theme overrides, assets), mkdocs.yml, the values
        from data, the downloads it copies in (by their export keys), the backend and the smsgen version."""
        config = request.config()
        config["extra"]["smsgen_downloads_key"] = request.downloads.fingerprint if request.downloads else None
        digest = hashlib.sha256(json.dumps([self.name, __version__, config], sort_keys=True).encode())
        root = ws.docs_dir
        for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        digest.update(ws.mkdocs_yml.read_bytes())
        return digest.hexdigest()
