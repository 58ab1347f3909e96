"""The one exception boundary: every failure of a command ends as findings on standard error and a documented exit
status, never a traceback. Foreign exceptions (file system, YAML, git, converters) are mapped here, once; anything
else is a bug, reported in one line with the path of a log file holding the details."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import yaml

from generator.base.errors import SmsgenError
from generator.base.findings import EXIT_BAD_INPUT, Finding, Findings, Severity

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 3   # a bug in smsgen: the message names the log file with the details


def foreign(exc: BaseException) -> Finding | None:
    """A finding for an exception that is the environment's or the input's fault, not smsgen's; None for a bug."""
    if isinstance(exc, OSError):
        where = exc.filename if isinstance(exc.filename, str) else ""
        return Finding("os.error", Severity.fatal, f"{exc.strerror or exc}", where,
                       hint="check that the path exists, is readable and writable, and that the disk has space")
    if isinstance(exc, yaml.YAMLError):
        return Finding("yaml.syntax", Severity.fatal, f"YAML error: {exc}")
    if isinstance(exc, subprocess.CalledProcessError):
        detail = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        command = " ".join(map(str, exc.cmd)) if isinstance(exc.cmd, list | tuple) else str(exc.cmd)
        return Finding("process.failed", Severity.fatal, f"`{command}` failed: {detail.strip() or exc}")
    if isinstance(exc, RecursionError):
        return Finding("input.too-deep", Severity.fatal, "the input is nested too deeply to process",
                       hint="look for a data file or template that refers to itself")
    if isinstance(exc, MemoryError):
        return Finding("input.too-large", Severity.fatal, "ran out of memory reading the input",
                       hint="look for a data file with a very large or repeated value")
    return None


def crash_log(exc: BaseException, argv: list[str]) -> Path:
    """Write the traceback of an unexpected error where the user can find it and attach it to a report."""
    folder = Path(os.environ.get("SMSGEN_LOG_DIR") or Path(tempfile.gettempdir()) / "smsgen")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    path.write_text(f"smsgen {' '.join(argv)}\n\n" + "".join(traceback.format_exception(exc)), encoding="utf-8")
    return path


def guarded(command: Callable[[], int], argv: list[str]) -> int:
    """Run a command; turn whatever it raises into findings and an exit status."""
    try:
        return command()
    except SmsgenError as exc:
        exc.findings.report(sys.stderr)
        return exc.findings.exit_code() or EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the boundary: nothing passes it as a traceback
        finding = foreign(exc)
        if finding is not None:
            Findings([finding]).report(sys.stderr)
            return EXIT_BAD_INPUT
        try:
            where = f"details in {crash_log(exc, argv)}"
        except OSError:
            where = "no log could be written"
        print(f"smsgen: internal error: {type(exc).__name__}: {exc} ({where}; please report it)", file=sys.stderr)
        return EXIT_INTERNAL
