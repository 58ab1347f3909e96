"""The one error tree. Every failure a user can cause or meet is an `SmsgenError` carrying findings; the command line
catches it once (cli/boundary.py), prints the findings and exits with the status they imply."""
from __future__ import annotations

from generator.base.findings import Finding, Findings, Severity


class SmsgenError(Exception):
    """Root of every error smsgen raises on purpose."""

    def __init__(self, findings: list[Finding] | Finding):
        self.findings = Findings([findings] if isinstance(findings, Finding) else findings)
        super().__init__("\n".join(map(str, self.findings)))


class UserError(SmsgenError):
    """A mistake the user can fix (bad data, a refused action), with the findings that describe it."""


class ConversionError(SmsgenError):
    """A converter (pandoc, typst, python-docx) failed on one output: named against that output, never a traceback."""

    def __init__(self, message: str):
        super().__init__(Finding("export.failed", Severity.fatal, message))
        self.message = message

    def __str__(self) -> str:
        return self.message


class GitError(SmsgenError):
    """A git command that a release or publish needs failed."""

    def __init__(self, command: str, detail: str):
        super().__init__(Finding("git.failed", Severity.fatal, f"git {command} failed: {detail}",
                                 hint="check that git is installed and the workspace repository is usable"))


def failure_message(exc: Exception) -> str:
    """How a conversion that failed is reported against its output: a ConversionError says what failed in its own
    words; anything else is named with its type (a worker's error, never a traceback)."""
    return str(exc) if isinstance(exc, ConversionError) else f"{type(exc).__name__}: {exc}"
