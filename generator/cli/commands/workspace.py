"""Workspace commands: init, schema, templates, serve."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mkdocs.commands.serve import serve as mkdocs_serve

from generator.base.findings import EXIT_OK, Findings
from generator.base.workspace import DEFAULT_TEMPLATES, Workspace
from generator.model.scaffold import init as init_workspace
from generator.model.schema import write_schemas
from generator.publish.site import serve_hook
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
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    watch = [str(d) for d in (ws.data_dir, ws.root / "sms_templates") if d.is_dir()]
    mkdocs_serve(config_file=str(ws.mkdocs_yml), watch=watch, hooks=[serve_hook.__file__], dev_addr=args.dev_addr)
    return EXIT_OK
