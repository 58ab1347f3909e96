"""The MkDocs + Material site backend (the default): builds the site in this process, so a build costs no second
interpreter start, with MkDocs' own strict mode and its warnings collected as findings. When only some pages'
content changed, it renders those alone into a copy of the site (incremental.py)."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path

import jinja2
import mkdocs
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.publish.site.backend import Downloads, SiteBackend, SiteRequest
from generator.publish.site.incremental import recorder, update_pages

__all__ = ["Downloads", "MkDocsBackend", "mkdocs_config"]


class _Collect(logging.Handler):
    """Turns MkDocs warnings into findings instead of letting them scroll past."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def mkdocs_config(ws: Workspace, request: SiteRequest, site_dir: Path, **overrides):
    """mkdocs.yml with the request's values from data set on top (`theme` and `extra` merged, the rest replaced)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(ws.mkdocs_yml), site_dir=str(site_dir), **overrides)
    _keep_compiled_templates(config.theme)
    if request.offline:
        # a site to read from disk: Material's offline plugin (listed, disabled, in mkdocs.yml) acts from on_config
        # on, during the build, so switching it on here is enough
        for name in ("material/offline", "offline"):
            if name in config["plugins"]:
                config["plugins"][name].config.enabled = True
    for key, value in request.config().items():
        if key in ("theme", "extra"):
            config[key].update(value)
        else:
            config[key] = value
    return config


def _keep_compiled_templates(theme) -> None:
    """The theme's templates compiled once and kept between builds, in Jinja's per-user cache as smsgen's own are
    (`render.make_environment`): MkDocs makes a Jinja environment for each use (the build, the search plugin's
    translations) and compiles the templates anew in each, which costs more than rendering a few changed pages."""
    make = theme.get_env

    def get_env():
        env = make()
        env.bytecode_cache = jinja2.FileSystemBytecodeCache()
        return env
    theme.get_env = get_env


@cache
def _toolchain() -> list[str]:
    """The versions of what renders the pages: MkDocs, the theme, the Markdown library and its extensions."""
    versions = []
    for name in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return versions


class MkDocsBackend(SiteBackend):
    name = "mkdocs"
    incremental = True

    def version(self) -> str | None:
        return mkdocs.__version__

    def toolchain(self) -> list[str]:
        return _toolchain()

    def render(self, ws: Workspace, request: SiteRequest, out: Path) -> Findings:
        findings = Findings()
        with self._collected(ws, findings):
            config = mkdocs_config(ws, request, out, strict=True)
            record = recorder(config)
            build(config)
            record.write(out)
        return findings

    def update(self, ws: Workspace, request: SiteRequest, site: Path, out: Path,
               changed: list[str]) -> tuple[Findings, int]:
        findings = Findings()
        if not changed:   # only the downloads changed: `build` copies them
            return findings, 0
        rendered = 0
        with self._collected(ws, findings):
            rendered = update_pages(mkdocs_config(ws, request, out, strict=True), site, changed)
        return findings, rendered

    @contextmanager
    def _collected(self, ws: Workspace, findings: Findings):
        """MkDocs' warnings as findings (errors), a failed build as a fatal one."""
        collector = _Collect()
        log = logging.getLogger("mkdocs")
        log.addHandler(collector)
        try:
            yield
        except (MkDocsException, SystemExit, OSError) as exc:
            findings.add("site.build", Severity.fatal, f"mkdocs build failed: {exc or 'aborted'}",
                         ws.display(ws.mkdocs_yml))
        finally:
            log.removeHandler(collector)
        for message in collector.messages:
            findings.add("site.warning", Severity.error, f"mkdocs: {message}", ws.display(ws.mkdocs_yml))
