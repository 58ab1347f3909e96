"""The gap analysis (data/gap_analysis.yml, optional): where an organisation's current practice stands against each
ISO 28000 clause, recorded by a consultant before implementation starts, with the dates the implementation plan is
scheduled from. `smsgen gap start` writes it as a questionnaire; `smsgen gap report` turns it into the gap report and
the implementation plan. Clause numbers and owners are checked against the catalogue and people.yml
(rules.gap_analysis)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from generator.model.clauses import Clause, iso28000
from generator.model.fields import Key, Name, Strict, Text

Status = Literal["not_assessed", "absent", "partial", "in_place", "not_applicable"]
# status -> how reports and the workbook's drop-down name it, in the order a report lists them
STATUS_LABELS: dict[str, str] = {
    "in_place": "In place",
    "partial": "Partial",
    "absent": "Absent",
    "not_applicable": "Not applicable",
    "not_assessed": "Not assessed",
}
GAPS = ("absent", "partial", "not_assessed")   # statuses that leave work to do (not assessed: planned as absent)


def questionnaire_clauses() -> list[Clause]:
    """The clauses a gap analysis asks about: every ISO 28000 clause the audit question bank has questions for.
    Today that is every clause and sub-clause from 4.1 to 10.2; the main clauses 4-10 are only headings of groups."""
    return [c for c in iso28000() if c.questions]


class ClauseAnswer(Strict):
    clause: Text = Field(description="ISO 28000 clause number, in quotes, e.g. \"8.4\"")
    status: Status = Field("not_assessed", description="in_place, partial, absent, not_applicable, or not_assessed "
                                                       "(not yet asked: the plan treats it as absent)")
    evidence: Text | None = Field(None, description="What was seen: documents, records, interviews, observation")
    notes: Text | None = Field(None, description="What is missing, or why the clause does not apply")
    owner: Key | None = Field(None, description="Person id (people.yml) who will close the gap: owns the clause's "
                                                "implementation task in the plan")


class GapAnalysis(Strict):
    assessed_by: Name = Field(description="Who carried out the gap analysis (a person or a consultant)")
    date: dt.date = Field(description="When the gap analysis was carried out")
    kickoff: dt.date = Field(description="The day the implementation starts: the plan is scheduled from it")
    stage1_target: dt.date | None = Field(None, description="The Stage 1 audit date wanted (optional): the plan "
                                                             "keeps to it or says why it cannot")
    stage2_target: dt.date | None = Field(None, description="The Stage 2 audit date wanted (optional)")
    clauses: list[ClauseAnswer] = Field(min_length=1, description="One answer per clause")

    def answer(self, number: str) -> ClauseAnswer | None:
        return next((a for a in self.clauses if a.clause == number), None)


class GapAnalysisFile(Strict):
    gap_analysis: GapAnalysis | None = None
