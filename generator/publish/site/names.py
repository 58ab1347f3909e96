"""The site backends by name, and the default. Kept apart from the backends (registry.py) so that the command line
can offer `--site-backend` without loading MkDocs."""
from __future__ import annotations

BACKEND_NAMES = ("mkdocs", "zensical")
DEFAULT_BACKEND = "mkdocs"
