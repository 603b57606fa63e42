"""Durable, atomic file writes: a reader sees the old file or the complete new one, never a part, even after a crash.

Every durable write goes the same way: a temp file in the target's directory (so that the rename stays on one file
system), written, flushed and fsynced, renamed over the target with os.replace, then the directory fsynced so that
the rename itself survives a power loss. If the write raises, the temp file is removed and the target is untouched.

The temp name is unique per call (pid and a random part): two processes may write the same file at once (two
readers of a new version both writing its impacts cache; two servers exporting the query encoder) and the last
rename wins with a complete file either way.
"""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Literal

TEMP_SUFFIX = ".tmp"


def temp_path(path: Path) -> Path:
    """A fresh hidden temp name beside `path`."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}{TEMP_SUFFIX}")


def temp_files(path: Path) -> list[Path]:
    """Temp files that writes of `path` left behind (a process killed mid-write cannot remove its own)."""
    return sorted(path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"))


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make the directory's entries (a rename, a new file) durable."""
    fsync_file(path)  # a directory opened read-only can be fsynced on Linux


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path for a writer that takes a file name (FAISS, the ONNX exporter); it replaces `path` on success.

    The writer must have closed the file when the block ends; it is fsynced here before the rename.
    """
    path = Path(path)
    tmp = temp_path(path)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # after a failure (after the rename there is nothing to remove)
    fsync_dir(path.parent)


@contextmanager
def atomic_write(path: Path, mode: Literal["w", "wb"] = "w") -> Iterator[IO]:
    """An open temp file (text in UTF-8, or binary) that replaces `path` when the block ends without raising."""
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding="utf-8" if mode == "w" else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


def link_or_copy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """`target` as a hard link to `source` (no bytes copied), or a copy where the file system cannot link.

    Only for files no writer ever changes in place: every file of a published version, and Whoosh's segment files,
    which Whoosh writes once under a new name and never reopens for writing.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """A new directory `target` whose files are hard links to those under `source` (copies where linking fails)."""
    shutil.copytree(source, target, copy_function=link_or_copy)
