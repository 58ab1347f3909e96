"""What a build is asked to make. Kept apart from the build itself so that the check for a build with nothing to do
(uptodate.py) can read the options without loading the build's machinery."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.publish.site.names import DEFAULT_BACKEND


@dataclass
class BuildOptions:
    controlled: bool = False
    audience: str | None = None
    formats: set[str] = field(default_factory=set)
    packs: bool = False
    site: bool = True
    site_dir: Path | None = None
    site_backend: str = DEFAULT_BACKEND   # a name in site/names.py
    offline: bool = False                 # a site to read from disk (file://)
