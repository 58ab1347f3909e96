"""The implementation plan: tasks derived from the gaps, scheduled in working days from the kickoff to Stage 2.

Kick-off and the SMS committee come first. Each clause that is absent, partial or not yet assessed (planned as absent)
then gives tasks: the documents of smsgen's set that address it are written and issued by their owners (each document
once, by the first clause that needs it; one writer does one task at a time, absent clauses before partial ones), and
the practice is implemented and recorded once its documents are issued and the clauses it builds on are in place.
Then the SMS runs and keeps records for the months the cycle asks before Stage 1 (cycle.yml `evidence_months`), with
the first internal audit (every clause) and a management review in them; then Stage 1, the rectification of its
findings and Stage 2, on the target dates when they can be met. Durations are planning estimates in working days,
stated here once and printed with the plan."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.control.revisions import add_months
from generator.model.clauses import Clause, catalogue
from generator.model.datafiles import Role
from generator.model.gap import GAPS, GapAnalysis, questionnaire_clauses
from generator.model.organisation import Organisation
from generator.model.rules import CORE_FUNCTIONS
from generator.publish.gap.workdays import finish, next_workday, workday
from generator.render.document import Document

COMMITTEE_DAYS = 5
TRAINING_DAYS = 3
REVIEW_DAYS = 1
STAGE1_DAYS = 2
RECTIFY_DAYS = 20     # about four weeks to close Stage 1 findings before Stage 2
STAGE2_DAYS = 3
IMPLEMENT_DAYS = {"absent": 15, "not_assessed": 15, "partial": 10}
# the types of document that set out how a clause is met: their owner leads its implementation, before the owners of
# forms, instructions and job descriptions that only serve it
LEADING_TYPES = ("policy", "core", "procedure", "plan", "operational")
# what an organisation needs in place before it can do a clause's work (clause -> clauses it builds on, always
# earlier ones, so the plan's dependencies run in clause order); a sub-clause takes its clause's (6.1.2: 6.1's)
PREREQUISITES: dict[str, tuple[str, ...]] = {
    "4.3": ("4.1", "4.2"), "4.4": ("4.3",), "5.2": ("4.1",), "6.1": ("4.1", "4.2", "4.3"), "6.2": ("5.2", "6.1"),
    "6.3": ("6.1",), "7.2": ("5.3",), "7.3": ("5.2",), "8.1": ("6.1",), "8.2": ("4.4",), "8.3": ("6.1", "8.2"),
    "8.4": ("8.3",), "8.5": ("8.3",), "8.6": ("8.3",), "9.1": ("6.2",), "9.3": ("9.1",), "10.1": ("9.1",),
}


def write_days(documents: int, status: str) -> int:
    """smsgen drafts each document from the data: the owner checks it against practice, has it approved and issued."""
    if status == "partial":
        return min(10, 2 + documents // 2)
    return min(15, 2 + documents)


@dataclass(frozen=True)
class Owner:
    key: str     # who does the work: one writer does one writing task at a time
    label: str   # as the plan prints it: "SMS Manager (Sarah Okafor)"


@dataclass(frozen=True)
class DocRef:
    """A document of the rendered set, as far as the plan needs it."""
    id: str
    title: str
    type: str
    clauses: tuple[str, ...]
    owner: Owner

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


@dataclass(frozen=True)
class Setting:
    """What the plan takes from the organisation: who leads each step, and how long records must run."""
    top_management: Owner
    sms_manager: Owner
    audit_lead: Owner
    people: dict[str, Owner]
    committee: tuple[str, ...]    # the members, as the plan names them
    records_months: int = 3
    audit_days: int = 5


@dataclass(eq=False)
class Task:
    name: str
    owner: Owner
    days: int
    phase: str
    clauses: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    detail: str = ""
    milestone: bool = False
    after: list[Task] = field(default_factory=list)
    resource: str | None = None                  # tasks of one resource run one after another
    months: int = 0                              # a duration in calendar months instead of working days
    offset: tuple[Task, int] | None = None       # starts no earlier than this many months after that task starts
    target: dt.date | None = None                # the date wanted, kept when it can be met
    group: str = ""                              # the clause group (4 to 10) a clause's task belongs to
    number: int = 0
    start: dt.date = dt.date.min
    end: dt.date = dt.date.min

    @property
    def depends(self) -> list[int]:
        return sorted({t.number for t in self.after})


@dataclass
class Plan:
    tasks: list[Task]
    problems: list[str]      # targets that cannot be met, and why
    milestones: dict[str, Task]


def clause_name(clause: Clause) -> str:
    """A clause as the plan names it: "9.2.1 Internal audit: general" rather than a bare "9.2.1 General"."""
    parent = catalogue().get(clause.number.rsplit(".", 1)[0]) if clause.title == "General" else None
    return f"{clause.number} {parent.title}: general" if parent else clause.label


def status_of(gap: GapAnalysis) -> dict[str, str]:
    """Clause number -> its status; a clause the file leaves out is not assessed."""
    return {c.number: (a.status if (a := gap.answer(c.number)) else "not_assessed") for c in questionnaire_clauses()}


def _group(number: str) -> str:
    return number.split(".")[0]


def _main(number: str) -> str:
    """The clause a sub-clause belongs to at the first level: 6.1.2 -> 6.1."""
    return ".".join(number.split(".")[:2])


def _unique(tasks: Iterable[Task]) -> list[Task]:
    return list(dict.fromkeys(tasks))


def make_plan(gap: GapAnalysis, documents: list[DocRef], setting: Setting) -> Plan:
    clauses = questionnaire_clauses()
    status = status_of(gap)
    umbrella = len(clauses) / 3   # a document addressing more clauses than this (the manual) summarises the others
    gaps = sorted((c for c in clauses if status[c.number] in GAPS),
                  key=lambda c: (status[c.number] == "partial", clauses.index(c)))
    tasks: list[Task] = []

    def add(task: Task) -> Task:
        tasks.append(task)
        return task

    kickoff = add(Task("Kick-off meeting", setting.top_management, 0, "Start", milestone=True,
                       detail="Top management launches the project: scope, plan and resources agreed"))
    committee = add(Task("Form the SMS committee", setting.top_management, COMMITTEE_DAYS, "Start", after=[kickoff],
                         detail="Members: " + "; ".join(setting.committee) + ". It meets every two weeks to follow "
                                "this plan"))
    training = add(Task("Train the internal auditors", setting.audit_lead, TRAINING_DAYS, "Start", after=[committee],
                        detail="ISO 28000 internal auditor course for those who will audit, none in their own area"))

    written: dict[str, Task] = {}
    writes_of: dict[str, list[Task]] = {}
    docs_of: dict[str, list[DocRef]] = {}
    for clause in gaps:
        number, state = clause.number, status[clause.number]
        docs = sorted((d for d in documents if number in d.clauses and len(d.clauses) <= umbrella), key=lambda d: d.id)
        docs_of[number] = docs
        fresh = [d for d in docs if d.id not in written]
        for owner in dict.fromkeys(d.owner for d in fresh):
            mine = [d for d in fresh if d.owner == owner]
            verb = "Complete and issue" if state == "partial" else "Write and issue"
            name = f"{verb} {mine[0].label}" if len(mine) == 1 else \
                f"{verb} {len(mine)} documents for {clause_name(clause)}"
            task = add(Task(name, owner, write_days(len(mine), state), "Documentation", [number],
                            [d.label for d in mine], resource=owner.key, after=[committee], group=_group(number)))
            for d in mine:
                written[d.id] = task
        writes_of[number] = _unique(written[d.id] for d in docs)
        for task in writes_of[number]:
            if number not in task.clauses:
                task.clauses.append(number)

    # the manual (any document addressing most clauses) summarises the others: written once they are issued
    overviews = sorted({d for d in documents if len(d.clauses) > umbrella and any(c.number in d.clauses for c in gaps)},
                       key=lambda d: d.id)
    summaries = [add(Task(f"Write and issue {doc.label}", doc.owner, write_days(1, "absent"), "Documentation",
                          [c.number for c in gaps if c.number in doc.clauses], [doc.label], resource=doc.owner.key,
                          after=_unique(written.values()) or [committee],
                          detail="It summarises the documents written for the other clauses"))
                 for doc in overviews]
    issued = add(Task("SMS documentation issued", setting.sms_manager, 0, "Documentation", milestone=True,
                      after=summaries or _unique(written.values()))) if written or summaries else None

    implemented = _implementation(gaps, status, gap, docs_of, writes_of, setting, committee)
    tasks += implemented.values()

    records = add(Task("Operate the SMS and keep its records", setting.sms_manager, 0, "Operation",
                       months=setting.records_months, after=[*implemented.values(), issued or committee],
                       detail=f"Every process runs and leaves records for {setting.records_months} months: the "
                              "evidence Stage 1 and Stage 2 look for"))
    audit = add(Task("First internal audit of every clause", setting.audit_lead, setting.audit_days, "Evaluation",
                     [c.number for c in clauses], after=[training],
                     offset=(records, max(setting.records_months - 1, 0)),
                     detail="Samples the records kept so far; nonconformities go to corrective action (10.2)"))
    review = add(Task("Management review", setting.top_management, REVIEW_DAYS, "Evaluation", ["9.3"], after=[audit],
                      detail="Every input of 9.3.2, the internal audit's results among them; decisions recorded"))
    stage1 = add(Task("Stage 1 audit", setting.sms_manager, STAGE1_DAYS, "Certification", milestone=True,
                      after=[records, review], target=gap.stage1_target,
                      detail="The certification body reviews the documentation and readiness"))
    rectify = add(Task("Rectify the Stage 1 findings", setting.sms_manager, RECTIFY_DAYS, "Certification",
                       after=[stage1], detail="Each finding closed with a corrective action and its evidence"))
    stage2 = add(Task("Stage 2 audit", setting.sms_manager, STAGE2_DAYS, "Certification", milestone=True,
                      after=[rectify], target=gap.stage2_target,
                      detail="The certification body audits the SMS in operation and recommends certification"))
    order_of = {c.number: i for i, c in enumerate(catalogue().values())}
    for task in tasks:
        task.clauses.sort(key=lambda n: order_of.get(n, 0))
    _reduce(tasks)
    _schedule(tasks, gap.kickoff)
    order = {id(t): i for i, t in enumerate(tasks)}
    tasks.sort(key=lambda t: (t.start, order[id(t)]))
    for i, task in enumerate(tasks, 1):
        task.number = i
    problems = _problems(stage1, stage2, records, review)
    milestones = {"kickoff": kickoff, "records": records, "audit": audit, "review": review, "stage1": stage1,
                  "stage2": stage2} | ({"issued": issued} if issued else {})
    return Plan(tasks, problems, milestones)


def _implementation(gaps: list[Clause], status: dict[str, str], gap: GapAnalysis, docs: dict[str, list[DocRef]],
                    writes_of: dict[str, list[Task]], setting: Setting, committee: Task) -> dict[str, Task]:
    """One task per gap clause putting its practice in place, after its documents. A clause whose sub-clauses have
    gaps of their own is implemented through theirs (its number joins their tasks)."""
    numbers = [c.number for c in gaps]
    done: dict[str, Task] = {}
    for clause in gaps:
        number, state = clause.number, status[clause.number]
        if any(n.startswith(number + ".") for n in numbers):
            continue
        answer = gap.answer(number)
        owner = setting.people.get(answer.owner, setting.sms_manager) if answer and answer.owner else None
        owner = owner or _leading_owner(docs[number]) or setting.sms_manager
        name = f"Close the gaps in {clause_name(clause)}" if state == "partial" else \
            f"Implement and record {clause_name(clause)}"
        gaps_seen = answer.notes if answer and answer.notes else ""
        done[number] = Task(name, owner, IMPLEMENT_DAYS[state], "Implementation", [number],
                            after=writes_of[number] or [committee], detail=gaps_seen, group=_group(number))
    for clause in gaps:   # a parent's number on the tasks that implement it
        for number, task in done.items():
            if number.startswith(clause.number + ".") and clause.number not in task.clauses:
                task.clauses.insert(0, clause.number)
    for number, task in done.items():
        needs = PREREQUISITES.get(_main(number), ())
        task.after = _unique([*task.after, *(t for n, t in done.items() if _main(n) in needs)])
    return done


def _leading_owner(docs: list[DocRef]) -> Owner | None:
    """Who leads a clause's implementation: the owner of its most specific leading document, else of most of them."""
    if not docs:
        return None
    counts: dict[Owner, int] = {}
    for doc in docs:
        counts[doc.owner] = counts.get(doc.owner, 0) + 1
    # the owner of the most specific policy, procedure or plan (the fewest clauses: made for this one) leads
    focus = {o: -min((len(d.clauses) for d in docs if d.owner == o and d.type in LEADING_TYPES), default=99)
             for o in counts}
    return max(counts, key=lambda o: (focus[o], counts[o]))


