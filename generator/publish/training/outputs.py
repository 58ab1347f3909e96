"""`smsgen training`: the decks and quizzes laid out by typst (through the same compiler and fonts as every PDF) and
written atomically to dist/training/, each quiz also as Markdown for the consultant to adapt. The files carry no
date from the clock (SOURCE_DATE_EPOCH or a fixed one), so the same data gives the same bytes."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.base.files import write_atomic
from generator.base.findings import Finding, Severity
from generator.base.typeset import compile_typst
from generator.base.workspace import Workspace
from generator.model.fields import Classification
from generator.model.organisation import Organisation
from generator.publish.export.base import timestamp
from generator.publish.export.plan import brand_of
from generator.publish.training.auditor import auditor_deck
from generator.publish.training.awareness import awareness_deck
from generator.publish.training.handout import quiz_markdown
from generator.publish.training.questions import auditor_quiz, awareness_quiz
from generator.publish.training.slides import Deck
from generator.publish.training.typeset import Style, deck_source, quiz_source

KINDS = ("awareness", "auditor")
FOLDER = "training"
# Besides the core functions every workspace holds: everyone is taught whom they report an incident to
NEEDED = ("incident_lead",)


def refusals(org: Organisation) -> list[Finding]:
    """What the data lacks for the training to say something true."""
    return [Finding("training.function", Severity.fatal, f"no role fulfils the SMS function '{function}', which the "
                    "training names", "data/roles.yml", hint="add it to the `functions` of the role that does this "
                    "work (the incident procedure gives it every incident)") for function in NEEDED
            if function not in org.function]


def style_of(org: Organisation, ws: Workspace, level: Classification = Classification.internal) -> Style:
    """The organisation's branding, with the logo as a path from the workspace (typst's root), and the marking."""
    brand = brand_of(org, ws)
    logo = "/" + Path(brand.logo).relative_to(ws.root.resolve()).as_posix() if brand.logo else None
    branding = org.org.branding
    return Style(org.org.name, branding.primary_colour, branding.accent_colour, branding.font, logo,
                 org.documents.label(level))


def marking_of(org: Organisation, deck: Deck) -> Classification:
    """Training is internal; a deck that quotes the SMS's records (an audit finding, a corrective action) carries
    their classification when it is higher, as every page made from them does."""
    level = Classification.internal
    records = org.documents.pages.records
    if deck.quotes_records and records.level > level.level:
        level = records
    return level


def write_training(ws: Workspace, org: Organisation, kinds: Iterable[str] = KINDS) -> list[Path]:
    """Build and write the material of each kind asked for; returns the files written, in order."""
    out = ws.dist_dir / FOLDER
    root = ws.root.resolve()
    stamp = timestamp(None)
    files: dict[Path, str | bytes] = {}
    for kind in KINDS:
        if kind not in kinds:
            continue
        deck = awareness_deck(org) if kind == "awareness" else auditor_deck(org)
        quiz = awareness_quiz(org) if kind == "awareness" else auditor_quiz(org)
        files[out / f"{deck.stem}.pdf"] = compile_typst(deck_source(deck, style_of(org, ws, marking_of(org, deck))),
                                                        {}, root, stamp)
        style = style_of(org, ws)
        files[out / f"{quiz.stem}.pdf"] = compile_typst(quiz_source(quiz, style), {}, root, stamp)
        files[out / f"{quiz.stem}.md"] = quiz_markdown(quiz, style.marking)
    for path, content in files.items():   # only once everything compiled: a failure leaves the last good set
        write_atomic(path, content)
    return list(files)
