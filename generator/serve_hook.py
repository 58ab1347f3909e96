"""MkDocs hook used by `smsgen serve`: regenerate docs/ from data and templates before every rebuild."""
from __future__ import annotations

import sys
from pathlib import Path

from generator.pipeline import run
from generator.site import apply_organisation
from generator.workspace import Workspace


def on_config(config, **_):
    ws = Workspace.at(Path(config.config_file_path).parent)
    outcome = run(ws, write=True)
    outcome.findings.report(sys.stderr)
    if outcome.generated is not None:
        apply_organisation(config, ws, outcome.org, outcome.generated.nav)
    return config
