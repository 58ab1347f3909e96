"""The Stage 1 handover pack: one frozen, checksummed zip of exactly what was approved, for the certification body.

Refused unless every document in the pack is approved and unchanged since approval. The same inputs give the same
bytes: sorted entries, fixed timestamps, dates from the register.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator import __version__
from generator.base.clock import today
from generator.base.files import digest, write_zip
from generator.base.findings import Findings, Severity
from generator.base.typeset import compile_typst
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.checks.matrix import clause_matrix, coverage
from generator.control.snapshots import approved_text
from generator.control.state import ControlState
from generator.model.fields import Classification
from generator.model.organisation import Organisation
from generator.publish.audience import Audience
from generator.publish.export.base import Brand
from generator.publish.export.packs import apart, save_pack
from generator.publish.export.page import read_page
from generator.publish.export.pdf import report_source
from generator.publish.export.plan import brand_of, export
from generator.publish.export.registry import EXPORTERS
from generator.publish.masterlist import COLUMNS, EXTERNAL_COLUMNS, external_rows, rows
from generator.publish.records import pack_summary
from generator.publish.redline.compare import comparisons
from generator.publish.redline.outputs import redline_files
from generator.publish.signed import PackSignatures, pack_signatures
from generator.publish.spreadsheet import to_csv, to_xlsx
from generator.render.document import Document

# the certification body sees everything below restricted, unless restricted documents are included on request
CERTIFICATION_BODY = Classification.confidential


@dataclass
class PackResult:
    path: Path | None
    findings: Findings
    files: int = 0
    withheld: int = 0


def _stamp(states: dict[str, ControlState]) -> tuple[datetime, str]:
    """The pack's date is the latest effective date in it: rebuilding the same approvals gives the same pack."""
    dates = sorted(s.effective for s in states.values() if s.effective)
    day = dates[-1] if dates else "2000-01-01"
    return datetime.fromisoformat(day).replace(tzinfo=UTC), day.replace("-", "")


def build_pack(ws: Workspace, outcome: Outcome, out: Path | None, include_restricted: bool,
               redlines: bool = False) -> PackResult:
    findings = Findings(f for f in outcome.findings if f.severity >= Severity.error)
    if findings:
        return PackResult(None, findings)
    org, documents, states = outcome.org, outcome.documents, outcome.states
    assert org is not None   # without an error or fatal finding, the data loaded
    exported = export(ws, org, set(EXPORTERS))
    if exported.findings:
        return PackResult(None, exported.findings)
    when, version = _stamp(states)
    stamp = int(when.timestamp())
    brand = brand_of(org, ws)
    dist, docs_dir = ws.dist_dir, ws.docs_dir
    view = Audience.up_to(None if include_restricted else CERTIFICATION_BODY).view(documents)
    included, withheld = view.documents, view.hidden

    prefix = org.org.document_prefix
    path = out or dist / f"{prefix}-stage1-{version}.zip"
    # the documents and the documentation set (about 130 MB at 1000 documents) go into the zip from their files, which
    # is streamed: the pack is never held in memory; the registers and reports are small and given as bytes
    files: dict[str, bytes | Path] = {}
    meta: dict[str, tuple[str, str]] = {}
    for doc in included:
        for exporter in EXPORTERS.values():
            name = f"documents/{exporter.name}/{doc.id}.{exporter.name}"
            files[name] = exporter.output(dist, doc.id)
            meta[name] = (doc.id, states[doc.id].revision)
    # signed approvals: the signed PDFs are among the documents already (the export copies them); add the certificates
    signed = pack_signatures(ws, outcome, files, prefix)
    files.update(signed.certificates)
    if redlines:   # each document revised since its first issue: its changes from the approved revision before
        found = comparisons(included, outcome.register.documents if outcome.register else {}, states, org,
                            approved_text(ws))
        for c, made in redline_files(ws, org, [found[i] for i in sorted(found)], ("pdf",)):
            files[f"redlines/{c.name}.pdf"] = made["pdf"]
            meta[f"redlines/{c.name}.pdf"] = (c.doc.id, c.new_revision)
    # before the merge, while this process is at its smallest: the reports' layouts need the most memory of the pack
    files.update(_registers_and_reports(ws, outcome, included, brand, stamp, include_restricted))
    path.parent.mkdir(parents=True, exist_ok=True)
    # the documentation set is written beside the pack, on its file system, not in a temporary folder that may be
    # held in memory (tmpfs)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch:
        documentation_set = Path(scratch) / f"{prefix}-documentation-set.pdf"
        with documentation_set.open("wb") as handle:
            save_pack(handle, [read_page(docs_dir / d.docs_path) for d in included],
                      [EXPORTERS["pdf"].output(dist, d.id) for d in included],
                      f"{org.org.name}: SMS documentation for the Stage 1 audit", brand, docs_dir, stamp)
        files[documentation_set.name] = documentation_set
        readme = _readme(org, included, withheld, version, sum(name.startswith("redlines/") for name in files))
        files["README.txt"] = (readme + ("\n" + signed.readme if signed.readme else "")).encode("utf-8")
        files["manifest.json"] = _manifest(org, version, files, meta, signed, withheld, states)
        write_zip(path, files)
    return PackResult(path, Findings(), len(files), len(withheld))


