"""Controlled, versioned site releases, and a static export of every released version.

A release is refused unless a controlled build passes. The site is built by smsgen (so navigation and control data
are right) and committed by smsgen to a local git branch as VERSION with the alias `latest`, the default, in mike's
layout (publish/versions.py). Released versions are never rebuilt: a new release adds a version beside them.
"""
from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.control.register import Release
from generator.control.store import Store, Transaction
from generator.publish import outdir, versions
from generator.publish.audience import Audience
from generator.publish.docs import write_outcome
from generator.publish.export.plan import exporters, plan_export
from generator.publish.git import git
from generator.publish.site.backend import Downloads, site_request
from generator.publish.site.registry import DEFAULT_BACKEND, site_backend
from generator.publish.versions import ALIAS, BRANCH

DOWNLOADS = frozenset({"docx", "pdf"})   # what every released page offers besides itself


def _ensure_repository(ws: Workspace) -> None:
    """Releases live on a git branch: a workspace that is not yet a repository becomes one."""
    inside = git(ws.root, "rev-parse", "--show-toplevel", check=False, text=True)
    if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != ws.root:
        if inside.returncode != 0:
            git(ws.root, "init", "--quiet")
        else:
            raise UserError(Finding("release.repository", Severity.fatal,
                                    f"the workspace is inside another git repository ({inside.stdout.strip()})",
                                    hint="run releases from the repository's top-level directory"))


# what a release is built from: it is released only once these are committed, so the source commit it records holds them
SOURCES = ("data", "control", "sms_templates", "mkdocs.yml", "docs/overrides", "docs/assets")
_PATHSPEC = (*SOURCES, ":(exclude)control/.lock")   # the control store's lock file is no record


def _uncommitted(ws: Workspace) -> list[str]:
    """The source files that differ from HEAD (changed, staged, new or deleted), as git names them."""
    status = git(ws.root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *_PATHSPEC, text=True)
    entries = status.stdout.split("\0")
    paths: list[str] = []
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC" and i < len(entries):   # a rename or copy: the next entry is where it came from
            paths.append(entries[i])
            i += 1
    return paths


def _commit_sources(ws: Workspace, message: str) -> None:
    """Commit the changed source files as they are (and nothing else the user may have staged)."""
    changed = _uncommitted(ws)
    if not changed:
        return
    identity = git(ws.root, "var", "GIT_COMMITTER_IDENT", check=False).returncode == 0
    env = None if identity else versions.IDENTITY
    git(ws.root, "add", "--all", "--", *changed)
    git(ws.root, "commit", "--quiet", "--no-verify", "-m", message, "--", *changed, env=env)


def _head(ws: Workspace) -> str | None:
    head = git(ws.root, "rev-parse", "--verify", "--quiet", "HEAD", check=False, text=True)
    return head.stdout.strip() if head.returncode == 0 else None


def released_versions(ws: Workspace) -> list[str]:
    return [v.version for v in versions.released(ws.root)]


def release(ws: Workspace, version: str, by: str, audience: str | None,
            backend: str = DEFAULT_BACKEND, commit: bool = False,
            formats: frozenset[str] = DOWNLOADS) -> tuple[Findings, list[str]]:
    """Release the site as `version`: one action of the control store, holding its lock from reading the register to
    recording the release in the register and the audit log (one transaction), so no other action interleaves.

    The release is built from committed sources (SOURCES) and records their commit. Uncommitted sources refuse it,
    unless `commit`: then they are committed first, and the release record the control store writes after it is
    committed too, each with a message naming the release. Each released page offers its `formats` as downloads."""
    with Store(ws).transaction("release") as txn:
        findings, lines = _release(ws, version, by, audience, backend, txn, commit, formats)
    if findings or not lines:
        return findings, lines
    if commit:
        _commit_sources(ws, f"Record release {version} of the SMS site")
        lines.append(f"committed the record of release {version} (control/) to {_branch(ws)}")
    elif _uncommitted(ws):
        lines.append(f"control/ now records release {version}: commit it before the next release "
                     f"(git commit -m 'Record release {version}' -- control), or release with --commit")
    return findings, lines


def _branch(ws: Workspace) -> str:
    branch = git(ws.root, "rev-parse", "--abbrev-ref", "HEAD", check=False, text=True)
    return branch.stdout.strip() if branch.returncode == 0 else "HEAD"


