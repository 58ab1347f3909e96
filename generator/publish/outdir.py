"""A directory smsgen writes into but does not own (`publish --to DIR`): it records there what it wrote
(`.smsgen-published`, the list of files) and on the next run replaces only those. Anything else in the directory is
left alone, and a directory holding files smsgen did not write is refused, as are the workspace itself, any folder
holding it and the workspace's own folders: a publish never deletes what it did not create."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from generator.base.errors import UserError
from generator.base.files import within, write_atomic
from generator.base.findings import Finding, Severity

MARKER = ".smsgen-published"
# the workspace's inputs and the outputs smsgen rebuilds whole: a publish inside one would be lost or destroy it
OWN_FOLDERS = (".git", "data", "control", "docs", "sms_templates", "site", "dist")


def _refuse(target: Path, message: str, hint: str) -> UserError:
    return UserError(Finding("publish.target", Severity.fatal, message, str(target), hint=hint))


def claim(workspace: Path, target: Path) -> list[str]:
    """Check that `target` may be published into; the files (relative to it) an earlier publish wrote there."""
    try:
        where, root = target.resolve(), workspace.resolve()
    except (OSError, RuntimeError) as exc:
        raise _refuse(target, f"cannot be resolved: {exc}", "give a plain directory path") from None
    if root.is_relative_to(where):
        raise _refuse(target, "is the workspace or a folder holding it: publishing there would replace the "
                      "workspace's own files", "publish to a new, empty directory, e.g. --to public")
    if any(where.is_relative_to(root / folder) for folder in OWN_FOLDERS):
        raise _refuse(target, "is inside one of the workspace's own folders (" + ", ".join(OWN_FOLDERS) + ")",
                      "publish to a new, empty directory, e.g. --to public")
    if where.exists() and not where.is_dir():
        raise _refuse(target, "exists and is not a directory", "publish to a new, empty directory")
    if not where.exists() or not any(where.iterdir()):
        return []
    marker = where / MARKER
    if not marker.is_file() or marker.is_symlink():
        raise _refuse(target, f"is not empty and holds no earlier publish (no {MARKER}): a publish never deletes "
                      "files it did not write", "publish to a new, empty directory, or empty this one yourself")
    try:
        listed = json.loads(marker.read_text(encoding="utf-8")).get("files")
        if not isinstance(listed, list) or not all(isinstance(f, str) for f in listed):
            raise ValueError("no list of files")
    except (OSError, ValueError, AttributeError) as exc:
        raise _refuse(target, f"{MARKER} cannot be read ({exc}): what an earlier publish wrote is unknown",
                      "empty the directory yourself, or publish to a new one") from None
    # an entry is a file inside the target, written as smsgen writes it: nothing else is ever deleted
    return [f for f in listed if f and not os.path.isabs(f) and within(where / f, where)]


def replace(staging: Path, target: Path, previous: list[str]) -> list[str]:
    """Put the files under `staging` into `target`, in place of those `previous` names, and record them. Refused,
    before anything changes, when a file would overwrite one the earlier publish did not write."""
    where = target.resolve()
    new = sorted(Path(folder, name).relative_to(staging).as_posix()
                 for folder, _, files in os.walk(staging) for name in files)
    mine = set(previous)
    for rel in new:
        dest = where / rel
        if not within(dest, where):
            raise _refuse(target, f"{rel} would be written outside the directory (through a linked folder)",
                          "publish to a new, empty directory")
        clash = _in_the_way(dest, where, mine)
        if clash is not None:
            raise _refuse(target, f"{clash} is in the way and an earlier publish did not write it",
                          "move it away, or publish to a new, empty directory")
    where.mkdir(parents=True, exist_ok=True)
    # recorded first: if the run stops half-way, the next one still knows every file this one may have written
    write_atomic(where / MARKER, json.dumps({"files": sorted(mine | set(new))}, indent=1) + "\n")
    for rel in sorted(mine - set(new), reverse=True):
        gone = where / rel
        if os.path.lexists(gone) and not (gone.is_dir() and not gone.is_symlink()):
            gone.unlink()
        for folder in gone.parents:   # folders left empty by it, never the target or a folder still holding files
            if folder == where or not folder.is_relative_to(where):
                break
            try:
                folder.rmdir()
            except OSError:
                break
    for rel in new:
        dest = where / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        shutil.move(str(staging / rel), dest)
    write_atomic(where / MARKER, json.dumps({"files": new}, indent=1) + "\n")
    return new


def _in_the_way(dest: Path, where: Path, mine: set[str]) -> str | None:
    """What an earlier publish did not write and writing `dest` would replace: the file itself, or a file or link
    where one of its folders must be."""
    for path in (dest, *dest.parents):
        if path == where or not path.is_relative_to(where):
            return None
        rel = path.relative_to(where).as_posix()
        if rel in mine or not os.path.lexists(path):
            continue
        if path == dest or path.is_symlink() or not path.is_dir():
            return rel
    return None
