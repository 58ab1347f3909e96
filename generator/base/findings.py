"""Findings: every problem smsgen reports, with where it is, what is wrong and how to fix it.

Stages collect findings instead of raising, so one run reports every mistake. Exit codes follow from the worst one.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    info = 0
    warning = 1
    error = 2   # a failed check: the data parses but is not acceptable
    fatal = 3   # bad input: the data or a template cannot be read at all


EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Finding:
    code: str            # stable identifier, e.g. "data.unknown-ref"
    severity: Severity
    message: str
    path: str = ""       # file, relative to the workspace
    line: int = 0        # 1-based; 0 when unknown
    col: int = 0
    field: str = ""      # dotted field path inside the file, e.g. roles[3].reports_to
    hint: str = ""

    def location(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}:{self.col or 1}"
        return loc

    def __str__(self) -> str:
        head = ": ".join(p for p in (self.location(), self.field) if p)
        text = f"{head}: {self.message}" if head else self.message
        if self.severity < Severity.error:
            text = f"{text} [{self.severity.name}]"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


class Findings(list[Finding]):
    """An ordered list of findings with the exit status they imply."""

    def add(self, *args, **kwargs) -> None:
        self.append(Finding(*args, **kwargs))

    @property
    def fatal(self) -> bool:
        return any(f.severity is Severity.fatal for f in self)

    @property
    def errors(self) -> bool:
        return any(f.severity >= Severity.error for f in self)

    def exit_code(self) -> int:
        if self.fatal:
            return EXIT_BAD_INPUT
        return EXIT_CHECKS_FAILED if self.errors else EXIT_OK

    def report(self, stream=sys.stderr, grouped: bool = False) -> None:
        current = None
        for finding in sorted(self, key=lambda f: (-f.severity, f.path, f.line, f.col)):
            if grouped and finding.severity != current:
                current = finding.severity
                heading = {Severity.fatal: "Bad input", Severity.error: "Failed checks",
                           Severity.warning: "Warnings", Severity.info: "Notes"}[current]
                print(f"== {heading} ==", file=stream)
            print(finding, file=stream)
        if self:
            counts = {s.name: sum(1 for f in self if f.severity is s) for s in Severity}
            summary = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
            print(f"{len(self)} finding(s): {summary}", file=stream)

    def as_json(self) -> str:
        return json.dumps({
            "exit_code": self.exit_code(),
            "counts": {s.name: sum(1 for f in self if f.severity is s) for s in Severity},
            "findings": [{"code": f.code, "severity": f.severity.name, "message": f.message, "hint": f.hint,
                          "location": {"path": f.path, "line": f.line, "column": f.col, "field": f.field}}
                         for f in sorted(self, key=lambda f: (-f.severity, f.path, f.line, f.col))],
        }, indent=2)
