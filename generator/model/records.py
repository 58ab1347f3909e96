"""What the SMS produces while it runs, as data: internal audits held, management reviews, nonconformities and
corrective actions, incidents, exercises, training, partner reviews, objective measurements and certification-body
audits (data/records/*.yml, each optional). Documents say what the organisation will do; these say what it did, and
the readiness report, the dashboard and the Stage 1 pack's records summary are built from them. Every reference to
a clause, site, person, risk, scenario, partner, legal requirement or another record is checked (rules.records)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Literal

from pydantic import Field, create_model

from generator.model.fields import Code, Key, Name, Strict, Text
from generator.model.record_files import KINDS

# The inputs a management review must consider (ISO 28000 9.3.2, in our words). One list: the minutes form, the
# procedure's agenda, the validation of review records and the readiness check all read it.
REVIEW_INPUTS: dict[str, str] = {
    "previous_actions": "Progress of actions decided at earlier reviews",
    "issues": "Changes in internal and external issues that bear on security",
    "parties": "Changes in what interested parties need and expect, including legal and other requirements",
    "incidents": "Security incidents and near misses, and what investigations found",
    "nonconformities": "Nonconformities and corrective actions, and their trend",
    "monitoring": "Monitoring and measurement results, and their trend",
    "audits": "Internal and external audit results",
    "objectives": "How far the security objectives have been met",
    "risks": "Risks above the acceptance band, and whether the actions taken on risks and opportunities worked",
    "partners": "Business partner reviews and partner performance",
    "exercises": "Results of exercises of the security plans",
    "communication": "Communication from interested parties, including complaints and requests",
    "resources": "Whether resources (people, equipment, budget) are adequate",
    "improvement": "Opportunities for continual improvement",
}
ReviewInput = Literal["previous_actions", "issues", "parties", "incidents", "nonconformities", "monitoring", "audits",
                      "objectives", "risks", "partners", "exercises", "communication", "resources", "improvement"]
FindingGrade = Literal["major", "minor", "observation", "opportunity"]
NONCONFORMITIES = ("major", "minor")   # grades that need a corrective action


# --- records/audits.yml ---------------------------------------------------------------------------------------

class AuditFinding(Strict):
    id: Code
    grade: FindingGrade = Field(description="major or minor nonconformity, observation, or opportunity for "
                                            "improvement")
    clause: Text = Field(description="The clause the finding is against, e.g. 8.4")
    site: Code | None = Field(None, description="Site code, where the finding is about one site")
    text: Text = Field(description="What was found, with the evidence seen")
    action: Code | None = Field(None, description="ID of the corrective action raised (corrective_actions.yml); "
                                                  "required for a nonconformity")


class InternalAudit(Strict):
    id: Code
    start: dt.date
    end: dt.date | None = Field(None, description="Last day of the audit, if it took more than one")
    lead_auditor: Key = Field(description="Person id of the lead auditor (people.yml)")
    auditors: list[Key] = Field([], description="Person ids of the other auditors")
    external_auditor: Name | None = Field(None, description="An auditor from outside (a consultant, another "
                                                            "organisation's auditor): named here, not in people.yml")
    auditees: list[Key] = Field([], description="Person ids of the people interviewed")
    clauses: list[Text] = Field(min_length=1, description="The clauses audited, e.g. ['4.1', '8.4']")
    sites: list[Code] = Field([], description="The sites visited")
    processes: list[Code] = Field([], description="The processes audited (processes.yml IDs)")
    conclusion: Text = Field(description="The audit's conclusion on conformity and effectiveness")
    findings: list[AuditFinding] = []

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start


# --- records/management_reviews.yml -----------------------------------------------------------------------------

class ReviewDecision(Strict):
    kind: Literal["improvement", "change", "resources", "objective", "other"] = Field(
        description="improvement opportunity, change to the SMS, resources, action where an objective is not met, "
                    "or other")
    decision: Text
    owner: Key | None = Field(None, description="Person id responsible for carrying it out")
    due: dt.date | None = None
    done: dt.date | None = Field(None, description="When it was completed")
    action: Code | None = Field(None, description="A corrective action it raised (corrective_actions.yml)")


class Conclusions(Strict):
    suitable: Text = Field(description="Is the SMS still suitable for the organisation and its context?")
    adequate: Text = Field(description="Is it adequate: does it cover what it must?")
    effective: Text = Field(description="Is it effective: is it achieving the intended security outcomes?")


class ManagementReview(Strict):
    id: Code
    date: dt.date
    chair: Key = Field(description="Person id of the chair (top management)")
    attendees: list[Key] = Field(min_length=1, description="Person ids of those present")
    inputs: dict[ReviewInput, Text] = Field(description="What was presented for each input of the review (9.3.2)")
    conclusions: Conclusions
    decisions: list[ReviewDecision] = Field(min_length=1)


# --- records/corrective_actions.yml -----------------------------------------------------------------------------

class Verification(Strict):
    by: Key = Field(description="Person id of who verified it")
    date: dt.date
    effective: bool = Field(description="Whether the action removed the cause")
    evidence: Text


class CorrectiveAction(Strict):
    id: Code
    raised: dt.date
    source: Literal["internal_audit", "external_audit", "incident", "management_review", "exercise", "monitoring",
                    "complaint", "partner_review", "other"]
    reference: Code | None = Field(None, description="The ID of the record it came from (an audit, incident, review "
                                                     "or exercise)")
    clause: Text | None = None
    site: Code | None = None
    nonconformity: Text = Field(description="What did not conform, with the requirement it breaks")
    correction: Text | None = Field(None, description="What was done at once to contain it")
    cause: Text | None = Field(None, description="The root cause found")
    action: Text = Field(description="The action taken to remove the cause")
    owner: Key = Field(description="Person id responsible")
    due: dt.date
    completed: dt.date | None = None
    verification: Verification | None = Field(None, description="The check that the action worked")

    def overdue(self, today: dt.date) -> bool:
        return self.completed is None and self.due < today

    @property
    def closed(self) -> bool:
        return self.verification is not None and self.verification.effective


# --- records/incidents.yml --------------------------------------------------------------------------------------

class NotificationMade(Strict):
    requirement: Code = Field(description="The legal requirement (legal.yml ID) whose notification duty this met")
    made: dt.datetime = Field(description="When the notification was made")
    to: Text


class Incident(Strict):
    id: Code
    occurred: dt.datetime
    discovered: dt.datetime | None = None
    site: Code | None = Field(None, description="Site code; none for an incident in transit or online")
    severity: Literal["minor", "serious", "major"]
    category: Text = Field(description="Theft, tampering, unauthorised access, cyber, fraud, threat, near miss ...")
    description: Text
    reported_by: Key = Field(description="Person id")
    risks: list[Code] = Field([], description="Risks (risks.yml IDs) it bears on")
    notifications: list[NotificationMade] = []
    action: Code | None = Field(None, description="Corrective action raised, if any")
    closed: dt.date | None = None


# --- records/exercises.yml --------------------------------------------------------------------------------------

class Exercise(Strict):
    id: Code
    date: dt.date
    site: Code
    kind: Literal["drill", "tabletop", "live", "test"]
    scenarios: list[Code] = Field(min_length=1, description="Scenario IDs exercised (scenarios.yml)")
    led_by: Key = Field(description="Person id")
    participants: list[Key] = Field([], description="Person ids")
    external: Text | None = Field(None, description="Outside parties who took part (police, fire service ...)")
    outcome: Text
    lessons: list[Text] = []
    actions: list[Code] = Field([], description="Corrective actions raised")


# --- records/training.yml ---------------------------------------------------------------------------------------

class TrainingSession(Strict):
    id: Code
    date: dt.date
    title: Text
    kind: Literal["induction", "awareness", "competence", "internal_auditor", "refresher"]
    trainer: Text
    attendees: list[Key] = Field(min_length=1, description="Person ids")
    documents: list[Text] = Field([], description="Documents briefed (keys or IDs)")
    assessment: Text | None = Field(None, description="How understanding was checked, and the result")


# --- records/partner_reviews.yml --------------------------------------------------------------------------------

class PartnerReviewRecord(Strict):
    id: Code
    partner: Code = Field(description="Partner ID (partners.yml)")
    date: dt.date
    by: Key = Field(description="Person id of the reviewer")
    result: Literal["approved", "approved_with_actions", "suspended", "terminated"]
    evidence: Text = Field(description="What was seen: certificates, questionnaire, visit, performance")
    actions: list[Code] = Field([], description="Corrective actions raised")


# --- records/measurements.yml -----------------------------------------------------------------------------------

class Reading(Strict):
    date: dt.date = Field(description="End of the period measured")
    value: float
    note: Text | None = None


class ObjectiveReadings(Strict):
    objective: Code = Field(description="Objective ID (objectives.yml)")
    unit: Name = Field(description="Unit of the values, e.g. 'incidents per 100,000 consignments'")
    target: float = Field(description="The objective's target as a number (its text in objectives.yml must say the "
                                      "same)")
    better: Literal["higher", "lower"] = Field(description="Whether a higher or a lower value is better")
    readings: list[Reading] = Field(min_length=1)

    def met(self, value: float) -> bool:
        return value >= self.target if self.better == "higher" else value <= self.target


# --- records/external_audits.yml --------------------------------------------------------------------------------

class ExternalFinding(Strict):
    id: Code
    grade: Literal["area_of_concern", "major", "minor", "observation", "opportunity"]
    clause: Text
    site: Code | None = None
    text: Text
    action: Code | None = Field(None, description="Corrective action raised (required except for observations "
                                                  "and opportunities)")


class ExternalAudit(Strict):
    id: Code
    body: Name = Field(description="The certification body")
    stage: Literal["stage1", "stage2", "surveillance", "recertification", "special"]
    start: dt.date
    end: dt.date | None = None
    lead_auditor: Name
    outcome: Text | None = None
    findings: list[ExternalFinding] = []


def _records_file(name: str, key: str, item: type[Strict]) -> type[Strict]:
    """A records file: one list under one key, empty until the SMS has run (unlike the organisation's own files)."""
    model: type[Strict] = create_model(name, __base__=Strict, **{key: (list[item], [])})  # type: ignore[call-overload, valid-type]
    return model


# File name (under data/) -> root model, in the order they load (record_files.py names the files).
RECORD_FILES: dict[str, type[Strict]] = {
    KINDS["audits"]: _records_file("AuditsFile", "audits", InternalAudit),
    KINDS["management_reviews"]: _records_file("ManagementReviewsFile", "reviews", ManagementReview),
    KINDS["corrective_actions"]: _records_file("CorrectiveActionsFile", "actions", CorrectiveAction),
    KINDS["incidents"]: _records_file("IncidentsFile", "incidents", Incident),
    KINDS["exercises"]: _records_file("ExercisesFile", "exercises", Exercise),
    KINDS["training"]: _records_file("TrainingFile", "sessions", TrainingSession),
    KINDS["partner_reviews"]: _records_file("PartnerReviewsFile", "reviews", PartnerReviewRecord),
    KINDS["measurements"]: _records_file("MeasurementsFile", "objectives", ObjectiveReadings),
    KINDS["external_audits"]: _records_file("ExternalAuditsFile", "audits", ExternalAudit),
}


@dataclass
class Records:
    """The records of a workspace, each kind as a list (empty where its file is absent)."""
    audits: list[InternalAudit]
    reviews: list[ManagementReview]
    actions: list[CorrectiveAction]
    incidents: list[Incident]
    exercises: list[Exercise]
    training: list[TrainingSession]
    partner_reviews: list[PartnerReviewRecord]
    measurements: list[ObjectiveReadings]
    external_audits: list[ExternalAudit]

    @classmethod
    def of(cls, files: dict) -> Records:
        """From the validated files; the fields above are in the order of RECORD_FILES."""
        def items(name: str) -> list:
            root = files.get(name)
            if root is None:
                return []
            (key,) = type(root).model_fields
            return list(getattr(root, key))
        return cls(*(items(name) for name in RECORD_FILES))

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def __post_init__(self) -> None:
        self.action_by_id = {a.id: a for a in self.actions}

    def action(self, action_id: str) -> CorrectiveAction | None:
        return self.action_by_id.get(action_id)

    def dates(self) -> list[dt.date]:
        """The date of every record: how long the SMS has been seen running."""
        out = [a.start for a in self.audits] + [r.date for r in self.reviews] + [a.raised for a in self.actions]
        out += [i.occurred.date() for i in self.incidents] + [e.date for e in self.exercises]
        out += [t.date for t in self.training] + [p.date for p in self.partner_reviews]
        out += [r.date for m in self.measurements for r in m.readings]
        return out
