"""A change to some pages' content renders those pages alone (with the search index and the sitemap) into a folder of
their own, whose files then replace the site's one by one (the downloads updated likewise), and the result is byte
for byte the site a clean full build makes; anything else a page depends on (a title, the navigation, the set of
pages, the theme) builds the whole site, as does a site with no record of what it was built from. A failed update
leaves the previous site in place."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator.checks.assess import assess as run
from generator.publish.build import build
from generator.publish.docs import write_outcome
from generator.publish.options import BuildOptions
from generator.publish.serve import rebuild
from generator.publish.site import backend
from generator.publish.site.backend import SiteBuild, site_request
from generator.publish.site.incremental import RECORD
from generator.publish.site.manifest import MANIFEST
from generator.publish.site.registry import site_backend

from ..conftest import edit


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    """The sitemap dates every page with the day of the build: two builds a test compares are on the same day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def tree(site: Path) -> dict[str, str]:
    """Every file of a built site (the stamp and manifests included) and the hash of its bytes."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build_site(ws, target: Path, offline: bool = False) -> SiteBuild:
    """Pages from data, then the site, as `build` does."""
    outcome = run(ws)
    generated = write_outcome(ws, outcome)
    return site_backend("mkdocs").build_site(ws, site_request(ws, outcome.org, generated.nav, target,
                                                              offline=offline))


def assert_as_clean_build(ws, site: Path, offline: bool = False) -> None:
    clean = site.parent / "clean-site"
    built = build_site(ws, clean, offline)
    assert built.mode == "full" and built.findings == [], built
    ours, theirs = tree(site), tree(clean)
    assert ours.keys() == theirs.keys()
    assert [rel for rel in ours if ours[rel] != theirs[rel]] == []


@pytest.mark.parametrize("offline", [False, True], ids=["served", "offline"])
def test_a_data_change_renders_only_the_changed_pages_and_the_site_is_a_clean_build(mini, tmp_path, offline):
    site = tmp_path / "site"
    first = build_site(mini, site, offline)
    assert first.mode == "full" and first.findings == [] and (site / MANIFEST).is_file()
    pages = len(list(site.rglob("*.html")))
    before = (site / "search" / "search_index.json").read_bytes()
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard and its gatehouse.")
    update = build_site(mini, site, offline)
    assert update.mode == "pages" and update.findings == [], update
    assert 0 < update.pages <= 3 < pages   # the guard's job description and role pages, and the roles index
    index = (site / "search" / "search_index.json").read_bytes()
    assert b"its gatehouse" in index and index != before
    assert_as_clean_build(mini, site, offline)
    assert not list(tmp_path.glob(".site-*"))


def test_what_every_page_shows_builds_the_whole_site_and_it_is_still_a_clean_build(mini, tmp_path):
    """A title in the navigation, a page's own title (other pages show it), a page added and removed, the theme."""
    site = tmp_path / "site"
    build_site(mini, site)
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard at night.")
    assert build_site(mini, site).mode == "pages"
    edit(mini.data_dir / "roles.yml", "title: Yard Guard", "title: Yard Security Guard")
    title = build_site(mini, site)
    assert (title.mode, title.reason) == ("full", "the navigation changed (a document's title, or which documents "
                                                  "there are)")
    assert_as_clean_build(mini, site)

    # a page's own title, which the navigation of the pages around it shows: the pages from data, then the edit
    outcome = run(mini)
    nav = write_outcome(mini, outcome).nav
    page = mini.docs_dir / "procedures" / "MF-PR-01.md"
    text = page.read_text(encoding="utf-8")
    renamed_text = text.replace('\n "title": "MF-PR-01', '\n "title": "MF-PR-01 Renamed', 1)
    assert renamed_text != text
    page.write_text(renamed_text, encoding="utf-8")
    renamed = site_backend("mkdocs").build_site(mini, site_request(mini, outcome.org, nav, site))
    assert (renamed.mode, renamed.reason) == ("full", "the title or front matter of procedures/MF-PR-01.md changed")
    clean = tmp_path / "clean-renamed"
    assert site_backend("mkdocs").build_site(mini, site_request(mini, outcome.org, nav, clean)).findings == []
    assert tree(site) == tree(clean)

    extra = mini.docs_dir / "extra.md"
    extra.write_text("# Extra\n\nA page of one's own.\n", encoding="utf-8")
    for step in ("added", "removed"):
        added = site_backend("mkdocs").build_site(mini, site_request(mini, outcome.org, nav, site))
        assert (added.mode, added.reason) == ("full", "files were added to or removed from docs/"), step
        clean = tmp_path / f"clean-{step}"
        assert site_backend("mkdocs").build_site(mini, site_request(mini, outcome.org, nav, clean)).findings == []
        assert tree(site) == tree(clean), step
        extra.unlink(missing_ok=True)

    (mini.docs_dir / "assets" / "smsgen.css").write_text("/* changed */\n", encoding="utf-8")
    theme = build_site(mini, site)
    assert (theme.mode, theme.reason) == ("full", "the theme overrides or assets in docs/ changed")
    assert_as_clean_build(mini, site)


