"""Controlled, versioned site releases with mike, and a static export of every released version.

A release is refused unless a controlled build passes. The site is built by smsgen (so navigation and control data
are right) and handed to mike, which commits it to a local git branch as VERSION with the alias `latest`, set as the
default. Released versions are never rebuilt: a new release adds a version beside them.
"""
from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from mike.commands import AliasType, deploy, list_versions, set_default

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.files import write_atomic
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.control import audit
from generator.control.register import Release, save_register
from generator.publish.docs import write_outcome
from generator.publish.git import git
from generator.publish.site.backend import site_request
from generator.publish.site.registry import DEFAULT_BACKEND, site_backend

BRANCH = "smsgen-site"   # the local git branch that holds every released version of the site
ALIAS = "latest"




def _ensure_repository(ws: Workspace) -> None:
    """mike stores releases on a git branch: a workspace that is not yet a repository becomes one."""
    inside = git(ws.root, "rev-parse", "--show-toplevel", check=False, text=True)
    if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != ws.root:
        if inside.returncode != 0:
            git(ws.root, "init", "--quiet")
        else:
            raise UserError(Finding("release.repository", Severity.fatal,
                                    f"the workspace is inside another git repository ({inside.stdout.strip()})",
                                    hint="run releases from the repository's top-level directory"))


def _identity_env() -> dict:
    """Release commits need an author; fall back to a neutral one where git has none configured."""
    env = dict(os.environ)
    for key, value in (("GIT_AUTHOR_NAME", "smsgen"), ("GIT_AUTHOR_EMAIL", "smsgen@localhost"),
                       ("GIT_COMMITTER_NAME", "smsgen"), ("GIT_COMMITTER_EMAIL", "smsgen@localhost")):
        env.setdefault(key, value)
    return env


def released_versions(ws: Workspace) -> list[str]:
    cwd = os.getcwd()
    try:
        os.chdir(ws.root)
        return [str(v.version) for v in list_versions(BRANCH)]
    finally:
        os.chdir(cwd)


def release(ws: Workspace, version: str, by: str, audience: str | None,
            backend: str = DEFAULT_BACKEND) -> tuple[Findings, list[str]]:

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
    register = outcome.register
    contents = {d.id: outcome.states[d.id].revision for d in outcome.documents if d.published}
    previous_register = ws.register_file.read_bytes()
    register.releases.append(Release(version=version, date=day, by=by, documents=contents))
    # the site shows this release's "what changed" page, so the register records the release before the build;
    # if the release then fails, the register is put back as it was
    save_register(ws.register_file, register)
    site_dir = Path(tempfile.mkdtemp(prefix=".release-", dir=ws.root))
    done = False
    try:
        outcome = assess(ws, controlled=True, audience=audience)
        generated = write_outcome(ws, outcome, release=version)
        if generated is None:
            return Findings(f for f in outcome.findings if f.severity >= Severity.error), []
        built = site_backend(backend).build(ws, site_request(ws, org, generated.nav, site_dir / "site", versioned=True))
        if built:
            return built, []
        env_before = dict(os.environ)
        os.environ.update(_identity_env())
        cwd = os.getcwd()
        os.chdir(ws.root)
        try:
            cfg = {"site_dir": str(site_dir / "site"), "use_directory_urls": True}
            with deploy(cfg, version, title=version, aliases=[ALIAS], update_aliases=True,
                        alias_type=AliasType.copy, branch=BRANCH,
                        message=f"Release {version} of the {org.org.name} SMS by {org.person[by].name}"):
                pass
            set_default(ALIAS, branch=BRANCH, message=f"Default version: {ALIAS} ({version})", allow_empty=True)
        finally:
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env_before)
        done = True
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
        if not done:
            write_atomic(ws.register_file, previous_register)
    audit.append(ws.audit_file, [{"action": "release", "version": version, "by": by, "by_name": org.person[by].name,
                                  "at": now().isoformat(), "documents": len(contents)}])
    return Findings(), [f"released {version} ({len(contents)} documents) as '{ALIAS}' on branch {BRANCH}"]


def publish(ws: Workspace, target: Path) -> list[str]:
    """Export every released version as a static site any web server can serve."""
    if git(ws.root, "rev-parse", "--verify", "--quiet", BRANCH, check=False).returncode != 0:
        raise UserError(Finding("publish.nothing", Severity.fatal, "nothing has been released yet",
                                hint="smsgen release VERSION --by PERSON"))
    archive = git(ws.root, "archive", "--format=tar", BRANCH).stdout
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".publish-", dir=target.parent))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(staging, filter="data")
    for child in target.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for child in staging.iterdir():
        shutil.move(str(child), target / child.name)
    staging.rmdir()
    return released_versions(ws)
