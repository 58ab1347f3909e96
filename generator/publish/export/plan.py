"""Outputs for every generated page in each registered format (DOCX, PDF ...), and the combined PDF packs, converted
in parallel and only when their inputs changed.

Reads only what the pages stage wrote (docs/ pages with control front matter, figures) plus the branding. Each output
is keyed by a hash of everything it is made from; an unchanged key means the file on disk is already right.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.base.files import within, write_atomic
from generator.base.findings import Findings, Severity
from generator.base.progress import Progress, Silent
from generator.base.workspace import Workspace
from generator.model.organisation import Organisation
from generator.publish.export import batch
from generator.publish.export.base import Brand, ExportContext, Exporter
from generator.publish.export.page import FIGURE, Page, read_page
from generator.publish.export.registry import EXPORTERS
from generator.publish.export.scheduler import PACK, Job, run_jobs
from generator.publish.export.signed import signed_copy

VERSION = "4"   # bump when the planning or packs change, so every cached output is rebuilt
MANUAL_PACK_TYPES = ("manual", "policy", "core", "procedure", "plan")
PACK_NAMES = ("manual-pack", "full-set")
PACK_FORMAT = "pdf"   # packs are merged from the documents' PDFs


@dataclass
class ExportResult:
    written: list[str]
    skipped: int
    findings: Findings
    seconds: float
    outputs: list[str] = field(default_factory=list)   # every output the run planned, converted or unchanged


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def brand_of(org: Organisation, ws: Workspace) -> Brand:
    b = org.org.branding
    # the model refuses a path that climbs out; a symbolic link out of the workspace is no logo either
    logo = str((ws.root / b.logo).resolve()) if b.logo and (ws.root / b.logo).is_file() \
        and ws.contains(ws.root / b.logo) else None
    return Brand(name=org.org.name, colour=b.primary_colour, font=b.font, logo=logo, prefix=org.org.document_prefix)


def exporters(formats: set[str]) -> list[Exporter]:
    """The registered exporters of the formats asked for, in a stable order."""
    return [EXPORTERS[name] for name in sorted(formats)]


@dataclass
class ExportPlan:
    """Every output of a build with the key of what it is made from; `run` converts the ones whose key changed."""
    ws: Workspace
    formats: set[str]
    brand: Brand
    jobs: list[Job]
    todo: list[Job]
    cache: dict[str, str]
    started: float
    kept: set[str] = field(default_factory=set)    # outputs this run does not make but must not remove
    # the pages as planning read them, by path: `begin` makes their pandoc requests without reading them again
    pages: dict[str, Page] = field(default_factory=dict)
    context: ExportContext | None = field(default=None, init=False)   # once `begin` has prepared the exporters
    batches: batch.Batches | None = field(default=None, init=False)   # the pandoc batches `begin` started

    @property
    def fingerprint(self) -> str:
        """What the outputs will be once converted, known before converting: the site keys its downloads on it."""
        return _sha(*(f"{job.out}={job.key}" for job in self.jobs))

    def begin(self, workers: int | None = None) -> None:
        """Prepare the exporters and start every page's pandoc step, in a few long-lived pandoc processes (batch.py).
        `build` calls it before it builds the site: preparing the requests is Python work, which the site build's
        would otherwise hold up (measured: pandoc started 0.9 s later on the reference set)."""
        if self.context is not None or not self.todo:
            return
        context = self.context = ExportContext(self.brand, self.ws.docs_dir, self.ws.cache_dir)
        for exporter in exporters({job.kind for job in self.todo if job.kind != PACK}):
            exporter.prepare(context)
        batch.clear(self.ws.cache_dir)
        # page by page (a page's formats one after the other): its tables are measured once for all of them
        converting = sorted((job for job in self.todo if job.kind != PACK and job.exporter is not None),
                            key=lambda job: job.pages[0])
        self.batches = batch.start([request for job in converting if job.exporter is not None
                                    for request in job.exporter.pandoc_requests(self._page(job.pages[0]), context)],
                                   self.ws.cache_dir, workers)

    def _page(self, path: str) -> Page:
        page = self.pages.get(path)
        return page if page is not None else read_page(Path(path))

    def run(self, workers: int | None = None, progress: Progress | None = None) -> ExportResult:
        """Convert what changed; `progress` hears the phases "convert" and "packs", each as done/total."""
        ws, cache = self.ws, self.cache
        progress = progress or Silent()
        findings, written = Findings(), []
        if self.todo:
            self.begin(workers)
            context, batches = self.context, self.batches
            assert context is not None and batches is not None
            packs = [job for job in self.todo if job.kind == PACK]
            documents = [job for job in self.todo if job.kind != PACK]
            progress.start("convert", len(documents))
            try:
                batches.wait()
                done = run_jobs(documents, context, workers, lambda n: progress.update("convert", n))
            finally:
                batch.clear(ws.cache_dir)
                progress.end("convert")
            # a pack is merged from the documents' PDFs, so only once they are all written
            failed = {job.pages[0] for job, error in done if error is not None and job.kind == PACK_FORMAT}
            done += [(job, "a document in it could not be converted") for job in packs if failed & set(job.pages)]
            mergeable = [job for job in packs if not failed & set(job.pages)]
            if mergeable:
                progress.start("packs", len(mergeable))
                try:
                    done += run_jobs(mergeable, context, workers, lambda n: progress.update("packs", n))
                finally:
                    progress.end("packs")
            for job, error in done:
                if error is None:
                    cache[job.out] = job.key
                    written.append(job.out)
                else:
                    cache.pop(job.out, None)
                    name = Path(job.pages[0]).stem if job.kind != PACK else Path(job.out).name
                    where = ws.display(Path(job.pages[0]) if job.kind != PACK else Path(job.out))
                    findings.add("export.failed", Severity.fatal, f"{name}: {job.kind} conversion failed: {error}",
                                 where)
            write_atomic(ws.export_cache_file, json.dumps(dict(sorted(cache.items())), indent=1))
        if _remove_stale(cache, {j.out for j in self.jobs}, self.kept, ws.dist_dir):
            write_atomic(ws.export_cache_file, json.dumps(dict(sorted(cache.items())), indent=1))
        return ExportResult(written, len(self.jobs) - len(self.todo), findings, time.perf_counter() - self.started,
                            [job.out for job in self.jobs])


def export(ws: Workspace, org: Organisation, formats: set[str], packs: bool = False,
           workers: int | None = None) -> ExportResult:
    return plan_export(ws, org, formats, packs).run(workers)


def plan_export(ws: Workspace, org: Organisation, formats: set[str], packs: bool = False) -> ExportPlan:
    started = time.perf_counter()
    docs_dir, dist = ws.docs_dir, ws.dist_dir
    brand = brand_of(org, ws)
    pages = _document_pages(ws)
    brand_key = _sha(json.dumps(asdict(brand), sort_keys=True), Path(brand.logo).read_bytes() if brand.logo else "")
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
    for exporter in exporters(formats):
        for page in pages:
            # an approved revision signed with its approver's key is that signed file, never a new rendering
            copy = signed_copy(ws, page, exporter)
            jobs.append(Job(exporter.name, str(exporter.output(dist, page.id)), (str(page.path),), page.title,
                            _sha(VERSION, "signed", copy.sha) if copy is not None else
                            _sha(VERSION, exporter.name, exporter.version, brand_key, keys[page.id]), copy or exporter))
    if packs and PACK_FORMAT in formats:
        type_order = list(org.documents.types)
        ordered = sorted(pages, key=lambda p: (type_order.index(p.control["type"]) if p.control["type"] in type_order
                                               else 99, p.id))
        for name, title, members in (
                (PACK_NAMES[0], f"{org.org.name}: SMS manual pack",
                 [p for p in ordered if p.control["type"] in MANUAL_PACK_TYPES]),
                (PACK_NAMES[1], f"{org.org.name}: SMS documentation set", ordered)):
            if members:
                jobs.append(Job(PACK, str(ws.pack_file(brand.prefix, name)), tuple(str(p.path) for p in members),
                                title, _sha(VERSION, PACK, title, brand_key, *(keys[p.id] for p in members))))

    cache_file = ws.export_cache_file
    cache = _read_cache(cache_file)
    todo = [j for j in jobs if cache.get(j.out) != j.key or not Path(j.out).exists()]
    # a run without packs, or without some format, leaves those outputs of earlier runs where they are
    planned = {job.out for job in jobs}
    packs_of_set = {str(ws.pack_file(brand.prefix, name)) for name in PACK_NAMES}
    kept = {out for out in cache
            if out not in planned and (out in packs_of_set or Path(out).parent.name not in formats)}
    return ExportPlan(ws, formats, brand, jobs, todo, cache, started, kept, {str(p.path): p for p in pages})


def _document_pages(ws: Workspace) -> list[Page]:
    docs_dir, manifest = ws.docs_dir, ws.pages_manifest
    names = manifest.read_text(encoding="utf-8").split() if manifest.exists() else []
    pages = [read_page(docs_dir / n) for n in names if n.endswith(".md") and (docs_dir / n).exists()]
    return sorted((p for p in pages if p.control), key=lambda p: p.id)


def _read_cache(cache_file: Path) -> dict[str, str]:
    """The export cache, or an empty one when it is missing or not what smsgen writes (a hand-edited or truncated
    file): then everything is converted again, nothing worse."""
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.is_file() else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(cache, dict):
        return {}
    return {out: key for out, key in cache.items() if isinstance(key, str)}


def _remove_stale(cache: dict[str, str], expected: set[str], kept: set[str], folder: Path) -> bool:
    """Outputs of documents that no longer exist must not linger beside the current set. Only files this exporter
    wrote (they are in its cache) are ever removed, and never those a narrower run did not plan (`kept`: the packs,
    when a run makes no packs), nor anything outside `folder` (dist/: the cache is a file a hand can edit). Says
    whether anything was removed."""
    stale = [out for out in cache if out not in expected and out not in kept]
    for out in stale:
        if within(Path(out), folder):
            Path(out).unlink(missing_ok=True)
        del cache[out]
    return bool(stale)
