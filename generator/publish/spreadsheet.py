"""Tables as files: CSV, and XLSX workbooks whose bytes depend only on their cells (fixed metadata and zip times), so
the same table gives the same file. Kept apart from the tables themselves: openpyxl takes 70 ms to import, and a
build never writes a workbook."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from generator.base.files import normalise_zip


def to_csv(header, body) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()


def to_xlsx(sheets: dict[str, tuple[tuple, list[tuple]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, (header, body) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in body:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="0B3D91")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for i, column in enumerate(zip(*([header] + body)), 1):
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(len(str(v or "")) for v in column) + 2)
    return workbook_bytes(book)


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as a file whose bytes depend only on its content: fixed metadata and zip timestamps, so the same
    table (or questionnaire) gives the same file."""
    buffer = io.BytesIO()
    book.properties.created = dt.datetime(2000, 1, 1)
    book.properties.creator = "smsgen"
    book.save(buffer)
    return normalise_zip(buffer.getvalue(), fixed_xml={"docProps/core.xml": _fixed_core})


def _fixed_core(xml: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml; replace it with the fixed creation date."""
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", xml)
