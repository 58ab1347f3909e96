"""`smsgen redline`: the redline of documents against the approved revision before, as PDF and as DOCX with tracked
changes, for a reviewer; and the line `submit` prints so the reviewer finds it."""
from __future__ import annotations

import argparse
from pathlib import Path

from generator.base.errors import UserError
from generator.base.findings import EXIT_OK, Finding, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.cli.commands.control import assessed
from generator.control.snapshots import approved_text
from generator.publish.docs import write_outcome
from generator.publish.redline.compare import Comparison, comparisons
from generator.publish.redline.outputs import write_redlines
from generator.render.document import Document


def available(ws: Workspace, outcome: Outcome, documents: list[Document]) -> dict[str, Comparison]:
    """The documents of `documents` that have a redline: an earlier approved revision whose text differs."""
    if outcome.org is None or outcome.register is None:
        return {}
    return comparisons(documents, outcome.register.documents, outcome.states, outcome.org, approved_text(ws))


def redline(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None
    by_name = {d.id: d for d in outcome.documents} | {d.key: d for d in outcome.documents}
    unknown = [i for i in args.ids if i not in by_name]
    if unknown or (not args.ids and not args.all):
        raise UserError([Finding("redline.unknown", Severity.fatal, f"unknown document '{i}'",
                                 hint="give document IDs (or template keys), as `smsgen status` lists them")
                         for i in unknown] or
                        [Finding("redline.none", Severity.fatal, "no document named", hint="smsgen redline ID ... "
                                 "(or --all: every document with an earlier approved revision)")])
    chosen = list({by_name[i].id: by_name[i] for i in args.ids}.values()) if args.ids else outcome.documents
    found = available(ws, outcome, chosen)
    without = [d for d in chosen if d.id not in found]
    if args.ids and without:
        raise UserError([Finding("redline.none", Severity.fatal,
                                 f"{d.id} ({d.title}) has no earlier approved revision whose text differs from "
                                 f"revision {outcome.states[d.id].revision}", hint="a redline compares a revision "
                                 "with the approved one before it; a first issue has none") for d in without])
    write_outcome(ws, outcome)   # the pages and figures the redlines draw on, as a build writes them
    out = Path(args.out) if args.out else ws.dist_dir / "redline"
    for path in write_redlines(ws, outcome.org, [found[i] for i in sorted(found)], out):
        print(ws.display(path))
    print(f"redline: {len(found)} document(s)")
    return EXIT_OK
