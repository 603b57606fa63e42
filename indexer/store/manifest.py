"""A version's manifest (manifest.json): what the version holds and how it was built, checked once when read.

Readers (the engine, `check`, an update's base) take a `Manifest`, never the raw JSON: a missing or mistyped field is
one clear `ManifestError` at open time instead of a KeyError deep inside a query.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.store import layout


class ManifestError(ValueError):
    """The manifest is missing, unreadable, of another format version, or lacks a field; the message says which."""


@dataclass(frozen=True)
class Manifest:
    embedding_model: str
    dimensions: int
    ner_model: str
    releases: int
    passages: int
    entities: int
    passage_words: int
    passage_overlap: int
    # The defaults below are what a manifest written before the field existed means (the engine still reads those
    # versions): passages were not capped, the keyword index had schema 1, the precision was not recorded.
    max_passages: int = 0
    keyword_schema: int = 1
    embedding_precision: str = ""
    skipped: int = 0  # files or lines the build reported and skipped
    created: str = field(default_factory=lambda: Manifest.now())
    format: int = layout.FORMAT_VERSION
    base_version: str | None = None  # an update: the version it was made from
    update: dict[str, int] | None = None  # an update: added / replaced / deleted / unchanged
    # The folders (real absolute paths) the ids of files are relative to (indexer.ingest.ids); none before they were
    # recorded, and then ids are relative to the folders named in the run.
    roots: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "roots", tuple(self.roots))  # JSON gives a list

    @staticmethod
    def now() -> str:
        """A `created` time: now, in UTC, to the second."""
        return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: Any, where: Path | str = "manifest") -> "Manifest":
        """The manifest in `data` (parsed manifest.json); ManifestError naming `where` and the field if it is not one.

        Fields this code does not know (a newer writer's additions within the same format) are ignored.
        """
        if not isinstance(data, dict):
            raise ManifestError(f"{where} is not a JSON object; rebuild the index")
        if not _is_whole(data.get("format")) or data["format"] not in layout.READABLE_FORMATS:
            raise ManifestError(f"index format {data.get('format')!r} at {where} is not one this version reads "
                                f"({', '.join(map(str, layout.READABLE_FORMATS))}); rebuild it")
        missing = [name for name in _REQUIRED if name not in data]
        if missing:
            raise ManifestError(f"{where} lacks {', '.join(missing)}; rebuild the index")
        values = {k: v for k, v in data.items() if k in _FIELDS}
        for name, value in values.items():
            problem = _CHECKS[name](value)
            if problem:
                raise ManifestError(f"{where}: {name} must be {problem} (got {value!r}); rebuild the index")
        return cls(**values)

    @classmethod
    def load(cls, version_dir: Path) -> "Manifest":
        """The manifest of the version in `version_dir`."""
        path = version_dir / layout.MANIFEST
        try:
            data = layout.read_json(path)
        except (OSError, ValueError) as exc:  # ValueError: not JSON, or not UTF-8
            raise ManifestError(f"cannot read {path}: {exc}; rebuild the index") from None
        return cls.from_json(data, path)

    def save(self, version_dir: Path) -> None:
        layout.write_json(version_dir / layout.MANIFEST, self.to_json())

    def replace(self, **changes: Any) -> "Manifest":
        return dataclasses.replace(self, **changes)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON true is a Python int


def _count(value: Any) -> str | None:
    return None if _is_whole(value) and value >= 0 else "a whole number, 0 or more"


def _name(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty string"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _optional_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "a string"


def _paths(value: Any) -> str | None:
    ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.startswith("/") for v in value)
    return None if ok else "a list of absolute paths"


def _changes(value: Any) -> str | None:
    ok = value is None or (isinstance(value, dict) and all(isinstance(k, str) and _is_whole(n) and n >= 0
                                                            for k, n in value.items()))
    return None if ok else "an object of counts"


_FIELDS = {f.name for f in dataclasses.fields(Manifest)}
# Every manifest ever written has these; the others have a meaning when absent (see the defaults above).
_REQUIRED = [f.name for f in dataclasses.fields(Manifest) if f.default is dataclasses.MISSING
             and f.default_factory is dataclasses.MISSING] + ["created"]
_CHECKS = {
    "embedding_model": _name, "ner_model": _name, "embedding_precision": _text, "created": _name,
    "base_version": _optional_text, "update": _changes, "format": _count, "roots": _paths,
    **{name: _count for name in ("dimensions", "releases", "passages", "entities", "passage_words",
                                 "passage_overlap", "max_passages", "keyword_schema", "skipped")},
}
