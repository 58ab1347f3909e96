"""What smsgen runs: its own code, the Python running it and the packages installed beside it, as a state that
changes whenever one of them does (a build's record and the render memo are only good for the code that made them).
Taken once per process, when first asked: the code a process runs is the code it imported, whatever is saved later."""
from __future__ import annotations

import functools
import os
import sys
import sysconfig

from generator import __version__
from generator.base.files import tree_state
from generator.base.workspace import PACKAGE_ROOT

CODE = PACKAGE_ROOT / "generator"


@functools.cache
def code_state() -> list:
    packages = sysconfig.get_paths()["purelib"]
    # an upgraded package renames its folder (name-version.dist-info)
    return [__version__, sys.version, tree_state(CODE),
            sorted(os.listdir(packages)) if os.path.isdir(packages) else []]
