"""DOCX and PDF outputs for every generated page, converted in parallel and only when their inputs changed.

Reads only what the site stage wrote (docs/ pages with control front matter, figures) plus the branding. Each output
is keyed by a hash of everything it is made from; an unchanged key means the file on disk is already right.
Workers are started with the spawn method: typst-py deadlocks in a child forked after it has compiled.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, TimeoutError as PoolTimeout, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..findings import Findings, Severity
from ..fsutil import write_atomic
from .common import ConversionError
from .page import Page, read_page

VERSION = "3"   # bump when the writers change, so every cached output is rebuilt
FIGURE = re.compile(r"\]\(/figures/([^)\s]+)\)")
MANUAL_PACK_TYPES = ("manual", "policy", "core", "procedure", "plan")


@dataclass(frozen=True)
class Job:
    kind: str            # docx | pdf | combined
    out: str             # output path
    pages: tuple[str, ...]
    title: str
    key: str             # hash of every input


@dataclass
class ExportResult:
    written: list[str]
    skipped: int
    findings: Findings
    seconds: float


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def brand_of(org, ws) -> dict:
    b = org.org.branding
    logo = str((ws.root / b.logo).resolve()) if b.logo and (ws.root / b.logo).is_file() else None
    return {"name": org.org.name, "colour": b.primary_colour, "font": b.font, "logo": logo,
            "prefix": org.org.document_prefix}


@dataclass
class ExportPlan:
    """Every output of a build with the key of what it is made from; `run` converts the ones whose key changed."""
    ws: object
    formats: set[str]
    brand: dict
    jobs: list[Job]
    todo: list[Job]
    cache: dict
    started: float

    @property
    def fingerprint(self) -> str:
        """What the outputs will be once converted, known before converting: the site keys its downloads on it."""
        return _sha(*(f"{job.out}={job.key}" for job in self.jobs))

    def run(self, workers: int | None = None) -> ExportResult:
        ws, cache = self.ws, self.cache
        dist = ws.root / "dist"
        cache_file = dist / ".cache" / "outputs.json"
        findings, written = Findings(), []
        if self.todo:
            shared = _shared_inputs(self.brand, ws, cache_file.parent, "docx" in self.formats)
            packs = [job for job in self.todo if job.kind == "combined"]
            done = _run([job for job in self.todo if job.kind != "combined"], self.brand, str(ws.docs_dir), shared,
                        workers)
            # a pack is merged from the documents' PDFs, so only once they are all written
            failed = {job.pages[0] for job, error in done if error is not None and job.kind == "pdf"}
            done += [(job, "a document in it could not be converted") for job in packs if failed & set(job.pages)]
            done += _run([job for job in packs if not failed & set(job.pages)], self.brand, str(ws.docs_dir),
                         shared, workers)
            for job, error in done:
                if error is None:
                    cache[job.out] = job.key
                    written.append(job.out)
                else:
                    cache.pop(job.out, None)
                    name = Path(job.pages[0]).stem if job.kind != "combined" else Path(job.out).name
                    where = ws.display(Path(job.pages[0]) if job.kind != "combined" else Path(job.out))
                    findings.add("export.failed", Severity.fatal, f"{name}: {job.kind} conversion failed: {error}",
                                 where)
            write_atomic(cache_file, json.dumps(dict(sorted(cache.items())), indent=1))
        _remove_stale(dist, {j.out for j in self.jobs}, self.formats)
        return ExportResult(written, len(self.jobs) - len(self.todo), findings, time.perf_counter() - self.started)


def export(ws, org, formats: set[str], packs: bool = False, workers: int | None = None) -> ExportResult:
    return plan_export(ws, org, formats, packs).run(workers)


def plan_export(ws, org, formats: set[str], packs: bool = False) -> ExportPlan:
    started = time.perf_counter()
    docs_dir, dist = ws.docs_dir, ws.root / "dist"
    cache_file = dist / ".cache" / "outputs.json"
    brand = brand_of(org, ws)
    pages = _document_pages(docs_dir)
    brand_key = _sha(json.dumps(brand, sort_keys=True), Path(brand["logo"]).read_bytes() if brand["logo"] else "")
    figure_keys: dict[str, str] = {}

    def page_key(page: Page) -> str:
        parts = [page.text]
        for name in sorted(set(FIGURE.findall(page.body))):
            if name not in figure_keys:
                path = docs_dir / "figures" / name
                figure_keys[name] = _sha(path.read_bytes()) if path.exists() else "missing"
            parts.append(figure_keys[name])
        return _sha(*parts)

    keys = {p.id: page_key(p) for p in pages}
    jobs: list[Job] = []
    for fmt in sorted(formats):
        for page in pages:
            jobs.append(Job(fmt, str(dist / fmt / f"{page.id}.{fmt}"), (str(page.path),), page.title,
                            _sha(VERSION, fmt, brand_key, keys[page.id])))
    if packs and "pdf" in formats:
        prefix = brand["prefix"]
        type_order = list(org.documents.types)
        ordered = sorted(pages, key=lambda p: (type_order.index(p.control["type"]) if p.control["type"] in type_order
                                               else 99, p.id))
        for name, title, members in (
                ("manual-pack", f"{org.org.name}: SMS manual pack",
                 [p for p in ordered if p.control["type"] in MANUAL_PACK_TYPES]),
                ("full-set", f"{org.org.name}: SMS documentation set", ordered)):
            if members:
                jobs.append(Job("combined", str(dist / "pdf" / f"{prefix}-{name}.pdf"),
                                tuple(str(p.path) for p in members), title,
                                _sha(VERSION, "combined", title, brand_key, *(keys[p.id] for p in members))))

    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    todo = [j for j in jobs if cache.get(j.out) != j.key or not Path(j.out).exists()]
    return ExportPlan(ws, formats, brand, jobs, todo, cache, started)


def _document_pages(docs_dir: Path) -> list[Page]:
    manifest = docs_dir / ".smsgen-pages"
    names = manifest.read_text(encoding="utf-8").split() if manifest.exists() else []
    pages = [read_page(docs_dir / n) for n in names if n.endswith(".md") and (docs_dir / n).exists()]
    return sorted((p for p in pages if p.control), key=lambda p: p.id)


def _shared_inputs(brand: dict, ws, cache_dir: Path, need_docx: bool) -> dict:
    """Made once per run, before the workers start: the reference DOCX and a PNG of the logo for Word headers."""
    from .docx import reference_docx

    shared = {"reference": None, "logo_png": None}
    if need_docx:
        reference = cache_dir / f"reference-{_sha(json.dumps(brand, sort_keys=True))[:12]}.docx"
        if not reference.exists():
            write_atomic(reference, reference_docx(brand))
        shared["reference"] = str(reference)
        if brand["logo"]:
            shared["logo_png"] = _logo_png(brand["logo"], ws)
    return shared


def _logo_png(logo: str, ws) -> bytes | None:
    """python-docx cannot place SVG: typst rasterises the logo (no extra dependency)."""
    import typst

    path = Path(logo)
    if path.suffix.lower() != ".svg":
        return path.read_bytes()
    source = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("/{path.name}", height: 3cm)\n'
    try:
        return typst.compile(source.encode(), root=str(path.parent), format="png", ppi=200)
    except Exception:  # noqa: BLE001 - a logo that cannot be drawn leaves the header without it, nothing worse
        return None


def _timestamp(page: Page | None) -> int:
    """Dates inside the files come from the register (effective date) or SOURCE_DATE_EPOCH, never from the clock."""
    if page is not None and page.control.get("effective"):
        return int(datetime.fromisoformat(page.control["effective"]).replace(tzinfo=timezone.utc).timestamp())
    return int(os.environ.get("SOURCE_DATE_EPOCH", "946684800"))


def convert(job: Job, brand: dict, docs_dir: str, shared: dict) -> str | None:
    """Worker: make one output and write it atomically. Returns an error message, or None on success."""
    from .docx import write_docx
    from .pdf import write_pack, write_pdf

    root = Path(docs_dir)
    try:
        if job.kind == "combined":
            pages = [read_page(Path(p)) for p in job.pages]
            data = write_pack(pages, _pack_members(job), job.title, brand, root, _timestamp(None))
        else:
            page = read_page(Path(job.pages[0]))
            if job.kind == "pdf":
                data = write_pdf(page, brand, root, _timestamp(page))
            else:
                when = datetime.fromtimestamp(_timestamp(page), timezone.utc)
                data = write_docx(page, brand, root, Path(shared["reference"]), shared["logo_png"], when)
        write_atomic(Path(job.out), data)
        return None
    except ConversionError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - reported against the document, never as a traceback
        return f"{type(exc).__name__}: {exc}"


# typst lays out a whole document in memory (about 1 MB per KB of Markdown, so ~700 MB for a 700 KB register) and
# typst-py never evicts its memo cache, so a worker keeps its largest document's memory for life. Heavy conversions
# therefore run in a fresh process each, other workers retire after a bounded number of conversions, and a job starts
# only while the estimated memory of everything in flight stays within the budget (the largest runs alone).
HEAVY_BYTES = 50_000
TASKS_PER_WORKER = 50
MEMORY_BUDGET = 750 * 2**20


def _own_memory() -> int:
    """Resident memory of this process (Linux; elsewhere 0): the site build runs here while conversions run."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _pack_members(job: Job) -> list[Path]:
    """The documents' PDFs a pack merges: beside the pack, named by ID like the pages they are made from."""
    return [Path(job.out).parent / f"{Path(page).stem}.pdf" for page in job.pages]


