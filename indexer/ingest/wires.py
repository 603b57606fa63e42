"""The distribution wire of a release and its brands: carriers, never parties.

Every release names the service that carried it (a dateline mark, a byline publisher, an "About NetworkNewsWire"
paragraph, a "…NewsBreaks –" headline prefix); those names are in hundreds of releases and are the issuer of none.
`detect_wire` reads them from the release text (and its `source` field), so that extraction can record the wire as
its own evidence, keep its names out of the org facet and the issuer, and leave the wire's own boilerplate out of NER.
The rules are plain regular expressions over marks the wires themselves print; other modules (boilerplate stripping
for what is embedded and quoted) may import them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.store.records import entity_key

# The corpus's `source` values and the wire each stands for; an unknown source is shown as given.
SOURCE_WIRES = {
    "247pressrelease": "24-7PressRelease", "newsdirect": "News Direct", "ibn": "IBN", "blockchainwire": "BlockchainWire",
    "citybiz": "citybiz", "newmediawire": "NewMediaWire", "newsworthy": "Newsworthy.ai", "pressservices": "Press Services",
    "reportable": "Reportable", "noticiasnewswire": "Noticias Newswire", "prkarma": "PR Karma",
    "keycrew": "KeyCrew", "evertiseaipr": "Evertise AI PR", "prism": "Prism", "mediaoutreach": "Media OutReach",
    "newsusa": "NewsUSA", "boostify": "Boostify", "prvolt": "PRVolt",
}
# Names a wire goes by in text, by canonical name: every one is kept out of the org facet in that wire's releases.
WIRE_NAMES: dict[str, tuple[str, ...]] = {
    "IBN": ("IBN", "InvestorBrandNetwork", "Investor Brand Network", "IBN (InvestorBrandNetwork)"),
    "24-7PressRelease": ("24-7PressRelease", "24-7 Press Release", "24-7PressRelease.com"),
    "News Direct": ("News Direct", "NewsDirect", "newsdirect.com"),
    "NewMediaWire": ("NewMediaWire", "NEWMEDIAWIRE", "New Media Wire", "newmediawire.com"),
    "Newsworthy.ai": ("Newsworthy.ai", "Newsworthy"),
    "Noticias Newswire": ("Noticias Newswire", "NOTICIAS NEWSWIRE"),
    "Business Wire": ("Business Wire", "BUSINESS WIRE", "BusinessWire"),
    "GlobeNewswire": ("GlobeNewswire", "GLOBE NEWSWIRE", "Globe Newswire"),
    "PR Newswire": ("PR Newswire", "PRNewswire"),
    "Benzinga": ("Benzinga",),
    "Reportable": ("Reportable", "Reportable, Inc.", "Reportable Inc."),
    "citybiz": ("citybiz", "CityBiz"),
    "PR Karma": ("PR Karma",),
    "BlockchainWire": ("BlockchainWire", "Blockchain Wire"),
}
_DASH = r"[-–—]"
# Dateline and footer marks the wires print; group 1 (if any) is the wire's name as printed.
_MARKS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple((re.compile(p), w) for p, w in (
    (r"/\s*24-7PressRelease\s*/", "24-7PressRelease"),
    (r"--\s*News Direct\s*--|View source version on newsdirect\.com", "News Direct"),
    (r"\(\s*Newsworthy\.ai\s*\)", "Newsworthy.ai"),
    (r"/\s*PR Karma\s*/", "PR Karma"),
    (r"appeared first on citybiz", "citybiz"),
    (r"Distributed by:\s*Reportable", "Reportable"),
    (r"View the original release on www\.newmediawire\.com", "NewMediaWire"),
    (r"/\s*PRNewswire\s*/", "PR Newswire"),
    (r"This content was originally published on Benzinga|Benzinga is a leading financial media", "Benzinga"),
    (r"\(\s*([A-Za-z0-9 .]{0,30}(?:NEWSWIRE|NewsWire|Newswire|WIRE|Wire))\s*\)\s*" + _DASH, None),
    (_DASH + r"\s*\(\s*(BUSINESS WIRE)\s*\)", None),
))
# IBN's brands: "About TechMediaWire\n TechMediaWire (“TMW”) is ... Dynamic Brand Portfolio @ IBN ...".
_IBN_ABOUT = re.compile(
    r"^[ \t*#]*About ([^\n]{2,60}?)[ \t:*#]*\n+[ \t]*(?:[^\n(]{0,60}\(\s*[“\"]([A-Z&0-9]{2,6})[”\"]\s*\))?"
    r"[^\n]{0,400}?Dynamic Brand Portfolio", re.MULTILINE)
_POWERED = re.compile(r"^[ \t]*([^\n]{2,60}?) is powered by IBN", re.MULTILINE)
_IBN_NOTE = re.compile(r"NOTE TO INVESTORS: IBN is a multifaceted|^[ \t]*About IBN\b|Please see full terms of use and "
                       r"disclaimers on the InvestorBrandNetwork", re.MULTILINE)
# "InvestorNewsBreaks – Acme Corp (NASDAQ: ACME) Receives …", "420 with CNW — Missouri …": the wire's column name.
HEADLINE_PREFIX = re.compile(r"^\s*(\w{2,30}?(?:NewsBreaks|Breaks)|420 with CNW)\s*" + _DASH + r"+\s*")
_EDITORIAL = re.compile(r"^\s*(NetworkNewsWire) Editorial Coverage:", re.MULTILINE)
# "By Meg Flippin, Benzinga" / "By Meg Flippin Benzinga" opening a body: the publisher is the wire, the author its staff.
_BYLINE = re.compile(r"^[ \t]*By ([A-Z][\w.'’ -]{1,40}?),? (Benzinga)[ \t]*$", re.MULTILINE)
# Where the wire's own text starts in an IBN release: nothing after it is about the client.
_WIRE_TAIL = re.compile(r"^[ \t*#]*About [^\n]{2,60}\n+[^\n]{0,400}?Dynamic Brand Portfolio|NOTE TO INVESTORS: IBN is a "
                        r"multifaceted|^[ \t]*DISCLAIMER: [^\n]{0,40}\(\w{2,6}\) is the source", re.MULTILINE)


@dataclass(frozen=True)
class Wire:
    """What a release says about the wire that carried it."""

    wires: tuple[str, ...]  # canonical wire names, the carrier (from `source`) first
    names: frozenset[str]  # entity keys of every name the wire, its brands and its bylined staff go by here
    headline_start: int  # offset in the text after a "…NewsBreaks –" column prefix of the headline (0: none)
    tail_start: int  # offset where the wire's own closing boilerplate starts (len(text): none)
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) of the wire's dateline marks and bylines in the text

    def is_wire(self, name: str) -> bool:
        return entity_key(name) in self.names


_KNOWN_WIRE_KEYS = frozenset(entity_key(n) for canonical, names in WIRE_NAMES.items() for n in (canonical, *names))
_WIRE_LIKE = re.compile(r"(?:Wire|WIRE|NewsBreaks)$")


def is_wire_name(name: str) -> bool:
    """A known wire's name, or one shaped like a wire's brand ("InvestorWire", "CryptoNewsBreaks"), in any release."""
    return entity_key(name) in _KNOWN_WIRE_KEYS or bool(_WIRE_LIKE.search(name.replace(" ", "")))


def _canonical(printed: str) -> str:
    """The canonical name of a wire printed as `printed` ("NEWMEDIAWIRE" -> "NewMediaWire")."""
    key = entity_key(printed)
    for canonical, names in WIRE_NAMES.items():
        if key in {entity_key(n) for n in names}:
            return canonical
    return printed.strip()


def detect_wire(text: str, source: str = "") -> Wire:
    """The wire(s) of a release from its text and `source`: dateline marks, IBN's brand paragraphs and columns,
    bylines. Names are canonical where the wire is known (WIRE_NAMES), as printed otherwise."""
    found: list[str] = []
    names: set[str] = set()
    marks: list[tuple[int, int]] = []

    def add(name: str, *aliases: str) -> None:
        canonical = _canonical(name)
        if canonical not in found:
            found.append(canonical)
        names.update(entity_key(n) for n in (name, canonical, *aliases, *WIRE_NAMES.get(canonical, ())) if n)

    if source:
        add(SOURCE_WIRES.get(source.casefold(), source))
    for pattern, wire in _MARKS:
        for match in pattern.finditer(text):
            add(wire or match.group(1))
            marks.append(match.span())
    for match in _IBN_ABOUT.finditer(text):
        add(match.group(1), match.group(2) or "")
        add("IBN")
    for match in _POWERED.finditer(text):
        add(match.group(1))
        add("IBN")
    if _IBN_NOTE.search(text):
        add("IBN")
    for match in _EDITORIAL.finditer(text):
        add(match.group(1), "NNW")
        marks.append(match.span())
    headline = HEADLINE_PREFIX.match(text)
    if headline:
        column = headline.group(1)
        names.add(entity_key(column))
        if "CNW" in column:
            add("CannabisNewsWire", "CNW", "CNW420")
        add("IBN")
    for match in _BYLINE.finditer(text[:2000]):
        add(match.group(2))
        names.update({entity_key(match.group(1)), entity_key(f"{match.group(1)} {match.group(2)}")})
        marks.append(match.span())
    tail = _WIRE_TAIL.search(text)
    return Wire(tuple(found), frozenset(n for n in names if n), headline.end() if headline else 0,
                tail.start() if tail else len(text), tuple(sorted(marks)))


def blank_marks(text: str, wire: Wire, offset: int = 0) -> str:
    """`text` (which starts at `offset` of the release) with the wire's marks replaced by spaces: same length, so
    offsets stay valid, and NER never reads "--News Direct-- Cobalt Blue" as one name."""
    chars = list(text)
    for start, end in wire.marks:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            chars[i] = " "
    return "".join(chars)
