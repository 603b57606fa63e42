"""Exact matches are never buried: quoted phrases and known entity names in the query.

Users lose trust when a query that names something ("Qingdao Port", "SITC agreements") returns releases that never
say it above ones that do. Each quoted phrase and each catalog entity named in the query becomes an `ExactTerm`
with the set of releases that contain it; the engine orders releases by how many of those terms they contain, and
by fused relevance within that tier.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from indexer.store.catalog import Catalog
from indexer.store.records import EntityInfo
from search.runs import ordinal_array

if TYPE_CHECKING:  # the retriever is only passed through
    from search.keyword import KeywordRetriever

QUOTED = re.compile(r'"([^"]+)"')
MAX_NAME_WORDS = 6  # longest entity name looked up in the query, in words
# Entity names become exact terms only when they make up at least this share of the query's (unquoted) words: a
# query that is mostly names ("SITC agreements", "Steyr Motors buys BUKH") asks for those entities, while a long
# description that happens to contain a name ("1/2000 in UK have abnormal PrP positivity") does not. Measured on
# SciFact test: tiering on every recognised name dropped keyword nDCG@10 from 0.678 to 0.635.
NAME_SHARE = 0.5
# Releases whose word positions one request may read to settle exact terms (~20 µs each: at most ~0.4 s). Past it,
# releases not yet checked count as lacking the term: a bound on a request's work, reached only by many phrases of
# common words paged deep.
MAX_PHRASE_CHECKS = 20_000
# Entity types that set the scene rather than name the subject of a query: they weigh least in the tiers.
CONTEXT_TYPES = frozenset({"place"})
# Stripped from both ends of each query word before names are looked up ("(SITC)," → "SITC").
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}<>,;:!?"


class ExactTerm:
    """A quoted phrase or an entity named in the query, with the releases known to contain it.

    Whether a release contains a phrase of common words ("Sales & Marketing") takes word positions, ~20 µs per
    release in Whoosh, and thousands of releases hold all the words. Only the releases that can reach the page need
    the answer, so a term may start with `maybe` (releases that have all its words) and a `check` that settles a
    few of them; `tier_positions` asks for what it needs.
    """

    def __init__(self, kind: str, text: str, matches: Iterable[int] | np.ndarray, maybe: Iterable[int] | np.ndarray = (),
                 check: Callable[[np.ndarray], np.ndarray] | None = None, weight: int = 1) -> None:
        self.kind = kind  # "phrase" (quoted by the user) or "entity" (a catalog entity named in the query)
        self.text = text  # the phrase as typed, or the entity's canonical name
        self.weight = weight  # what containing it adds to a release's tier (exact_terms: a place weighs least)
        self.matches = ordinal_array(matches)  # release ordinals known to contain it
        self.maybe = np.setdiff1d(ordinal_array(maybe), self.matches, assume_unique=True)  # not yet checked
        self._check = check  # sorted ordinals -> which of them contain it (bool array)
        if len(self.maybe) and check is None:
            raise ValueError("an exact term with unchecked releases needs a check")

    def settle(self, ordinals: np.ndarray) -> None:
        """Check whichever of these releases are still unchecked."""
        pending = np.intersect1d(ordinals, self.maybe)
        if not len(pending):
            return
        found = pending[np.asarray(self._check(pending), dtype=bool)]  # type: ignore[misc]
        self.matches = ordinal_array(np.concatenate([self.matches, found]))
        self.maybe = np.setdiff1d(self.maybe, pending, assume_unique=True)

    def give_up(self) -> None:
        """Stop checking: the releases not yet checked count as not containing the term."""
        self.maybe = np.zeros(0, dtype=np.int64)

    def contains(self, ordinal: int) -> bool:
        """Whether the release is known to contain the term (settle it first)."""
        i = int(np.searchsorted(self.matches, ordinal))
        return i < len(self.matches) and int(self.matches[i]) == ordinal


def quoted_phrases(q: str) -> list[str]:
    """The non-empty "quoted" parts of a query, in order, without duplicates."""
    return list(dict.fromkeys(" ".join(m.split()) for m in QUOTED.findall(q) if m.strip()))


def named_entities(q: str, catalog: Catalog, *, min_chars: int = 2) -> list[tuple[str, EntityInfo]]:
    """Catalog entities named in the query as (words as typed, entity): longest names first, no overlaps.

    Only spans with a capital letter or a digit count: a name typed in lower case ("port") is more often a word
    than a name, and an all-lower-case span would turn every common noun that NER once tagged into a filter.
    """
    words = [w.strip(_EDGE_PUNCTUATION) for w in QUOTED.sub(" ", q).split()]
    found: list[tuple[int, int, str, EntityInfo]] = []
    taken: set[int] = set()
    looked_up: dict[str, EntityInfo | None] = {}  # a span typed twice is looked up once ("company" x 120: 6 lookups)
    for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if taken.intersection(span) or not all(words[i] for i in span):
                continue
            text = " ".join(words[i] for i in span)
            if text not in looked_up:
                named = len(text) >= min_chars and any(c.isupper() or c.isdigit() for c in text)
                looked_up[text] = (catalog.find(text) or catalog.find(text.rstrip("."))) if named else None
            info = looked_up[text]
            if info is not None:
                found.append((start, size, text, info))
                taken.update(span)
    found.sort()
    unique = {info.key: (text, info) for _, _, text, info in reversed(found)}  # first mention wins
    return [unique[k] for k in dict.fromkeys(info.key for *_, info in found)]


def query_entities(q: str, catalog: Catalog) -> list[tuple[str, EntityInfo]]:
    """The named entities of a query that is mostly names (NAME_SHARE), else none."""
    found = named_entities(q, catalog)
    words = [w for w in QUOTED.sub(" ", q).split() if w.strip(_EDGE_PUNCTUATION)]
    covered = sum(len(typed.split()) for typed, _ in found)
    return found if words and covered >= NAME_SHARE * len(words) else []


def exact_terms(q: str, catalog: Catalog, keyword: "KeywordRetriever",
                releases_of: Callable[[EntityInfo], np.ndarray]) -> list[ExactTerm]:
    """Quoted phrases and catalog entities in the query, each with the releases that contain it or may (those are
    checked by tier_positions, for the releases that can reach the page). An entity is contained by the releases
    tagged with it (`releases_of`) and by those whose text has its name as typed."""
    named = query_entities(q, catalog)
    # The subject of "Partners Group office in the Gulf" is the company: a release naming it outranks one that
    # names only the place, however many places the query names. A place weighs 1, anything else one more than
    # all the places together.
    subject = 1 + sum(info.type in CONTEXT_TYPES for _, info in named)
    terms = [_phrase_term("phrase", p, p, keyword, weight=subject) for p in quoted_phrases(q)]
    for typed, info in named:
        terms.append(_phrase_term("entity", info.name, typed, keyword, releases_of(info),
                                  weight=1 if info.type in CONTEXT_TYPES else subject))
    return terms


def named_releases(terms: Iterable[ExactTerm]) -> np.ndarray:
    """The releases (sorted ordinals) known to contain an entity the query names: a keyword search keeps them
    whatever other words of the query they lack (KeywordRetriever.ranked), so the entity tier can lift them."""
    found = [t.matches for t in terms if t.kind == "entity"]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _phrase_term(kind: str, text: str, phrase: str, keyword: "KeywordRetriever",
                 tagged: np.ndarray | None = None, weight: int = 1) -> ExactTerm:
    """The releases whose text contains `phrase` (stemmed words, in order), or that are in `tagged`."""
    phrase_query = keyword.parse('"' + phrase.replace('"', " ") + '"')
    sure, maybe = keyword.phrase_candidates(phrase_query)
    if tagged is not None:
        sure = np.union1d(sure, tagged)
    return ExactTerm(kind, text, sure, maybe, lambda ordinals: keyword.contains(phrase_query, ordinals), weight)


def tier_order(scored: Sequence[tuple[int, float]], terms: Iterable[ExactTerm], depth: int | None = None,
               primary: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Releases containing more exact terms first; within a tier the fused order is kept (the sort is stable).
    (tier_positions on a list of (ordinal, score) pairs.)"""
    ordinals = np.fromiter((o for o, _ in scored), dtype=np.int64, count=len(scored))
    return [scored[i] for i in tier_positions(ordinals, terms, depth, primary).tolist()]


