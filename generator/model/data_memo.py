"""What a data file parsed to, kept by its content: a build after a one-line edit reads the other files' data back
as JSON instead of parsing their YAML (the ~1000 set's 3.6 MB of YAML: 0.38 s to parse, 0.03 s from here).

Kept only for a file that parsed without a problem, and only data JSON gives back exactly as parsed (text keys;
text, whole and finite numbers, yes/no, nothing, lists and mappings). The key is the hash of the file's bytes and of
the parser's own code and PyYAML's version, so a changed file or a changed parser never meets an old entry. JSON
only, never pickle: an entry is read as data, and one that is not what this module writes is ignored.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path

import yaml

from generator.base.files import write_atomic
from generator.base.jsonable import json_faithful
from generator.base.workspace import Workspace

# what the entries depend on besides the file: how it is parsed
_PARSER = hashlib.sha256(Path(__file__).with_name("yaml_source.py").read_bytes()
                         + yaml.__version__.encode()).digest()
ENTRY = re.compile(r"[0-9a-f]{64}\.json")
MISSING = object()


class DataMemo:
    """Parsed data files in `folder`, one JSON file each, named by the hash of what they were parsed from."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    @classmethod
    def of(cls, ws: Workspace) -> DataMemo | None:
        """The workspace's memo, with the build's other caches (see `Workspace.cache_folder`), or None."""
        folder = ws.cache_folder("data")
        return cls(folder) if folder is not None else None

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha256(_PARSER + raw).hexdigest()

    def get(self, key: str) -> object:
        """The data kept under `key`, or MISSING."""
        self.used.add(key)
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):   # none yet, or not one this module wrote: parse the file
            return MISSING
        return entry["data"] if isinstance(entry, dict) and entry.get("key") == key and "data" in entry else MISSING

    def put(self, key: str, data: object) -> None:
        self.used.add(key)
        if json_faithful(data):
            # a full disk, a folder made read-only: the memo only saves work, and the load goes on without it
            with contextlib.suppress(OSError):
                write_atomic(self.folder / f"{key}.json", json.dumps({"key": key, "data": data}, ensure_ascii=False),
                             durable=False)

    def prune(self) -> None:
        """Remove the entries of files no longer as they were (those not asked for in this load)."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir() if self.folder.is_dir() else ():
                if ENTRY.fullmatch(path.name) and path.name[:-5] not in self.used:
                    path.unlink(missing_ok=True)
