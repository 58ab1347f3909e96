"""The one way smsgen runs git (releases live on a local branch): a failure becomes a GitError naming the command
and what git said, never a CalledProcessError traceback."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.base.errors import GitError


def git(root: Path, *args: str, check: bool = True, text: bool = False, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run git on the repository at `root` (from `cwd`, default `root`), with `env` added to the environment."""
    command = ["git", f"--git-dir={root / '.git'}", *args] if cwd is not None else ["git", *args]
    try:
        done = subprocess.run(command, cwd=cwd or root, capture_output=True, text=text,
                              env={**os.environ, **env} if env else None)
    except OSError as exc:
        raise GitError(" ".join(args), f"git could not be run: {exc.strerror or exc}") from None
    if check and done.returncode != 0:
        stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.decode("utf-8", "replace")
        raise GitError(" ".join(args), stderr.strip() or f"exit status {done.returncode}")
    return done
