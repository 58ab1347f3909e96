"""Rendering only the changed pages of a built MkDocs site, into a folder of their own (`SiteBackend.update`).

MkDocs' own build, driven for a subset of the pages. The configuration, the files and the navigation are set up as
a full build sets them up; every page is read (its front matter), and takes the title the full build gave it, as the
navigation of the pages rendered shows them; only the changed pages are rendered and written, with the 404 page and
the sitemap (made from the navigation; the sitemap carries the build date). The search index is the previous one
with the changed pages' entries replaced in page order, and the search plugin writes it, so it is the bytes a full
build writes. This uses two functions private to MkDocs' build (`_populate_page`, `_build_page`): its version is in
the manifest's layout, so a different MkDocs builds the whole site once.

A full build is needed (FullBuildNeeded) with a plugin other than search and offline (it may read every page),
extra templates, anchor validation at warning level (it needs every page's anchors), and when a changed page's
title, or the front matter other pages show of it (Material's navigation shows a page's icon, status and subtitle),
changed. What the full build gave each page is recorded beside the site (RECORD) by `Recorder`.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from generator.base.files import write_atomic
from generator.base.jsonable import json_faithful
from generator.publish.site.backend import FullBuildNeeded

RECORD = ".smsgen-mkdocs.json"   # in a built site: each page's title and what other pages show of it
RECORDER = "smsgen/record"
# plugins known to read no page but the one they are given: search (its index is merged here) and offline (it
# copies the index into a script once the build is done)
SAFE_PLUGINS = {"search", "material/search", "offline", "material/offline", RECORDER}
# front matter only the page itself renders (smsgen's control block, the description meta tag)
OWN_META = ("control", "description")
SEARCH_INDEX = "search/search_index.json"
OFFLINE_INDEX = "search/search_index.js"


def shown_meta(page) -> dict:
    """The front matter other pages may show of `page` (Material's navigation: its icon, status, subtitle)."""
    return {key: value for key, value in page.meta.items() if key not in OWN_META}


def shown(page) -> str:
    """What other pages show of `page`: its title and its front matter but what only the page itself renders."""
    return hashlib.sha256(json.dumps([page.title, shown_meta(page)], sort_keys=True, default=str).encode()).hexdigest()


def _as_recorded(meta: dict) -> dict | None:
    """`meta` as the record keeps it, or None when JSON would not give it back as it is (a date, say): then an
    update reads that page's front matter from its file."""
    return meta if json_faithful(meta) else None


class Recorder(BasePlugin):
    """Notes, as each page is rendered, its title and what other pages show of it; and which files the theme added
    (an update adds the same ones instead of listing the theme's thousands of files again: the theme's folders are in
    the site's layout, so an update only runs while they are unchanged)."""

    def __init__(self) -> None:
        self.pages: dict[str, list] = {}   # src_uri -> title, `shown` hash, shown front matter (or None)
        self.theme_files: list[list[str]] = []

    def on_files(self, files, *, config):
        """After the theme's files are added (by MkDocs in a full build, from the record in an update)."""
        dirs = set(config.theme.dirs)
        self.theme_files = [[file.src_uri, file.src_dir] for file in files if file.src_dir in dirs]
        return files

    def on_page_context(self, context, *, page, config, nav):
        self.pages[page.file.src_uri] = [page.title, shown(page), _as_recorded(shown_meta(page))]
        return context

    def write(self, site_dir: Path, previous: dict[str, list] | None = None) -> None:
        record = {"pages": {**(previous or {}), **self.pages}, "theme_files": self.theme_files}
        write_atomic(site_dir / RECORD, json.dumps(record, indent=0, sort_keys=True) + "\n")


def recorder(config) -> Recorder:
    """A Recorder added to `config`'s plugins."""
    plugin = Recorder()
    config.plugins[RECORDER] = plugin
    return plugin


def _read_record(site_dir: Path) -> tuple[dict[str, list], list[list[str]]]:
    """The pages' titles, what other pages show of them, and the theme's files, as the last build noted them."""
    try:
        record = json.loads((site_dir / RECORD).read_text(encoding="utf-8"))
        pages, theme_files = record["pages"], record["theme_files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FullBuildNeeded("no record of the pages' titles") from exc
    if not isinstance(pages, dict) or not isinstance(theme_files, list) or not all(
            isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], dict | None)
            for entry in pages.values()):
        raise FullBuildNeeded("no record of the pages' titles")
    return pages, theme_files


