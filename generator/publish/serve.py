"""`smsgen serve`: the site on a local address, rebuilt whenever the data, the templates or the theme change.

smsgen's own loop rather than a site generator's live server, so it works the same with every backend and the
pages, the navigation and the site name come from the data on every rebuild through the same `site_request` as a
build. A scan of modification times every second finds changes (no watcher library), a rebuild goes through the
backend into a private directory that a stdlib HTTP server serves, and a rebuild that fails keeps the last good site.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.publish.docs import write_outcome
from generator.publish.site.backend import SiteBackend, SiteBuild, SiteRequest, site_request

POLL_SECONDS = 1.0


@dataclass
class Rebuilt:
    findings: Findings                   # the data's and templates', then the site build's
    request: SiteRequest | None = None   # None when the data could not be published
    built: bool = False                  # False: the last good site is still the one served
    pages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    site: SiteBuild | None = None        # what the backend did: the changed pages only, or the whole site

    def line(self) -> str:
        if self.built and self.site is not None and self.site.mode == "pages":
            return f"site rebuilt: {self.site.pages} of {len(self.pages)} pages rendered again in {self.seconds:.1f} s"
        if self.built:
            why = f" ({self.site.reason})" if self.site is not None and self.site.reason else ""
            return f"site rebuilt: {len(self.pages)} pages in {self.seconds:.1f} s{why}"
        return f"site not rebuilt ({len(self.findings)} finding(s) above): serving the last good one"


def rebuild(ws: Workspace, backend: SiteBackend, site_dir: Path) -> Rebuilt:
    """Render data and templates into docs/ and build the site into `site_dir`: at start and after every change."""
    started = time.perf_counter()
    outcome = assess(ws)
    findings = Findings(outcome.findings)
    generated = write_outcome(ws, outcome)
    if generated is None or outcome.org is None:
        return Rebuilt(findings, seconds=time.perf_counter() - started)
    request = site_request(ws, outcome.org, generated.nav, site_dir)
    site = backend.build_site(ws, request)   # only the pages whose content changed, when that is safe
    findings += site.findings
    return Rebuilt(findings, request, not site.findings, generated.pages, time.perf_counter() - started, site)


def watched(ws: Workspace) -> list[Path]:
    """What a site is made from besides the generated pages: the data, the templates, the theme, mkdocs.yml."""
    return [ws.data_dir, *ws.template_dirs, ws.docs_dir / "overrides", ws.docs_dir / "assets", ws.mkdocs_yml]


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Path -> (modification time, size) of every file under `paths`, skipping hidden ones (editor swap files,
    data/.schema)."""
    found: dict[str, tuple[int, int]] = {}
    for root in paths:
        files = [root] if root.is_file() else root.rglob("*") if root.is_dir() else []
        for path in files:
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            try:
                stat = path.stat()
            except OSError:   # removed while scanning: the next scan sees it gone
                continue
            if path.is_file():
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        pass


def _server(address: str, site_dir: Path) -> http.server.ThreadingHTTPServer:
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True

    try:
        return Server((host, int(port)), functools.partial(_Quiet, directory=str(site_dir)))
    except (OSError, ValueError, OverflowError) as exc:
        raise UserError(Finding("serve.address", Severity.fatal, f"cannot serve on '{address}': {exc}",
                                hint="give a free HOST:PORT with --dev-addr, e.g. 127.0.0.1:8001")) from None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(ws: Workspace, address: str, backend: SiteBackend, stop: threading.Event | None = None,
          out: TextIO | None = None, poll: float = POLL_SECONDS) -> int:
    """Build, serve on `address` (HOST:PORT; port 0 picks a free one) and rebuild on every change until Ctrl-C (or
    `stop`). Returns the exit status: 0 after a clean stop."""
    stop, out = stop or threading.Event(), out or sys.stdout
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)   # a `kill` stops as cleanly as Ctrl-C
    home = Path(tempfile.mkdtemp(prefix="smsgen-serve-"))
    site_dir = home / "site"
    try:
        server = _server(address, site_dir)   # first: a taken port is reported before a minute of building
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = str(server.server_address[0])
        url = f"http://{f'[{host}]' if ':' in host else host}:{server.server_port}/"
        print(f"serving the {backend.name} site on {url} (Ctrl-C to stop)", file=out, flush=True)
        seen = snapshot(watched(ws))
        first = rebuild(ws, backend, site_dir)
        first.findings.report(sys.stderr)
        print(first.line(), file=out, flush=True)
        while not stop.wait(poll):
            now = snapshot(watched(ws))
            if now == seen:
                continue
            seen = now
            done = rebuild(ws, backend, site_dir)
            done.findings.report(sys.stderr)
            print(done.line(), file=out, flush=True)
    except KeyboardInterrupt:
        print("stopped", file=out, flush=True)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(home, ignore_errors=True)
    return 0
