"""The site backends behind one interface: MkDocs builds through it, Zensical gets the same values in a generated
config, the pages carry links relative to themselves (which both resolve), print outputs still read them, and the
serve loop rebuilds on a change. The Zensical build itself runs only where SMSGEN_ZENSICAL_PYTHON names a python
with `zensical==0.0.73` (`.ci/zensical.sh` makes one); it is not part of the required suite."""
from __future__ import annotations

import io
import os
import re
import threading
import time
import urllib.request

import pytest
import yaml

from generator.checks.assess import assess as run
from generator.publish.docs import write_outcome
from generator.publish.export.page import FIGURE, print_markdown, read_page
from generator.publish.pages import re_links
from generator.publish.serve import serve
from generator.publish.site.backend import SiteBackend, site_request
from generator.publish.site.manifest import BUILD_STAMP
from generator.publish.site.registry import SITE_BACKENDS, site_backend
from generator.publish.site.zensical import CONFIG_FILE, PYTHON_ENV, ZensicalBackend
from generator.render.markdown import page_link, resolve_link

from ..conftest import edit, smsgen

LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def generated_pages(ws):
    return [p for p in ws.docs_dir.rglob("*.md") if "overrides" not in p.relative_to(ws.docs_dir).parts]


def test_both_backends_are_registered_behind_the_interface():
    assert set(SITE_BACKENDS) == {"mkdocs", "zensical"}
    assert all(isinstance(b, SiteBackend) and b.name == n for n, b in SITE_BACKENDS.items())
    with pytest.raises(KeyError, match="known: mkdocs, zensical"):
        site_backend("hugo")


def test_the_mkdocs_backend_builds_the_mini_site_through_the_interface(mini, tmp_path):
    outcome = run(mini)
    generated = write_outcome(mini, outcome)
    target = tmp_path / "out" / "site"
    request = site_request(mini, outcome.org, generated.nav, target)
    backend = site_backend("mkdocs")
    assert backend.build(mini, request) == []
    home = (target / "index.html").read_text(encoding="utf-8")
    assert "Mini Freight SMS" in home and (target / "procedures" / "MF-PR-01" / "index.html").is_file()
    assert (target / "search" / "search_index.json").is_file()
    # unchanged input: nothing is built again
    stamp = (target / BUILD_STAMP).stat().st_mtime_ns
    assert backend.build(mini, request) == []
    assert (target / BUILD_STAMP).stat().st_mtime_ns == stamp
    assert not list(target.parent.glob(".site-*"))


def test_no_generated_page_links_from_the_docs_root(built_site):
    """Every link between pages and to figures is relative to its page, and leads to a file in docs/."""
    pages = generated_pages(built_site)
    assert len(pages) > 100
    figures = 0
    for page in pages:
        rel = page.relative_to(built_site.docs_dir).as_posix()
        text = page.read_text(encoding="utf-8")
        assert "](/" not in text, f"{rel} has a docs-absolute link"
        for link in LINK.findall(text):
            if "://" in link or link.startswith("mailto:"):
                continue
            assert (built_site.docs_dir / resolve_link(rel, link)).is_file(), f"{rel}: {link} leads nowhere"
            figures += "figures/" in link
    assert figures, "the reference set draws figures"


def test_links_are_relative_to_their_page_and_read_back():
    assert page_link("procedures/X.md", "forms/Y.md") == "../forms/Y.md"
    assert page_link("procedures/X.md", "procedures/Z.md") == "../procedures/Z.md"   # the same on any such page
    assert page_link("procedures/X.md", "figures/z.svg") == "../figures/z.svg"
    assert page_link("index.md", "clauses.md") == "clauses.md"
    assert resolve_link("roles/a.md", "../forms/Y.md") == "forms/Y.md"
    assert re_links("see [F-1](../forms/F-1.md) and [web](https://x.org/a.md)", "procedures/P.md") == {"forms/F-1.md"}


