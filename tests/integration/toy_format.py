"""A toy output format for the test of the exporter seam: the whole of a new format is this module and one
registry line. Plain text: the control lines, then the body with links reduced to their text."""
from __future__ import annotations

from generator.publish.export.base import ExportContext, Exporter
from generator.publish.export.common import approval_rows
from generator.publish.export.page import Page, print_markdown


class PlainTextExporter(Exporter):
    name = "txt"
    label = "Text"

    def convert(self, page: Page, context: ExportContext) -> bytes:
        control = "\n".join(f"{label}: {value}" for label, value in approval_rows(page))
        body = print_markdown(page.body, "figures/")
        return f"{context.brand.name}\n{page.id} {page.title}\n\n{control}\n\n{body}".encode()
