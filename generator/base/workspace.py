"""Where a workspace keeps its inputs and outputs, and the default library it falls back on."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The repository is itself the reference workspace: its data/ and sms_templates/ are the defaults.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATES = PACKAGE_ROOT / "sms_templates"
REFERENCE_DATA = PACKAGE_ROOT / "data"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: Path | str = ".") -> Workspace:
        return cls(Path(root).resolve())

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def schema_dir(self) -> Path:
        return self.data_dir / ".schema"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def pages_manifest(self) -> Path:
        """The list of pages smsgen generated in docs/, so stale ones can be removed safely and exporters find them."""
        return self.docs_dir / ".smsgen-pages"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def cache_dir(self) -> Path:
        return self.dist_dir / ".cache"

    def cache_folder(self, name: str) -> Path | None:
        """A folder for one of the build's caches, once a build has made the cache folder (a workspace never built
        gets none from a check). None where a folder on the way is a symbolic link: a cache removes its old entries,
        and never in a folder smsgen did not make."""
        folder = self.cache_dir / name
        if not self.cache_dir.is_dir() or any(path.is_symlink() for path in (self.dist_dir, self.cache_dir, folder)):
            return None
        return folder

    @property
    def export_cache_file(self) -> Path:
        """Output path -> key of what it was made from: an unchanged key means the file is already right."""
        return self.cache_dir / "outputs.json"

    def pack_file(self, prefix: str, name: str) -> Path:
        """A combined PDF (manual pack, full set) beside the documents' PDFs."""
        return self.dist_dir / "pdf" / f"{prefix}-{name}.pdf"

    @property
    def control_dir(self) -> Path:
        return self.root / "control"

    @property
    def register_file(self) -> Path:
        return self.control_dir / "register.yml"

    @property
    def audit_file(self) -> Path:
        return self.control_dir / "audit.jsonl"

    @property
    def approved_dir(self) -> Path:
        return self.control_dir / "approved"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def template_dirs(self) -> list[Path]:
        """Search path for templates: the workspace's own overrides first, then the default library."""
        dirs = [self.root / "sms_templates", DEFAULT_TEMPLATES]
        unique: list[Path] = []
        for d in dirs:
            if d.is_dir() and d.resolve() not in unique:
                unique.append(d.resolve())
        return unique

    def display(self, path: Path) -> str:
        """A path as users should see it in messages: relative to the workspace when inside it. A symbolic link is
        named as the user wrote it (data/sites.yml), not as where it points; a looping one cannot be resolved at all."""
        try:
            return str(Path(os.path.abspath(path)).relative_to(self.root))
        except ValueError:
            pass
        try:
            return str(path.resolve().relative_to(self.root))
        except (ValueError, OSError, RuntimeError):
            return str(path)

    def contains(self, path: Path) -> bool:
        """Whether `path`, symbolic links followed, is inside the workspace: what data names is never elsewhere."""
        try:
            return path.resolve(strict=True).is_relative_to(self.root)
        except (OSError, RuntimeError):   # missing, or a loop of links
            return False
