"""Corpus-level name propagation: a name the corpus confidently knows as an entity is found wherever it occurs.

NER reads the opening of each release (entities.NER_WORDS) and the small model misses names even there ("Coinbase",
"Binance", "LinkedIn" in one release, found in ten others). After extraction, the names that several releases agree
on (same type in at least MIN_SHARE of their mentions, in at least MIN_RELEASES releases) are matched as exact,
case-sensitive token sequences (spaCy's PhraseMatcher over the tokenizer alone, no model) in each release's headline
and content (its wire boilerplate left out, indexer.store.boilerplate), and every one the release does not name yet
is added as a mention of that type. A one-word name is only propagated if the corpus never writes it in lower case
(so "Base" or "Mode", which are also words, are not; "Coinbase" is), and a person only by a full name.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from indexer.ingest.canonical import resolve_entities
from indexer.ingest.patterns import EXCHANGE_NAMES
from indexer.store.boilerplate import content
from indexer.store.records import Mention, entity_key

if TYPE_CHECKING:
    import spacy

PROPAGATED_TYPES = ("org", "person", "facility")
MIN_RELEASES = 2  # a name NER found in one release only is not yet known to the corpus
MIN_SHARE = 0.8  # of the name's mentions, this share carry the entity's type
MIN_CHARS = 3
_LOWER_WORD = re.compile(r"(?<![\w.@/-])[a-z][a-z'-]+(?![\w@/])")
_NAMING = frozenset(PROPAGATED_TYPES) | {"place", "issuer"}


def lower_words(texts: Iterable[str]) -> set[str]:
    """Every word the texts write in lower case (a name that is also such a word is not propagated alone)."""
    words: set[str] = set()
    for text in texts:
        words.update(_LOWER_WORD.findall(text))
    return words


def confident_names(mentions: Sequence[Sequence[Mention]], lower: set[str]) -> dict[str, str]:
    """Surface form -> type of the names to propagate: the corpus types their entity as org, person or facility, in
    at least MIN_RELEASES releases, with at least MIN_SHARE of that name's mentions of that type."""
    entities = resolve_entities(mentions)
    type_of = {a: e.type for e in entities.values() if e.releases >= MIN_RELEASES and e.type in PROPAGATED_TYPES
               for a in e.aliases or (e.key,)}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for release in mentions:
        for m in release:
            if m.label in _NAMING:
                votes[m.name]["org" if m.label == "issuer" else m.label] += 1
    names: dict[str, str] = {}
    for name, counted in votes.items():
        type_ = type_of.get(entity_key(name))
        if type_ is None or counted[type_] < MIN_SHARE * sum(counted.values()) or len(name) < MIN_CHARS:
            continue
        if _generic(name, type_, lower):
            continue
        names[name] = type_
    return names


def _generic(name: str, type_: str, lower: set[str]) -> bool:
    """A name that may as well be words: no capital; one word written in lower case elsewhere, or a short acronym
    ("DIY", "CDMO"), or a first name alone; a Title Case phrase of such words ("Contact Information", "Phase 2"); an
    exchange (named by the ticker mentions)."""
    words = name.split()
    if not any(c.isupper() for c in name) or name.casefold() in EXCHANGE_NAMES:
        return True
    if len(words) == 1:
        return type_ == "person" or name.casefold() in lower or (name.isupper() and len(name) <= 5)
    return all(w.casefold() in lower or not any(c.isalpha() for c in w) for w in words)


def readable_text(title: str, body: str) -> str:
    """What names are looked for in: the headline and the body without its wire boilerplate."""
    return title + "\n\n" + content(body)


def names_to_propagate(texts: Sequence[str], mentions: Sequence[Sequence[Mention]]) -> dict[str, str]:
    """The confident names (confident_names) of a corpus: `texts` are its releases' readable_text."""
    return confident_names(mentions, lower_words(texts))


@functools.lru_cache(maxsize=1)
def _tokenizer() -> "spacy.Language":
    import spacy

    return spacy.blank("en")  # the tokenizer the English models use; no model is loaded


def propagate(texts: Sequence[str], mentions: Sequence[Sequence[Mention]], names: dict[str, str],
              advance: Callable[[], None] = lambda: None) -> list[list[Mention]]:
    """Each release's mentions plus the `names` (surface form -> type) found in its readable_text and not yet among
    its names: one added mention per name and release. `advance` is called after each release."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Span
    from spacy.util import filter_spans

    if not names:
        return [list(release) for release in mentions]
    nlp = _tokenizer()
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for type_ in PROPAGATED_TYPES:
        patterns = [nlp.make_doc(name) for name, t in names.items() if t == type_]
        if patterns:
            matcher.add(type_, patterns)
    out: list[list[Mention]] = []
    for text, release in zip(texts, mentions, strict=True):
        out.append(list(release))
        advance()
        doc = nlp.make_doc(text)
        named = " ".join(entity_key(m.name) for m in release if m.label in _NAMING or m.label == "alias")
        added: set[str] = set()
        for span in filter_spans(Span(doc, start, end, label=match) for match, start, end in matcher(doc)):
            key = entity_key(span.text)
            if key in added or re.search(r"(?<!\w)" + re.escape(key) + r"(?!\w)", named):
                continue  # already named, on its own or inside a longer name ("Sprott" in "Sprott Physical ...")
            added.add(key)
            out[-1].append(Mention(" ".join(span.text.split()), span.label_))
    return out