def _release(ws: Workspace, version: str, by: str, audience: str | None, backend: str,
             txn: Transaction, commit: bool, formats: frozenset[str]) -> tuple[Findings, list[str]]:

    outcome = assess(ws, controlled=True, audience=audience)
    findings = Findings(f for f in outcome.findings if f.severity >= Severity.error)
    org = outcome.org
    if org is not None and by not in org.person:
        findings.add("release.person", Severity.fatal, f"unknown person '{by}'", "data/people.yml")
    if findings:
        return findings, []
    # without an error or fatal finding, the data loaded and the register was read
    assert org is not None and outcome.register is not None
    _ensure_repository(ws)
    if version in released_versions(ws):
        return Findings([Finding("release.exists", Severity.fatal, f"version {version} is already released",
                                 hint="a released version never changes: release a new version number")]), []
    changed = _uncommitted(ws)
    if changed and not commit:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        return Findings([Finding("release.uncommitted", Severity.fatal,
                                 f"release {version} is built from committed data only, and git shows uncommitted "
                                 f"changes: {shown}",
                                 hint=f"commit them (git add/commit -- {' '.join(SOURCES)}), or run "
                                      f"`smsgen release {version} --commit` to have smsgen commit them")]), []
    if changed:
        _commit_sources(ws, f"Sources of release {version} of the SMS site")
    source = _head(ws)
    if source is None:     # nothing to commit and no commit yet: a repository with no sources in it
        return Findings([Finding("release.uncommitted", Severity.fatal,
                                 "the repository has no commit to release from",
                                 hint=f"commit {' '.join(SOURCES)} first")]), []
    day = now().date().isoformat()
    register = txn.register      # as read under the lock; committed with the release below
    # the release holds what its audience gets (the same rule as its pages: generator.publish.audience)
    view = Audience.of(org, audience).view(outcome.documents)
    contents = {d.id: outcome.states[d.id].revision for d in view.documents}
    register.releases.append(Release(version=version, date=day, by=by, documents=contents, source=source))
    # the site shows this release's "what changed" page, so the build reads the register with the release in it; the
    # register is written only once the release has succeeded
    outcome.register = register
    site_dir = Path(tempfile.mkdtemp(prefix=".release-", dir=ws.root))
    try:
        generated = write_outcome(ws, outcome, release=version)
        if generated is None:
            return Findings(f for f in outcome.findings if f.severity >= Severity.error), []
        downloads = None
        with ThreadPoolExecutor(1) as background:
            if formats:   # converted beside the site build, as `build` does; only changed documents convert again
                plan = plan_export(ws, org, set(formats))
                exporting = background.submit(plan.run)
                offered = [(e.name, e.label) for e in exporters(set(formats))]
                downloads = Downloads(ws.dist_dir, plan.fingerprint, offered,
                                      lambda: not exporting.result().findings.fatal)
            request = site_request(ws, org, generated.nav, site_dir / "site", downloads=downloads, versioned=True,
                                   version=version)
            built = site_backend(backend).build(ws, request)
            if downloads is not None:
                built += Findings(f for f in exporting.result().findings if f.severity >= Severity.error)
        if built:
            return built, []
        versions.deploy(ws.root, site_dir / "site", version,
                        f"Release {version} of the {org.org.name} SMS by {org.person[by].name}\n\n"
                        f"Built from commit {source}.")
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    txn.commit([{"action": "release", "version": version, "by": by, "by_name": org.person[by].name,
                 "at": now().isoformat(), "documents": len(contents), "source": source}])
    return Findings(), [f"released {version} ({len(contents)} documents, from commit {source[:12]}) as '{ALIAS}' "
                        f"on branch {BRANCH}"]


def publish(ws: Workspace, target: Path) -> list[str]:
    """Export every released version as a static site any web server can serve."""
    if git(ws.root, "rev-parse", "--verify", "--quiet", BRANCH, check=False).returncode != 0:
        raise UserError(Finding("publish.nothing", Severity.fatal, "nothing has been released yet",
                                hint="smsgen release VERSION --by PERSON"))
    # only what an earlier publish wrote is ever replaced (outdir.py): never the workspace, nor a stranger's files
    previous = outdir.claim(ws.root, target)
    with tempfile.TemporaryDirectory(prefix="smsgen-publish-") as staging:
        versions.extract(ws.root, Path(staging))
        outdir.replace(Path(staging), target, previous)
    return released_versions(ws)
