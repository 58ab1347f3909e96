"""The one-direction flow shared by every command: load data -> render -> check -> control state -> write docs/."""
from __future__ import annotations

from dataclasses import dataclass, field

from .checks import check_documents
from .control import ControlState, control_findings, states
from .findings import Findings, Severity, UserError
from .lifecycle import approved_text
from .load import load
from .model import Organisation
from .register import Register, load_register
from .render import Document, RenderResult, render
from .site import Generated, write_docs
from .workspace import Workspace


@dataclass
class Outcome:
    org: Organisation | None = None
    documents: list[Document] = field(default_factory=list)
    result: RenderResult | None = None
    register: Register | None = None
    states: dict[str, ControlState] = field(default_factory=dict)
    findings: Findings = field(default_factory=Findings)
    generated: Generated | None = None


# Approval and review dates are reported by the control checks already; the rest are Stage 1 pitfalls.
READINESS_AS_FINDINGS = ("scope-sites", "policy-commitments", "objectives", "risk-register", "audit-programme",
                         "management-review", "corrective-action", "no-obsolete-references")
READINESS_DETAILS_SHOWN = 10


def readiness_findings(org, documents, computed) -> Findings:
    from .readiness import readiness

    findings = Findings()
    for check in readiness(org, documents, computed):
        if check.key in READINESS_AS_FINDINGS and not check.passed:
            # the report page lists every detail; the console shows the first few, so one cause is not 300 lines
            for detail in check.details[:READINESS_DETAILS_SHOWN]:
                findings.add(f"readiness.{check.key}", Severity.warning, f"{check.title}: {detail}",
                             hint="see the readiness report page on the site")
            if len(check.details) > READINESS_DETAILS_SHOWN:
                findings.add(f"readiness.{check.key}", Severity.warning,
                             f"{check.title}: {len(check.details) - READINESS_DETAILS_SHOWN} more like these",
                             hint="the readiness report page on the site lists them all")
    return findings


def run(ws: Workspace, write: bool = False, controlled: bool = False, audience: str | None = None,
        release: str | None = None) -> Outcome:
    """Load, render, check and compute control state; with `write`, also write docs/ unless something is fatal.

    A controlled build turns every unapproved or changed document into an error and writes nothing on error.
    An audience build publishes only the documents classified at or below the audience's level.
    """
    out = Outcome()
    org, findings, _ = load(ws)
    out.org, out.findings = org, findings
    if org is None or findings.fatal:
        return out
    level = None
    if audience is not None:
        if audience not in org.documents.audiences:
            out.findings.add("build.audience", Severity.fatal, f"unknown audience '{audience}'", "data/documents.yml",
                             hint="audiences: " + ", ".join(org.documents.audiences))
            return out
        level = org.documents.audiences[audience].level
    result = render(ws, org, max_level=level)
    out.result, out.documents = result, result.documents
    out.findings += result.findings
    if result.findings.fatal:
        return out
    out.findings += check_documents(org, result.documents)
    try:
        out.register = load_register(ws.register_file, ws.display(ws.register_file))
    except UserError as exc:
        out.findings += exc.findings
        return out
    out.states = states(result.documents, out.register, org)
    out.findings += control_findings(result.documents, out.register, out.states, approved_text(ws), controlled)
    out.findings += readiness_findings(org, result.documents, out.states)
    if write and not out.findings.fatal and not (controlled and out.findings.errors):
        published = [d for d in result.documents if d.published]
        hidden = {d.id for d in result.documents if not d.published}
        out.generated = write_docs(ws, org, published, result.figures, out.states, result.tasks, out.register,
                                   release, hidden)
    return out
