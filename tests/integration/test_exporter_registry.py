"""Adding an output format is one new module, one registry line and its name and label in publish/formats.py: the CLI
flag, dist/ folder, conversion, cache and the site's download link follow."""
from __future__ import annotations

from generator.publish import formats
from generator.publish.export import registry

from ..conftest import smsgen
from .toy_format import PlainTextExporter


def test_a_new_format_needs_one_module_one_registry_line_and_its_name(mini, monkeypatch):
    monkeypatch.setitem(registry.EXPORTERS, "txt", PlainTextExporter())   # the one registry line
    monkeypatch.setitem(formats.FORMATS, "txt", PlainTextExporter.label)   # and its name, for the command line
    assert smsgen(mini, "build", "--txt") in (0, 1)
    out = mini.root / "dist" / "txt" / "MF-PR-01.txt"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Mini Freight\nMF-PR-01 ") and "Document ID: MF-PR-01" in text and "](" not in text
    page = (mini.root / "site" / "procedures" / "MF-PR-01" / "index.html").read_text(encoding="utf-8")
    assert "downloads/txt/MF-PR-01.txt" in page and ">Text</a>" in page
    assert (mini.root / "site" / "downloads" / "txt" / "MF-PR-01.txt").read_bytes() == out.read_bytes()
    # unchanged inputs: nothing converts again
    before = out.stat().st_mtime_ns
    assert smsgen(mini, "build", "--txt", "--no-site") in (0, 1)
    assert out.stat().st_mtime_ns == before
