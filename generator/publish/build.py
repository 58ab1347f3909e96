"""`build`: the pages of an assessed set, the site, and the outputs in every asked-for format.

The conversions run in worker processes while this process builds the site: MkDocs uses one core, and the largest
documents convert one at a time for memory, so either alone would leave a core idle.
"""
from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.base.findings import Findings
from generator.base.progress import Progress, Silent
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome, assess
from generator.publish.docs import Generated, write_outcome
from generator.publish.export.plan import ExportResult, exporters, plan_export
from generator.publish.options import BuildOptions
from generator.publish.site.backend import Downloads, SiteBuild, site_request
from generator.publish.site.registry import site_backend


@dataclass
class BuildResult:
    outcome: Outcome
    findings: Findings
    generated: Generated | None = None
    exported: ExportResult | None = None
    site_dir: Path | None = None      # where the site was built, when it was
    site: SiteBuild | None = None     # what the site build did (nothing, the changed pages, the whole site)


def build(ws: Workspace, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """`progress` hears the phases: "render+checks", "pages", "site", and the export's "convert" and "packs"."""
    progress = progress or Silent()
    # a build keeps caches from its first run on (the data and render memos use the folder only where it is there);
    # a cache only saves work: without one, the build does the work
    with contextlib.suppress(OSError):
        ws.cache_dir.mkdir(parents=True, exist_ok=True)
    progress.start("render+checks")
    outcome = None
    try:
        outcome = assess(ws, controlled=options.controlled, audience=options.audience)
    finally:   # the phase's line says how many documents were rendered, the others as the last build left them
        progress.end("render+checks", _rendered_note(outcome))
    findings = Findings(outcome.findings)
    with progress.phase("pages"):
        generated = write_outcome(ws, outcome)
    result = BuildResult(outcome, findings, generated)
    if generated is None or outcome.org is None:
        return result
    downloads = None
    with ThreadPoolExecutor(1) as background:
        if options.formats:
            plan = plan_export(ws, outcome.org, options.formats, packs=options.packs)
            plan.begin()
            exporting = background.submit(plan.run, None, progress)
            downloads = Downloads(ws.dist_dir, plan.fingerprint,
                                  [(e.name, e.label) for e in exporters(options.formats)],
                                  lambda: not exporting.result().findings.fatal)
        if options.site and not findings.fatal:
            target = options.site_dir or ws.site_dir
            request = site_request(ws, outcome.org, generated.nav, target, downloads=downloads,
                                   offline=options.offline)
            progress.start("site")
            try:
                result.site = site_backend(options.site_backend).build_site(ws, request)
            finally:   # the phase's line says whether the changed pages alone were rendered
                progress.end("site", result.site.note() if result.site is not None else "")
            site_findings = result.site.findings
            findings += site_findings
            if not site_findings.fatal:
                result.site_dir = target
        if downloads is not None:
            result.exported = exporting.result()
            findings += result.exported.findings
    return result


def _rendered_note(outcome: Outcome | None) -> str:
    result = outcome.result if outcome is not None else None
    if result is None or result.rendered == len(result.documents):
        return ""
    return f"{result.rendered} of {len(result.documents)} document(s) rendered again"
