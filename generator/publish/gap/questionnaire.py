"""data/gap_analysis.yml as a consultant reads it: one entry per clause of the questionnaire, with the clause's title,
what documented information it requires and the internal audit questions to ask written as comments above it.
`gap start` writes it blank; `gap import` writes it again with the answers merged in."""
from __future__ import annotations

import datetime as dt
import textwrap

import yaml

from generator.model.clauses import Clause, catalogue
from generator.model.gap import STATUS_LABELS, ClauseAnswer, GapAnalysis, questionnaire_clauses
from generator.model.load import schema_line
from generator.model.organisation import Organisation

FILE = "gap_analysis.yml"
WIDTH = 116
KIND = {"document": "a document (maintained)", "record": "records (retained)",
        "both": "a document and records", "none": "none required by the clause"}


def blank(assessed_by: str, date: dt.date, kickoff: dt.date) -> GapAnalysis:
    return GapAnalysis(assessed_by=assessed_by, date=date, kickoff=kickoff,
                       clauses=[ClauseAnswer(clause=c.number) for c in questionnaire_clauses()])


def default_kickoff(date: dt.date) -> dt.date:
    """The first Monday at least two weeks after the gap analysis: time to agree the plan before work starts."""
    day = date + dt.timedelta(days=14)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def scalar(value: object) -> str:
    """One YAML value on its line: empty for none, quoted where YAML would misread it, a block for several lines."""
    if value is None:
        return ""
    if isinstance(value, str) and "\n" in value:
        return "|-\n" + "\n".join(" " * 8 + line for line in value.splitlines())
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _comment(text: str, indent: str, first: str = "", rest: str = "") -> list[str]:
    lines = textwrap.wrap(text, WIDTH - len(indent) - 2 - len(first), break_on_hyphens=False) or [""]
    return [f"{indent}# {first if i == 0 else rest}{line}".rstrip() for i, line in enumerate(lines)]


def _entry(clause: Clause, answer: ClauseAnswer) -> list[str]:
    pad = " " * 4
    out = [f"{pad}# {clause.label}"]
    out += _comment(clause.intent, pad)
    what = f" ({clause.what})" if clause.what else ""
    out += _comment(f"Documented information: {KIND.get(clause.documented_information, 'none')}{what}.", pad)
    out.append(f"{pad}# Ask:")
    for question in clause.questions:
        out += _comment(question, pad, "  - ", "    ")
    out.append(f'{pad}- clause: "{clause.number}"')
    out += [f"{pad}  {key}: {scalar(getattr(answer, key))}".rstrip()
            for key in ("status", "evidence", "notes", "owner")]
    return out


def _field(key: str, value: object, comment: str = "") -> str:
    line = f"  {key}: {scalar(value)}".rstrip()
    return f"{line:<34}# {comment}" if comment else line


def questionnaire_yaml(org: Organisation, gap: GapAnalysis) -> str:
    statuses = " | ".join(STATUS_LABELS)
    lines = [schema_line(FILE),
             *_comment(f"Gap analysis of {org.org.name} against ISO 28000:2022, written by `smsgen gap start`. "
                       "For each clause, ask the questions above it and record what you find:", ""),
             f"#   status:   {statuses}",
             "#             (not_assessed: not asked yet; the plan treats it as absent)",
             "#   evidence: what you saw: documents, records, interviews, the site",
             "#   notes:    what is missing, or why the clause does not apply",
             "#   owner:    person id (people.yml) who will close the gap: owns the clause's implementation task",
             "# `smsgen gap report` turns it into the gap report and the implementation plan (dist/gap/).",
             "# `smsgen gap import` rewrites this file with a workbook's answers: keep remarks in `notes:`, not in",
             "# comments.",
             "gap_analysis:",
             _field("assessed_by", gap.assessed_by),
             _field("date", gap.date, "when the gap analysis was carried out"),
             _field("kickoff", gap.kickoff, "the day the implementation starts: the plan counts from it"),
             _field("stage1_target", gap.stage1_target, "optional: the Stage 1 audit date wanted (YYYY-MM-DD)"),
             _field("stage2_target", gap.stage2_target, "optional: the Stage 2 audit date wanted"),
             "  clauses:"]
    groups = catalogue()
    current = ""
    for clause in questionnaire_clauses():
        group = clause.number.split(".")[0]
        if group != current:
            current = group
            lines += ["", f"    # === {groups[group].label} " + "=" * max(3, WIDTH - 12 - len(groups[group].label))]
        answer = gap.answer(clause.number) or ClauseAnswer(clause=clause.number)
        lines += ["", *_entry(clause, answer)]
    return "\n".join(lines) + "\n"
