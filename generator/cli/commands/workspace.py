"""Workspace commands: init, schema, templates, serve."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.base.findings import EXIT_OK, Findings
from generator.base.workspace import DEFAULT_TEMPLATES, Workspace
from generator.model.scaffold import init as init_workspace
from generator.model.schema import write_schemas
from generator.publish.serve import serve as serve_site
from generator.publish.site.registry import site_backend
from generator.render.templates import discover


def init(ws: Workspace, args: argparse.Namespace) -> int:
    created = init_workspace(Path(args.directory))
    print(f"workspace created in {created.root}\nnext: cd {args.directory} && smsgen build")
    return EXIT_OK


def schema(ws: Workspace, args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else ws.schema_dir
    for path in write_schemas(out):
        print(ws.display(path))
    return EXIT_OK


def templates(ws: Workspace, args: argparse.Namespace) -> int:
    found, problems = discover(ws.template_dirs, ws.display)
    for t in found:
        mark = "default" if t.file.resolve().is_relative_to(DEFAULT_TEMPLATES) else "override"
        expand = f" (one per {t.meta.expand})" if t.meta and t.meta.expand else ""
        print(f"{t.relpath:55} {mark:8} {t.meta.type if t.meta else '?':16}{expand}")
    findings = Findings(problems)
    findings.report(sys.stderr)
    return findings.exit_code()


def serve(ws: Workspace, args: argparse.Namespace) -> int:
    return serve_site(ws, args.dev_addr, site_backend(args.site_backend))
