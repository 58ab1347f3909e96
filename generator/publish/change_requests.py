"""The "Change requests" page: every change request (generator/control/change_requests.py) with its reason, its
management-of-change assessment, its documents and where each stands.

A request's words (title, reason, assessment) describe the change to every one of its documents, so they may say as
much as the most sensitive of them: a request is listed to an audience only when it may see every one of its
documents (the one audience rule, `View.sees`); the others are counted, never named.
"""
from __future__ import annotations

from generator.control.change_requests import ASSESSMENT_LABELS, document_states
from generator.control.change_requests import status_label as request_label
from generator.control.meta import status_label
from generator.control.register import ChangeRequest, Register
from generator.model.organisation import Organisation
from generator.publish.audience import View
from generator.publish.pages import front_matter
from generator.render.markdown import md_escape, page_link

PAGE = "change-requests.md"


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def visible(cr: ChangeRequest, view: View) -> bool:
    """Whether the audience may read the request: it may see every one of its documents. A document gone from the
    set has no classification any more: a limited audience is not shown it."""
    by_id = {d.id: d for d in view.all}
    return all(view.sees(by_id[i]) if i in by_id else not view.limited for i in cr.documents)


def change_requests_page(view: View, register: Register | None, org: Organisation) -> str:
    requests = register.change_requests if register is not None else []
    shown = [cr for cr in requests if visible(cr, view)]
    hidden = len(requests) - len(shown)
    lines = ["# Change requests", "",
             "A change that covers several documents is planned as one change request (ISO 28000 clause 6.3): what "
             "changes and why, the security risks it touches, the resources and responsibilities it needs, its "
             "timing and the controls kept in place meanwhile. Its documents are revised, reviewed and approved "
             "together and released as one; each revision made under it names it in its history. Open one with "
             "`smsgen change-request open`.", ""]
    if hidden:
        lines += [f"{hidden} change request{'' if hidden == 1 else 's'} covering documents not published on this "
                  f"site {'is' if hidden == 1 else 'are'} not listed here.", ""]
    if not shown:
        lines += ["No change request is listed." if requests else "No change request has been opened yet.", ""]
        return front_matter({"title": "Change requests"}) + "\n".join(lines)
    lines += [_row("Request", "Title", "Status", "Opened", "Released", "Documents"), _row(*["---"] * 6)]
    for cr in shown:
        lines.append(_row(f"[{cr.id}](#{cr.id.lower()})", md_escape(cr.title), request_label(cr.status),
                          cr.opened[:10], cr.released or "—", len(cr.documents)))
    lines.append("")
    for cr in shown:
        lines += _request(cr, view, register, org)
    return front_matter({"title": "Change requests"}) + "\n".join(lines)


def _request(cr: ChangeRequest, view: View, register: Register | None, org: Organisation) -> list[str]:
    name = lambda pid: org.person[pid].name if pid in org.person else pid  # noqa: E731
    status = request_label(cr.status)
    if cr.released:
        status += f" {cr.released}"
    if cr.cancelled:
        status += f" {cr.cancelled[:10]} by {name(cr.cancelled_by or '')}: {cr.cancel_reason or ''}"
    lines = [f"## {md_escape(cr.id)} {md_escape(cr.title)} {{#{cr.id.lower()}}}", "", _row("Item", "Detail"),
             _row("---", "---"), _row("**Status**", md_escape(status)),
             _row("**Opened**", md_escape(f"{cr.opened[:10]} by {name(cr.opened_by)}")),
             _row("**Reason**", md_escape(cr.reason))]
    for key, label in ASSESSMENT_LABELS.items():
        value = getattr(cr.assessment, key)
        text = (", ".join(value) or "None named") if isinstance(value, list) else value
        lines.append(_row(f"**{label}**", md_escape(text)))
    lines += ["", _row("Document", "Title", "Revision", "Status under this request"), _row(*["---"] * 4)]
    by_id = {d.id: d for d in view.documents}
    states = document_states(cr, register) if register is not None else []
    for doc_id, revision, state in states:
        doc = by_id.get(doc_id)
        link = f"[{md_escape(doc_id)}]({page_link(PAGE, doc.docs_path)})" if doc else md_escape(doc_id)
        title = md_escape(doc.title if doc else register.documents[doc_id].title
                          if register is not None and doc_id in register.documents else "")
        lines.append(_row(link, title, revision or "—",
                          "Not opened yet" if state == "not opened" else status_label(state)))
    return lines + [""]

