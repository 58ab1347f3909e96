"""Registers and packs: master-list, pack stage1, verify-pack, release, publish."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.base.findings import EXIT_BAD_INPUT, EXIT_CHECKS_FAILED, EXIT_OK
from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.cli.commands.control import assessed
from generator.publish.docs import write_outcome
from generator.publish.masterlist_files import export
from generator.publish.pack_verify import verify_pack
from generator.publish.release import publish, release
from generator.publish.stage1 import build_pack


def master_list(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    for path in export(outcome, Path(args.csv) if args.csv else None, Path(args.xlsx) if args.xlsx else None, ws):
        print(ws.display(path))
    return EXIT_OK


def pack(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assess(ws, controlled=True)
    write_outcome(ws, outcome)
    result = build_pack(ws, outcome, Path(args.out) if args.out else None, args.include_restricted, args.redlines)
    if result.path is None:
        print("stage 1 pack refused:", file=sys.stderr)
        result.findings.report(sys.stderr)
        return EXIT_CHECKS_FAILED if not result.findings.fatal else EXIT_BAD_INPUT
    print(f"{ws.display(result.path)}: {result.files} files"
          + (f"; {result.withheld} restricted document(s) listed for on-site review" if result.withheld else ""))
    return EXIT_OK


def verify_pack_command(ws: Workspace, args: argparse.Namespace) -> int:
    findings = verify_pack(Path(args.file))
    findings.report(sys.stderr)
    if not findings:
        print(f"{args.file}: every file matches the manifest")
    return findings.exit_code()


def release_command(ws: Workspace, args: argparse.Namespace) -> int:
    findings, lines = release(ws, args.version, args.by, args.audience, args.site_backend, commit=args.commit)
    if findings:
        print(f"release {args.version} refused:", file=sys.stderr)
        findings.report(sys.stderr)
        return findings.exit_code() or EXIT_CHECKS_FAILED
    for line in lines:
        print(line)
    return EXIT_OK


def publish_command(ws: Workspace, args: argparse.Namespace) -> int:
    versions = publish(ws, Path(args.to))
    print(f"{len(versions)} released version(s) exported to {args.to}: {', '.join(versions)}")
    return EXIT_OK
