"""The entity catalog: every resolved entity (name, type, votes, aliases) and which entities each release mentions.

The catalog is a pure function of every release's mentions (`build_catalog`), and each release's mentions are kept in
it, so the catalog can be recomputed after adding or removing releases without running NER again. The keyword index
stores only mention keys; the catalog maps them to canonical entities and decides their types, so neither merging
aliases nor re-voting types ever requires rewriting indexed documents.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from indexer.store.records import CATEGORIES, ENTITY_TYPES, EntityInfo, Mention, entity_key
from indexer.store.layout import read_json, write_json

MAX_RECORD_VALUES = 20  # dates and amounts kept per release
# The issuer counts as a mention of its org: "About Acme Holdings" names Acme even where NER missed it.
NAMING_LABELS = frozenset(ENTITY_TYPES) | {"issuer"}


@dataclass(frozen=True)
class ReleaseEntities:
    keys: tuple[str, ...]  # canonical entity keys, most mentioned first
    mentions: tuple[tuple[Mention, int], ...] = ()  # (mention, count): the extraction output this was built from
    issuer: str | None = None  # canonical key of the issuing organisation

    @property
    def category(self) -> str:
        """The announcement type (indexer.ingest.categories), "other" when extraction recorded none."""
        return next((m.name for m, _ in self.mentions if m.label == "category" and m.name in CATEGORIES), "other")

    @property
    def dates(self) -> tuple[str, ...]:
        return tuple(m.name for m, _ in self.mentions if m.label == "date")[:MAX_RECORD_VALUES]

    @property
    def money(self) -> tuple[str, ...]:
        return tuple(m.name for m, _ in self.mentions if m.label == "money")[:MAX_RECORD_VALUES]

    def mention_list(self) -> list[Mention]:
        """The mentions with their multiplicity, as `build_catalog` takes them."""
        return [m for m, count in self.mentions for _ in range(count)]

    def mention_keys(self) -> tuple[str, ...]:
        """What the keyword index stores for this release: the distinct keys of its facet mentions."""
        return tuple(dict.fromkeys(entity_key(m.name) for m, _ in self.mentions if m.label in NAMING_LABELS))


def _mention_json(mention: Mention, count: int) -> list:
    """[name, label, count], and the short form last for an alias: [full, "alias", count, short]."""
    row = [mention.name, mention.label, count]
    return row + [mention.short] if mention.short else row


# Catalogs written before aliases were typed held an alias as one name, "FULL<TAB>SHORT".
_OLD_ALIAS_SEPARATOR = "\t"


def _mention_from_json(row: list) -> tuple[Mention, int]:
    name, label, count, *rest = row
    short = rest[0] if rest else ""
    if label == "alias" and not short:
        name, _, short = name.partition(_OLD_ALIAS_SEPARATOR)
    return Mention(name, label, short), int(count)


@dataclass
class Catalog:
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    releases: dict[str, ReleaseEntities] = field(default_factory=dict)
    # Surface form -> type of the names the build looked for in every release (indexer.ingest.propagate).
    propagated: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.alias_of: dict[str, str] = {a: k for k, e in self.entities.items() for a in e.aliases or (k,)}

    def find(self, name: str) -> EntityInfo | None:
        """The entity a name (or any of its aliases) refers to, case- and whitespace-insensitive."""
        key = self.alias_of.get(entity_key(name))
        return self.entities.get(key) if key else None

    def lookup(self, type_: str, name: str) -> EntityInfo | None:
        """The entity of this type with this name or alias, or None."""
        info = self.find(name)
        return info if info is not None and info.type == type_ else None

    def names_by_type(self, release_id: str) -> dict[str, list[str]]:
        """{"org": [...], "person": [...], "place": [...], "facility": [...]} with display names."""
        grouped: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
        record = self.releases.get(release_id)
        for key in record.keys if record else ():
            info = self.entities[key]
            grouped[info.type].append(info.name)
        return grouped

    def issuer_name(self, release_id: str) -> str | None:
        """Display name of the organisation that issued the release, or None if it names none."""
        record = self.releases.get(release_id)
        return self.entities[record.issuer].name if record and record.issuer in self.entities else None

    def alias_names(self, key: str) -> list[str]:
        """The surface forms the corpus uses for an entity, most common first (its display name included)."""
        if not hasattr(self, "_surfaces"):
            surfaces: dict[str, Counter[str]] = {}
            for record in self.releases.values():
                for m, count in record.mentions:
                    if m.label in NAMING_LABELS:
                        canonical = self.alias_of.get(entity_key(m.name))
                        if canonical:
                            surfaces.setdefault(canonical, Counter())[m.name] += count
            self._surfaces = surfaces
        found = self._surfaces.get(key, Counter())
        # Case variants of one form are one alias.
        forms = dict.fromkeys(max((s for s in found if entity_key(s) == entity_key(f)), key=found.get)
                              for f, _ in found.most_common())
        return list(forms)

    def to_json(self) -> dict:
        return {
            "entities": {
                k: {"name": e.name, "type": e.type, "votes": e.votes, "releases": e.releases,
                    "aliases": list(e.aliases or (k,)), "typed_by": e.typed_by}
                for k, e in self.entities.items()
            },
            "releases": {
                rid: {"keys": list(r.keys), "mentions": [_mention_json(m, n) for m, n in r.mentions], "issuer": r.issuer}
                for rid, r in self.releases.items()
            },
            "propagated": self.propagated,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Catalog":
        entities = {
            k: EntityInfo(key=k, name=e["name"], type=e["type"], votes=e["votes"], releases=e["releases"],
                          aliases=tuple(e.get("aliases") or (k,)), typed_by=e.get("typed_by", "unknown"))
            for k, e in data["entities"].items()
        }
        # The same few mentions recur across releases ("Nasdaq" as an org, a category): build each once.
        known: dict[tuple, tuple[Mention, int]] = {}

        def mention(row: list) -> tuple[Mention, int]:
            key = tuple(row)
            found = known.get(key)
            if found is None:
                found = known[key] = _mention_from_json(row)
            return found

        releases = {
            rid: ReleaseEntities(tuple(r["keys"]), tuple(mention(row) for row in r["mentions"]), r.get("issuer"))
            for rid, r in data["releases"].items()
        }
        return cls(entities, releases, data.get("propagated") or {})  # catalogs before propagation: none

    def save(self, path: Path) -> None:
        write_json(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "Catalog":
        return cls.from_json(read_json(path))
