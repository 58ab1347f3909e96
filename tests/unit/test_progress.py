"""The progress reporter: plain lines when nothing can be redrawn (CI, pipes, --format json), a bar redrawn in place
on a terminal."""
from __future__ import annotations

import io
import threading

from generator.base.progress import CLEAR_LINE, Progress, Silent


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_output_is_one_line_per_phase_when_it_ends_with_its_time():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock=clock)
    assert not progress.live   # a StringIO is no terminal
    with progress.phase("pages"):
        clock.now = 1.25
    progress.start("convert", 4)
    for n in range(1, 5):
        progress.update("convert", n)
    clock.now = 3.5
    progress.end("convert")
    progress.close()
    assert stream.getvalue() == "pages done in 1.2 s\nconvert 4/4 done in 2.2 s\n"
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    assert [name for name, _, _ in progress.finished] == ["pages", "convert"]


def test_a_terminal_gets_a_bar_redrawn_in_place_and_a_line_per_finished_phase():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    assert progress.live
    progress.start("convert", 4)
    progress.update("convert", 2)
    assert stream.getvalue().endswith(CLEAR_LINE + "convert [" + "#" * 12 + "-" * 12 + "] 2/4")
    progress.start("site")   # phases overlap: both share the one line
    clock.now = 2.0
    progress.update("convert", 3)
    assert stream.getvalue().endswith("] 3/4  site [working] 2.0 s")
    progress.end("convert")
    progress.end("site")
    progress.close()
    text = stream.getvalue()
    assert "\u2713 convert 3/4 done in 2.0 s\n" in text and "\u2713 site done in 2.0 s\n" in text
    assert "\n" not in text.replace("\u2713 convert 3/4 done in 2.0 s\n", "").replace("\u2713 site done in 2.0 s\n",
                                                                                         "")


def test_live_can_be_forced_off_and_silent_reports_nothing():
    stream = Terminal()
    progress = Progress(stream, live=False)
    with progress.phase("site"):
        pass
    assert stream.getvalue().startswith("site done in ") and "\r" not in stream.getvalue()
    silent = Silent()
    with silent.phase("pages"):
        silent.update("pages", 1, 2)
    assert not silent.phases


def test_updates_from_another_thread_are_safe():
    stream = Terminal()
    progress = Progress(stream)
    progress.start("convert", 200)

    def work() -> None:
        for n in range(100):
            progress.update("convert", n)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    progress.end("convert")
    progress.close()
    assert stream.getvalue().count("\u2713 convert") == 1


def test_the_live_line_keeps_ticking_while_nothing_reports(monkeypatch):
    """The site builds without reporting steps: its elapsed time is redrawn on its own until the reporter closes."""
    monkeypatch.setattr("generator.base.progress.TICK", 0.01)
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.start("site")
    clock.now = 4.0
    for _ in range(500):
        if "site [working] 4.0 s" in stream.getvalue():
            break
        threading.Event().wait(0.01)
    progress.close()
    assert "site [working] 4.0 s" in stream.getvalue() and stream.getvalue().endswith(CLEAR_LINE)
