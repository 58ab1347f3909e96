"""The clause catalogues shipped with the package: ISO 28000:2022 clauses 4-10 and the ISO 28001 elements."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from generator.model.yaml_source import FastLoader

CATALOGUE_DIR = Path(__file__).parent / "catalogue"


@dataclass(frozen=True)
class Clause:
    number: str
    title: str
    documented_information: str   # document | record | both | none
    what: str
    intent: str
    standard: str                 # "ISO 28000" or "ISO 28001"
    # what an internal auditor asks to test the clause (catalogue/audit_questions.yml): the question bank
    questions: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


@cache
def catalogue() -> dict[str, Clause]:
    """Clause number -> Clause, ISO 28000 clauses in document order, then the ISO 28001 elements."""
    out: dict[str, Clause] = {}
    for file, top, standard in (("iso28000.yml", "clauses", "ISO 28000"), ("iso28001.yml", "elements", "ISO 28001")):
        text = (CATALOGUE_DIR / file).read_text(encoding="utf-8")
        for entry in yaml.load(text, Loader=FastLoader)[top]:
            clause = Clause(str(entry["number"]), str(entry["title"]), str(entry["documented_information"]),
                            str(entry["what"]), str(entry["intent"]), standard)
            out[clause.number] = clause
    bank = CATALOGUE_DIR / "audit_questions.yml"
    if bank.is_file():
        for number, questions in (yaml.load(bank.read_text(encoding="utf-8"), Loader=FastLoader) or {}).items():
            clause = out[str(number)]   # a question for a clause the catalogue lacks is a packaging error
            out[clause.number] = replace(clause, questions=tuple(str(q) for q in questions))
    return out


def iso28000() -> list[Clause]:
    return [c for c in catalogue().values() if c.standard == "ISO 28000"]


def parent(number: str) -> str | None:
    return number.rsplit(".", 1)[0] if "." in number else None
