"""Copies of a built site's folders. An update is made in a copy of the site whose files are hard links to the
site's own (fast, and no space), so a file in the copy is never written in place: it is removed and written anew,
and the site being served keeps its bytes until the copy is swapped in."""
from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path


def link_copy(src: Path, dst: Path) -> None:
    """Every file under `src` into the existing folder `dst`, hard-linked (copied where linking fails)."""
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True, copy_function=_link)


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:   # a file system without hard links: a copy is slower, not wrong
        shutil.copy2(src, dst)


def fresh(path: Path) -> Path:
    """`path`, with the file there removed: writing it then makes a new file instead of writing through a link."""
    path.unlink(missing_ok=True)
    return path


def sync_tree(src: Path, dst: Path) -> None:
    """Make `dst` hold the files of `src` and nothing else: a file whose size or modification time differs (then its
    bytes) is copied again, a file `src` no longer has is removed. `dst` is a folder of a site smsgen builds."""
    if not src.is_dir():
        shutil.rmtree(dst, ignore_errors=True)
        return
    wanted = {Path(folder, name).relative_to(src) for folder, _, names in os.walk(src) for name in names}
    for folder, _, names in os.walk(dst, topdown=False):
        for name in names:
            if Path(folder, name).relative_to(dst) not in wanted:
                os.unlink(Path(folder, name))
        if not any(Path(folder).iterdir()):   # as a fresh copy would be: no folder left empty
            os.rmdir(folder)
    for rel in sorted(wanted):
        source, target = src / rel, dst / rel
        if target.is_file() and filecmp.cmp(source, target, shallow=True):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, fresh(target))
