"""Running conversions in parallel within a memory budget.

Workers are started with the spawn method: typst-py deadlocks in a child forked after it has compiled. typst lays out
a whole document in memory and never evicts its memo cache, so a worker keeps its largest document's memory for life:
heavy conversions run in a fresh process each, other workers retire after a bounded number of conversions, and a job
starts only while the estimated memory of everything in flight stays within the budget (the largest runs alone).
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as PoolTimeout
from dataclasses import dataclass
from pathlib import Path

from generator.base.errors import failure_message
from generator.base.files import atomic_output, write_atomic
from generator.base.late import late
from generator.publish.export.base import ExportContext, Exporter, timestamp
from generator.publish.export.page import read_page

# a light worker's memory levels off after its first few documents (measured: 185 MB after 300 PDFs of the ~1000
# set, 234 MB after the whole reference set); each new worker costs 0.3 s of start-up
TASKS_PER_WORKER = 250
MEMORY_BUDGET = 750 * 2**20
# jobs handed to the pool per worker: one running and one waiting, so a worker that finishes starts its next job at
# once instead of waiting for this thread (which shares the interpreter with the site build) to hand it one. A
# waiting job counts against the memory budget as if it ran: the budget only gets stricter.
IN_FLIGHT = 2
PACK = "pack"   # the job kind of a pack: merged from the PDFs of its documents once they are written
SAVE_PACK = "generator.publish.export.packs:save_pack"   # pikepdf, loaded by a run that merges a pack (base/late.py)


@dataclass(frozen=True)
class Job:
    kind: str                      # an exporter's name, or PACK
    out: str                       # output path
    pages: tuple[str, ...]         # generated pages it is made from
    title: str
    key: str                       # hash of every input
    exporter: Exporter | None = None


def pack_members(job: Job) -> list[Path]:
    """The documents' PDFs a pack merges: beside the pack, named by ID like the pages they are made from."""
    return [Path(job.out).parent / f"{Path(page).stem}.pdf" for page in job.pages]


def convert(job: Job, context: ExportContext) -> str | None:
    """Worker: make one output and write it atomically. Returns an error message, or None on success."""
    try:
        if job.kind == PACK:   # written as it is merged, never held whole
            with atomic_output(Path(job.out)) as handle:
                late(SAVE_PACK)(handle, [read_page(Path(p)) for p in job.pages], pack_members(job), job.title,
                                context.brand, context.docs_dir, timestamp(None))
            return None
        assert job.exporter is not None
        write_atomic(Path(job.out), job.exporter.convert(read_page(Path(job.pages[0])), context))
        return None
    except Exception as exc:  # noqa: BLE001 - reported against the document, never as a traceback
        return failure_message(exc)


def _own_memory() -> int:
    """Resident memory of this process (Linux; elsewhere 0): the site build runs here while conversions run."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _input_bytes(job: Job) -> int:
    """What a job reads: its Markdown page, or for a pack the documents' PDFs it merges (written by then)."""
    paths = pack_members(job) if job.kind == PACK else [Path(p) for p in job.pages]
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p))


def _memory_estimate(job: Job, size: int) -> int:
    """Peak memory of one conversion, measured on this machine; a pack's merge holds about 2.5x the PDFs it merges
    (its contents page is laid out in a process of its own)."""
    if job.exporter is not None:
        return job.exporter.memory(size)
    return 130 * 2**20 + int(size * 2.5)


def _heavy(job: Job, size: int) -> bool:
    limit = job.exporter.heavy_bytes if job.exporter is not None else None
    return limit is not None and size > limit


def submit(pool: ProcessPoolExecutor, job: Job, context: ExportContext, heavy: bool) -> Future:
    """A job to the pool. A heavy page's exporter may hand over only the part that needs the memory (isolated), so
    the worker loads only that part's module; what leads up to it runs here, and its failure is the job's."""
    if heavy and job.exporter is not None:
        try:
            isolated = job.exporter.isolated(read_page(Path(job.pages[0])), context, Path(job.out))
        except Exception as exc:  # noqa: BLE001 - reported against the document, never as a traceback
            failed: Future = Future()
            failed.set_result(failure_message(exc))
            return failed
        if isolated is not None:
            function, args = isolated
            return pool.submit(function, *args)
    return pool.submit(convert, job, context)


def run_jobs(jobs: list[Job], context: ExportContext, workers: int | None,
             on_done: Callable[[int], None] | None = None) -> list[tuple[Job, str | None]]:
    """Run every job; each result is (job, error message or None). `on_done` hears how many have finished, after
    each one."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 2:
        serial: list[tuple[Job, str | None]] = []
        for job in jobs:
            serial.append((job, convert(job, context)))
            if on_done is not None:
                on_done(len(serial))
        return serial
    size = {job.out: _input_bytes(job) for job in jobs}
    # biggest first, so a long document does not start last and leave the other cores idle
    ordered = sorted(jobs, key=lambda j: -size[j.out])
    heavy = [job for job in ordered if _heavy(job, size[job.out])]
    light = [job for job in ordered if not _heavy(job, size[job.out])]
    estimate = {job.out: _memory_estimate(job, size[job.out]) for job in jobs}
    baseline = _own_memory()
    running: dict[Future, Job] = {}

    def in_flight() -> int:  # conversions running, plus whatever this process has grown by since (the site build)
        return sum(estimate[job.out] for job in running.values()) + max(0, _own_memory() - baseline)

    spawn = multiprocessing.get_context("spawn")
    heavy_pool = ProcessPoolExecutor(workers, mp_context=spawn, max_tasks_per_child=1) if heavy else None
    light_pool = ProcessPoolExecutor(workers, mp_context=spawn, max_tasks_per_child=TASKS_PER_WORKER)
    limit = 60 + 10 * len(jobs)
    deadline = time.monotonic() + limit
    results: list[tuple[Job, str | None]] = []
    try:
        while heavy or light or running:
            for queue, pool in ((heavy, heavy_pool), (light, light_pool)):
                while queue and pool is not None and len(running) < IN_FLIGHT * workers and (
                        not running or in_flight() + estimate[queue[0].out] <= MEMORY_BUDGET):
                    job = queue.pop(0)
                    running[submit(pool, job, context, queue is heavy)] = job
            done, _ = wait(running, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED)
            if not done:
                raise PoolTimeout
            for future in done:
                job = running.pop(future)
                try:
                    results.append((job, future.result()))
                except Exception as exc:  # noqa: BLE001 - a worker that died (e.g. out of memory) fails its job only
                    results.append((job, f"the converter process failed: {type(exc).__name__}: {exc}"))
                if on_done is not None:
                    on_done(len(results))
    except PoolTimeout:
        results += [(job, f"did not finish within {limit} s") for job in [*running.values(), *heavy, *light]]
        for pool in (heavy_pool, light_pool):
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
    finally:
        for pool in (heavy_pool, light_pool):
            if pool:
                pool.shutdown(wait=False, cancel_futures=True)
    return results
