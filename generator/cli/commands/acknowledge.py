"""Read and understood (clause 7.3): `smsgen acknowledge` records acknowledgements (one person's, or a sign-off
sheet's) as one transaction of the control store; `smsgen acknowledgements` reports what is outstanding and overdue.
Who owes what is decided in generator/control/acknowledgements.py, never here."""
from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

from generator.base.clock import today
from generator.base.errors import UserError
from generator.base.files import write_atomic
from generator.base.findings import EXIT_OK, Finding, Severity
from generator.base.tables import read_table
from generator.base.workspace import Workspace
from generator.cli.commands.control import assessed
from generator.control import acknowledgements
from generator.control.acknowledgements import Obligation, obligations, recorded
from generator.control.store import Store
from generator.model.organisation import Organisation
from generator.publish.spreadsheet import to_csv

CSV_COLUMNS = ("person", "name", "email", "site", "roles", "document", "title", "revision", "effective", "due",
               "overdue")


def acknowledge(ws: Workspace, args: argparse.Namespace) -> int:
    if args.import_file:
        if args.ids or args.by or args.date or args.all_due:
            raise UserError(_usage("--import FILE takes the people, documents, revisions and dates from the file"))
        return _import(ws, Path(args.import_file), args.import_file)
    if not args.by:
        raise UserError(_usage("name who read the documents: --by PERSON"))
    if not args.ids and not args.all_due:
        raise UserError(_usage("name the documents read, or use --all-due"))
    outcome = assessed(ws)
    assert outcome.org is not None and outcome.result is not None
    with Store(ws).transaction("acknowledge") as txn:
        lines = acknowledgements.acknowledge(txn, outcome.org, outcome.documents, outcome.result.tasks, args.ids,
                                             args.by, args.date, args.all_due)
    for line in lines:
        print(line)
    return EXIT_OK


def _import(ws: Workspace, path: Path, display: str) -> int:
    try:
        header, rows = read_table(path)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(Finding("acknowledge.unreadable", Severity.fatal, f"cannot read the table: {exc}", display,
                                hint="a CSV (UTF-8) or XLSX file with a header row")) from None
    outcome = assessed(ws)
    assert outcome.org is not None and outcome.result is not None
    with Store(ws).transaction("acknowledge") as txn:
        lines, notes = acknowledgements.import_rows(txn, outcome.org, outcome.documents, outcome.result.tasks,
                                                    header, rows, display)
    notes.report(sys.stderr)
    for line in lines:
        print(line)
    print(f"acknowledge: {len(lines)} acknowledgement(s) recorded from {display}")
    return EXIT_OK


def report(ws: Workspace, args: argparse.Namespace) -> int:
    """What is owed and not acknowledged, grouped by person, with counts; exit status 0 (a report, not a check:
    the readiness report and `smsgen check` judge it)."""
    outcome = assessed(ws)
    org = outcome.org
    assert org is not None and outcome.result is not None and outcome.register is not None
    owed = obligations(org, outcome.documents, outcome.result.tasks, outcome.register, recorded(ws), today())
    keep = _filters(args, org, {d.id: d.id for d in outcome.documents} | {d.key: d.id for d in outcome.documents})
    chosen = [o for o in owed if all(rule(o) for rule in keep)]
    waiting = [o for o in chosen if o.outstanding and (o.overdue or not args.overdue)]
    by_person: dict[str, list[Obligation]] = {}
    for ob in sorted(waiting, key=lambda o: (o.person.name, o.due, o.document.id)):
        by_person.setdefault(ob.person.id, []).append(ob)
    for obs in by_person.values():
        person = obs[0].person
        late = sum(o.overdue for o in obs)
        print(f"{person.name} ({person.id}, site {person.site}): {len(obs)} outstanding, {late} overdue")
        for ob in obs:
            print(f"  {ob.document.id:24} rev {ob.revision:5} due {ob.due}{' OVERDUE' if ob.overdue else '        '}  "
                  f"{ob.document.title}")
    late = sum(o.overdue for o in waiting)
    print(f"{len(waiting)} outstanding acknowledgement(s) for {len(by_person)} person(s), {late} overdue; "
          f"{sum(not o.outstanding for o in chosen)} of {len(chosen)} made"
          + ("" if owed else " (no approved document needs an acknowledgement yet)"))
    if args.csv:
        path = Path(args.csv)
        write_atomic(path, to_csv(CSV_COLUMNS, [_csv_row(o) for o in waiting]))
        print(f"written {ws.display(path)}")
    return EXIT_OK


def _filters(args: argparse.Namespace, org: Organisation,
             documents: dict[str, str]) -> list[Callable[[Obligation], bool]]:
    """The report's selections as tests on an obligation; an unknown person, role, site or document is refused."""
    problems: list[Finding] = []
    keep: list[Callable[[Obligation], bool]] = []
    if args.person:
        by_email = {p.email.lower(): p.id for p in org.people}
        person = args.person if args.person in org.person else by_email.get(args.person.lower())
        if person is None:
            problems.append(_usage(f"unknown person '{args.person}'", "a person id or e-mail from data/people.yml"))
        keep.append(lambda o: o.person.id == person)
    if args.role:
        if args.role not in org.role:
            problems.append(_usage(f"unknown role '{args.role}'", "roles: " + ", ".join(org.role)))
        keep.append(lambda o: args.role in o.roles)
    if args.site:
        if args.site not in org.site:
            problems.append(_usage(f"unknown site '{args.site}'", "sites: " + ", ".join(org.site)))
        keep.append(lambda o: o.person.site == args.site)
    if args.document:
        doc_id = documents.get(args.document)
        if doc_id is None:
            problems.append(_usage(f"unknown document '{args.document}'", "a document ID as `smsgen status` lists"))
        keep.append(lambda o: o.document.id == doc_id)
    if problems:
        raise UserError(problems)
    return keep


def _csv_row(ob: Obligation) -> tuple:
    return (ob.person.id, ob.person.name, ob.person.email, ob.person.site, ";".join(ob.roles), ob.document.id,
            ob.document.title, ob.revision, ob.effective, ob.due.isoformat(), "yes" if ob.overdue else "no")


def _usage(message: str, hint: str = "smsgen acknowledge ID... --by PERSON [--date YYYY-MM-DD] | --all-due | "
                                     "--import FILE") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)
