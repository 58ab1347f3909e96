"""The gap report as Markdown: where each clause stands with the evidence seen, the figures by clause group, and the
implementation plan with its key dates, timeline and tasks. Data is text: everything from YAML passes md_escape."""
from __future__ import annotations

from generator.model.clauses import catalogue
from generator.model.gap import GAPS, STATUS_LABELS, GapAnalysis, questionnaire_clauses
from generator.model.organisation import Organisation
from generator.publish.gap.charts import GroupCounts
from generator.publish.gap.plan import (
    COMMITTEE_DAYS,
    IMPLEMENT_DAYS,
    RECTIFY_DAYS,
    REVIEW_DAYS,
    STAGE1_DAYS,
    STAGE2_DAYS,
    TRAINING_DAYS,
    Plan,
    Task,
    status_of,
)
from generator.render.markdown import md_escape

STATUS_FIGURE = "figures/gap-status.svg"
TIMELINE_FIGURE = "figures/plan-timeline.svg"
CLAUSES_SHOWN = 6   # a task serving more clauses lists this many and counts the rest


def group_counts(gap: GapAnalysis) -> list[GroupCounts]:
    """Clauses by status for each clause group (4 to 10), then for all of them."""
    status = status_of(gap)
    groups: dict[str, GroupCounts] = {}
    for clause in questionnaire_clauses():
        top = catalogue()[clause.number.split(".")[0]]
        counts = groups.setdefault(top.number, GroupCounts(top.label, {s: 0 for s in STATUS_LABELS})).counts
        counts[status[clause.number]] += 1
    total = GroupCounts("All clauses", {s: sum(g.counts[s] for g in groups.values()) for s in STATUS_LABELS})
    return [*groups.values(), total]


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: tuple[str, ...], body: list[tuple]) -> list[str]:
    return [_row(*header), _row(*["---"] * len(header)), *(_row(*r) for r in body)]


def _share(n: int, total: int) -> str:
    return f"{n} ({round(100 * n / total)}%)" if n and total else "—"


def _clauses(numbers: list[str]) -> str:
    if len(numbers) == len(questionnaire_clauses()):
        return "all"
    shown = ", ".join(numbers[:CLAUSES_SHOWN])
    return shown + (f" and {len(numbers) - CLAUSES_SHOWN} more" if len(numbers) > CLAUSES_SHOWN else "")


RANGES_SHOWN = 8


def ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "3–5, 9": a task waiting for many others stays short (the workbook lists every one)."""
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = out[-1].split("–")[0] + f"–{n}"
        else:
            out.append(str(n))
    more = len(out) - RANGES_SHOWN
    return ", ".join(out[:RANGES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def task_text(task: Task) -> str:
    """What a task cell says: the task, the documents it issues and, for a clause, what the gap analysis found."""
    parts = [md_escape(task.name)]
    if len(task.documents) > 1:   # many documents by ID alone: the workbook has their titles
        shown = task.documents if len(task.documents) <= 3 else [d.split(" ", 1)[0] for d in task.documents]
        parts.append("Documents: " + ", ".join(md_escape(d) for d in shown))
    if task.detail:
        parts.append(f"*{md_escape(task.detail)}*")
    return "<br>".join(parts)


PHRASES = {"in_place": "are in place", "partial": "partly in place", "absent": "absent",
           "not_applicable": "judged not applicable",
           "not_assessed": "not yet assessed (the plan treats them as absent)"}


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _owner(org: Organisation, person: str | None) -> str:
    return md_escape(org.person[person].name) if person and person in org.person else "—"


def report_markdown(org: Organisation, gap: GapAnalysis, plan: Plan) -> str:
    status = status_of(gap)
    groups = group_counts(gap)
    overall = groups[-1]
    m = plan.milestones
    open_ = sum(1 for s in status.values() if s in GAPS)
    lines = [f"# Gap analysis and implementation plan: {md_escape(org.org.name)}", "",
             f"ISO 28000:2022. Gap analysis by {md_escape(gap.assessed_by)} on {gap.date}; implementation from "
             f"{gap.kickoff}.", "", "## Summary", "",
             f"Of the {overall.total} clauses asked about, " + _join(
                 [f"{n} {PHRASES[s]}" for s, n in overall.counts.items() if n]) + f". The {open_} clauses with a "
             f"gap give {sum(1 for t in plan.tasks if t.group)} tasks; Stage 1 is planned for "
             f"**{m['stage1'].start}** and Stage 2 for **{m['stage2'].start}**.", ""]
    for problem in plan.problems:
        lines += [f"**Target not achievable.** {md_escape(problem)}", ""]
    lines += _table(("Clause group", "Clauses", *STATUS_LABELS.values()),
                    [(md_escape(g.label) if g is not overall else "**All clauses**", g.total,
                      *(_share(g.counts[s], g.total) for s in STATUS_LABELS)) for g in groups])
    lines += ["", f"![Status of the ISO 28000 clauses by clause group]({STATUS_FIGURE})", "",
              "## Clause by clause", ""]
    header = ("Clause", "Status", "Evidence seen", "Notes")
    current = ""
    for clause in questionnaire_clauses():
        top = clause.number.split(".")[0]
        if top != current:
            current = top
            lines += ["", f"### {md_escape(catalogue()[top].label)}", "", *_table(header, [])]
        answer = gap.answer(clause.number)
        state = STATUS_LABELS[status[clause.number]]
        # who will close the gap goes with what is missing: a column of its own would be mostly dashes
        notes = [md_escape(answer.notes)] if answer and answer.notes else []
        notes += [f"Owner: {_owner(org, answer.owner)}."] if answer and answer.owner else []
        lines.append(_row(md_escape(clause.label), f"**{state}**" if status[clause.number] in GAPS else state,
                          md_escape(answer.evidence) if answer and answer.evidence else "—", " ".join(notes) or "—"))
    lines += ["", "## Implementation plan", "", *_key_dates(plan), "",
              f"![The implementation plan on a timeline: task numbers as in the table below]({TIMELINE_FIGURE})", "",
              "### Tasks", ""]
    lines += _table(("No.", "Task", "Owner", "Start", "End", "After", "Clauses"),
                    [(t.number, task_text(t), md_escape(t.owner.label), t.start, t.end, ranges(t.depends) or "—",
                      _clauses(t.clauses) or "—") for t in plan.tasks])
    lines += ["", "### How the plan is made", "", *_method(plan)]
    return "\n".join(lines) + "\n"


def _key_dates(plan: Plan) -> list[str]:
    m = plan.milestones
    rows = [("Kick-off", str(m["kickoff"].start))]
    if "issued" in m:
        rows.append(("SMS documentation issued", str(m["issued"].start)))
    rows += [("Records kept", f"{m['records'].start} to {m['records'].end}"),
             ("First internal audit", f"{m['audit'].start} to {m['audit'].end}"),
             ("Management review", str(m["review"].start)),
             ("Stage 1 audit", f"{m['stage1'].start} to {m['stage1'].end}"),
             ("Stage 2 audit", f"{m['stage2'].start} to {m['stage2'].end}")]
    return _table(("Milestone", "Date"), rows)


def _method(plan: Plan) -> list[str]:
    months = plan.milestones["records"].months
    return [
        "- Each clause absent, partly in place or not yet assessed gives tasks: the documents of the smsgen set that "
        "address it are written and issued by their owners (smsgen drafts them from the organisation's data: the "
        "owner checks each against practice, has it approved and issued), then the practice is implemented and "
        "recorded. A document serving several clauses is written once, by the first clause that needs it.",
        "- Absent clauses come before partial ones; each writer does one writing task at a time. A clause is "
        "implemented once its documents are issued and the clauses it builds on are in place (the scope after the "
        "context, the risk assessment after the scope, controls and plans after the risk assessment).",
        f"- The SMS then keeps records for {months} months (cycle.yml `evidence_months`) before Stage 1; the first "
        "internal audit covers every clause and the management review considers its results.",
        f"- Durations in working days (Monday to Friday; public holidays are not counted out): committee "
        f"{COMMITTEE_DAYS}, auditor training {TRAINING_DAYS}, writing 2 plus 1 a document (at most 15; for a partial "
        f"clause less), implementing {IMPLEMENT_DAYS['absent']} (partial {IMPLEMENT_DAYS['partial']}), management "
        f"review {REVIEW_DAYS}, Stage 1 {STAGE1_DAYS}, rectifying its findings {RECTIFY_DAYS}, Stage 2 {STAGE2_DAYS}. "
        "They are estimates: agree them with the owners at the kick-off.",
    ]
