"""The Zensical site backend (optional, experimental): Material's successor, built from the same docs/.

Zensical reads a config file, not a live object, and runs as a program, so this backend writes the workspace's
mkdocs.yml with the values from data set on top (`SiteRequest.config`) to CONFIG_FILE beside it, and runs
`PYTHON -m zensical build -f CONFIG_FILE`. PYTHON is $SMSGEN_ZENSICAL_PYTHON, else this interpreter: Zensical is not
a dependency of smsgen and usually lives in a virtual environment of its own (`.ci/zensical.sh` makes one).

Zensical places docs_dir and site_dir relative to the config file and refuses them outside its directory, so the
site is built into a directory inside the workspace and moved to the target. It writes its cache to .cache/ there.
It has no link validation switch and prints each problem as a `Warning:` block, which becomes a finding here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from generator.base.files import write_if_changed
from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.publish.site.backend import SiteBackend, SiteRequest

PYTHON_ENV = "SMSGEN_ZENSICAL_PYTHON"
CONFIG_FILE = ".smsgen-zensical.yml"
TIMEOUT = 900   # seconds: the largest sets take about a minute
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Warning: page does not exist
#     ╭─[ clause-matrix.md:25:89 ]
WARNING = re.compile(r"^Warning: (?P<message>.*)"
                     r"(?:\n\s*╭─\[ (?P<path>[^\]:]+)(?::(?P<line>\d+):(?P<col>\d+))? \])?", re.M)
IGNORED = ("hooks", "validation")   # MkDocs-only keys Zensical ignores: left out, so the file shows what is used
INSTALL_HINT = f"install it with `python -m pip install zensical==0.0.73` and set {PYTHON_ENV} to that python"


class ZensicalBackend(SiteBackend):
    name = "zensical"

    @property
    def command(self) -> list[str]:
        return [os.environ.get(PYTHON_ENV) or sys.executable, "-m", "zensical"]

    def version(self) -> str | None:
        try:
            done = subprocess.run([*self.command, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else None

    def write_config(self, ws: Workspace, request: SiteRequest, site_dir: Path) -> Path:
        """mkdocs.yml with the values from data on top and `site_dir` set, as CONFIG_FILE in the workspace."""
        config = yaml.safe_load(ws.mkdocs_yml.read_text(encoding="utf-8")) or {}
        for key, value in request.config().items():
            if key in ("theme", "extra"):
                config[key] = {**(config.get(key) or {}), **value}
            else:
                config[key] = value
        config["site_dir"] = site_dir.relative_to(ws.root).as_posix()
        for key in IGNORED:
            config.pop(key, None)
        path = ws.root / CONFIG_FILE
        write_if_changed(path, "# written by smsgen for Zensical from mkdocs.yml and data/ on every build: "
                               "do not edit\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
        return path

    def render(self, ws: Workspace, request: SiteRequest, out: Path) -> Findings:
        findings = Findings()
        inside = out.resolve().is_relative_to(ws.root)
        site = out.resolve() if inside else Path(tempfile.mkdtemp(prefix=".site-", dir=ws.root))
        try:
            try:
                config = self.write_config(ws, request, site)
            except yaml.YAMLError as exc:
                findings.add("site.config", Severity.fatal, f"mkdocs.yml cannot be read for Zensical: {exc}",
                             ws.display(ws.mkdocs_yml))
                return findings
            try:
                done = subprocess.run([*self.command, "build", "-f", str(config)], cwd=ws.root, timeout=TIMEOUT,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8",
                                      errors="replace", env={**os.environ, "NO_COLOR": "1"})
            except (OSError, subprocess.TimeoutExpired) as exc:
                findings.add("site.build", Severity.fatal, f"zensical build failed: {exc}", ws.display(config),
                             hint=INSTALL_HINT)
                return findings
            output = ANSI.sub("", done.stdout)
            for match in WARNING.finditer(output):
                where = ws.display(ws.docs_dir / match["path"]) if match["path"] else ws.display(config)
                findings.add("site.warning", Severity.error, f"zensical: {match['message'].strip()}", where,
                             int(match["line"] or 0), int(match["col"] or 0))
            if done.returncode != 0:
                last = (output.strip().splitlines() or ["aborted"])[-1]
                findings.add("site.build", Severity.fatal, f"zensical build failed: {last}", ws.display(config),
                             hint=INSTALL_HINT if "No module named" in output else "")
            if not inside and not findings:
                for child in site.iterdir():
                    shutil.move(str(child), out / child.name)
        finally:
            if not inside:
                shutil.rmtree(site, ignore_errors=True)
        return findings
