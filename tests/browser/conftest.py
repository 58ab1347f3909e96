"""What every browser test shares: Debian's chromium (never a downloaded build), the flags it needs here, and one
playwright per module (sync_playwright() cannot start while another is running). In CI (SMSGEN_REQUIRE_BROWSER=1) a
missing browser fails the tests instead of skipping them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def need_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("SMSGEN_REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser tests (SMSGEN_REQUIRE_BROWSER is set)")
        pytest.skip("chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


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
