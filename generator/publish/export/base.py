"""The exporter interface: one subclass per output format, registered in registry.py.

An exporter turns one generated page (control front matter + Markdown body) into the bytes of one file. The scheduler
calls `prepare` once per run in the main process (for inputs every conversion shares, such as a reference document),
then `convert` for each page, possibly in worker processes: exporters and their prepared inputs must pickle.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from generator.publish.export.batch import Request
from generator.publish.export.page import Page

# a function and its arguments, run in a process of its own: it writes the output and returns an error message or None
Isolated = tuple[Callable[..., str | None], tuple[Any, ...]]


@dataclass(frozen=True)
class Brand:
    """What every output takes from organisation.yml: names, colour, font, logo (an absolute path) and ID prefix."""
    name: str
    colour: str
    font: str
    logo: str | None
    prefix: str


@dataclass
class ExportContext:
    """Everything a conversion reads besides its page: the branding, the docs/ folder figures are resolved against,
    and what `prepare` made for this run."""
    brand: Brand
    docs_dir: Path
    cache_dir: Path
    prepared: dict[str, Any] = field(default_factory=dict)


def timestamp(page: Page | None) -> int:
    """Dates inside the files come from the register (effective date) or SOURCE_DATE_EPOCH, never from the clock."""
    if page is not None and page.control.get("effective"):
        return int(datetime.fromisoformat(page.control["effective"]).replace(tzinfo=UTC).timestamp())
    return int(os.environ.get("SOURCE_DATE_EPOCH", "946684800"))


class Exporter(ABC):
    name: ClassVar[str]            # format key: the CLI flag (--docx), the folder under dist/ and the file suffix
    label: ClassVar[str]           # how the site's download links and help texts name it
    version: ClassVar[str] = "1"   # bump when the writer changes, so cached outputs of this format are rebuilt
    # inputs larger than this (bytes of Markdown) convert in a fresh process each: the writer keeps memory for life
    heavy_bytes: ClassVar[int | None] = None

    def prepare(self, context: ExportContext) -> None:  # noqa: B027 - most formats prepare nothing
        """Once per run, in the main process, before any conversion: fill context.prepared."""

    def pandoc_requests(self, page: Page, context: ExportContext) -> list[Request]:
        """The pandoc conversions `convert` will ask for (batch.converted), so a build can run them for every page
        in a few long-lived pandoc processes first (batch.py). None by default."""
        return []

    @abstractmethod
    def convert(self, page: Page, context: ExportContext) -> bytes:
        """The file for one page. Raise ConversionError with a message naming what failed."""

    def isolated(self, page: Page, context: ExportContext, out: Path) -> Isolated | None:
        """For a heavy page (`heavy_bytes`), the part of its conversion that needs the memory, to run in a process of
        its own: a function of a module that imports little, and its arguments; it writes `out` and returns an error
        message or None. Whatever leads up to it runs here first. None (the default): `convert` runs there."""
        return None

    def memory(self, size: int) -> int:
        """Estimated peak memory (bytes) of converting a page of `size` bytes; the scheduler budgets on it."""
        return 130 * 2**20 + size

    def output(self, dist: Path, doc_id: str) -> Path:
        return dist / self.name / f"{doc_id}.{self.name}"
