"""Released versions of the site, kept by smsgen on a local git branch in mike's layout: one folder per version, the
default alias (`latest`) as a copy, `versions.json` listing them, and a root page that sends readers to the default.

smsgen writes this itself rather than through a plugin, so a release needs nothing but git, and every backend's
version selector (Material's, Zensical's) reads the same `versions.json`. The branch is written with git plumbing
into a temporary index: the user's working tree, index and checked-out branch are never touched. A released
version is never rewritten."""
from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.base.errors import GitError
from generator.publish.git import git

BRANCH = "smsgen-site"   # the local git branch that holds every released version of the site
ALIAS = "latest"
VERSIONS = "versions.json"
REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Redirecting</title>
<meta http-equiv="refresh" content="0; url={alias}/"><link rel="canonical" href="{alias}/">
<script>location.replace("{alias}/" + location.hash);</script></head>
<body><a href="{alias}/">The current release of the documentation.</a></body></html>
"""
# who commits a release where git has no identity configured
IDENTITY = {"GIT_AUTHOR_NAME": "smsgen", "GIT_AUTHOR_EMAIL": "smsgen@localhost",
            "GIT_COMMITTER_NAME": "smsgen", "GIT_COMMITTER_EMAIL": "smsgen@localhost"}


@dataclass
class Version:
    version: str
    title: str
    aliases: list[str] = field(default_factory=list)


def _branch_exists(root: Path) -> bool:
    return git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}", check=False).returncode == 0


def released(root: Path) -> list[Version]:
    """The versions on the branch, newest first (mike's order)."""
    if not _branch_exists(root):
        return []
    shown = git(root, "show", f"{BRANCH}:{VERSIONS}", check=False, text=True)
    if shown.returncode != 0:
        return []
    try:   # a branch is a place anyone with the repository can commit to: its list may be anything
        return [Version(str(v["version"]), str(v.get("title", v["version"])), list(v.get("aliases", [])))
                for v in json.loads(shown.stdout)]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise GitError(f"show {BRANCH}:{VERSIONS}", f"it is not a list of released versions ({exc})") from None


def extract(root: Path, target: Path) -> None:
    """Every released version, as files under `target` (which must exist)."""
    archive = git(root, "archive", "--format=tar", BRANCH).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")


def deploy(root: Path, site: Path, version: str, message: str) -> None:
    """Add `site` as `version`, make it the default alias, and commit the result on the branch."""
    versions = [v for v in released(root) if v.version != version]
    for other in versions:
        other.aliases = [a for a in other.aliases if a != ALIAS]
    versions.insert(0, Version(version, version, [ALIAS]))
    with tempfile.TemporaryDirectory(prefix=".smsgen-release-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        if _branch_exists(root):
            extract(root, tree)
        for folder in (version, ALIAS):
            shutil.rmtree(tree / folder, ignore_errors=True)
            shutil.copytree(site, tree / folder)
        (tree / VERSIONS).write_text(json.dumps([asdict(v) for v in versions], indent=1) + "\n", encoding="utf-8")
        (tree / "index.html").write_text(REDIRECT.format(alias=ALIAS), encoding="utf-8")
        _commit(root, tree, Path(tmp) / "index", message)


def _commit(root: Path, tree: Path, index: Path, message: str) -> None:
    env = {**IDENTITY, **{k: v for k, v in os.environ.items() if k.startswith("GIT_") and "INDEX" not in k},
           "GIT_INDEX_FILE": str(index), "GIT_WORK_TREE": str(tree)}
    git(root, "add", "--all", "--force", ".", env=env, cwd=tree)
    tree_id = git(root, "write-tree", env=env, text=True).stdout.strip()
    parent = ["-p", BRANCH] if _branch_exists(root) else []
    commit = git(root, "commit-tree", tree_id, *parent, "-m", message, env=env, text=True).stdout.strip()
    git(root, "update-ref", f"refs/heads/{BRANCH}", commit)