def _reduce(tasks: list[Task]) -> None:
    """Drop a predecessor another predecessor already waits for: the plan then names the dependencies that matter."""
    ancestors: dict[int, set[int]] = {}

    def above(task: Task) -> set[int]:
        if id(task) not in ancestors:
            ancestors[id(task)] = set().union(*({id(p)} | above(p) for p in task.after)) if task.after else set()
        return ancestors[id(task)]

    for task in tasks:
        implied = set().union(*(above(p) for p in task.after)) if task.after else set()
        task.after = [p for p in task.after if id(p) not in implied]


def _schedule(tasks: list[Task], kickoff: dt.date) -> None:
    """Each task starts on the first working day its predecessors, its resource and its offset allow, in the order of
    the list: what comes first in it (absent before partial) is done first."""
    free: dict[str, dt.date] = {}
    pending = list(tasks)
    while pending:
        task = next(t for t in pending if all(p not in pending for p in t.after)
                    and (t.offset is None or t.offset[0] not in pending))
        earliest = workday(kickoff)
        for before in task.after:
            earliest = max(earliest, before.end if before.milestone and before.days == 0 else next_workday(before.end))
        if task.offset is not None:
            earliest = max(earliest, workday(add_months(task.offset[0].start, task.offset[1])))
        if task.resource is not None:
            earliest = max(earliest, free.get(task.resource, earliest))
        task.start = workday(task.target) if task.target and workday(task.target) >= earliest else earliest
        if task.months:
            task.end = add_months(task.start, task.months) - dt.timedelta(days=1)
        else:
            task.end = finish(task.start, task.days)
        if task.resource is not None:
            free[task.resource] = next_workday(task.end)
        pending.remove(task)