def test_a_failed_update_keeps_the_previous_site(mini, tmp_path):
    site = tmp_path / "site"
    outcome = run(mini)
    nav = write_outcome(mini, outcome).nav
    request = site_request(mini, outcome.org, nav, site)
    assert site_backend("mkdocs").build(mini, request) == []
    before = tree(site)
    page = mini.docs_dir / "procedures" / "MF-PR-01.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the plan](nowhere.md).\n", encoding="utf-8")
    failed = site_backend("mkdocs").build_site(mini, request)
    assert failed.mode == "pages" and any("nowhere.md" in f.message for f in failed.findings)
    assert tree(site) == before
    assert not list(tmp_path.glob(".site-*"))


def test_an_update_cut_short_leaves_a_site_the_next_build_rebuilds_whole(mini, tmp_path, monkeypatch):
    """The stamp is removed before the first file is replaced and written after the last: a site half updated is
    never taken for current, and no page is ever half written."""
    site = tmp_path / "site"
    assert build_site(mini, site).mode == "full"
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard and its gatehouse.")

    def cut_short(staging: Path, target: Path) -> None:
        first = next(p for p in sorted(staging.rglob("*.html")))
        os.replace(first, target / first.relative_to(staging))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backend, "move_into", cut_short)
    failed = build_site(mini, site)
    assert [f.code for f in failed.findings] == ["site.build"] and "No space left" in failed.findings[0].message
    assert not (site / ".smsgen-build").exists() and not (site / MANIFEST).exists()
    assert not list(tmp_path.glob(".site-*"))
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    again = build_site(mini, site)
    assert again.mode == "full" and again.findings == []
    assert_as_clean_build(mini, site)


@pytest.mark.parametrize("record", [
    lambda r: {**r, "theme_files": [[uri, "/elsewhere/theme"] for uri, _ in r["theme_files"]]},
    lambda r: r["pages"],   # the record as smsgen wrote it before it noted the theme's files
], ids=["theme-moved", "older-record"])
def test_an_update_adds_the_themes_files_it_noted_or_builds_whole(mini, tmp_path, record):
    """An update adds the theme's files from the record of the full build (listing the theme's thousands of files
    cost most of a one-page update); a record that does not name them in the theme's folders builds the site whole."""
    site = tmp_path / "site"
    assert build_site(mini, site).mode == "full"
    noted = json.loads((site / RECORD).read_text(encoding="utf-8"))
    assert any(uri.startswith("assets/") for uri, _ in noted["theme_files"])
    (site / RECORD).write_text(json.dumps(record(noted)), encoding="utf-8")
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard and its gatehouse.")
    again = build_site(mini, site)
    assert again.mode == "full" and again.findings == []
    assert_as_clean_build(mini, site)


def test_a_build_with_downloads_updates_the_changed_pages_and_files(exported, tmp_path):
    """`build --docx --pdf` after a one-document change: that document converts again, its pages render again, the
    site offers the new files, and the site is the one a clean build into another folder makes."""
    options = BuildOptions(formats={"docx", "pdf"})
    edit(exported.data_dir / "roles.yml", "Guards the yard.", "Guards the yard and its gatehouse.")
    result = build(exported, options)
    assert result.site is not None and result.site.mode == "pages" and 0 < result.site.pages <= 3, result.site
    assert result.exported is not None and len(result.exported.written) == 2
    site = exported.root / "site"
    for out in result.exported.written:
        out = Path(out)
        assert (site / "downloads" / out.parent.name / out.name).read_bytes() == out.read_bytes()
    clean = tmp_path / "clean"
    again = build(exported, BuildOptions(formats={"docx", "pdf"}, site_dir=clean))
    assert again.site is not None and again.site.mode == "full"
    assert tree(site) == tree(clean)


def test_serve_renders_only_the_changed_pages(mini, tmp_path):
    backend = site_backend("mkdocs")
    first = rebuild(mini, backend, tmp_path / "site")
    assert first.built and first.site is not None and first.site.mode == "full"
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard and its gatehouse.")
    done = rebuild(mini, backend, tmp_path / "site")
    assert done.built and done.site is not None and done.site.mode == "pages", done.line()
    assert "rendered again" in done.line()
    assert "its gatehouse" in (tmp_path / "site" / "roles" / "yard_guard" / "index.html").read_text(encoding="utf-8")
