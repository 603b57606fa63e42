"""The one place that knows the index's file names and how a version is published.

An index directory holds immutable versions and a pointer to the live one:

    INDEX/
      CURRENT                  name of the live version (replaced atomically)
      versions/<name>/         one complete build: keyword/, vectors.faiss, passages.npz, catalog.json, manifest.json
      versions/.build-<uuid>/  a build in progress (never read; removed when stale)

A reader opens the version CURRENT names and keeps it; a build writes a new directory, fsyncs it, renames it into
place and only then swaps CURRENT, so a crash at any point leaves the last good version serving.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
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
IMPACTS = "impacts.npz"  # a cache of the keyword index's BM25F scores (search/impacts.py); rebuilt when missing

KEEP_VERSIONS = 3  # older versions are removed after a publish; readers of recent ones keep working


class IndexNotFound(FileNotFoundError):
    """No published index version at the given location."""


def resolve_index_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """`--index DIR`, else $ANNOUNCEMENTS_INDEX, else ./index."""
    return Path(arg or os.environ.get(ENV_VAR) or DEFAULT_DIR)


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
    """Write JSON durably: temp file, fsync, atomic replace."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, build_dir: Path) -> Path:
    """Make a finished build the live version, atomically, and prune old versions. Returns the version path."""
    _fsync_tree(build_dir)
    name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
    version = index_dir / VERSIONS / name
    os.replace(build_dir, version)
    _fsync_dir(version.parent)
    tmp = index_dir / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    prune(index_dir, keep=name)
    return version


def prune(index_dir: Path, keep: str) -> None:
    """Remove stale build directories and all but the newest KEEP_VERSIONS versions (never `keep`)."""
    versions = index_dir / VERSIONS
    published = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in published[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in versions.glob(BUILD_PREFIX + "*"):
        # A build directory is only ever written by one live process; one older than an hour was abandoned.
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
