"""Shared fixtures: a throw-away copy of the reference workspace, and the reference site built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.base.workspace import PACKAGE_ROOT, Workspace

REPO = PACKAGE_ROOT


MINI = REPO / "tests" / "fixtures" / "mini" / "data"
PHARMA = REPO / "tests" / "fixtures" / "pharma" / "data"


def copy_workspace(target: Path, data: Path = REPO / "data") -> Workspace:
    """A workspace holding the given data and the site configuration (templates come from the default library)."""
    shutil.copytree(data, target / "data", ignore=shutil.ignore_patterns(".schema"))
    for folder in ("overrides", "assets"):
        shutil.copytree(REPO / "docs" / folder, target / "docs" / folder)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return Workspace.at(target)


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A copy of the reference organisation's workspace."""
    return copy_workspace(tmp_path / "ws")


@pytest.fixture
def mini(tmp_path) -> Workspace:
    """A copy of the smallest valid organisation: fast, for tests of the loader and the pipeline."""
    return copy_workspace(tmp_path / "mini", MINI)


@pytest.fixture
def pharma(tmp_path) -> Workspace:
    """A very different second organisation: a pharmaceutical distributor, five sites in two countries, alpha revisions."""
    return copy_workspace(tmp_path / "pharma", PHARMA)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def smsgen(ws: Workspace, *args: str) -> int:
    return main(["-C", str(ws.root), *args])


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Workspace:
    """The reference organisation built into a site once for the whole session."""
    ws = copy_workspace(tmp_path_factory.mktemp("site") / "ws")
    assert smsgen(ws, "build") == 0
    return ws
