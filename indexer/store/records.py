"""The records an index version holds, shared by the writers (indexer.ingest) and the readers (search):
a release, an entity mention, a resolved entity, and the closed vocabularies (entity types, announcement types)."""
from __future__ import annotations

import datetime
import functools
import unicodedata
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

ENTITY_TYPES = ("org", "person", "place", "facility")
RECORD_TYPES = ("date", "money")
# Per-release evidence for the catalog (indexer.ingest.evidence), not facet values: see Mention.label. A ``wire`` is
# the service that carried the release (indexer.ingest.wires), a ``ticker`` an "EXCHANGE:SYMBOL" it prints.
EVIDENCE_TYPES = ("alias", "actor", "issuer", "category", "wire", "ticker")
Label = Literal["org", "person", "place", "facility", "date", "money", "alias", "actor", "issuer", "category", "wire",
                "ticker"]
LABELS: tuple[str, ...] = get_args(Label)
assert LABELS == ENTITY_TYPES + RECORD_TYPES + EVIDENCE_TYPES  # one vocabulary, written once per meaning

CATEGORIES = ("agreement", "acquisition", "results", "financing", "product", "appointment", "other")
CATEGORY_LABELS = {
    "agreement": "agreement / partnership",
    "acquisition": "acquisition / merger",
    "results": "results / earnings",
    "financing": "financing / investment",
    "product": "product / launch",
    "appointment": "appointment / people",
    "other": "other",
}

_KEY_TRANSLATION = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
})


@dataclass(frozen=True)
class Release:
    id: str
    title: str
    body: str
    date: datetime.date | None
    source: str = ""
    url: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity (or a piece of evidence about one) in a release.

    An ``alias`` mention is a short form defined in the release: `name` is the full name and `short` the form that
    stands for it ("China International Marine Containers" / "CIMC")."""

    name: str  # normalised surface form
    label: Label
    short: str = ""  # alias mentions only

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"mention label must be one of {', '.join(LABELS)} (got {self.label!r})")
        if bool(self.short) != (self.label == "alias"):
            raise ValueError("an alias mention has a short form, and only an alias mention has one")


class Alias(NamedTuple):
    """A short form defined in a release for a longer name: "China International Marine Containers (CIMC)"."""

    full: str
    short: str


@dataclass
class EntityInfo:
    """An entity resolved over the whole corpus."""

    key: str
    name: str
    type: str
    votes: dict[str, int]
    releases: int
    aliases: tuple[str, ...] = ()  # mention keys merged into this entity (its own key included)
    # What decided `type`: "vote" (the majority of `votes`), "head word X" (a word of the name, e.g. "Port", fixes
    # it whatever NER said) or "issuer" (it issued a release, so it is an organisation); "unknown" in a catalog
    # written before this was recorded.
    typed_by: str = "vote"


def _collapse(text: str) -> str:
    # str.split() without arguments also splits on NBSP and other Unicode spaces.
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 18)  # a corpus names the same entities again and again (1.8M calls, ~150k names)
def entity_key(name: str) -> str:
    """Matching key: NFKC, curly quotes and dashes straightened, whitespace collapsed, casefolded."""
    return _collapse(unicodedata.normalize("NFKC", name).translate(_KEY_TRANSLATION)).casefold()
