"""`smsgen check`: every finding about data, templates, the rendered set and its control state; writes nothing."""
from __future__ import annotations

import argparse
import sys

from generator.base.workspace import Workspace
from generator.checks.assess import assess


def check(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assess(ws)
    if args.format == "json":
        print(outcome.findings.as_json())
    else:
        outcome.findings.report(sys.stderr, grouped=True)
        if not outcome.findings:
            print(f"{len(outcome.documents)} documents, no findings")
    return outcome.findings.exit_code()
