"""The MkDocs + Material site backend (the default): builds the site in this process, so a build costs no second
interpreter start, with MkDocs' own strict mode and its warnings collected as findings."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import mkdocs
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.publish.site.backend import Downloads, SiteBackend, SiteRequest

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


class MkDocsBackend(SiteBackend):
    name = "mkdocs"

    def version(self) -> str | None:
        return mkdocs.__version__

    def render(self, ws: Workspace, request: SiteRequest, out: Path) -> Findings:
        findings = Findings()
        collector = _Collect()
        log = logging.getLogger("mkdocs")
        log.addHandler(collector)
        try:
            build(mkdocs_config(ws, request, out, strict=True))
        except (MkDocsException, SystemExit, OSError) as exc:
            findings.add("site.build", Severity.fatal, f"mkdocs build failed: {exc or 'aborted'}",
                         ws.display(ws.mkdocs_yml))
        finally:
            log.removeHandler(collector)
        for message in collector.messages:
            findings.add("site.warning", Severity.error, f"mkdocs: {message}", ws.display(ws.mkdocs_yml))
        return findings
