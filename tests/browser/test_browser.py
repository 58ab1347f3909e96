"""What employees see, in a real browser: two released versions published to a static directory and served on
127.0.0.1; search, the control block, the version selector, the outdated banner, the what-changed page, and an
audience build without restricted documents. Uses Debian's chromium; in CI (SMSGEN_REQUIRE_BROWSER=1) a missing
browser fails these tests instead of skipping them."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator.checks.assess import assess as run

from ..conftest import REPO, clone_workspace, smsgen

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "tests" / "artifacts"


def _need_browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("SMSGEN_REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser tests (SMSGEN_REQUIRE_BROWSER is set)")
        pytest.skip("chromium is not installed")


@pytest.fixture(scope="session")
def published(tmp_path_factory, request):
    _need_browser()
    # the reference set approved on 2026-11-02 by its document controller (`approve_everything`, shared with the
    # Stage 1 pack tests), copied: releasing changes the workspace
    approved = request.getfixturevalue("approved")
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", "2026-11-02T09:00:00+00:00")
    ws = clone_workspace(approved, tmp_path_factory.mktemp("release") / "ws")
    org = run(ws).org
    author = org.function["document_controller"].holders[0].id
    top = org.function["top_management"].holders[0].id
    assert smsgen(ws, "release", "1.0", "--by", top) == 0
    # revision 2 of the security policy, then release 2.0
    mp.setenv("SMSGEN_NOW", "2026-11-16T09:00:00+00:00")
    policy = next(d for d in run(ws).documents if d.key == "security-policy")
    assert smsgen(ws, "revise", policy.id, "--by", author, "--change", "Annual review: commitments reaffirmed") == 0
    assert smsgen(ws, "submit", policy.id, "--by", author) == 0
    assert smsgen(ws, "approve", policy.id, "--by", top) == 0
    assert smsgen(ws, "release", "2.0", "--by", top) == 0
    out = tmp_path_factory.mktemp("public")
    assert smsgen(ws, "publish", "--to", str(out)) == 0
    # the employees' site, built beside it for the audience checks
    employees = out.parent / "employees-site"
    assert smsgen(ws, "build", "--audience", "employees", "--site-dir", str(employees)) == 0
    mp.undo()
    return ws, out, employees, policy


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def serve(root: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def site(published):
    server, url = serve(published[1])
    yield url
    server.shutdown()


def search(page, text: str) -> list[str]:
    """Type a query the way a person does. The search index loads in a web worker: on a busy machine the first
    query can be typed before it is ready, so the query is typed again (up to three times) rather than waited on."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.click("input.md-search__input")
    for attempt in range(3):
        page.fill("input.md-search__input", "")
        page.type("input.md-search__input", text, delay=20)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=20000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    return page.locator(".md-search-result__item").all_inner_texts()


def test_both_versions_load_and_the_old_one_is_marked_outdated(browser, site, published):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/2.0/")
    assert "Security Management System" in page.title() or page.locator("h1").count()
    assert not page.locator("[data-md-component=outdated]").is_visible()
    page.goto(f"{site}/1.0/")
    page.wait_for_selector("[data-md-component=outdated]:not([hidden])", timeout=15000)
    assert "earlier release" in page.locator("[data-md-component=outdated]").inner_text()
    assert all(r.startswith(site) for r in requests), [r for r in requests if not r.startswith(site)]


def test_version_selector_lists_the_releases(browser, site):
    page = browser.new_page()
    page.goto(f"{site}/latest/")
    page.wait_for_selector(".md-version__current", timeout=15000)
    versions = page.locator(".md-version__link").all_inner_texts()
    assert any("2.0" in v for v in versions) and any("1.0" in v for v in versions)


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_search_finds_the_right_document(browser, site, published, version):
    page = browser.new_page()
    page.goto(f"{site}/{version}/")
    results = search(page, "seal verification")
    assert any("seal" in r.lower() for r in results), results


def test_control_block_shows_id_revision_and_status(browser, site, published):
    _, _, _, policy = published
    page = browser.new_page()
    page.goto(f"{site}/2.0/{policy.folder}/{policy.id}/")
    block = page.locator(".smsgen-control")
    assert block.locator(".smsgen-control__id").inner_text() == policy.id
    assert block.locator(".smsgen-control__revision").inner_text() == "2"
    assert block.locator(".smsgen-control__status").inner_text() == "Approved"
    page.goto(f"{site}/1.0/{policy.folder}/{policy.id}/")
    assert page.locator(".smsgen-control__revision").inner_text() == "1"


def test_what_changed_names_the_revised_document(browser, site, published):
    _, _, _, policy = published
    page = browser.new_page()
    page.goto(f"{site}/2.0/changes/")
    text = page.locator("article").inner_text()
    assert "What changed in release 2.0" in text and policy.id in text and "commitments reaffirmed" in text


def test_restricted_documents_are_absent_from_the_employees_site(browser, published):
    ws, _, employees, _ = published
    restricted = [d for d in run(ws).documents if d.classification.value == "restricted"]
    assert restricted, "the reference set has restricted documents (site security plans)"
    index = (employees / "search" / "search_index.json").read_text(encoding="utf-8")
    for doc in restricted:
        assert doc.id not in index
        assert not (employees / doc.folder / doc.id).exists()
    server, url = serve(employees)
    try:
        page = browser.new_page()
        page.goto(f"{url}/")
        page.click("input.md-search__input")
        page.fill("input.md-search__input", restricted[0].title)
        page.wait_for_timeout(1500)
        assert restricted[0].id not in page.locator(".md-search-result").inner_text()
        # a restricted plan's heat map is not on the site at all, not even for someone who guesses its URL
        figures = sorted({name for doc in restricted for name in doc.figures})
        assert figures, "site security plans draw heat maps"
        assert page.goto(f"{url}/figures/{figures[0]}").status == 404
    finally:
        server.shutdown()


def test_home_page_screenshot(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/latest/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    assert (ARTIFACTS / "home.png").stat().st_size > 10_000
