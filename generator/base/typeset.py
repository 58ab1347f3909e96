"""typst markup laid out as PDF, here or in a process of its own that loads nothing else.

typst keeps a layout's memory for the life of its process (about 750 MB for the 1 MB risk register of a 300-site
set), so the largest documents and reports are laid out in a fresh process each. The markup is written in the main
process; the process that lays it out imports only this module (about 20 MB besides typst's own), where one that
loaded the exporters to write the markup itself would add about 60 MB to the build's peak.
"""
from __future__ import annotations

import functools
from pathlib import Path

import typst

from generator.base.errors import ConversionError, failure_message
from generator.base.files import write_atomic


@functools.cache
def _fonts():
    """Scanned once per process: typst.compile would otherwise read every font again for each document."""
    return typst.Fonts()


def compile_typst(source: str, inputs: dict[str, str], root: Path, timestamp: int) -> bytes:
    """The PDF of `source`; `inputs` are its sys.inputs, `root` the folder its files (figures, logo) are read from."""
    try:
        return typst.compile(source.encode("utf-8"), root=str(root), sys_inputs=inputs, timestamp=timestamp,
                             font_paths=_fonts())
    except Exception as exc:  # typst reports layout and syntax problems as exceptions with its own message
        raise ConversionError(f"typst: {exc}") from None


def typeset_file(source: str, inputs: dict[str, str], root: Path, timestamp: int, out: Path) -> str | None:
    """Worker: lay `source` out and write the PDF to `out` whole. Returns an error message, or None on success."""
    try:
        write_atomic(out, compile_typst(source, inputs, root, timestamp))
        return None
    except Exception as exc:  # noqa: BLE001 - reported against the document, never as a traceback
        return failure_message(exc)
