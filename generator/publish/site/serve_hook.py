"""MkDocs hook used by `smsgen serve`: regenerate docs/ from data and templates before every rebuild."""
from __future__ import annotations

import sys
from pathlib import Path

from generator.base.workspace import Workspace
from generator.checks.assess import assess
from generator.publish.docs import write_outcome
from generator.publish.site.mkdocs import apply_organisation


def on_config(config, **_):
    ws = Workspace.at(Path(config.config_file_path).parent)
    outcome = assess(ws)
    generated = write_outcome(ws, outcome)
    outcome.findings.report(sys.stderr)
    if generated is not None and outcome.org is not None:
        apply_organisation(config, ws, outcome.org, generated.nav)
    return config