def _problems(stage1: Task, stage2: Task, records: Task, review: Task) -> list[str]:
    found = []
    if stage1.target and stage1.start != workday(stage1.target):
        ready = max(t.end for t in records.after)
        found.append(f"The Stage 1 target ({stage1.target}) cannot be met: the documentation and implementation "
                     f"tasks end on {ready}, then the SMS must keep records for "
                     f"{records.months} months (to {records.end}), with the first internal audit and the management "
                     f"review ({review.end}) in them. The earliest Stage 1 is {stage1.start}, and the plan takes it.")
    if stage2.target and stage2.start != workday(stage2.target):
        found.append(f"The Stage 2 target ({stage2.target}) cannot be met: Stage 1 ends on {stage1.end} and its "
                     f"findings take about {RECTIFY_DAYS} working days to rectify. The earliest Stage 2 is "
                     f"{stage2.start}, and the plan takes it.")
    return found


# --- from the organisation and the rendered set -------------------------------------------------------------------

def role_owner(org: Organisation, role: Role) -> Owner:
    return Owner(role.key, f"{role.title} ({org.holder_names(role)})")


def doc_ref(org: Organisation, doc: Document) -> DocRef:
    return DocRef(doc.id, doc.title, doc.type, tuple(doc.clauses), role_owner(org, doc.owner))


def setting_of(org: Organisation) -> Setting:
    """Who leads each step: the holders of the core functions (every SMS has them: rules.CORE_FUNCTIONS)."""
    def lead(function: str) -> Owner:
        role = org.function.get(function)
        return role_owner(org, role) if role else Owner(function, function.replace("_", " ").capitalize())

    people = {p.id: Owner(p.id, f"{p.name} ({', '.join(org.role[k].title for k in p.roles if k in org.role)})")
              for p in org.people}
    functions = [f.value for f in CORE_FUNCTIONS] + ["security_manager"]
    members = dict.fromkeys(role_owner(org, org.function[f]).label for f in functions if f in org.function)
    return Setting(lead("top_management"), lead("sms_manager"), lead("internal_audit_lead"), people, tuple(members),
                   org.cycle.evidence_months, min(10, 3 + len(org.sites_in_scope)))
