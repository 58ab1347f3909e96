"""The master document list (every controlled document with its control data) and the register of documents of
external origin, as rows: the site's pages show them, masterlist_files.py writes them as CSV and XLSX."""
from __future__ import annotations

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
