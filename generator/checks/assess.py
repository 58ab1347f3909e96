"""The one-direction flow every command starts with: load data -> render -> control state -> checks, as one Outcome."""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.base.clock import today
from generator.base.errors import UserError
from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.checks.control import control_findings
from generator.checks.evidence import record_documents
from generator.checks.integrity import check_documents
from generator.checks.readiness import find_contradictions, readiness
from generator.checks.report import Check
from generator.control.acknowledgements import Obligation, obligations, recorded
from generator.control.register import Register, load_register
from generator.control.signatures import required_findings
from generator.control.snapshots import approved_text
from generator.control.state import ControlState, states
from generator.model.load import load
from generator.model.organisation import Organisation
from generator.render.document import Document, RenderResult
from generator.render.render import render


@dataclass
class Outcome:
    org: Organisation | None = None
    documents: list[Document] = field(default_factory=list)
    result: RenderResult | None = None
    register: Register | None = None
    states: dict[str, ControlState] = field(default_factory=dict)
    findings: Findings = field(default_factory=Findings)
    controlled: bool = False
    audience: str | None = None
    owed: list[Obligation] = field(default_factory=list)   # read-and-understood acknowledgements owed, and made
    readiness: list[Check] = field(default_factory=list)   # the Stage 1 readiness checks, as the report page shows

    @property
    def publishable(self) -> bool:
        """Whether pages may be written: nothing fatal, and in a controlled build no failed check either."""
        return self.org is not None and self.register is not None and not self.findings.fatal \
            and not (self.controlled and self.findings.errors)


# Approval and review dates are reported by the control checks already; the rest are Stage 1 pitfalls.
READINESS_AS_FINDINGS = ("scope-sites", "policy-commitments", "objectives", "risk-register", "audit-programme",
                         "management-review", "corrective-action", "no-obsolete-references", "awareness")
READINESS_DETAILS_SHOWN = 10


def readiness_findings(org: Organisation, checks: list[Check]) -> Findings:
    findings = Findings()
    for check in checks:
        # evidence is asked of a workspace once it keeps records: before that, the set is still being written
        wanted = check.key in READINESS_AS_FINDINGS or (check.evidence and not org.records.empty)
        if wanted and not check.passed:
            # the report page lists every detail; the console shows the first few, so one cause is not 300 lines
            for detail in check.details[:READINESS_DETAILS_SHOWN]:
                findings.add(f"readiness.{check.key}", Severity.warning, f"{check.title}: {detail}",
                             hint="see the readiness report page on the site")
            if len(check.details) > READINESS_DETAILS_SHOWN:
                findings.add(f"readiness.{check.key}", Severity.warning,
                             f"{check.title}: {len(check.details) - READINESS_DETAILS_SHOWN} more like these",
                             hint="the readiness report page on the site lists them all")
    return findings


def assess(ws: Workspace, controlled: bool = False, audience: str | None = None) -> Outcome:
    """Load, render, check and compute control state: everything a command needs to know about the set, with every
    finding. Writes nothing.

    A controlled assessment turns every unapproved or changed document into an error. The audience is only checked
    here: the set renders and is checked the same for every audience (what is approved is one text); what an audience
    may see is decided when its pages are written (generator.publish.audience).
    """
    out = Outcome(controlled=controlled, audience=audience)
    org, findings, sources = load(ws)
    out.org, out.findings = org, findings
    if org is None or findings.fatal:
        return out
    if audience is not None and audience not in org.documents.audiences:
        out.findings.add("build.audience", Severity.fatal, f"unknown audience '{audience}'", "data/documents.yml",
                         hint="audiences: " + ", ".join(org.documents.audiences))
        return out
    result = render(ws, org, sources)
    out.result, out.documents = result, result.documents
    out.findings += result.findings
    if result.findings.fatal:
        return out
    out.findings += check_documents(org, result.documents)
    contradictions = find_contradictions(org, result.documents, sources)
    out.findings += contradictions
    out.findings += record_documents(org, result.documents, sources.get("records/training.yml"))
    try:
        out.register = load_register(ws.register_file, ws.display(ws.register_file))
    except UserError as exc:
        out.findings += exc.findings
        return out
    out.states = states(result.documents, out.register, org)
    out.findings += control_findings(result.documents, out.register, out.states, approved_text(ws), controlled)
    if controlled:      # with `signatures: required` (documents.yml), every approval signed, its signed PDF intact
        out.findings += required_findings(ws, org, result.documents, out.register)
    # an acknowledgement overdue is a warning whether or not the workspace keeps other records yet
    out.owed = obligations(org, result.documents, result.tasks, out.register, recorded(ws), today())
    out.readiness = readiness(org, result.documents, out.states, out.owed, contradictions)
    out.findings += readiness_findings(org, out.readiness)
    return out
