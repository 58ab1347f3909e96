"""What employees see, in a real browser: two released versions published to a static directory and served on
127.0.0.1; search, the control block, the version selector, the outdated banner, the what-changed page, and an
audience build without restricted documents. Uses Debian's chromium; in CI (SMSGEN_REQUIRE_BROWSER=1) a missing
browser fails these tests instead of skipping them."""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from generator.checks.assess import assess as run

from ..conftest import REPO, clone_workspace, smsgen
from .conftest import need_browser, search

ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="session")
def published(tmp_path_factory, request):
    need_browser()
    # the reference set approved on 2026-11-02 by its document controller (`approve_everything`, shared with the
    # Stage 1 pack tests), copied: releasing changes the workspace
    approved = request.getfixturevalue("approved")
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", "2026-11-02T09:00:00+00:00")
    ws = clone_workspace(approved, tmp_path_factory.mktemp("release") / "ws")
    org = run(ws).org
    author = org.function["document_controller"].holders[0].id
    top = org.function["top_management"].holders[0].id
    assert smsgen(ws, "release", "1.0", "--by", top, "--commit") == 0
    # revision 2 of the security policy, then release 2.0
    mp.setenv("SMSGEN_NOW", "2026-11-16T09:00:00+00:00")
    policy = next(d for d in run(ws).documents if d.key == "security-policy")
    assert smsgen(ws, "revise", policy.id, "--by", author, "--change", "Annual review: commitments reaffirmed") == 0
    assert smsgen(ws, "submit", policy.id, "--by", author) == 0
    assert smsgen(ws, "approve", policy.id, "--by", top) == 0
    assert smsgen(ws, "release", "2.0", "--by", top, "--commit") == 0
    out = tmp_path_factory.mktemp("public")
    assert smsgen(ws, "publish", "--to", str(out)) == 0
    # the employees' site, built beside it for the audience checks
    employees = out.parent / "employees-site"
    assert smsgen(ws, "build", "--audience", "employees", "--site-dir", str(employees)) == 0
    mp.undo()
    return ws, out, employees, policy


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


def test_switching_version_on_a_document_page_lands_on_the_same_document(browser, site, published):
    _, _, _, policy = published
    page = browser.new_page()
    page.goto(f"{site}/1.0/{policy.folder}/{policy.id}/")
    page.wait_for_selector(".md-version__current", timeout=15000)
    page.hover(".md-version")
    with page.expect_navigation(url=f"{site}/2.0/{policy.folder}/{policy.id}/", timeout=15000):
        page.locator(".md-version__link", has_text="2.0").click()
    assert page.locator(".smsgen-control__revision").inner_text() == "2"
    # the outdated banner's link goes to the same document in the current release
    page.goto(f"{site}/1.0/{policy.folder}/{policy.id}/")
    page.wait_for_selector("[data-md-component=outdated]:not([hidden])", timeout=15000)
    with page.expect_navigation(url=f"{site}/latest/{policy.folder}/{policy.id}/", timeout=15000):
        page.locator("[data-md-component=outdated] a").click()
    # a page the other version does not have: that version's home page
    page.goto(f"{site}/1.0/changes/")
    page.evaluate("history.replaceState(null, '', location.pathname.replace('changes/', 'no-such-page/'))")
    page.hover(".md-version")
    with page.expect_navigation(url=f"{site}/2.0/", timeout=15000):
        page.locator(".md-version__link", has_text="2.0").click()


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


# --- what each reader sees, and WCAG 2.2 AA (issue 17) ---------------------------------------------------------------

