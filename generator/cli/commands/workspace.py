"""Workspace commands: init, schema, templates, serve."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from generator.base.findings import EXIT_OK, Findings, Severity
from generator.base.workspace import DEFAULT_TEMPLATES, Workspace
from generator.model.scaffold import init as init_workspace
from generator.model.schema import write_schemas
from generator.publish.serve import serve as serve_site
from generator.publish.site.registry import site_backend
from generator.render.sections import section_diff
from generator.render.templates import FRONT_MATTER, Template, discover


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
    if args.diff is not None:
        return _diffs(ws, [t for t in found if not args.diff or t.relpath == args.diff], args.diff, problems)
    for t in found:
        mark = "sections" if t.patch else "default" if _is_default(t.file) else "override"
        expand = f" (one per {t.meta.expand})" if t.meta and t.meta.expand else ""
        print(f"{t.relpath:55} {mark:8} {t.meta.type if t.meta else '?':16}{expand}")
    findings = Findings(problems)
    findings.report(sys.stderr)
    return findings.exit_code()


def _is_default(file: Path) -> bool:
    return file.resolve().is_relative_to(DEFAULT_TEMPLATES)


def _diffs(ws: Workspace, found: list[Template], wanted: str, problems) -> int:
    """Each workspace override against the current default: the whole file, or section by section."""
    findings = Findings(problems)
    if wanted and not found:
        findings.add("templates.unknown", Severity.fatal, f"no template at '{wanted}'",
                     hint="`smsgen templates` lists the paths")
    shown = 0
    for t in found:
        default = DEFAULT_TEMPLATES / t.relpath
        if t.patch is not None:
            text = section_diff(_body_text(default), _body_text(t.patch), f"default/{t.relpath}", t.patch_display)
        elif not _is_default(t.file) and default.is_file():
            text = "".join(difflib.unified_diff(default.read_text(encoding="utf-8").splitlines(keepends=True),
                                                t.file.read_text(encoding="utf-8").splitlines(keepends=True),
                                                f"default/{t.relpath}", t.display))
        elif not _is_default(t.file):
            text = f"+++ {t.display}: a template of this workspace's own (no default at this path)\n"
        else:
            continue
        shown += 1
        sys.stdout.write(text or f"{t.display}: the same as the default\n")
    if not shown and not wanted:
        print("this workspace overrides no template")
    findings.report(sys.stderr)
    return findings.exit_code()


def _body_text(file: Path) -> str:
    """A template's source without its front matter."""
    text = file.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    return text[match.end():] if match else text


def serve(ws: Workspace, args: argparse.Namespace) -> int:
    return serve_site(ws, args.dev_addr, site_backend(args.site_backend))
