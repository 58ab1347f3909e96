"""`smsgen training`: the awareness and internal-auditor training material, made from the organisation's own data,
in dist/training/ (a deck and a quiz of each kind; `--only awareness|auditor` for one)."""
from __future__ import annotations

import argparse
import sys

from generator.base.errors import UserError
from generator.base.findings import EXIT_OK, Findings, Severity
from generator.base.workspace import Workspace
from generator.model.load import load
from generator.publish.training.outputs import KINDS, refusals, write_training


def training(ws: Workspace, args: argparse.Namespace) -> int:
    org, findings, _ = load(ws)
    # the material states the data as fact: data that fails a check would teach something wrong
    if org is None or findings.errors:
        raise UserError([f for f in findings if f.severity >= Severity.error])
    if refusals(org):
        raise UserError(refusals(org))
    Findings(f for f in findings if f.severity is Severity.warning).report(sys.stderr)
    for path in write_training(ws, org, (args.only,) if args.only else KINDS):
        print(ws.display(path))
    return EXIT_OK
