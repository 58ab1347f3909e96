"""A build with nothing to do: everything a build reads, and everything it wrote, as the last completed build left
them. Then the outputs are current, and `build` repeats what that build found instead of rendering, checking and
comparing the whole set again (on 100 documents that is most of a no-change build's second).

The comparison is of file names, sizes and modification times, as make and ninja compare them, of:
- what a build reads: the data, the templates (the workspace's and the library's), the control records, mkdocs.yml,
  smsgen's own code, the installed packages (an upgrade renames their folders), the fonts, the date and the
  environment variables that pin times, and the build's options;
- what it wrote: every file in docs/ (an edited or deleted page), the site's build stamp and every file in dist/
  (a deleted download). Those are compared with their state after the last build, and what it reads with its state
  before: a data file saved while a build ran is newer than that build.
A build that ended with a fatal finding (a conversion that timed out, a site that failed) is never repeated from
here: it may have failed for a reason that is gone.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from generator.base.clock import today
from generator.base.code import code_state
from generator.base.files import file_state, tree_state, write_atomic
from generator.base.findings import Finding, Findings, Severity
from generator.base.fonts import FONT_DIRS
from generator.base.workspace import Workspace
from generator.publish.site.manifest import BUILD_STAMP

RECORD = "last-build.json"   # in the workspace's cache folder (dist/.cache)
# environment variables a build's outputs depend on: the time of the build (SMSGEN_NOW) and of the files in the
# site's sitemap and the PDFs' metadata (SOURCE_DATE_EPOCH)
ENVIRONMENT = ("SMSGEN_NOW", "SOURCE_DATE_EPOCH")


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def inputs_key(ws: Workspace, options: object) -> str:
    """What a build reads, taken before it starts. `options` is the build's options (BuildOptions)."""
    return _digest({
        "smsgen": code_state(),
        "fonts": [tree_state(Path(os.path.expanduser(d))) for d in FONT_DIRS],
        "workspace": [str(ws.root), tree_state(ws.data_dir), [tree_state(d) for d in ws.template_dirs],
                      tree_state(ws.control_dir), file_state(ws.mkdocs_yml)],
        "when": [today().isoformat(), {name: os.environ.get(name) for name in ENVIRONMENT}],
        "options": {name: sorted(value) if isinstance(value, set) else str(value)
                    for name, value in vars(options).items()},
    })


def outputs_key(ws: Workspace, site_dir: Path | None) -> str:
    """What a build wrote, taken when it is done (and again before the next one)."""
    stamp = site_dir / BUILD_STAMP if site_dir is not None else None
    return _digest({
        "docs": tree_state(ws.docs_dir),
        "site": stamp.read_text(encoding="utf-8") if stamp is not None and stamp.is_file() else None,
        "dist": tree_state(ws.dist_dir, (ws.cache_dir,)),
        "exported": file_state(ws.export_cache_file),
    })


def recall(ws: Workspace, inputs: str, site_dir: Path | None) -> tuple[Findings, dict] | None:
    """What the last build found and its summary, when nothing it read or wrote has changed since; else None."""
    try:
        record = json.loads((ws.cache_dir / RECORD).read_text(encoding="utf-8"))
        if record["inputs"] != inputs or record["outputs"] != outputs_key(ws, site_dir) \
                or any(list(file_state(path)) != [size, mtime] for path, size, mtime in record["also"]):
            return None
        findings = Findings(Finding(**{**f, "severity": Severity[f["severity"]]}) for f in record["findings"])
        return findings, record["summary"]
    except (OSError, ValueError, KeyError, TypeError):   # no record, or not one smsgen wrote: build as usual
        return None


def remember(ws: Workspace, inputs: str, site_dir: Path | None, findings: Findings, summary: dict,
             also: list[Path]) -> None:
    """Keep what a completed build found, unless something fatal stopped it; else forget the last one's. `also`:
    files the build read that data names (the logo), wherever in the workspace they are."""
    record = ws.cache_dir / RECORD
    try:
        if findings.fatal:
            record.unlink(missing_ok=True)
            return
        ws.cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(record, json.dumps({
            "inputs": inputs, "outputs": outputs_key(ws, site_dir),
            "also": [(str(path), *file_state(path)) for path in also],
            "findings": [{**dataclasses.asdict(f), "severity": f.severity.name} for f in findings],
            "summary": summary}, indent=1))
    except OSError:   # the record only saves the next build work: without it, that build does the work
        return
