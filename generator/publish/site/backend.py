"""The seam between smsgen and the program that turns docs/ into a site.

Every backend reads the same generated pages (with links relative to the page, which every site generator resolves)
and the same values from data, `SiteRequest.config()`: the site name, the navigation, the logo and the `extra`
settings the theme overrides read. They differ only in how those values reach the builder (a live MkDocs config
object, a generated config file for Zensical) and how its warnings come back. What they share is here, in
`SiteBackend.build`: nothing is built when nothing changed, only the changed pages are rendered when nothing else
changed and the backend can (manifest.py decides, `update` renders), a warning fails the build like MkDocs' strict
mode, the downloads are copied in, and the previous site stays in place unless the new one is complete.
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
from generator.base import memory
from generator.base.files import replace_dir, write_atomic
from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.model.organisation import Organisation
from generator.publish.site.manifest import BUILD_STAMP, MANIFEST, Manifest, changed_files, hash_docs
from generator.publish.site.tree import move_into, sync_tree
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


@dataclass
class SiteBuild:
    """What a site build did: its findings, and how much it rendered."""
    findings: Findings
    mode: str = "unchanged"   # "unchanged" (nothing to build), "pages" (changed pages only) or "full"
    pages: int = 0            # pages rendered again, in mode "pages"
    reason: str = ""          # in mode "full": why the changed pages alone could not be rendered, if they were asked

    def note(self) -> str:
        """One line for the build's progress."""
        if self.mode == "pages":
            return f"{self.pages} page(s) rendered again"
        if self.mode == "full":
            return f"whole site: {self.reason}" if self.reason else "whole site"
        return "unchanged"


class FullBuildNeeded(Exception):
    """`SiteBackend.update` cannot bring the site up to date by rendering the changed pages alone; says why."""


