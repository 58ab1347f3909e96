"""Gap analysis commands: `gap start` (the questionnaire, as YAML and optionally a workbook), `gap import` (a returned
workbook into data/gap_analysis.yml) and `gap report` (the gap report and implementation plan in dist/gap/)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.base.clock import today
from generator.base.errors import UserError
from generator.base.files import write_atomic
from generator.base.findings import EXIT_OK, Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.cli.commands.control import assessed
from generator.model.load import load
from generator.model.organisation import Organisation
from generator.publish.gap.outputs import write_gap_outputs
from generator.publish.gap.questionnaire import FILE, blank, default_kickoff, questionnaire_yaml
from generator.publish.gap.workbook import merge, questionnaire_xlsx, read_workbook


def _loaded(ws: Workspace) -> tuple[Organisation, dict]:
    """The organisation's data, checked: the questionnaire names its people and the import checks against them."""
    org, findings, sources = load(ws)
    if org is None or findings.fatal:
        raise UserError([f for f in findings if f.severity >= Severity.error])
    return org, sources


def start(ws: Workspace, args: argparse.Namespace) -> int:
    org, _ = _loaded(ws)
    path = ws.data_dir / FILE
    workbook = Path(args.xlsx) if args.xlsx else None
    refused = Findings()
    if path.exists() and workbook is None:
        refused.add("gap.exists", Severity.fatal, "a gap analysis is already started: gap start never overwrites one",
                    ws.display(path), hint="edit it; `smsgen gap start --xlsx FILE` writes its questionnaire, with "
                                           "its answers, as a workbook; remove the file to start again")
    if workbook is not None and workbook.exists():
        refused.add("gap.exists", Severity.fatal, "already exists: gap start never overwrites a workbook (it may hold "
                    "a client's answers)", str(workbook), hint="name another file, or remove this one")
    if refused:
        raise UserError(refused)
    if path.exists() and org.gap is not None:
        gap = org.gap
    else:
        by = args.by or _lead(org)
        by = org.person[by].name if by in org.person else by
        date = args.date or today()
        gap = blank(by, date, args.kickoff or default_kickoff(date))
    if not path.exists():
        write_atomic(path, questionnaire_yaml(org, gap))
        print(f"{ws.display(path)}: {len(gap.clauses)} clauses to assess, kick-off {gap.kickoff}")
    else:
        print(f"{ws.display(path)}: kept as it is; the workbook carries its answers")
    if workbook is not None:
        write_atomic(workbook, questionnaire_xlsx(org, gap))
        print(f"{workbook}: the questionnaire as a workbook; `smsgen gap import {workbook}` reads it back")
    return EXIT_OK


def _lead(org: Organisation) -> str:
    """Who assesses by default: the SMS manager (a consultant names themself with --by)."""
    role = org.function.get("sms_manager")
    return role.holders[0].id if role and role.holders else org.org.name


def import_workbook(ws: Workspace, args: argparse.Namespace) -> int:
    org, sources = _loaded(ws)
    path = Path(args.file)
    returned, problems = read_workbook(path, str(path), org)
    if problems:
        raise UserError(problems)
    source = sources.get(FILE)
    merged = merge(org.gap, returned, str(path), lambda loc: source.where(loc)[0] if source else 0, args.force)
    if merged.gap is None:
        print(f"{path}: not imported, data/{FILE} is unchanged:", file=sys.stderr)
        raise UserError(merged.conflicts)
    target = ws.data_dir / FILE
    write_atomic(target, questionnaire_yaml(org, merged.gap))
    print(f"{ws.display(target)}: {merged.taken} answer(s) taken from {path}, {merged.kept} kept from the file")
    return EXIT_OK


def report(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    org = outcome.org
    assert org is not None   # assessed refuses data that did not load
    if org.gap is None:
        raise UserError(Finding("gap.missing", Severity.fatal, "no gap analysis to report on",
                                ws.display(ws.data_dir / FILE), hint="`smsgen gap start` writes the questionnaire"))
    written = write_gap_outputs(ws, org, org.gap, outcome.documents)
    for path in written.files:
        print(ws.display(path))
    plan = written.plan
    print(f"{len(plan.tasks)} tasks from {plan.tasks[0].start} to {plan.tasks[-1].end}: Stage 1 "
          f"{plan.milestones['stage1'].start}, Stage 2 {plan.milestones['stage2'].start}")
    warnings = Findings(Finding("gap.target", Severity.warning, problem, ws.display(ws.data_dir / FILE))
                        for problem in plan.problems)
    warnings.report(sys.stderr)
    return EXIT_OK
