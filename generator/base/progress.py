"""Progress of a long command, phase by phase (render, checks, pages, site, convert N/M, packs).

The publish layer reports through a `Progress`; how it shows depends on where it is written. On a terminal one line
is redrawn in place (carriage return, plain ANSI) with a bar for every phase under way, and a phase that ends leaves
one line with its time. Anywhere else (CI logs, pipes, `--format json`) nothing is redrawn: each phase prints one
plain line when it ends. Phases can overlap (the site builds while documents convert), so every call takes a lock.
"""
from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

BAR_WIDTH = 24
TICK = 0.25   # seconds between redraws of the live line while nothing reports (the site building)
CLEAR_LINE = "\r\x1b[2K"


@dataclass
class PhaseState:
    name: str
    started: float
    done: int = 0
    total: int = 0


class Progress:
    """Reports phases to `stream` (standard error by default). `live` forces the terminal rendering on or off;
    by default it is on when the stream is a terminal."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty())
        self.live = live
        self.clock = clock
        self.phases: dict[str, PhaseState] = {}
        self.finished: list[tuple[str, float, int]] = []   # (phase, seconds, count) in the order they ended
        self._lock = threading.Lock()
        self._drawn = False
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, name: str, total: int = 0) -> None:
        with self._lock:
            self.phases[name] = PhaseState(name, self.clock(), 0, total)
            self._draw()
            if self.live and self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
                self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                self._draw()

    def update(self, name: str, done: int, total: int | None = None) -> None:
        """`done` of `total` steps of a phase (started now if it was not)."""
        with self._lock:
            phase = self.phases.setdefault(name, PhaseState(name, self.clock()))
            phase.done = done
            if total is not None:
                phase.total = total
            self._draw()

    def end(self, name: str, note: str = "") -> None:
        with self._lock:
            phase = self.phases.pop(name, None)
            if phase is None:
                return
            seconds = self.clock() - phase.started
            self.finished.append((name, seconds, phase.done))
            count = f" {phase.done}/{phase.total}" if phase.total else ""
            line = f"{name}{count} done in {seconds:.1f} s" + (f" ({note})" if note else "")
            if self.live:
                self.stream.write(f"{CLEAR_LINE}\u2713 {line}\n")
                self._drawn = False
                self._draw()
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    @contextmanager
    def phase(self, name: str, total: int = 0) -> Iterator[None]:
        self.start(name, total)
        try:
            yield
        finally:
            self.end(name)

    def close(self) -> None:
        """Take the live line off the terminal (phases still under way are dropped)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self.phases.clear()
            if self.live and self._drawn:
                self.stream.write(CLEAR_LINE)
                self.stream.flush()
            self._drawn = False

    def _draw(self) -> None:
        if not self.live or not self.phases:
            return
        now = self.clock()
        line = "  ".join(bar(p, now) for p in self.phases.values())
        # never wider than the terminal: a line that wraps cannot be redrawn with a carriage return
        self.stream.write(CLEAR_LINE + line[:max(20, shutil.get_terminal_size().columns - 1)])
        self.stream.flush()
        self._drawn = True


def bar(phase: PhaseState, now: float) -> str:
    """`convert [#########-------] 12/40` for a phase that counts, `site [working] 3.2 s` for one that does not."""
    if phase.total:
        filled = min(BAR_WIDTH, BAR_WIDTH * phase.done // phase.total)
        return f"{phase.name} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {phase.done}/{phase.total}"
    return f"{phase.name} [working] {now - phase.started:.1f} s"


class Silent(Progress):
    """Reports nothing: for callers that do not show progress (tests, the serve loop)."""

    def __init__(self) -> None:
        super().__init__(stream=sys.stderr, live=False)

    def end(self, name: str, note: str = "") -> None:
        with self._lock:
            self.phases.pop(name, None)
