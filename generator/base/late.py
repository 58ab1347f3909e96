"""Work whose module is loaded only when that work is asked for, named by string and loaded through importlib.

The command line loads a command's module when that command runs (cli/main.py); pack merging (pikepdf) and the
reading of font files (fontTools) are loaded when a build merges a pack or meets text beyond Latin, Greek and
Cyrillic: together 27 ms of the 0.7 s a one-document change takes on the reference set, spent by every build that
needs neither. These are the only edges of the dependency graph that are not import statements; each names its
module in full, and tests/unit/test_architecture.py checks that every one exists and keeps the layering.
"""
from __future__ import annotations

import importlib
from typing import Any


def late(spec: str) -> Any:
    """The function `module:name` names, its module imported now (once: Python keeps it)."""
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)
