"""The one way smsgen runs git (releases live on a local branch): a failure becomes a GitError naming the command
and what git said, never a CalledProcessError traceback."""
from __future__ import annotations

import subprocess
from pathlib import Path

from generator.base.errors import GitError


def git(root: Path, *args: str, check: bool = True, text: bool = False) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=text)
    except OSError as exc:
        raise GitError(" ".join(args), f"git could not be run: {exc.strerror or exc}") from None
    if check and done.returncode != 0:
        stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.decode("utf-8", "replace")
        raise GitError(" ".join(args), stderr.strip() or f"exit status {done.returncode}")
    return done
