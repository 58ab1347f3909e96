"""`smsgen build` with nothing to do: when nothing the last build read or wrote has changed (publish/uptodate.py), its
findings and summary are the answer. This module loads only what that answer needs, and the CLI tries it before it
loads the build (build.py: the whole model, renderer, exporters and MkDocs, about 0.3 s of imports), so a build with
nothing to do costs little more than starting Python."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.base.workspace import Workspace
from generator.publish import uptodate
from generator.publish.formats import FORMATS
from generator.publish.options import BuildOptions


def build_options(args: argparse.Namespace) -> BuildOptions:
    """The build's options from its command line (the repeat and the build must read them alike)."""
    return BuildOptions(controlled=args.controlled, audience=args.audience,
                        formats={name for name in FORMATS if getattr(args, name, False) or args.all},
                        packs=args.all or args.packs, site=not args.no_site,
                        site_dir=Path(args.site_dir).resolve() if args.site_dir else None,
                        site_backend=args.site_backend, offline=args.offline)


def site_dir_of(ws: Workspace, options: BuildOptions) -> Path | None:
    return (options.site_dir or ws.site_dir) if options.site else None


def repeat_if_current(ws: Workspace, args: argparse.Namespace) -> int | None:
    """The last build's exit status, having printed its findings and summary with nothing converted, if nothing has
    changed since; else None, and the build runs."""
    options = build_options(args)
    last = uptodate.recall(ws, uptodate.inputs_key(ws, options), site_dir_of(ws, options))
    if last is None:
        return None
    findings, made = last
    made = {**made, "converted": 0, "unchanged": made["converted"] + made["unchanged"],
            "outputs": {kind: {**counts, "converted": 0} for kind, counts in made["outputs"].items()}}
    if getattr(args, "format", "text") == "json":
        print(json.dumps(made, indent=2))
        return findings.exit_code()
    print("nothing changed since the last build: its pages, site and outputs are current", file=sys.stderr)
    if made["dist_dir"] is not None:
        print(f"0 file(s) converted, {made['unchanged']} unchanged -> {made['dist_dir']}")
    findings.report(sys.stderr)
    if made["docs_dir"] is not None:
        for line in summary_lines(made):
            print(line)
    return findings.exit_code()


def summary_lines(made: dict) -> list[str]:
    """The human summary at the end of a build, from its summary (build.py's `summary`): what was written where."""
    lines = [f"{len(made['documents'])} documents written to {made['docs_dir']}"
             + (f"; site built in {made['site_dir']}" if made["site_dir"] is not None else "")]
    for kind, counts in made["outputs"].items():
        if kind == "pack":
            continue
        lines.append(f"  {made['dist_dir']}/{kind}: {counts['files']} file(s), {counts['converted']} converted")
    if made["packs"]:
        lines.append(f"  packs: {', '.join(made['packs'])}")
    return lines