def _input_bytes(job: Job) -> int:
    """What a job reads: its Markdown page, or for a pack the documents' PDFs it merges (written by then)."""
    paths = _pack_members(job) if job.kind == "combined" else job.pages
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p))


def _memory_estimate(job: Job, size: int) -> int:
    """Peak memory of one conversion, measured on this machine: pandoc for DOCX, pandoc then typst for PDF, and
    pypdf holding a pack's PDFs (850 MB to merge the 52 MB of a 1000-document set)."""
    return 130 * 2**20 + {"docx": size // 5, "pdf": size * 1000}.get(job.kind, size * 14)


def _run(jobs: list[Job], brand: dict, docs_dir: str, shared: dict, workers: int | None):
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 2:
        return [(job, convert(job, brand, docs_dir, shared)) for job in jobs]
    size = {job.out: _input_bytes(job) for job in jobs}
    # biggest first, so a long document does not start last and leave the other cores idle
    ordered = sorted(jobs, key=lambda j: -size[j.out])
    heavy, light = [], []
    for job in ordered:  # a big PDF is heavy; pandoc alone (DOCX) and a pack merge stay small whatever the size
        (heavy if job.kind == "pdf" and size[job.out] > HEAVY_BYTES else light).append(job)
    estimate = {job.out: _memory_estimate(job, size[job.out]) for job in jobs}

    baseline = _own_memory()

    def in_flight() -> int:  # conversions running, plus whatever this process has grown by since (the site build)
        return sum(estimate[job.out] for job in running.values()) + max(0, _own_memory() - baseline)

    spawn = multiprocessing.get_context("spawn")
    heavy_pool = ProcessPoolExecutor(workers, mp_context=spawn, max_tasks_per_child=1) if heavy else None
    light_pool = ProcessPoolExecutor(workers, mp_context=spawn, max_tasks_per_child=TASKS_PER_WORKER)
    limit = 60 + 10 * len(jobs)
    deadline = time.monotonic() + limit
    running: dict = {}
    results = []
    try:
        while heavy or light or running:
            for queue, pool in ((heavy, heavy_pool), (light, light_pool)):
                while queue and len(running) < workers and (not running or in_flight() + estimate[queue[0].out]
                                                            <= MEMORY_BUDGET):
                    job = queue.pop(0)
                    running[pool.submit(convert, job, brand, docs_dir, shared)] = job
            done, _ = wait(running, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED)
            if not done:
                raise PoolTimeout
            for future in done:
                job = running.pop(future)
                try:
                    results.append((job, future.result()))
                except Exception as exc:  # noqa: BLE001 - a worker that died (e.g. out of memory) fails its job only
                    results.append((job, f"the converter process failed: {type(exc).__name__}: {exc}"))
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


def _remove_stale(dist: Path, expected: set[str], formats: set[str]) -> None:
    """Outputs of documents that no longer exist must not linger beside the current set."""
    for fmt in formats:
        folder = dist / fmt
        if folder.is_dir():
            for file in folder.iterdir():
                if file.is_file() and str(file) not in expected:
                    file.unlink()
