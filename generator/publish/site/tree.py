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
    bytes) is copied again, whole; a file `src` no longer has is removed. `dst` is a folder of a site smsgen builds.
    A file found equal byte for byte takes its source's time, so the next comparison needs only the sizes and times
    (a set whose outputs were all converted again to the same bytes otherwise had 1000 PDFs read twice per build)."""
    if not src.is_dir():
        shutil.rmtree(dst, ignore_errors=True)
        return
    # paths as text: a thousand files' pathlib objects cost more than the comparisons
    source_root, target_root = str(src), str(dst)
    wanted = _files_under(source_root)
    for folder, _, names in os.walk(target_root, topdown=False):
        for name in names:
            if _relative(os.path.join(folder, name), target_root) not in wanted:
                os.unlink(os.path.join(folder, name))
        if not os.listdir(folder):   # as a fresh copy would be: no folder left empty
            os.rmdir(folder)
    for rel in sorted(wanted):
        source, target = os.path.join(source_root, rel), os.path.join(target_root, rel)
        if os.path.isfile(target) and filecmp.cmp(source, target, shallow=True):
            if os.stat(source).st_mtime_ns != os.stat(target).st_mtime_ns:   # equal bytes, told by reading them
                shutil.copystat(source, target)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.part")
        shutil.copy2(source, partial)
        os.replace(partial, target)


def _files_under(root: str) -> set[str]:
    """The files under `root`, by their paths relative to it."""
    return {_relative(os.path.join(folder, name), root) for folder, _, names in os.walk(root) for name in names}


def _relative(path: str, root: str) -> str:
    return path[len(root) + 1:]