def test_print_outputs_read_relative_links_and_figures(built_site):
    body = "See [ABC-1](../forms/ABC-1.md#part) and [a\\]b](index.md).\n\n![Chart](../figures/org-chart.svg)\n" \
           "[web](https://example.org/x.md)"
    printed = print_markdown(body, "/figures/")
    assert "See ABC-1 and a\\]b." in printed and "![Chart](/figures/org-chart.svg)" in printed
    assert "[web](https://example.org/x.md)" in printed
    assert FIGURE.findall(body) == ["org-chart.svg"]
    with_figures = [read_page(p) for p in generated_pages(built_site) if "figures/" in p.read_text(encoding="utf-8")]
    assert with_figures
    for page in with_figures:
        for name in FIGURE.findall(page.body):
            assert (built_site.docs_dir / "figures" / name).is_file()


def test_zensical_gets_mkdocs_yml_with_the_values_from_data(mini, tmp_path):
    """What the Zensical backend writes, without running Zensical: mkdocs.yml, with the name, navigation, logo, site
    directory and extra settings set on top, and the MkDocs-only keys left out."""
    outcome = run(mini)
    generated = write_outcome(mini, outcome)
    request = site_request(mini, outcome.org, generated.nav, tmp_path / "site", versioned=True)
    path = ZensicalBackend().write_config(mini, request, mini.root / ".site-x")
    assert path == mini.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["site_name"] == "Mini Freight SMS" and config["nav"] == generated.nav
    assert config["site_dir"] == ".site-x" and config["docs_dir"] == "docs"
    assert config["theme"]["name"] == "material" and config["theme"]["custom_dir"] == "docs/overrides"
    assert config["extra"]["version"]["provider"] == "mike" and config["extra"]["smsgen_downloads"] == []
    assert "validation" not in config and "hooks" not in config


def test_the_serve_loop_serves_and_rebuilds_on_a_data_change(mini):
    """`smsgen serve`: the URL first, one line per build, the new text served after a data edit, a clean stop."""
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(target=serve, args=(mini, "127.0.0.1:0", site_backend("mkdocs"), stop, out, 0.2))
    thread.start()
    try:
        def lines() -> list[str]:
            return out.getvalue().splitlines()

        def wait_for(count: int) -> None:
            deadline = time.monotonic() + 120
            while sum(line.startswith("site ") for line in lines()) < count:
                assert thread.is_alive() and time.monotonic() < deadline, out.getvalue()
                time.sleep(0.1)

        wait_for(1)
        url = re.search(r"http://\S+/", lines()[0]).group(0)
        assert lines()[1].startswith("site rebuilt:")
        page = url + "procedures/MF-PR-01/"
        assert "Hull yard" in urllib.request.urlopen(page, timeout=10).read().decode("utf-8")
        edit(mini.data_dir / "sites.yml", "Hull yard", "Hull trailer park")
        wait_for(2)
        assert lines()[2].startswith("site rebuilt:"), out.getvalue()
        assert "Hull trailer park" in urllib.request.urlopen(page, timeout=10).read().decode("utf-8")
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


@pytest.mark.skipif(not os.environ.get(PYTHON_ENV),
                    reason=f"optional: set {PYTHON_ENV} to a python with zensical==0.0.73 (.ci/zensical.sh does)")
def test_zensical_builds_the_mini_site(mini, tmp_path):
    """Through the interface with no warning (relative links resolve, the templates render in MiniJinja), then as a
    user asks for it; the site lands outside the workspace, and no staging directory is left behind."""
    outcome = run(mini)
    generated = write_outcome(mini, outcome)
    target = tmp_path / "zensical-site"
    assert site_backend("zensical").build(mini, site_request(mini, outcome.org, generated.nav, target)) == []
    home = (target / "index.html").read_text(encoding="utf-8")
    assert "Mini Freight SMS" in home and (target / "search.json").is_file()
    page = (target / "procedures" / "MF-PR-01" / "index.html").read_text(encoding="utf-8")
    assert "smsgen-control" in page and "months after approval" in page and "Hull yard" in page
    assert 'href="../../forms/' in page or 'href="../../' in page
    edit(mini.data_dir / "sites.yml", "Hull yard", "Hull trailer park")
    assert smsgen(mini, "build", "--site-backend", "zensical", "--site-dir", str(target)) in (0, 1)  # mini: 2 errors
    assert "Hull trailer park" in (target / "procedures" / "MF-PR-01" / "index.html").read_text(encoding="utf-8")
    assert not list(mini.root.glob(".site-*")) and not list(tmp_path.glob(".site-*"))
