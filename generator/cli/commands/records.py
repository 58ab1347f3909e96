"""`smsgen records import KIND FILE`: a spreadsheet log (CSV or XLSX) into data/records/, then the workspace's own
checks, so a person or clause the rows name that the data does not know is reported at once."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.base.findings import Findings
from generator.base.workspace import Workspace
from generator.model.load import load
from generator.model.record_import import KINDS, import_records


def import_table(ws: Workspace, args: argparse.Namespace) -> int:
    table = Path(args.file)
    added, findings = import_records(ws.data_dir, args.kind, table, args.file)
    if added:
        print(f"{added} record(s) added to {ws.display(ws.data_dir / KINDS[args.kind])}")
        # the rows were valid records; whether what they name exists is the workspace's to say
        findings = Findings(f for f in load(ws)[1] if f.path.startswith("data/records/"))
    findings.report(sys.stderr)
    return findings.exit_code()
