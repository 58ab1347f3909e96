"""The signed PDF of an approved revision stands in for rendering it: wherever dist/pdf/<ID>.pdf is made for a page
whose approved revision was signed (`smsgen sign`), the file is the signed PDF from the control store, byte for byte.

Rendering again would give an unsigned file; the signed one is the record of the approval. It is used only while the
page's content still has the fingerprint approved (a page redacted for an audience does not, and is rendered), and
only while the file is the one the register records (anything else is rendered, and `smsgen verify` reports it).
"""
from __future__ import annotations

from pathlib import Path

from generator.base.errors import ConversionError
from generator.base.workspace import Workspace
from generator.control.register import fingerprint
from generator.control.signatures import sha256
from generator.publish.export.base import ExportContext, Exporter
from generator.publish.export.page import Page

FORMAT = "pdf"


class SignedPdf(Exporter):
    """A copy of one signed PDF, checked against its SHA-256 as it is copied. It pickles (a path and a hash), so the
    scheduler runs it like any conversion."""
    name = FORMAT
    label = "PDF"

    def __init__(self, path: Path, sha: str):
        self.path, self.sha = path, sha

    def convert(self, page: Page, context: ExportContext) -> bytes:
        data = self.path.read_bytes()
        if sha256(data) != self.sha:
            raise ConversionError(f"the signed PDF {self.path} changed while the build ran")
        return data

    def memory(self, size: int) -> int:
        return 16 * 2**20


def signed_copy(ws: Workspace, page: Page, exporter: Exporter) -> SignedPdf | None:
    """The signed PDF to copy for the page in this format, or None to convert as usual."""
    info = page.control.get("signed_pdf")
    if exporter.name != FORMAT or not info or page.control.get("status") != "approved":
        return None
    path = ws.root / info["file"]
    if not path.resolve().is_relative_to(ws.control_dir.resolve()) or fingerprint(page.body) != info["fingerprint"]:
        return None
    try:
        if sha256(path.read_bytes()) != info["sha256"]:
            return None
    except OSError:
        return None
    return SignedPdf(path, info["sha256"])
