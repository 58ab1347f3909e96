"""Approved snapshots: the text of every approved revision, kept write-once in control/approved/ so a later change
can be shown as a diff against what was approved. They are written by the control store (store.py) as part of the
approval's transaction, and `smsgen verify` checks each against the fingerprint the register records."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.base.workspace import Workspace


def snapshot_path(ws: Workspace, doc_id: str, revision: str) -> Path:
    return ws.approved_dir / doc_id / f"{revision}.md"


def approved_text(ws: Workspace) -> Callable[[str, str], str | None]:
    def read(doc_id: str, revision: str) -> str | None:
        path = snapshot_path(ws, doc_id, revision)
        return path.read_text(encoding="utf-8") if path.exists() else None
    return read
