"""Shared fixtures and helpers for the three layers of the suite (tests/unit, tests/integration, tests/browser).

Each test is marked with its layer (`unit`, `integration`, `browser`) from the folder it lives in, so `-m unit` runs
the fast layer alone. Fixtures: throw-away copies of the three organisations' workspaces (reference, mini, pharma), and
session-wide builds that tests only read: the reference site, and the reference set with every document approved.
Tests that change a built workspace take a private copy of it with `clone_workspace`."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.base.workspace import PACKAGE_ROOT, Workspace
from generator.checks.assess import assess as run
from generator.cli import main
from generator.model.load import load
from generator.publish.export.plan import plan_export
from generator.publish.export.registry import EXPORTERS

REPO = PACKAGE_ROOT
# Every test runs on the same day unless it pins its own: the reference organisation's records (data/records/) are
# judged against today (an action overdue, a month with no record), and a suite that passes today must pass next
# year. A test that sets SMSGEN_NOW itself (monkeypatch) gets this day back afterwards.
os.environ.setdefault("SMSGEN_NOW", "2026-11-24T12:00:00+00:00")
TESTS = Path(__file__).resolve().parent
LAYERS = ("unit", "integration", "browser")

MINI = REPO / "tests" / "fixtures" / "mini" / "data"
PHARMA = REPO / "tests" / "fixtures" / "pharma" / "data"
BROKER = REPO / "tests" / "fixtures" / "broker" / "data"   # three people in one Rotterdam office: no goods
PORT = REPO / "tests" / "fixtures" / "port" / "data"       # a US port authority with MTSA-regulated terminals


def pytest_collection_modifyitems(config, items):
    """Mark every test with its layer: the folder under tests/ it lives in. A test file directly in tests/ has not been
    given a layer yet and counts as integration (not known to be fast)."""
    for item in items:
        try:
            parts = Path(item.path).resolve().relative_to(TESTS).parts
        except ValueError:
            continue
        item.add_marker(parts[0] if len(parts) > 1 and parts[0] in LAYERS else "integration")


def copy_workspace(target: Path, data: Path = REPO / "data") -> Workspace:
    """A workspace holding the given data and the site configuration (templates come from the default library)."""
    shutil.copytree(data, target / "data", ignore=shutil.ignore_patterns(".schema"))
    for folder in ("overrides", "assets"):
        shutil.copytree(REPO / "docs" / folder, target / "docs" / folder)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return Workspace.at(target)


def clone_workspace(source: Workspace, target: Path) -> Workspace:
    """A private copy of a built workspace, with its pages, site, outputs and caches: much cheaper than building again,
    and nothing converts again until the test changes something."""
    shutil.copytree(source.root, target, symlinks=True)
    ws = Workspace.at(target)
    _carry_export_cache(source, ws)
    return ws


def _carry_export_cache(source: Workspace, ws: Workspace) -> None:
    """Make the outputs copied along count as current in the copy.

    The export cache (dist/.cache/outputs.json) maps each output's absolute path to the key of what it was made from,
    and the key of an organisation with a logo holds the logo's absolute path: copied as is, every entry is stale. So
    each output that was current in the source is entered under the copy's path with the key the copy computes for
    it (the same planning smsgen does); any other entry just moves to the copy's path."""
    cache_file = ws.export_cache_file
    if not cache_file.exists():
        return
    cached = json.loads(cache_file.read_text(encoding="utf-8"))
    old, new = str(source.root) + os.sep, str(ws.root) + os.sep
    carried = {(new + out[len(old):] if out.startswith(old) else out): key for out, key in cached.items()}
    org = load(ws)[0]
    if org is not None:
        formats = set(EXPORTERS)
        current = {os.path.relpath(job.out, source.root) for job in plan_export(source, org, formats, packs=True).jobs
                   if cached.get(job.out) == job.key}
        for job in plan_export(ws, org, formats, packs=True).jobs:
            if os.path.relpath(job.out, ws.root) in current:
                carried[job.out] = job.key
    cache_file.write_text(json.dumps(dict(sorted(carried.items())), indent=1), encoding="utf-8")


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
    """A very different second organisation: a pharmaceutical distributor, five sites in two countries, alpha
    revisions."""
    return copy_workspace(tmp_path / "pharma", PHARMA)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def smsgen(ws: Workspace, *args: str) -> int:
    return main(["-C", str(ws.root), *args])


def approve_everything(ws, submitter: str) -> None:
    """Submit every document as `submitter` (each document's author is then a holder of its owner function), have
    each holder of an approver function approve the documents that function approves, as the README's "A typical
    first issue" does, and check that the set is then fully controlled."""
    assert smsgen(ws, "submit", "--all", "--by", submitter) == 0
    outcome = run(ws)
    approvers = {person.id for doc in outcome.documents for person in doc.approver.holders}
    for person in outcome.org.people:
        if person.id in approvers:
            assert smsgen(ws, "approve", "--all", "--by", person.id) == 0, person.id
    assert smsgen(ws, "build", "--controlled", "--no-site") == 0


# the mini organisation's three people hold most functions, so the holders delegate approval to each other, on the
# record, and nobody approves a document they own
MINI_DELEGATIONS = (("top_management", "bob", "ann"), ("sms_manager", "bob", "ann"), ("security_manager", "ann", "bob"))


def delegate_mini_approvals(ws) -> None:
    for function, to, by in MINI_DELEGATIONS:
        assert smsgen(ws, "delegate", "--function", function, "--to", to, "--by", by, "--reason", "Owner") == 0


def approve_mini(ws) -> None:
    """The mini set submitted by the guard and approved by Ann and Bob under the delegations, at SMSGEN_NOW."""
    assert smsgen(ws, "submit", "--all", "--by", "cal") == 0
    delegate_mini_approvals(ws)
    assert smsgen(ws, "approve", "--all", "--by", "ann") == 0
    assert smsgen(ws, "approve", "--all", "--by", "bob") == 0


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Workspace:
    """The reference organisation built into a site once for the whole session."""
    ws = copy_workspace(tmp_path_factory.mktemp("site") / "ws")
    assert smsgen(ws, "build") == 0
    return ws


@pytest.fixture(scope="session")
def approved(tmp_path_factory) -> Workspace:
    """The reference organisation with every document approved on 2026-11-02, once for the whole session (the Stage 1
    pack reads it; the browser tests release a private copy). Read it, never change its data or control records."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", "2026-11-02T09:00:00+00:00")
    ws = copy_workspace(tmp_path_factory.mktemp("approved") / "ws")
    org = run(ws).org
    approve_everything(ws, org.function["document_controller"].holders[0].id)
    mp.undo()
    return ws
