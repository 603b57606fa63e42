"""Canonical entities: group mention keys that name the same thing, then decide one name and one type per group.

Groups are unions of mention keys on evidence:
- everywhere in the corpus: case/punctuation variants ("Co. Ltd" = "Co., Ltd."), and legal suffixes of orgs
  ("Acme Inc." = "Acme");
- defined in a release: acronyms ("China International Marine Containers (CIMC)"), stored as ``alias`` mentions;
- used in one release: a short form of a longer org name in that release that drops only descriptive words
  ("CIMC Wetrans" of "CIMC Wetrans Logistics Technology (Group) Co., Ltd."), and a person's surname alone.
An acronym or short form merges only with the name it stands for in at least 80% of its uses in the corpus.

The type is the corpus-wide vote, overridden by the name's head word, and by being a release's issuer (an org): ministries, governments and commissions are
orgs; provinces and cities are places; railways, terminals, ports are facilities unless the corpus uses the name as
an actor ("Qingdao Port signed ..."), which makes it the operating company, an org.
"""
from __future__ import annotations

import functools

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from indexer.ingest.legal_forms import LEGAL_FORMS
from indexer.ingest.places import is_city, is_gazetteer_place
from indexer.store.catalog import NAMING_LABELS, Catalog, ReleaseEntities
from indexer.store.records import ENTITY_TYPES, EntityInfo, Mention, entity_key

_TIE_ORDER = ("org", "place", "facility", "person")
_ORG_HEADS = frozenset("""
    government ministry commission committee department bureau administration council authority agency
    association federation university institute bank exchange court parliament congress""".split())
_ORG_FIRST = frozenset("ministry department bureau office commission".split())
_PLACE_HEADS = frozenset("province city county prefecture municipality region district state".split())
_FACILITY_HEADS = frozenset("""
    railway railroad terminal port airport harbour harbor wharf pier station bridge park pipeline canal
    project mine deposit property hotel resort stadium speedway arena refinery mill""".split())
_WORDS = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1 << 18)  # called for every mention of the corpus, on few distinct keys
def loose_key(key: str) -> str:
    """Letters and digits only: "co., ltd." and "co. ltd" are the same."""
    return " ".join(_WORDS.findall(key))


# The last words an org's name may drop and stay the same org ("Acme Inc." = "Acme"): the legal forms of
# legal_forms.py as loose keys (a dotted "S.A." is the two words "s a"; its undotted "SA" is the one kept), and,
# for this merge only, "group" and "holdings" ("SITC Logistics Group" = "SITC Logistics").
_LEGAL = frozenset(loose for loose in (loose_key(form.casefold()) for form in LEGAL_FORMS) if " " not in loose) \
    | {"group", "holdings"}
# Words a company drops when it shortens its own name in a release; legal words included.
_DESCRIPTIVE = _LEGAL | frozenset("""
    holding logistics technology technologies tech international global industries industrial enterprises
    systems solutions services shipping company the labs lab laboratories pharmaceuticals pharma therapeutics
    biosciences biopharma resources mining energy capital media digital health""".split())


def _strip_tail(loose: str, words: frozenset[str]) -> str:
    parts = loose.split()
    while len(parts) > 1 and parts[-1] in words:
        parts.pop()
    return " ".join(parts)


class _Groups:
    """Union-find over mention keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _majority(votes: Counter[str]) -> str:
    return max(votes, key=lambda t: (votes[t], -_TIE_ORDER.index(t)))


def type_rule(name: str, actor: bool) -> tuple[str, str] | None:
    """The type a name's head (or first) word fixes and that word as the name writes it; None leaves it to the vote."""
    words = loose_key(entity_key(name)).split()
    if not words:
        return None
    head, first = words[-1], words[0]

    def as_written(word: str) -> str:
        return next((w for w in _WORDS.findall(name) if w.casefold() == word), word)

    if head in _ORG_HEADS:
        return "org", as_written(head)
    if first in _ORG_FIRST:
        return "org", as_written(first)
    if head in _PLACE_HEADS and len(words) > 1:
        return "place", as_written(head)
    if head in _FACILITY_HEADS:
        return ("org" if actor else "facility"), as_written(head)
    if first == "port" and len(words) > 2 and words[1] == "of":
        return ("org" if actor else "facility"), as_written(first)
    return None


# A name the corpus reads as a person is an organisation if it issues at least this share of the releases naming
# it: one issuer guess among hundreds of mentions ("Trump" as a headline's first name) is the guess's error.
ISSUER_SHARE = 0.2
DOMINANT_SHARE = 0.8  # an acronym or short form merges with the name it stands for in at least this share of uses


def _dominant_targets(edges: dict[str, Counter[str]], groups: _Groups) -> Iterable[tuple[str, str]]:
    """(short, long) pairs where the short form stands for one group in >= DOMINANT_SHARE of its uses; a short
    form split between different names ("SEC": the regulator, a sports conference) merges nothing."""
    for short, longs in edges.items():
        by_root: Counter[str] = Counter()
        example: dict[str, str] = {}
        for long, count in longs.items():
            root = groups.find(long)
            by_root[root] += count
            example.setdefault(root, long)
        root, count = by_root.most_common(1)[0]
        if count >= DOMINANT_SHARE * sum(by_root.values()):
            yield short, example[root]


def _issuer_makes_org(type_: str, name: str, issued: int, releases: int) -> bool:
    """Whether having issued releases makes an entity of this voted type an organisation: a place unless the
    gazetteer knows it (a country, state or city: "About Canada" is the issuer guess's error; "LinkedIn" read as a
    place is NER's), a person only if it issues ISSUER_SHARE of its releases."""
    if type_ == "org" or not issued:
        return False
    if type_ == "person":
        return issued >= ISSUER_SHARE * releases
    return not (is_gazetteer_place(name) or is_city(name))


