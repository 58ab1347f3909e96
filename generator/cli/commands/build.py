"""`smsgen build`: pages, site and outputs; shows each phase's progress and prints what was written where. (A build
with nothing to do is answered by build_repeat.py before this module is loaded.)"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.base.progress import Progress
from generator.base.workspace import Workspace
from generator.cli.commands.build_repeat import build_options, site_dir_of, summary_lines
from generator.publish import uptodate
from generator.publish.build import BuildResult, build
from generator.publish.export.plan import PACK_NAMES


def build_command(ws: Workspace, args: argparse.Namespace) -> int:
    """The build, when the repeat (build_repeat.py, which the CLI tries first) found something changed."""
    options = build_options(args)
    as_json = getattr(args, "format", "text") == "json"
    site_dir = site_dir_of(ws, options)
    inputs = uptodate.inputs_key(ws, options)   # what the build reads, taken before it starts
    # a terminal gets live bars; CI logs, pipes and --format json get one plain line per phase (on standard error)
    progress = Progress(sys.stderr, live=False if as_json else None)
    try:
        result = build(ws, options, progress)
    finally:
        progress.close()
    made = summary(ws, result)
    logo = result.outcome.org.org.branding.logo if result.outcome.org is not None else None
    uptodate.remember(ws, inputs, site_dir, result.findings, made, [ws.root / logo] if logo else [])
    if as_json:
        print(json.dumps(made, indent=2))
        return result.findings.exit_code()
    if result.exported is not None:
        exported = result.exported
        print(f"{len(exported.written)} file(s) converted, {exported.skipped} unchanged, "
              f"in {exported.seconds:.1f} s -> {ws.display(ws.dist_dir)}")
    result.findings.report(sys.stderr)
    if result.generated is not None:
        for line in summary_lines(summary(ws, result)):
            print(line)
    return result.findings.exit_code()


def _kind(out: str) -> str:
    """An output's format (the folder it is in under dist/), or "pack" for a combined PDF."""
    path = Path(out)
    return "pack" if any(path.stem.endswith(f"-{name}") for name in PACK_NAMES) else path.parent.name


def summary(ws: Workspace, result: BuildResult) -> dict:
    """What `build --format json` prints: what was written where, and the findings as `check --format json`."""
    pages = {Path(p).stem: p for p in (result.generated.pages if result.generated else [])}
    documents = [{"id": d.id, "title": d.title,
                  "page": ws.display(ws.docs_dir / pages[d.id]) if d.id in pages else None}
                 for d in result.outcome.documents if d.published] if result.generated is not None else []
    exported = result.exported
    outputs: dict[str, dict[str, int]] = {}
    if exported is not None:
        written = set(exported.written)
        for out in exported.outputs:
            counts = outputs.setdefault(_kind(out), {"files": 0, "converted": 0})
            counts["files"] += 1
            counts["converted"] += out in written
    return {
        "exit_code": result.findings.exit_code(),
        "docs_dir": ws.display(ws.docs_dir) if result.generated is not None else None,
        "documents": documents,
        "site_dir": ws.display(result.site_dir) if result.site_dir is not None else None,
        "dist_dir": ws.display(ws.dist_dir) if exported is not None else None,
        "converted": len(exported.written) if exported is not None else 0,
        "unchanged": exported.skipped if exported is not None else 0,
        "outputs": dict(sorted(outputs.items())),
        "packs": sorted(ws.display(Path(out)) for out in (exported.outputs if exported else [])
                        if _kind(out) == "pack"),
        "findings": json.loads(result.findings.as_json()),
    }
