"""The output formats smsgen can write, by name. A new format is one module with an Exporter subclass, one line here
and its name and label in publish/formats.py: the CLI flag, the dist/ folder, the site's download link and the
scheduler all follow from these tables."""
from __future__ import annotations

from generator.publish.export.base import Exporter
from generator.publish.export.docx import DocxExporter
from generator.publish.export.pdf import PdfExporter

EXPORTERS: dict[str, Exporter] = {exporter.name: exporter for exporter in (
    DocxExporter(),
    PdfExporter(),
)}
