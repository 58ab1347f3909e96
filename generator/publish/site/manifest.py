"""What a built site was made from, recorded beside it (MANIFEST), and what changed since: the decision between
updating only the pages whose content changed and building the whole site again.

Every page's HTML is made of its own body and of what all pages share: mkdocs.yml, the values from data (the
navigation with its titles, the site name, the `extra` settings), the theme overrides and assets, and the versions
of smsgen and of the site generator. Those are hashed together (`layout`); every other file in docs/ is hashed on its
own. Only when the layout and the set of files are the same can the changed files alone be rendered again; anything
else, or a site with no manifest (built by an earlier smsgen, or another backend), is built whole.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.base.workspace import Workspace

BUILD_STAMP = ".smsgen-build"   # in a built site: the key of what it was built from
MANIFEST = ".smsgen-site.json"   # in a built site, beside BUILD_STAMP
LAYOUT_FOLDERS = ("overrides/", "assets/")   # docs/ folders every page is rendered through
# what every page depends on, in parts, each with what it means when it changed
LAYOUT = {"versions": "smsgen, the site generator or the theme is another version",
          "settings": "the site's settings changed (mkdocs.yml, or the site name, logo or address in data/)",
          "navigation": "the navigation changed (a document's title, or which documents there are)",
          "theme": "the theme overrides or assets in docs/ changed"}


@dataclass(frozen=True)
class Manifest:
    backend: str
    layout: dict[str, str]                                 # part of LAYOUT -> hash of it
    files: dict[str, str] = field(default_factory=dict)    # docs/-relative path -> hash of the file's bytes

    def text(self) -> str:
        return json.dumps({"backend": self.backend, "layout": self.layout, "files": self.files}, indent=0,
                          sort_keys=True) + "\n"

    @classmethod
    def read(cls, site_dir: Path) -> Manifest | None:
        """The manifest of the site in `site_dir`, or None when it has none that can be read."""
        try:
            data = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))
            files, layout = data["files"], data["layout"]
            if not all(isinstance(part, dict) and all(isinstance(v, str) for v in part.values())
                       for part in (files, layout)):
                return None
            return cls(str(data["backend"]), layout, files)
        except (OSError, ValueError, KeyError, TypeError):
            return None


def hash_docs(ws: Workspace) -> tuple[dict[str, str], dict[str, str]]:
    """The hashes of the files in docs/: (layout files: overrides and assets, every other file)."""
    layout: dict[str, str] = {}
    files: dict[str, str] = {}
    root = ws.docs_dir
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        (layout if rel.startswith(LAYOUT_FOLDERS) else files)[rel] = digest
    return layout, files


def changed_files(previous: Manifest | None, current: Manifest) -> tuple[list[str] | None, str]:
    """The docs/ files whose content changed since `previous` (docs/-relative), or None with the reason only a full
    build is safe."""
    if previous is None:
        return None, "no record of what the site was built from"
    if previous.backend != current.backend:
        return None, f"the site was built by {previous.backend}"
    for part, meaning in LAYOUT.items():
        if previous.layout.get(part) != current.layout.get(part):
            return None, meaning
    if previous.files.keys() != current.files.keys():
        return None, "files were added to or removed from docs/"
    return sorted(rel for rel, digest in current.files.items() if previous.files[rel] != digest), ""
