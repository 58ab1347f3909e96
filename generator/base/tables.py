"""Tables people keep outside smsgen (a sign-off sheet, a corrective-action log, a learning system's export), read as
rows of text: CSV or the first sheet of an XLSX."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (column names lower-cased) and (row number, column -> text) of every non-empty row after it, of a
    CSV or XLSX (its first sheet). Raises OSError, ValueError or csv.Error when the file cannot be read as a table."""
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ValueError(f"not a readable workbook ({exc})") from None
        try:               # a date cell reads as a datetime: its ISO form starts with the day
            table = [["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)).strip()
                      for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    else:
        raise ValueError(f"'{path.suffix or path.name}' is not a table smsgen reads: use a .csv or .xlsx file")
    if not table:
        return [], []
    header = [h.lower() for h in table[0]]
    return header, [(n, {h: v for h, v in zip(header, row, strict=False) if h})
                    for n, row in enumerate(table[1:], start=2) if any(row)]