def _registers_and_reports(ws: Workspace, outcome: Outcome, included: list[Document], brand: Brand, stamp: int,
                           include_restricted: bool) -> dict[str, bytes]:
    """The registers (CSV, XLSX, PDF), the readiness report and the records summary: small files, made in memory.
    Each PDF is laid out in a process of its own (at 1000 documents the readiness report takes typst about 600 MB,
    the master list about 300 MB), so their memory is not added up, nor kept by this one."""
    org, documents, states = outcome.org, outcome.documents, outcome.states
    assert org is not None
    docs_dir = ws.docs_dir
    files: dict[str, bytes] = {}
    body = rows(included, states, org.documents)
    files["registers/master-document-list.csv"] = to_csv(COLUMNS, body).encode("utf-8")
    files["registers/master-document-list.xlsx"] = to_xlsx({"Master document list": (COLUMNS, body),
                                                            "External origin": (EXTERNAL_COLUMNS, external_rows(org))})
    matrix = clause_matrix(documents, states)
    clause_sheet = [(r.clause.number, r.clause.title, r.clause.standard, r.clause.documented_information, r.status,
                     "; ".join(d.id for d in sorted(r.documents, key=lambda d: d.id)),
                     "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(r.sections.items()))) for r in matrix]
    doc_sheet = [(d.id, d.title, states[d.id].status_label, ", ".join(d.clauses)) for d in
                 sorted(documents, key=lambda d: d.id)]
    files["registers/clause-matrix.xlsx"] = to_xlsx({
        "Clause to documents": (("Clause", "Title", "Standard", "Documented information", "Status", "Documents",
                                 "Sections"), clause_sheet),
        "Document to clauses": (("Document", "Title", "Status", "Clauses"), doc_sheet),
        "Coverage": (("Measure", "Clauses"), list(coverage(matrix).items()))})
    levels = org.documents.pages
    for name, page, title, level in (
            ("registers/master-document-list.pdf", "master-list.md", "Master document list", levels.master_list),
            ("registers/clause-matrix.pdf", "clause-matrix.md", "Clause cross-reference matrix", levels.clause_matrix),
            ("registers/applicability-register.pdf", "applicability.md", "Applicability register",
             levels.applicability),
            ("readiness-report.pdf", "readiness.md", "Stage 1 readiness report", levels.readiness)):
        source, inputs = report_source(read_page(docs_dir / page).body, f"{org.org.name}: {title}", brand,
                                       docs_dir, org.documents.label(level))
        files[name] = apart(compile_typst, source, inputs, docs_dir, stamp)
    cleared = None if include_restricted else CERTIFICATION_BODY.level
    summary = pack_summary(org, today(), lambda page: getattr(levels, page).visible_at(cleared))
    if summary is not None:
        shown = max((getattr(levels, p) for p in ("records", "incidents") if getattr(levels, p).visible_at(cleared)),
                    key=lambda c: c.level)
        source, inputs = report_source(summary, f"{org.org.name}: Records summary", brand, docs_dir,
                                       org.documents.label(shown))
        files["records/records-summary.pdf"] = apart(compile_typst, source, inputs, docs_dir, stamp)
    return files


def _manifest(org: Organisation, version: str, files: dict[str, bytes | Path], meta: dict[str, tuple[str, str]],
              signed: PackSignatures, withheld: list[Document], states: dict[str, ControlState]) -> bytes:
    """manifest.json: every file's SHA-256 and size (a file read in chunks), with the document and revision it holds."""
    listed = []
    for name, content in sorted(files.items()):
        sha256, size = digest(content)
        listed.append({"file": name, "sha256": sha256, "size": size,
                       "document_id": meta.get(name, ("", ""))[0], "revision": meta.get(name, ("", ""))[1],
                       **({"signatures": signed.by_file[name]} if name in signed.by_file else {})})
    manifest = {
        "organisation": org.org.legal_entity, "pack": "stage1", "version": version,
        "generator": f"smsgen {__version__}",
        "files": listed,
        "withheld": [{"document_id": d.id, "title": d.title, "revision": states[d.id].revision,
                      "classification": d.classification.value, "note": "available for on-site review"}
                     for d in sorted(withheld, key=lambda d: d.id)],
    }
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")


def _readme(org: Organisation, included: list[Document], withheld: list[Document], version: str,
            redlines: int = 0) -> str:
    lines = [f"{org.org.legal_entity}: security management system documentation for the Stage 1 audit",
             "=" * 78, "",
             f"Standard: ISO 28000:2022 (with the ISO 28001 supply chain elements). Pack version {version}.",
             f"Scope: {org.scope.statement}", "",
             "Contents",
             f"- {org.org.document_prefix}-documentation-set.pdf: every document below in one PDF, with contents "
             "and bookmarks",
             "- documents/pdf and documents/docx: each approved document on its own, named by document ID",
             "- registers/master-document-list (CSV, XLSX, PDF): ID, revision, status, owner, approver, dates, "
             "classification; and the documents of external origin",
             "- registers/clause-matrix (XLSX, PDF): clause to documents and document to clauses, with coverage",
             "- registers/applicability-register.pdf: the documents not issued because they do not apply to the "
             "organisation, each with its reason, and those issued by decision",
             "- readiness-report.pdf: the Stage 1 readiness checks (the documentation, and the SMS in operation as its "
             "records show) and the status of every clause",
             *(["- records/records-summary.pdf: what the SMS has done: the internal audit programme's status and "
                "audit reports, management review minutes, the corrective-action log and certification-body "
                "findings"] if not org.records.empty else []),
             *([f"- redlines/<ID>-rN-rM.pdf ({redlines}): for each document revised since its first issue, what its "
                "current revision changed from the approved one before (a review aid, not a controlled copy)"]
               if redlines else []),
             "- manifest.json: SHA-256 and size of every file, with the document ID and revision it holds", "",
             f"{len(included)} documents are included. Every one is approved and unchanged since its approval.",
             ]
    if withheld:
        lines += ["", f"{len(withheld)} restricted documents (security plans and similar) are not in this pack. "
                      "They are listed in manifest.json under 'withheld' and are available for review on site:"]
        lines += [f"- {d.id} {d.title}" for d in sorted(withheld, key=lambda d: d.id)]
    lines += ["", "To check that nothing has changed since the pack was issued, compare each file's SHA-256 with "
                  "manifest.json (smsgen verify-pack FILE does this).", ""]
    return "\n".join(lines)
