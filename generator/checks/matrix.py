"""The two-way clause matrix: clause -> documents (and the sections that address it), document -> clauses, and for
every clause where documented information is required whether it is present, approved or missing."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from generator.control.state import ControlState
from generator.model.clauses import Clause, catalogue
from generator.render.document import Document

HEADING = re.compile(r"^#{2,4}\s+(.*)$", re.M)


@dataclass
class ClauseRow:
    clause: Clause
    documents: list[Document] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)   # document ID -> headings naming the clause
    status: str = ""            # approved | present | missing | n/a

    @property
    def required(self) -> bool:
        return self.clause.documented_information != "none"


def sections_naming(doc: Document, number: str) -> list[str]:
    """Headings of a document that start with, or name, the clause number (e.g. '7.5 Documented information')."""
    pattern = _naming(number)
    return [h for h in _headings(doc.body) if pattern.search(h)]


@functools.cache
def _naming(number: str) -> re.Pattern[str]:
    """A heading naming the clause: made once per clause, not once per document and clause (re's own cache is
    looked up by pattern text and flags, which costs the text's building every time)."""
    n = re.escape(number)
    return re.compile(rf"^{n}\s|\bclause {n}(?![.\d])", re.I)


@functools.lru_cache(maxsize=256)
def _headings(body: str) -> tuple[str, ...]:
    """A body's headings, stripped: asked once per clause a document names."""
    return tuple(h.strip() for h in HEADING.findall(body))


def clause_matrix(documents: list[Document], states: dict[str, ControlState]) -> list[ClauseRow]:
    rows = {number: ClauseRow(clause) for number, clause in catalogue().items()}
    for doc in documents:
        for number in doc.clauses:
            row = rows[number]
            row.documents.append(doc)
            found = sections_naming(doc, number)
            if found:
                row.sections[doc.id] = found
    for row in rows.values():
        if not row.required:
            row.status = "n/a" if not row.documents else "addressed"
        elif not row.documents:
            row.status = "missing"
        elif any(states[d.id].status == "approved" for d in row.documents):
            row.status = "approved"
        else:
            row.status = "present"
    return list(rows.values())


def coverage(rows: list[ClauseRow]) -> dict[str, int]:
    required = [r for r in rows if r.required]
    return {"clauses": len(rows), "addressed": sum(1 for r in rows if r.documents),
            "requiring documented information": len(required),
            "approved": sum(1 for r in required if r.status == "approved"),
            "present, not yet approved": sum(1 for r in required if r.status == "present"),
            "missing": sum(1 for r in required if r.status == "missing")}
