"""Reading the site from disk: `smsgen build --offline` makes a site that browses and searches from
file:// in a real browser (links open pages, not directory listings; search runs without a server or a network).
Uses Debian's chromium; in CI (SMSGEN_REQUIRE_BROWSER=1) a missing browser fails these tests instead of skipping."""
from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import copy_workspace, smsgen
from .conftest import search


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    ws = copy_workspace(tmp_path_factory.mktemp("offline") / "ws")
    assert smsgen(ws, "build", "--offline") == 0
    return ws.root / "site"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.route("http*://**", lambda route: route.abort())   # offline: nothing may come from the network
    page = context.new_page()
    yield page
    context.close()


def test_the_default_site_keeps_directory_urls(built_site):
    """Without --offline the HTTP site is unchanged: directory URLs, no inlined search index."""
    site = built_site.root / "site"
    assert (site / "manual" / "index.html").is_file() and not (site / "search" / "search_index.js").exists()


def test_links_open_pages_from_disk(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())
    assert "Where to start" in page.inner_text("article")
    page.click("article a[href$='master-list.html']")
    page.wait_for_load_state()
    assert page.url.endswith("/master-list.html")
    assert "Master document list" in page.inner_text("article")
    page.go_back()
    page.click("article a[href*='ABC-SMS-POL-01']")
    page.wait_for_load_state()
    assert page.url.endswith("ABC-SMS-POL-01.html") and "Security policy" in page.inner_text("article")
    # the navigation links to pages too, never to folders (which a browser shows as directory listings)
    hrefs = page.eval_on_selector_all("nav.md-nav a.md-nav__link[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.endswith(".html") or h.startswith("#") for h in hrefs), hrefs[:5]


def test_search_works_from_disk(page, offline_site):

    page.goto((offline_site / "manual" / "index.html").as_uri())
    assert page.is_visible("input.md-search__input") or page.is_visible("label.md-search__icon") or \
        page.is_visible("label[for='__search']")
    page.click("label[for='__search']") if not page.is_visible("input.md-search__input") else \
        page.click("input.md-search__input")
    assert search(page, "security policy")
    results = page.locator(".md-search-result__item a").first
    href = results.get_attribute("href")
    assert href and ".html" in href, href
    results.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and ".html" in page.url