def resolve_entities(mentions_per_release: Iterable[Sequence[Mention]]) -> dict[str, EntityInfo]:
    """One EntityInfo per canonical entity, keyed by the key of its display name, with every alias key."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    in_releases: dict[str, set[int]] = defaultdict(set)
    actors: set[str] = set()
    issued: Counter[str] = Counter()  # releases whose issuer a key is
    acronym_edges: dict[str, Counter[str]] = defaultdict(Counter)
    short_edges: dict[str, Counter[str]] = defaultdict(Counter)
    for number, mentions in enumerate(mentions_per_release):
        keys_by_type: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            if m.label in ENTITY_TYPES or m.label == "issuer":
                label = "org" if m.label == "issuer" else m.label
                key = entity_key(m.name)
                votes[key][label] += 1
                surfaces[key][m.name] += 1
                in_releases[key].add(number)
                keys_by_type[label].add(key)
            elif m.label == "actor":
                actors.add(entity_key(m.name))
            if m.label == "issuer":
                issued[entity_key(m.name)] += 1
            elif m.label == "alias":
                acronym_edges[entity_key(m.short)][loose_key(entity_key(m.name))] += 1
        for long in keys_by_type["org"]:
            core = _strip_tail(loose_key(long), _DESCRIPTIVE)
            for short in keys_by_type["org"]:
                if short != long and loose_key(short) == core:
                    short_edges[short][long] += 1
        people = keys_by_type["person"]
        for long in people:
            surname = long.rsplit(" ", 1)[-1]
            if " " in long and surname in people:
                short_edges[surname][long] += 1

    groups = _Groups()
    org_like = {k for k, v in votes.items() if _majority(v) == "org"}
    by_loose: dict[str, str] = {}
    for key in votes:  # case and punctuation variants
        groups.union(key, by_loose.setdefault(loose_key(key), key))
    by_core: dict[str, str] = {}
    for key in sorted(org_like):  # legal suffixes: "Acme Inc." = "Acme", "Brera Holdings PLC" = "Brera Holdings"
        core = _strip_tail(loose_key(key), _LEGAL)
        if core in by_loose and by_loose[core] in org_like:
            groups.union(key, by_loose[core])
        groups.union(key, by_core.setdefault(core, key))
    known_fulls = {s: Counter({by_loose[f]: n for f, n in fulls.items() if f in by_loose})
                   for s, fulls in acronym_edges.items() if s in votes}
    for short, full in _dominant_targets({s: c for s, c in known_fulls.items() if c}, groups):
        groups.union(short, full)
    for short, long in _dominant_targets(short_edges, groups):
        groups.union(short, long)

    members: dict[str, list[str]] = defaultdict(list)
    for key in votes:
        members[groups.find(key)].append(key)
    entities: dict[str, EntityInfo] = {}
    for keys in members.values():
        if len(keys) == 1:  # most entities have one key: read its tallies rather than copy them
            group_votes, group_surfaces, releases = votes[keys[0]], surfaces[keys[0]], in_releases[keys[0]]
        else:
            group_votes, group_surfaces, releases = Counter(), Counter(), set()
            for key in keys:
                group_votes.update(votes[key])
                group_surfaces.update(surfaces[key])
                releases |= in_releases[key]
        name = min(group_surfaces, key=lambda s: (-group_surfaces[s], -len(s), s))
        ruled = type_rule(name, actor=any(k in actors for k in keys))
        type_, typed_by = (ruled[0], f"head word {ruled[1]}") if ruled else (_majority(group_votes), "vote")
        if _issuer_makes_org(type_, name, sum(issued[k] for k in keys), len(releases)):
            # It issued a release (dateline, "About" paragraph): an organisation, whatever NER said.
            type_, typed_by = "org", "issuer"
        if type_ == "person" and all(" " not in s for s in group_surfaces):
            continue  # a surname never linked to a full name ("Sheer", "McNally"): not a person one can pick
        canonical = entity_key(name)
        entities[canonical] = EntityInfo(
            key=canonical, name=name, type=type_, votes=dict(group_votes), releases=len(releases),
            aliases=tuple(sorted(keys, key=lambda k: (k != canonical, k))), typed_by=typed_by,
        )
    return entities


def build_catalog(release_ids: Sequence[str], mentions: Sequence[Sequence[Mention]],
                  propagated: dict[str, str] | None = None) -> Catalog:
    """Resolve one entity (and type) per real-world name over the whole corpus; record each release's entities, and
    the names the build propagated (indexer.ingest.propagate), which an update looks for in its new releases."""
    entities = resolve_entities(mentions)
    alias_of = {a: k for k, e in entities.items() for a in e.aliases or (k,)}
    releases: dict[str, ReleaseEntities] = {}
    for rid, release_mentions in zip(release_ids, mentions, strict=True):
        counted = Counter(release_mentions)
        by_entity = Counter(
            alias_of[entity_key(m.name)] for m in release_mentions
            if m.label in NAMING_LABELS and entity_key(m.name) in alias_of
        )
        issuer = next((alias_of.get(entity_key(m.name)) for m in release_mentions if m.label == "issuer"), None)
        releases[rid] = ReleaseEntities(
            keys=tuple(k for k, _ in by_entity.most_common()),  # most mentioned first, then first seen
            mentions=tuple(counted.items()),
            issuer=issuer if issuer and entities[issuer].type == "org" else None,
        )
    return Catalog(entities, releases, dict(propagated or {}))