def _add_theme_files(files: Files, config, recorded: list[list[str]]) -> None:
    """What `Files.add_files_from_theme` adds, from the record: the theme's files a page's own file does not
    replace."""
    dirs = set(config.theme.dirs)
    if any(not isinstance(item, list) or len(item) != 2 or item[1] not in dirs for item in recorded):
        raise FullBuildNeeded("the theme's folders are not those the site was built with")
    for src_uri, src_dir in recorded:
        if files.get_file_from_path(src_uri) is None:
            files.append(File(src_uri, src_dir, config.site_dir, config.use_directory_urls))


def update_pages(config, site: Path, changed: list[str]) -> int:
    """Render the pages `changed` (docs/-relative) of `site`, built last from the same configuration, into the empty
    folder `config.site_dir`: those pages, the files every build renders again (404, sitemap, search index) and
    the record; returns how many pages were rendered."""
    out = Path(config.site_dir)
    record, theme_files = _read_record(site)
    other = sorted(set(config.plugins) - SAFE_PLUGINS)
    if other:
        raise FullBuildNeeded(f"the plugin {other[0]} may read every page")
    if config.extra_templates:
        raise FullBuildNeeded("extra templates are rendered from every page")
    if config.validation.links.anchors >= logging.WARNING:
        raise FullBuildNeeded("links to anchors are checked across pages")
    recording = recorder(config)
    # as mkdocs.commands.build.build sets a build up
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)
    env = config.theme.get_env()
    _add_theme_files(files, config, theme_files)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    pages = files.documentation_pages()
    todo = set(changed)
    for file in pages:
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
        if file.src_uri in todo:
            _populate_page(file.page, config, files)
            if record.get(file.src_uri, [None, None, None])[1] != shown(file.page):
                raise FullBuildNeeded(f"the title or front matter of {file.src_uri} changed")
        elif file.src_uri in record:
            # a page not rendered now is the file the last build read (the manifest compares every file): what
            # other pages show of it is as that build noted it, without reading and parsing the page again
            title, _, meta = record[file.src_uri]
            if meta is None:
                file.page.read_source(config)
            else:
                file.page.meta = meta
            file.page.title = title   # as the full build rendered it
        else:
            raise FullBuildNeeded(f"no record of {file.src_uri}")
    env = config.plugins.on_env(env, config=config, files=files)
    for file in files:
        if not file.is_documentation_page() and file.inclusion.is_included() and file.src_uri in todo:
            file.copy_file()
    for template in config.theme.static_templates:
        _build_theme_template(template, env, files, config, nav)
    rendered = [file for file in pages if file.src_uri in todo]
    search = next((config.plugins[name] for name in ("material/search", "search") if name in config.plugins), None)
    previous_index = (site / SEARCH_INDEX).read_text(encoding="utf-8") if (site / SEARCH_INDEX).is_file() else None
    for file in rendered:
        _build_page(file.page, config, pages, nav, env, excluded=file.inclusion.is_excluded())
    if search is not None and getattr(search.config, "enabled", True):
        search.search_index.entries = _merged(previous_index, search.search_index.entries, pages, todo)
    config.plugins.on_post_build(config=config)
    recording.write(out, record)
    return len(rendered)


def _merged(previous: str | None, entries: list[dict], pages, changed: set[str]) -> list[dict]:
    """The search entries of a full build: the previous index's, with the entries of the pages rendered now in
    place of theirs. Every entry's location is its page's URL, with an anchor after '#'; a page's entries are
    together, in the order of the pages."""
    if previous is None:
        raise FullBuildNeeded("the site has no search index to update")
    try:
        docs = json.loads(previous)["docs"]
    except (ValueError, KeyError, TypeError) as exc:
        raise FullBuildNeeded("the search index cannot be read") from exc
    old, new = _by_page(docs), _by_page(entries)
    merged: list[dict] = []
    for file in pages:
        url = file.page.url
        merged += new.pop(url, []) if file.src_uri in changed else old.pop(url, [])
        old.pop(url, None)
    if any(old.values()) or any(new.values()):   # entries of no page in this build: not an index to patch
        raise FullBuildNeeded("the search index does not match the pages")
    return merged


def _by_page(entries: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        grouped.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
    return grouped
