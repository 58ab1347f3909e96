"""Builds shared by the integration layer, made once per session and only read by the tests that take them.

A test that changes a workspace takes a private copy instead (`exported` for the mini set with its DOCX and PDF):
copying a built workspace with its dist/ is much cheaper than building it again."""
from __future__ import annotations

import pytest

from generator.base.workspace import Workspace
from generator.checks.assess import assess as run

from ..conftest import BROKER, MINI, PHARMA, PORT, clone_workspace, copy_workspace, smsgen


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> Workspace:
    """The mini organisation built once, cold, as a user does: pages, the site built while every DOCX and PDF
    converts, and the site offering them. Read only."""
    ws = copy_workspace(tmp_path_factory.mktemp("mini-built") / "mini", MINI)
    assert smsgen(ws, "build", "--docx", "--pdf") in (0, 1)
    return ws


@pytest.fixture(scope="session")
def mini_outcome(mini_built):
    """The mini organisation assessed (loaded, rendered, checked) once. Read only."""
    return run(mini_built)


@pytest.fixture
def exported(mini_built, tmp_path) -> Workspace:
    """A private copy of the built mini workspace, DOCX, PDF and export cache included: nothing converts again until
    the test changes something."""
    return clone_workspace(mini_built, tmp_path / "mini")


def built(tmp_path_factory, name: str, data) -> Workspace:
    """An organisation of tests/fixtures built into pages and a site, as a user does, asserted to build clean."""
    ws = copy_workspace(tmp_path_factory.mktemp(f"{name}-built") / name, data)
    assert smsgen(ws, "build") == 0
    return ws


@pytest.fixture(scope="session")
def pharma_built(tmp_path_factory) -> Workspace:
    """The second organisation (pharmaceutical distributor), built once. Read only."""
    return built(tmp_path_factory, "pharma", PHARMA)


@pytest.fixture(scope="session")
def broker_built(tmp_path_factory) -> Workspace:
    """The office-only customs broker (three people, Rotterdam), built once. Read only."""
    return built(tmp_path_factory, "broker", BROKER)


@pytest.fixture(scope="session")
def port_built(tmp_path_factory) -> Workspace:
    """The US port authority (three MTSA-regulated terminals), built once. Read only."""
    return built(tmp_path_factory, "port", PORT)


# each organisation assessed (loaded, rendered, checked) once, from its build; read only
@pytest.fixture(scope="session")
def pharma_outcome(pharma_built):
    return run(pharma_built)


@pytest.fixture(scope="session")
def broker_outcome(broker_built):
    return run(broker_built)


@pytest.fixture(scope="session")
def port_outcome(port_built):
    return run(port_built)


@pytest.fixture(scope="session")
def reference_outcome(built_site):
    """The reference organisation assessed once, from the session's built site. Read only."""
    return run(built_site)
