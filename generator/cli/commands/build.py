"""`smsgen build`: pages, site and outputs; prints what was written where."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.base.workspace import Workspace
from generator.publish.build import BuildOptions, build
from generator.publish.export.registry import EXPORTERS


def build_command(ws: Workspace, args: argparse.Namespace) -> int:
    formats = {name for name in EXPORTERS if getattr(args, name, False) or args.all}
    options = BuildOptions(controlled=args.controlled, audience=args.audience, formats=formats,
                           packs=args.all or args.packs, site=not args.no_site,
                           site_dir=Path(args.site_dir).resolve() if args.site_dir else None,
                           site_backend=args.site_backend)
    result = build(ws, options)
    if result.exported is not None:
        exported = result.exported
        print(f"{len(exported.written)} file(s) converted, {exported.skipped} unchanged, "
              f"in {exported.seconds:.1f} s -> {ws.display(ws.dist_dir)}")
    result.findings.report(sys.stderr)
    if result.generated is not None:
        published = sum(1 for d in result.outcome.documents if d.published)
        print(f"{published} documents written to {ws.display(ws.docs_dir)}"
              + (f"; site built in {ws.display(result.site_dir)}" if result.site_dir is not None else ""))
    return result.findings.exit_code()
