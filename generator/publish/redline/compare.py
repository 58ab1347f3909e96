"""What a redline compares: the approved snapshot of the revision before against the document's text now.

For a draft or a revision in review, the revision in force against the current content; for an approved revision, the
approved revision before it against it; for a document changed since approval, its approved revision against what it
renders now (the draft of its next revision). No earlier approved snapshot, or the same text: no redline.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from generator.base.clock import today
from generator.control.register import Entry, Revision, fingerprint
from generator.control.revisions import next_revision
from generator.control.state import ControlState
from generator.model.organisation import Organisation
from generator.publish.redline.diff import Mark
from generator.render.document import Document

REVIEW_AID = "a review aid, not a controlled copy"


@dataclass(frozen=True)
class Comparison:
    doc: Document
    old_revision: str
    new_revision: str
    old_text: str
    new_text: str
    mark: Mark                 # who prepared the new revision, and when
    new_status: str            # the new revision's status label: "Draft", "In review", "Approved" ...
    old_effective: str = ""
    opened: bool = True        # False: changed since approval, no revision opened yet (nobody prepared the text)

    @property
    def name(self) -> str:
        """The file name of its outputs, without suffix: ABC-SMS-PR-01-r1-r2."""
        return f"{self.doc.id}-r{self.old_revision}-r{self.new_revision}"

    @property
    def page(self) -> str:
        """Its page in docs/, beside the document's own."""
        return f"{self.doc.folder}/{self.doc.id}-changes.md"

    @property
    def title(self) -> str:
        return f"Changes from revision {self.old_revision} to revision {self.new_revision}"

    @property
    def by(self) -> str:
        """Who prepared the new revision, and when (YYYY-MM-DD), as the outputs print it."""
        if not self.opened:
            return "no revision opened yet: the text as rendered now"
        return f"{self.mark.author}, {self.mark.date[:10]}" if self.mark.date else self.mark.author


def iso_utc(day: str) -> str:
    """A register date (YYYY-MM-DD, or a full ISO 8601 time) as the UTC time tracked changes carry."""
    try:
        when = dt.datetime.fromisoformat(day)
    except ValueError:
        return ""
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _base(entry: Entry, new: Revision) -> Revision | None:
    """The approved revision before `new`: the one in force or superseded last."""
    before = entry.revisions[:entry.revisions.index(new)]
    return next((r for r in reversed(before) if r.status in ("approved", "superseded") and r.fingerprint), None)


def comparison(doc: Document, entry: Entry | None, state: ControlState, org: Organisation,
               approved_text: Callable[[str, str], str | None]) -> Comparison | None:
    """What doc's redline compares, or None when it has none."""
    if entry is None or state.status in ("obsolete", "superseded"):
        return None
    current = entry.current
    name = lambda pid: org.person[pid].name if pid in org.person else (pid or "")  # noqa: E731
    base: Revision | None
    if state.changed:
        # no revision is open yet: nobody has prepared this text, so the change is the document's own
        base, new_revision = current, next_revision(current.revision, org.documents.revision_scheme)
        mark = Mark("Unrevised draft", iso_utc(today().isoformat()))
    else:
        base, new_revision = _base(entry, current), current.revision
        mark = Mark(name(current.author), iso_utc(current.submitted or current.created))
    if base is None:
        return None
    old = approved_text(doc.id, base.revision)
    if old is None or fingerprint(old) == fingerprint(doc.body):
        return None
    return Comparison(doc, base.revision, new_revision, old, doc.body, mark, state.status_label, base.effective or "",
                      opened=not state.changed)


def comparisons(documents: list[Document], entries: dict[str, Entry], states: dict[str, ControlState],
                org: Organisation, approved_text: Callable[[str, str], str | None]) -> dict[str, Comparison]:
    """Document ID -> its comparison, for every document of `documents` that has a redline."""
    found = {}
    for doc in documents:
        found_one = comparison(doc, entries.get(doc.id), states[doc.id], org, approved_text)
        if found_one is not None:
            found[doc.id] = found_one
    return found


def review_hint(documents: list[Document], entries: dict[str, Entry], states: dict[str, ControlState],
                org: Organisation, approved_text: Callable[[str, str], str | None]) -> str | None:
    """What `submit` prints for the reviewer: the command that writes the redlines of the submitted revisions (not
    the redlines themselves, so submitting the whole set stays quick); None when none has an earlier revision."""
    found = comparisons(documents, entries, states, org, approved_text)
    if not found:
        return None
    return f"changes from the revision in force of {len(found)} document(s): smsgen redline " + " ".join(sorted(found))
