"""Bringing a built site's files up to date in place, file by file. Each file is replaced whole (written beside it,
then renamed over it), so a page being served is the old one or the new one, never half of either; an update
touches only the files that changed, never the site's folders (a site of 1000 pages has some 1650 of them, and on
some disks removing a folder costs milliseconds)."""
from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path


def move_into(staging: Path, target: Path) -> None:
    """Every file under `staging` moved to the same place under `target`, each replacing the file there whole."""
    for folder, _, names in os.walk(staging):
        for name in sorted(names):
            rel = Path(folder, name).relative_to(staging)
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(folder, name), target / rel)


def sync_tree(src: Path, dst: Path) -> None:
    """Make `dst` hold the files of `src` and nothing else: a file whose size or modification time differs (then its
    bytes) is copied again, whole; a file `src` no longer has is removed. `dst` is a folder of a site smsgen builds."""
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
        partial = target.with_name(f".{target.name}.part")
        shutil.copy2(source, partial)
        os.replace(partial, target)
