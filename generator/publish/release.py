"""Controlled, versioned site releases, and a static export of every released version.

A release is refused unless a controlled build passes. The site is built by smsgen (so navigation and control data
are right) and committed by smsgen to a local git branch as VERSION with the alias `latest`, the default, in mike's
layout (publish/versions.py). Released versions are never rebuilt: a new release adds a version beside them.
"""
from __future__ import annotations

import shutil
import tempfile
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
from generator.publish.git import git
from generator.publish.site.backend import site_request
from generator.publish.site.registry import DEFAULT_BACKEND, site_backend
from generator.publish.versions import ALIAS, BRANCH


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


def released_versions(ws: Workspace) -> list[str]:
    return [v.version for v in versions.released(ws.root)]


def release(ws: Workspace, version: str, by: str, audience: str | None,
            backend: str = DEFAULT_BACKEND) -> tuple[Findings, list[str]]:
    """Release the site as `version`: one action of the control store, holding its lock from reading the register to
    recording the release in the register and the audit log (one transaction), so no other action interleaves."""
    with Store(ws).transaction("release") as txn:
        return _release(ws, version, by, audience, backend, txn)


def _release(ws: Workspace, version: str, by: str, audience: str | None, backend: str,
             txn: Transaction) -> tuple[Findings, list[str]]:

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
    day = now().date().isoformat()
    register = txn.register      # as read under the lock; committed with the release below
    # the release holds what its audience gets (the same rule as its pages: generator.publish.audience)
    view = Audience.of(org, audience).view(outcome.documents)
    contents = {d.id: outcome.states[d.id].revision for d in view.documents}
    register.releases.append(Release(version=version, date=day, by=by, documents=contents))
    # the site shows this release's "what changed" page, so the build reads the register with the release in it; the
    # register is written only once the release has succeeded
    outcome.register = register
    site_dir = Path(tempfile.mkdtemp(prefix=".release-", dir=ws.root))
    try:
        generated = write_outcome(ws, outcome, release=version)
        if generated is None:
            return Findings(f for f in outcome.findings if f.severity >= Severity.error), []
        built = site_backend(backend).build(ws, site_request(ws, org, generated.nav, site_dir / "site", versioned=True))
        if built:
            return built, []
        versions.deploy(ws.root, site_dir / "site", version,
                        f"Release {version} of the {org.org.name} SMS by {org.person[by].name}")
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    txn.commit([{"action": "release", "version": version, "by": by, "by_name": org.person[by].name,
                 "at": now().isoformat(), "documents": len(contents)}])
    return Findings(), [f"released {version} ({len(contents)} documents) as '{ALIAS}' on branch {BRANCH}"]


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
