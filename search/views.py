"""What the lookups return: a release with its body and entities, an entity's profile, an entity in a list.

Typed records with `to_json()`; the JSON API shows exactly that, and the HTML pages read the same fields.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReleaseView:
    id: str
    title: str
    date: dt.date | None
    source: str
    url: str
    body: str
    entities: dict[str, list[str]]  # type -> canonical names, most mentioned first
    issuer: str | None
    category: str
    dates: tuple[str, ...]  # dates the release mentions
    money: tuple[str, ...]  # amounts it mentions

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date.isoformat() if self.date else None,
                "source": self.source, "url": self.url, "body": self.body, "entities": self.entities,
                "issuer": self.issuer, "category": self.category, "dates": list(self.dates),
                "money": list(self.money)}


@dataclass(frozen=True)
class EntitySummary:
    """An entity as listed by /api/entities and in an entity's co-occurrences."""

    name: str
    type: str
    releases: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "releases": self.releases}


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM
    releases: int

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, "releases": self.releases}


@dataclass(frozen=True)
class EntityProfile:
    name: str
    type: str
    aliases: list[str]  # the surface forms the corpus uses, most common first
    votes: dict[str, int]  # how NER typed its mentions
    releases: int
    issued: int  # releases this organisation issued
    release_ids: list[str]  # newest first
    cooccurring: list[EntitySummary]
    months: list[MonthCount]  # every month from the first to the last release, gaps as 0
    typed_by: str = "vote"  # what decided the type (indexer.store.records.EntityInfo.typed_by)

    @property
    def type_evidence(self) -> str:
        """Why the entity has its type, in words a reader can check: "Typed org: 12 of 14 mentions read as org"."""
        total = sum(self.votes.values())
        others = ", ".join(f"{n} as {t}" for t, n in sorted(self.votes.items(), key=lambda v: (-v[1], v[0]))
                           if t != self.type)
        read = f"{self.votes.get(self.type, 0)} of {total} mention{'' if total == 1 else 's'} read as {self.type}"
        if self.typed_by == "unknown":  # an index built before the reason was recorded: the counts, no claim
            return f"Mentions: {read}" + (f", {others}" if others else "") + " (rebuild the index to see what typed it)"
        if self.typed_by == "vote":
            return f"Typed {self.type}: {read}" + (f" ({others})" if others else "")
        reason = (f"because it issued {self.issued} release{'' if self.issued == 1 else 's'}"
                  if self.typed_by == "issuer" else f"by its {self.typed_by}")
        return f"Typed {self.type} {reason}; {read}" + (f", {others}" if others else "")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "aliases": self.aliases, "votes": self.votes,
                "typed_by": self.typed_by, "type_evidence": self.type_evidence,
                "releases": self.releases, "issued": self.issued, "release_ids": self.release_ids,
                "cooccurring": [c.to_json() for c in self.cooccurring], "months": [m.to_json() for m in self.months]}
