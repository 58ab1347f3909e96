"""What stands between the set and a controlled build: documents changed since approval, not approved, or overdue
for review. In a preview these are warnings; in a controlled build, errors."""
from __future__ import annotations

import difflib
from collections.abc import Callable

from generator.base.findings import Findings, Severity
from generator.control.register import Register
from generator.control.state import ControlState
from generator.render.document import Document


def control_findings(documents: list[Document], register: Register, computed: dict[str, ControlState],
                     approved_text: Callable[[str, str], str | None], controlled: bool) -> Findings:
    """What stands between the set and a controlled build. In a preview these are warnings; controlled, errors."""
    findings = Findings()
    severity = Severity.error if controlled else Severity.warning
    for doc in documents:
        state, entry = computed[doc.id], register.documents.get(doc.id)
        if state.changed:
            assert entry is not None   # only an approved register entry can have changed since approval
            old = approved_text(doc.id, entry.current.revision) or ""
            diff = "".join(difflib.unified_diff(old.splitlines(keepends=True), doc.body.splitlines(keepends=True),
                                                f"{doc.id} revision {entry.current.revision} (approved)",
                                                f"{doc.id} as rendered now", n=1))
            findings.add("control.changed-since-approval", severity,
                         f"{doc.id} ({doc.title}) has changed since revision {entry.current.revision} was approved"
                         + (f"\n{_indent(diff)}" if diff else ""), doc.template.display,
                         hint=f"revise it (`smsgen revise {doc.id} --by PERSON --change ...`), then submit and approve "
                              "the new revision; or restore the data or template it was approved with")
        elif controlled and state.status != "approved":
            findings.add("control.not-approved", Severity.error,
                         f"{doc.id} ({doc.title}) is {state.status_label.lower()}, not approved", doc.template.display,
                         hint="only approved documents reach a controlled build")
        if state.overdue:
            findings.add("control.review-overdue", Severity.warning,
                         f"{doc.id} ({doc.title}) was due for periodic review on {state.next_review}",
                         doc.template.display, hint="review it; if it still fits, revise and approve it again")
    return findings


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())