SCREENSHOTS = ARTIFACTS / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Violations that come from Material's own markup, not from smsgen's templates or CSS, as (rule id, a selector
# fragment of the element axe names); each is listed, with the reason, in README.md under "Accessibility". Material's
# copyright line (4.47:1) is not here: smsgen.css fixes it.
THEME_EXCLUSIONS: list[tuple[str, str]] = [
]


def _axe_script() -> Path:
    """axe-core's browser bundle, from the `axe-playwright-python` package of the `test` extra (no CDN, no network)."""
    import importlib.util

    spec = importlib.util.find_spec("axe_playwright_python")
    script = Path(spec.origin).parent / "axe.min.js" if spec and spec.origin else None
    if script is None or not script.exists():
        message = "axe-core is required for the accessibility tests: pip install -e '.[test]' (axe-playwright-python)"
        if os.environ.get("SMSGEN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return script


def axe_violations(page) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe-core finds on the page, one line per element, less the
    theme's own (THEME_EXCLUSIONS)."""
    page.add_script_tag(path=str(_axe_script()))
    run_axe = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
    result = page.evaluate(run_axe, WCAG_TAGS)
    found = []
    for rule in result["violations"]:
        if rule["impact"] not in ("serious", "critical"):
            continue
        for node in rule["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if any(rule["id"] == rid and fragment in target for rid, fragment in THEME_EXCLUSIONS):
                continue
            why = node["failureSummary"].splitlines()[-1].strip()
            found.append(f"{rule['id']} ({rule['impact']}) at {target}: {why}")
    return found


def reader_pages(published) -> dict[str, str]:
    """The pages each reader visits, by name: home, a procedure, a form, the risk register and the clause index."""
    ws = published[0]
    documents = run(ws).documents
    procedure = next(d for d in documents if d.type == "procedure")
    form = next(d for d in documents if d.type == "form")
    register = next(d for d in documents if d.key == "risk-register")
    return {"home": "", "procedure": f"{procedure.folder}/{procedure.id}/", "form": f"{form.folder}/{form.id}/",
            "risk-register": f"{register.folder}/{register.id}/", "clause-index": "clauses/"}


@pytest.mark.parametrize("name", ["home", "procedure", "form", "clause-index", "risk-register"])
def test_no_serious_or_critical_accessibility_violation(browser, site, published, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/2.0/{reader_pages(published)[name]}")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ["home", "procedure", "form", "risk-register", "clause-index"])
def test_screenshot_of_what_a_reader_sees(browser, site, published, name):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    page.goto(f"{site}/2.0/{reader_pages(published)[name]}")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
    # links in the text are underlined, not told apart by colour alone
    links = page.locator("article.md-typeset :is(p, li, td) > a[href]:not(.headerlink)")
    assert links.count() > 0
    decorations = links.evaluate_all("links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert all("underline" in d for d in decorations), set(decorations)
    # no page needs a horizontal scrollbar at 1280 px, not even the 13-column risk register
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    overflowing = page.evaluate("() => [...document.querySelectorAll('article .md-typeset__scrollwrap')]"
                                ".filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert overflowing == 0
    if name in ("procedure", "form", "risk-register"):
        block = page.locator(".smsgen-control")
        assert block.is_visible()
        assert block.locator(".smsgen-control__id").inner_text().startswith("ABC-")
        assert block.locator(".smsgen-control__revision").inner_text().isdigit()
        assert block.locator(".smsgen-control__status").inner_text() == "Approved"
        assert page.locator("table.smsgen-history").is_visible()


def test_revision_history_is_a_styled_table_with_the_reviewer(browser, site, published):
    _, _, _, policy = published
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/2.0/{policy.folder}/{policy.id}/")
    table = page.locator("table.smsgen-history")
    headings = table.locator("thead th").all_inner_texts()
    assert headings == ["Revision", "Date", "Change", "Author", "Reviewer", "Approved by", "Effective"]
    rows = table.locator("tbody tr")
    assert rows.count() == 2 and rows.first.locator("td").first.inner_text() == "2"
    assert all(cell.strip() not in ("", "—") for cell in rows.first.locator("td").all_inner_texts()[:6])
    style = table.evaluate("t => { const s = getComputedStyle(t), c = getComputedStyle(t.querySelector('td'));"
                           " return [s.borderTopStyle, s.width, c.paddingLeft, c.borderTopStyle]; }")
    assert style[0] == "solid" and float(style[1][:-2]) > 500 and float(style[2][:-2]) > 4 and style[3] == "solid"


def test_every_printed_page_is_marked_uncontrolled(browser, site, published):
    from io import BytesIO

    from pypdf import PdfReader

    _, _, _, policy = published
    page = browser.new_page()
    page.goto(f"{site}/2.0/{policy.folder}/{policy.id}/")
    page.wait_for_load_state("networkidle")
    pdf = PdfReader(BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) >= 2, "the policy prints on more than one page"
    for number, printed in enumerate(pdf.pages, 1):
        text = " ".join(printed.extract_text().split())
        assert "Uncontrolled when printed" in text, f"page {number}"
        assert policy.id in text and "Revision 2" in text and policy.classification.value.capitalize() in text, text
