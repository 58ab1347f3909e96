"""One readiness check's outcome, as the report page, the Stage 1 pack and `check` show it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Check:
    key: str
    title: str
    passed: bool
    details: list[str] = field(default_factory=list)
    evidence: bool = False   # judged from the records of what the SMS did, not from its documents
