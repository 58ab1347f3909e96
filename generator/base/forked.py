"""Work shared out to forked copies of this process, for CPU-bound Python that reads a large model already in memory
(rendering a thousand documents): a fork starts in milliseconds with everything loaded and shares its memory until
it writes, where a spawned worker would import and load it all again. Only where fork is safe and there are cores to
use: on Linux, with more than one core. The function and its inputs reach the children by inheritance, never pickled;
only the results come back pickled.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None   # what the children run, set before they fork


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forked_map runs in forked processes here (else the caller does the work itself)."""
    return sys.platform == "linux" and cores() > 1 and "fork" in multiprocessing.get_all_start_methods()


def _run(index: int) -> Any:
    assert _work is not None
    function, items = _work
    return function(items[index])


def forked_map(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """`[function(item) for item in items]`, each call in a forked child (up to one per core). A child that dies
    raises BrokenProcessPool here; an exception inside `function` is raised here as it was raised there."""
    global _work
    _work = (function, items)
    # What the children inherit is frozen first: their collections then never walk the parent's objects, which
    # would cost time and copy every page of memory they touch (what fork shares until written).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(cores(), len(items)), mp_context=context) as pool:
            return list(pool.map(_run, range(len(items))))
    finally:
        gc.unfreeze()
        _work = None
