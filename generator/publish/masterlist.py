"""The master document list (every controlled document with its control data) and the register of documents of
external origin, as site pages and as CSV / XLSX exports."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from generator.base.files import normalise_zip, write_atomic
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.control.state import ControlState
from generator.model.datafiles import DocumentsFile
from generator.model.organisation import Organisation
from generator.render.document import Document

COLUMNS = ("ID", "Title", "Type", "Revision", "Status", "Owner", "Approver", "Approved by", "Effective",
           "Next review", "Classification", "Record classification", "Change request")
# Record classification: forms only, the classification their completed records take (the blank form's is beside it).
# Change request: the one the current revision was made under (CR-001), if any.


def rows(documents: list[Document], states: dict[str, ControlState], names: DocumentsFile) -> list[tuple]:
    out = []
    for doc in sorted(documents, key=lambda d: d.id):
        st = states[doc.id]
        out.append((doc.id, doc.title, doc.type_def.label, st.revision, st.status_label, doc.owner.title,
                    doc.approver.title, st.approved_by, st.effective, st.next_review,
                    names.label(doc.classification),
                    names.label(doc.record_classification) if doc.record_classification else "",
                    st.change_request))
    return out


def external_rows(org: Organisation) -> list[tuple]:
    """Documents of external origin the SMS relies on: the standards, and every legal or contractual text."""
    out = [("EXT-ISO-28000", "ISO 28000:2022 Security and resilience - Security management systems - Requirements",
            "Standard", "ISO", org.function["sms_manager"].title, "Licensed copy held by the SMS function"),
           ("EXT-ISO-28001", "ISO 28001:2007 Security management systems for the supply chain - Best practices for "
            "implementing supply chain security, assessments and plans", "Standard", "ISO",
            org.function["sms_manager"].title, "Licensed copy held by the SMS function")]
    for req in org.legal:
        out.append((req.id, req.title, req.kind.replace("_", " ").capitalize(), req.issuer,
                    org.role[req.owner].title if req.owner in org.role else req.owner,
                    f"Evaluated {req.last_evaluated.isoformat()}, every {req.review_months} months"))
    return out


EXTERNAL_COLUMNS = ("Reference", "Title", "Kind", "Issuer", "Kept current by", "Control")


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
    buffer = io.BytesIO()
    # fixed workbook metadata and zip timestamps, so the same register gives the same file

    book.properties.created = dt.datetime(2000, 1, 1)
    book.properties.creator = "smsgen"
    book.save(buffer)
    return normalise_zip(buffer.getvalue(), fixed_xml={"docProps/core.xml": _fixed_core})


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


def _fixed_core(xml: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml; replace it with the fixed creation date."""
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", xml)
