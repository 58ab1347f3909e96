"""The master document list as files, CSV and XLSX (`smsgen master-list`), from the list's rows (masterlist.py)."""
from __future__ import annotations

from pathlib import Path

from generator.base.files import write_atomic
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.publish.masterlist import COLUMNS, EXTERNAL_COLUMNS, external_rows, rows
from generator.publish.spreadsheet import to_csv, to_xlsx


def export(outcome: Outcome, csv_path: Path | None, xlsx_path: Path | None, ws: Workspace) -> list[Path]:
    assert outcome.org is not None   # the caller (open_controller) refuses a set whose data did not load
    body = rows(outcome.documents, outcome.states, outcome.org.documents)
    written = []
    if csv_path is None and xlsx_path is None:
        csv_path = ws.dist_dir / "master-document-list.csv"
        xlsx_path = ws.dist_dir / "master-document-list.xlsx"
    if csv_path:
        write_atomic(csv_path, to_csv(COLUMNS, body))
        written.append(csv_path)
    if xlsx_path:
        write_atomic(xlsx_path, to_xlsx({"Master document list": (COLUMNS, body),
                                         "External origin": (EXTERNAL_COLUMNS, external_rows(outcome.org))}))
        written.append(xlsx_path)
    return written
