"""Supply-chain security programmes and certifications a business partner may hold (AEO in its EU and UK forms,
C-TPAT, PIP, TAPA, ISO 28000...), from the catalogue shipped with the package, and what each is evidence of. One
catalogue, so "is this partner's status security evidence?" is answered the same in every document: an AEO-C
authorisation is a customs simplification with no security criteria audited, and never counts."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import yaml

from generator.model.clauses import CATALOGUE_DIR
from generator.model.yaml_source import FastLoader

Evidence = Literal["supply_chain", "information", "none"]


@dataclass(frozen=True)
class Programme:
    key: str
    short: str          # as printed in tables: AEO-S, CTPAT, TAPA FSR
    name: str
    authority: str
    security: Evidence  # what an audit under it covers: supply-chain security, information security, or neither

    @property
    def security_evidence(self) -> bool:
        return self.security != "none"


@cache
def programmes() -> dict[str, Programme]:
    text = (CATALOGUE_DIR / "programmes.yml").read_text(encoding="utf-8")
    return {entry["key"]: Programme(**{k: str(v) for k, v in entry.items()})  # type: ignore[arg-type]
            for entry in yaml.load(text, Loader=FastLoader)["programmes"]}


def known_programme(key: str) -> str:
    """A programme key of the catalogue; ValueError listing them when it is not one."""
    if key not in programmes():
        raise ValueError(f"unknown programme '{key}'\nknown: {', '.join(programmes())}")
    return key