def tier_positions(ordinals: np.ndarray, terms: Iterable[ExactTerm], depth: int | None = None,
                   primary: np.ndarray | None = None) -> np.ndarray:
    """The order (positions into `ordinals`, which is in fused order) that puts releases containing more exact
    terms first (each counted by its `weight`), keeping the fused order within a tier.

    `primary` (one number per release, higher first) orders before the tiers (the date, for sort=date).
    With `depth`, only the first `depth` releases of the result are certain to be in their final places: terms are
    checked for those only. That is exact for them: each release is placed by an upper bound of its tier (known
    matches plus unchecked ones), and the first `depth` are checked until none of them rests on an unchecked term.
    """
    terms = list(terms)
    if not len(ordinals) or (not terms and primary is None):
        return np.arange(len(ordinals))
    keys = [] if primary is None else [-np.asarray(primary)]
    # Releases to check per round: the unsettled ones nearest the top, four times as many each round. When few
    # releases hold a phrase, confirming the page means checking most of those with its words; growing the batch
    # keeps that to a few rounds (each round re-sorts and re-reads the postings).
    batch = depth or len(ordinals)
    budget = MAX_PHRASE_CHECKS
    while True:
        known = np.zeros(len(ordinals), dtype=np.int64)
        bound = np.zeros(len(ordinals), dtype=np.int64)
        for term in terms:
            inside = np.isin(ordinals, term.matches)
            known += term.weight * inside
            bound += term.weight * (inside | np.isin(ordinals, term.maybe))
        # numpy: a corpus query has thousands of scored releases, and a Python sort key per release cost ~7 ms.
        order = np.lexsort([np.arange(len(ordinals)), -bound, *keys]) if keys else np.argsort(-bound, kind="stable")
        head = order if depth is None else order[:depth]
        if np.array_equal(bound[head], known[head]):
            return order
        unsettled = order[bound[order] != known[order]]
        if len(unsettled) > 2 * batch:
            unsettled = unsettled[:batch]  # else all of them: a last short round would cost a round for little
        pending = np.unique(ordinals[unsettled])
        checks = sum(len(np.intersect1d(pending, term.maybe, assume_unique=True)) for term in terms)
        if checks > budget:
            for term in terms:
                term.give_up()
            continue  # every bound is now known: the next round returns
        budget -= checks
        for term in terms:
            term.settle(pending)
        batch *= 4


def terms_in(ordinal: int, terms: Iterable[ExactTerm]) -> list[dict[str, str]]:
    """The exact terms a release contains, for explain."""
    return [{"kind": t.kind, "text": t.text} for t in terms if t.contains(ordinal)]
