"""The one place that knows the index's file names and how a version is published.

An index directory holds immutable versions and a pointer to the live one:

    INDEX/
      CURRENT                  name of the live version (replaced atomically)
      versions/<name>/         one complete build: keyword/, vectors.faiss, passages.npz, catalog.json, manifest.json
      versions/.build-<uuid>/  a build in progress (never read; removed when stale)

A reader opens the version CURRENT names and keeps it; a build writes a new directory, fsyncs it, renames it into
place and only then swaps CURRENT, so a crash at any point leaves the last good version serving.

One writer at a time: `writer_lock` takes an flock on INDEX/.writer.lock, which the kernel releases when the process
dies (even by SIGKILL), so a crashed build never leaves a lock to remove by hand. Under the lock, whatever a crashed
writer left behind (build directories, a version renamed into place but never made CURRENT) is removed.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from indexer.store.atomic import atomic_write, fsync_dir, fsync_file, temp_files

# 2: the catalog stores an alias mention as [full, "alias", count, short] (1: one name, "FULL<TAB>SHORT").
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)  # versions this code reads; it writes FORMAT_VERSION
ENV_VAR = "ANNOUNCEMENTS_INDEX"
DEFAULT_DIR = "index"

CURRENT = "CURRENT"
VERSIONS = "versions"
BUILD_PREFIX = ".build-"
KEYWORD_DIR = "keyword"
VECTORS = "vectors.faiss"
PASSAGES = "passages.npz"
CATALOG = "catalog.json"
MANIFEST = "manifest.json"
POSTINGS = "postings"  # per-segment postings the impacts are computed from (reused by the next update)
IMPACTS = "impacts.npz"  # the keyword index's BM25F scores (indexer/store/impacts.py); a reader computes them in memory if missing
WRITER_LOCK = ".writer.lock"

KEEP_VERSIONS = 3  # older versions are removed after a publish; readers of recent ones keep working


class IndexNotFound(FileNotFoundError):
    """No published index version at the given location."""


class IndexBusy(RuntimeError):
    """Another process is writing this index."""


class IndexMismatch(RuntimeError):
    """The parts of an index version disagree, or the index was built with another model than the one given."""


def resolve_index_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """`--index DIR`, else $ANNOUNCEMENTS_INDEX, else ./index."""
    return Path(arg or os.environ.get(ENV_VAR) or DEFAULT_DIR)


# The `--index DIR` option of every command that reads or writes an index (resolved by resolve_index_dir).
index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None,
    help=f"Index directory (default: ${ENV_VAR}, else ./{DEFAULT_DIR}).",
)


def current_version(index_dir: Path) -> Path:
    """The directory of the live version; IndexNotFound with a fix if there is none."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFound(
            f"no index at {index_dir}: build one with `announcements index [PATH ...] --index {index_dir}`"
        ) from None
    version = index_dir / VERSIONS / name
    if not (version / MANIFEST).is_file():
        raise IndexNotFound(f"index pointer {pointer} names {name!r}, which is missing or incomplete; rebuild the index")
    return version


def new_build_dir(index_dir: Path) -> Path:
    """A fresh private directory to write a build into."""
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    path = versions / f"{BUILD_PREFIX}{uuid.uuid4().hex}"
    path.mkdir()
    return path


def write_json(path: Path, data: Any) -> None:
    """Write JSON durably and atomically. json.dumps, not json.dump: dump streams through the pure-Python encoder,
    dumps uses the C one (a full-corpus catalog: ~5x faster to write)."""
    text = json.dumps(data, ensure_ascii=False)
    with atomic_write(path) as fh:
        fh.write(text)


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            fsync_file(Path(dirpath, name))
        fsync_dir(Path(dirpath))


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's single-writer lock; IndexBusy at once if another live process holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise IndexBusy(f"another process (pid {holder}) is writing the index at {index_dir}; "
                            "wait for it to finish and run the command again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        remove_abandoned(index_dir)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def remove_abandoned(index_dir: Path) -> list[Path]:
    """Remove what a crashed writer left: build directories and versions that never became CURRENT.

    Only call this holding `writer_lock`: then no live process is writing any of them.
    """
    versions = index_dir / VERSIONS
    if not versions.is_dir():
        return []
    try:
        current = current_version(index_dir).name
    except IndexNotFound:
        current = ""
    removed = []
    for path in versions.iterdir():
        # A published version newer than CURRENT was renamed into place by a writer killed before the swap.
        if path.name.startswith(BUILD_PREFIX) or (path.is_dir() and path.name > current and current):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for tmp in [*temp_files(index_dir / CURRENT), index_dir / (CURRENT + ".tmp")]:  # and the name used before
        tmp.unlink(missing_ok=True)
    return removed


def _version_name() -> str:
    # Microseconds, so that names sort in publishing order even for two builds in one second.
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]


def publish(index_dir: Path, build_dir: Path, *, on_stage: Callable[[str], None] | None = None) -> Path:
    """Make a finished build the live version, atomically, and prune old versions. Returns the version path.

    `on_stage` is told "renamed" (build renamed into place, CURRENT not yet swapped) and "swapped" (before pruning);
    the crash tests kill the process there.
    """
    _fsync_tree(build_dir)
    name = _version_name()
    version = index_dir / VERSIONS / name
    os.replace(build_dir, version)
    fsync_dir(version.parent)
    if on_stage:
        on_stage("renamed")
    with atomic_write(index_dir / CURRENT) as fh:
        fh.write(name + "\n")
    if on_stage:
        on_stage("swapped")
    prune(index_dir, keep=name)
    return version


def prune(index_dir: Path, keep: str) -> None:
    """Remove all but the newest KEEP_VERSIONS versions up to `keep` (the live one, always kept)."""
    versions = index_dir / VERSIONS
    published = sorted(p for p in versions.iterdir()
                       if p.is_dir() and not p.name.startswith(".") and p.name <= keep)
    for old in published[:-KEEP_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)