class SiteBackend(ABC):
    """A site generator smsgen can hand docs/ to. A backend implements `render` (and says its `version`); `build`,
    shared, decides whether to build at all, and whether the changed pages alone can be rendered (a backend that
    can implements `update`), and puts the result in place."""
    name: ClassVar[str]
    incremental: ClassVar[bool] = False   # whether `update` can render changed pages alone

    @abstractmethod
    def version(self) -> str | None:
        """The generator's version, or None when it is not installed."""

    def toolchain(self) -> list[str]:
        """What the site's HTML depends on besides smsgen and docs/ (the generator's and the theme's versions)."""
        return [self.name]

    @abstractmethod
    def render(self, ws: Workspace, request: SiteRequest, out: Path) -> Findings:
        """Build the site from docs/ into `out`, an empty directory beside the target. Every warning is a finding
        (error), a failed build a fatal one."""

    def update(self, ws: Workspace, request: SiteRequest, site: Path, out: Path,
               changed: list[str]) -> tuple[Findings, int]:
        """Write into the empty folder `out` every file of `site` (as last built) that changes when only the content
        of the docs/ files `changed` has changed since (nothing else: `build` checks); `build` then moves them into
        the site. Returns the findings and the number of pages rendered; raises FullBuildNeeded when rendering those
        alone is not safe."""
        raise FullBuildNeeded(f"{self.name} builds whole sites only")

    def build(self, ws: Workspace, request: SiteRequest) -> Findings:
        """Build the site into `request.site_dir`; the previous site stays in place unless the build succeeds."""
        return self.build_site(ws, request).findings

    def build_site(self, ws: Workspace, request: SiteRequest) -> SiteBuild:
        """`build`, saying whether it rendered nothing, the changed pages only, or the whole site (and why)."""
        findings = Findings()
        result = SiteBuild(findings)
        if not ws.mkdocs_yml.exists():
            findings.add("site.config", Severity.fatal, "mkdocs.yml is missing", ws.display(ws.mkdocs_yml),
                         hint="`smsgen init DIR` writes one")
            return result
        target = request.site_dir
        manifest = self.manifest(ws, request)
        key = self.site_key(request, manifest)
        stamp = target / BUILD_STAMP
        if stamp.exists() and stamp.read_text() == key:
            return result  # nothing the site is made from has changed since it was built
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
        result.mode = "full"
        try:
            changed = None
            if self.incremental and target.is_dir():
                changed, result.reason = changed_files(Manifest.read(target), manifest)
            if changed is not None:
                try:
                    found, result.pages = self.update(ws, request, target, tmp, changed)
                    findings += found
                    result.mode = "pages"
                except FullBuildNeeded as exc:
                    result.reason = str(exc)
                    shutil.rmtree(tmp)
                    tmp.mkdir()
            if result.mode == "full":
                findings += self.render(ws, request, tmp)
                # the pages are written; the conversions may still run beside this process (`downloads.ready`
                # waits). An update of a few pages leaves little garbage, and collecting costs it 30 ms
                memory.release()
            downloads = request.downloads
            if not findings and downloads is not None:
                if not downloads.ready():  # a conversion failed and says so itself; the previous site stays
                    shutil.rmtree(tmp, ignore_errors=True)
                    return result
                if result.mode == "full":
                    for fmt, _ in downloads.formats:
                        sync_tree(downloads.folder / fmt, tmp / "downloads" / fmt)
        except OSError as exc:
            findings.add("site.build", Severity.fatal, f"{self.name} build failed: {exc}", ws.display(ws.mkdocs_yml))
        except BaseException:   # Ctrl-C in `smsgen serve`: leave no half-built directory behind
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if findings:
            shutil.rmtree(tmp, ignore_errors=True)
            return result
        try:
            if result.mode == "full":   # a new site, swapped in whole, its stamp written last
                write_atomic(tmp / MANIFEST, manifest.text())
                write_atomic(tmp / BUILD_STAMP, key)
                replace_dir(tmp, target)
            else:
                _update_in_place(tmp, target, request.downloads, manifest, key)
        except OSError as exc:
            findings.add("site.build", Severity.fatal, f"{self.name} build failed: {exc}", ws.display(ws.mkdocs_yml))
            shutil.rmtree(tmp, ignore_errors=True)
        return result

    def manifest(self, ws: Workspace, request: SiteRequest) -> Manifest:
        """What a site built now is made from: the hashes of what every page depends on (the backend's and smsgen's
        versions, mkdocs.yml and the values from data, the navigation, the theme overrides and assets), and of each
        other file in docs/. The downloads' fingerprint is not in it: a page shows which formats are offered, not
        the files."""
        theme, files = hash_docs(ws)
        config = request.config()
        nav = config.pop("nav")
        layout = {"versions": [self.name, __version__, self.toolchain()],
                  "settings": [config, request.offline, hashlib.sha256(ws.mkdocs_yml.read_bytes()).hexdigest()],
                  "navigation": nav, "theme": theme}
        return Manifest(self.name, {part: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
                                    for part, value in layout.items()}, files)

    def site_key(self, request: SiteRequest, manifest: Manifest) -> str:
        """A hash of everything a site build reads: the manifest, and the downloads it copies in (by their export
        keys)."""
        fingerprint = request.downloads.fingerprint if request.downloads else None
        data = [manifest.backend, manifest.layout, manifest.files, fingerprint]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _update_in_place(staging: Path, target: Path, downloads: Downloads | None, manifest: Manifest, key: str) -> None:
    """Move the files an update rendered into the site, each replacing its old one whole, and bring its downloads up
    to date. The stamp and the manifest go first and come back last: an update cut short leaves a site the next
    build rebuilds whole, never one it takes for current or updates from a record that no longer holds."""
    (target / BUILD_STAMP).unlink(missing_ok=True)
    (target / MANIFEST).unlink(missing_ok=True)
    move_into(staging, target)
    shutil.rmtree(staging, ignore_errors=True)
    if downloads is not None:   # only files that changed are copied
        for fmt, _ in downloads.formats:
            sync_tree(downloads.folder / fmt, target / "downloads" / fmt)
    write_atomic(target / MANIFEST, manifest.text())
    write_atomic(target / BUILD_STAMP, key)
