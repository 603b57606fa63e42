"""The entity catalog: every resolved entity (name, type, votes) and which entities each release mentions.

It is the source of truth for entity types: the keyword index stores only entity keys, so a type decided by the
corpus-wide vote lives in one place.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from indexer.entities import ENTITY_TYPES, EntityInfo, Mention, entity_key, resolve_entities
from indexer.layout import read_json, write_json

MAX_RECORD_VALUES = 20  # dates and amounts kept per release


@dataclass(frozen=True)
class ReleaseEntities:
    keys: tuple[str, ...]  # entity keys, most mentioned first
    dates: tuple[str, ...] = ()
    money: tuple[str, ...] = ()


@dataclass
class Catalog:
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    releases: dict[str, ReleaseEntities] = field(default_factory=dict)

    def lookup(self, type_: str, name: str) -> EntityInfo | None:
        """The entity of this type with this name (case- and whitespace-insensitive), or None."""
        info = self.entities.get(entity_key(name))
        return info if info is not None and info.type == type_ else None

    def names_by_type(self, release_id: str) -> dict[str, list[str]]:
        """{"org": [...], "person": [...], "place": [...], "facility": [...]} with display names."""
        grouped: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
        record = self.releases.get(release_id)
        if record is None:
            return grouped
        for key in record.keys:
            info = self.entities[key]
            grouped[info.type].append(info.name)
        return grouped

    def to_json(self) -> dict:
        return {
            "entities": {
                k: {"name": e.name, "type": e.type, "votes": e.votes, "releases": e.releases}
                for k, e in self.entities.items()
            },
            "releases": {
                rid: {"keys": list(r.keys), "dates": list(r.dates), "money": list(r.money)}
                for rid, r in self.releases.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> "Catalog":
        entities = {
            k: EntityInfo(key=k, name=e["name"], type=e["type"], votes=e["votes"], releases=e["releases"])
            for k, e in data["entities"].items()
        }
        releases = {
            rid: ReleaseEntities(tuple(r["keys"]), tuple(r["dates"]), tuple(r["money"]))
            for rid, r in data["releases"].items()
        }
        return cls(entities, releases)

    def save(self, path: Path) -> None:
        write_json(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "Catalog":
        return cls.from_json(read_json(path))


def _unique(values: Iterable[str], limit: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))[:limit]


def build_catalog(release_ids: Sequence[str], mentions: Sequence[Sequence[Mention]]) -> Catalog:
    """Resolve one type per entity over the whole corpus and record each release's entities."""
    entities = resolve_entities(mentions)
    releases: dict[str, ReleaseEntities] = {}
    for rid, release_mentions in zip(release_ids, mentions, strict=True):
        counts = Counter(
            entity_key(m.name) for m in release_mentions if m.label in ENTITY_TYPES
        )
        # Most mentioned first; Counter keeps first-seen order among equals.
        keys = tuple(k for k, _ in counts.most_common() if k in entities)
        releases[rid] = ReleaseEntities(
            keys=keys,
            dates=_unique((m.name for m in release_mentions if m.label == "date"), MAX_RECORD_VALUES),
            money=_unique((m.name for m in release_mentions if m.label == "money"), MAX_RECORD_VALUES),
        )
    return Catalog(entities, releases)
