"""Corpus-level name propagation: a name the corpus confidently knows as an entity is found wherever it occurs.

NER reads the opening of each release (entities.NER_WORDS) and the small model misses names even there ("Coinbase",
"Binance", "LinkedIn" in one release, found in ten others). After extraction, the names that several releases agree
on (same type in at least MIN_SHARE of their mentions, in at least MIN_RELEASES releases) are matched as exact,
case-sensitive whole words (one Aho-Corasick automaton over all of them, pyahocorasick: the corpus's 24,676 releases
in seconds, where spaCy's PhraseMatcher spent 107 s tokenizing) in each release's headline and content (its wire
boilerplate left out, indexer.store.boilerplate), and every one the release does not name yet is added as a mention
of that type. What may as well be words is not propagated (_generic): a one-word name the corpus also writes in lower
case ("Base", "Mode"; "Coinbase" is kept), a Title Case phrase of such words, an adjective-like compound ("AI-Powered"),
a list ("Facebook, Instagram"), a place of the gazetteer ("America"), an exchange, a wire or its brands; a person
only by a full name.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from typing import Callable, Iterable, Sequence

from indexer.ingest.canonical import resolve_entities
from indexer.ingest.patterns import is_exchange_name
from indexer.ingest.places import is_gazetteer_place
from indexer.ingest.wires import is_wire_name
from indexer.store.boilerplate import content
from indexer.store.records import Mention, entity_key

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
    wires: set[str] = set()
    for release in mentions:
        for m in release:
            if m.label in _NAMING:
                votes[m.name]["org" if m.label == "issuer" else m.label] += 1
            elif m.label == "wire":
                wires.add(m.name.casefold())
    names: dict[str, str] = {}
    for name, counted in votes.items():
        type_ = type_of.get(entity_key(name))
        if type_ is None or counted[type_] < MIN_SHARE * sum(counted.values()) or len(name) < MIN_CHARS:
            continue
        if _generic(name, type_, lower) or name.casefold() in wires or is_wire_name(name):
            continue
        names[name] = type_
    return names


_CALENDAR = frozenset(w.casefold() for w in (*calendar.day_name, *calendar.month_name) if w)
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ese|ian|ians|ans|ish|ino|inos|ers)")  # "Japanese", "Latino", "Marylanders"
_LEGAL_COMMA = re.compile(r",\s*(?:Inc|Ltd|LLC|LLP|L\.?P|Corp|Co|S\.?A|N\.?V|AG|PLC|GmbH)\b\.?$")


def _generic(name: str, type_: str, lower: set[str]) -> bool:
    """A name that may as well be words (see the module's docstring)."""
    words = name.split()
    if not any(c.isupper() for c in name) or is_exchange_name(name) or is_gazetteer_place(name):
        return True
    if not name[0].isalnum() or re.match(r"\d{4}\s*[-–]", name):
        return True  # a bullet or a copyright year glued on: "• Check", "2024 - Acme Ltd"
    if "," in name and not _LEGAL_COMMA.search(name):
        return True  # a list of names, not one
    if len(words) == 1:
        parts = [p for p in re.split(r"[-/]", name) if p]
        if type_ == "person" or name.casefold() in lower or (name.isupper() and len(name) <= 5):
            return True
        if re.fullmatch(r"[A-Z]{2,}s", name) or _DEMONYM.fullmatch(name):
            return True  # a plural acronym ("SMBs", "CMOs"), a people's name ("Japanese")
        return len(parts) > 1 and all(p.casefold() in lower or p.isupper() and len(p) <= 5 for p in parts)
    if type_ == "person" and any(w.casefold() in lower for w in words):
        return True  # "Marquis Who", "Twitter X": not a person's name
    # "Contact Information", "Phase 2b", "Black Friday": words, numbers and days.
    return all(w.casefold() in lower or w.casefold() in _CALENDAR or any(c.isdigit() for c in w) for w in words)


def readable_text(title: str, body: str) -> str:
    """What names are looked for in: the headline and the body without its wire boilerplate."""
    return title + "\n\n" + content(body)


def names_to_propagate(texts: Sequence[str], mentions: Sequence[Sequence[Mention]]) -> dict[str, str]:
    """The confident names (confident_names) of a corpus: `texts` are its releases' readable_text."""
    return confident_names(mentions, lower_words(texts))


def propagate(texts: Sequence[str], mentions: Sequence[Sequence[Mention]], names: dict[str, str],
              advance: Callable[[], None] = lambda: None) -> list[list[Mention]]:
    """Each release's mentions plus the `names` (surface form -> type) found in its readable_text and not yet among
    its names: one added mention per name and release. `advance` is called after each release."""
    import ahocorasick

    if not names:
        return [list(release) for release in mentions]
    automaton = ahocorasick.Automaton()
    for name, type_ in names.items():
        automaton.add_word(name, (name, type_))
    automaton.make_automaton()
    out: list[list[Mention]] = []
    for text, release in zip(texts, mentions, strict=True):
        out.append(list(release))
        advance()
        # One name per line: a name cannot match across two ("Robotics Harbor" in "Acme Robotics" + "Harbor Bank").
        named = "\n".join(entity_key(m.name) for m in release if m.label in _NAMING or m.label == "alias")
        added: set[str] = set()
        for start, name, type_ in _whole_word_matches(automaton, text):
            key = entity_key(name)
            if key in added or re.search(r"(?<!\w)" + re.escape(key) + r"(?!\w)", named):
                continue  # already named, on its own or inside a longer name ("Sprott" in "Sprott Physical ...")
            added.add(key)
            out[-1].append(Mention(name, type_))
    return out


def _whole_word_matches(automaton, text: str) -> list[tuple[int, str, str]]:
    """(start, name, type) of the leftmost-longest non-overlapping whole-word matches. Every match is taken from
    `iter` and chosen here: pyahocorasick's own `iter_long` drops matches reached through fallback links (its issue
    #133), and a longest match inside a longer word would hide a shorter whole-word one at the same place."""
    found = []
    for end, (name, type_) in automaton.iter(text):
        start = end - len(name) + 1
        if (start > 0 and _word_char(text[start - 1])) or (end + 1 < len(text) and _word_char(text[end + 1])):
            continue  # inside a longer word: "Ford" in "Fordham"
        found.append((start, -len(name), name, type_))
    chosen, reached = [], 0
    for start, negative_length, name, type_ in sorted(found):
        if start >= reached:
            chosen.append((start, name, type_))
            reached = start - negative_length
    return chosen


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"
