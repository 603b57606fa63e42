"""Per-release evidence read from the release text next to the NER output, stored as extra mentions.

The catalog is a pure function of each release's stored mentions. Canonicalisation needs more than names and labels,
so extraction also records, as mentions with their own labels:
- ``alias``: an acronym defined in the text, "China International Marine Containers (CIMC)" → Alias(full, short);
- ``actor``: a name used as the subject of an agentive verb ("Qingdao Port signed ..."), which makes a port an org;
- ``issuer``: the organisation that issued the release (dateline, "About X" paragraph, title).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indexer.ingest.legal_forms import AMBIGUOUS, LEGAL_FORMS
from indexer.store.records import Alias

# The legal tail spaCy often cuts off a company name: "CIMC Wetrans Logistics Technology" + " (Group) Co., Ltd.".
# A bracketed group word, then legal forms as written, never an AMBIGUOUS one (longest first: "Ltd." before "Ltd").
_TAIL_FORMS = sorted((form for form in LEGAL_FORMS if form not in AMBIGUOUS), key=len, reverse=True)
LEGAL_TAIL = re.compile(
    r"(?:\s*\((?:Group|Holdings?|International)\))?"
    r"(?:,?\s+(?:" + "|".join(map(re.escape, _TAIL_FORMS)) + r")(?!\w))*"
)
_ACTOR_VERBS = (
    "signed signs said says announced announces agreed agrees entered enters partnered partners launched launches "
    "reported reports acquired acquires invested invests appointed appoints welcomed welcomes hosted hosts "
    "completed completes unveiled unveils operates operated"
).split()
ACTOR_AFTER = re.compile(r"\s+(?:has\s+|have\s+|will\s+|today\s+|also\s+)?(?:" + "|".join(_ACTOR_VERBS) + r")\b")

_ACRONYM = re.compile(r"\(\s*(?:the\s+)?[\"“]?([A-Z][A-Za-z&]{1,9})[\"”]?\s*\)")
_SKIPPABLE = frozenset("of and & the for de du la".split())
_WORD = re.compile(r"[\w&’'.-]+")


def acronym_aliases(text: str) -> list[Alias]:
    """Alias(full, acronym) for every "Full Name (ACR)" whose capitalised initials spell ACR (connector words skipped)."""
    found: list[Alias] = []
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        letters = [c for c in acronym if c.isupper()]
        if len(letters) < 2 or len(letters) != sum(c.isalpha() for c in acronym if c.isupper() or c == "&"):
            continue
        before = text[max(0, match.start() - 200) : match.start()]
        words = _WORD.findall(before)
        if words and len(words[-1]) > len(acronym) and [c for c in words[-1] if c.isupper()] == letters:
            found.append(Alias(words[-1], acronym))  # "InvestorBrandNetwork (IBN)"
            continue
        want = list(reversed(letters))
        used: list[str] = []
        i = len(words) - 1
        while want and i >= 0:
            word = words[i]
            if word.casefold() in _SKIPPABLE and used:
                used.append(word)
            elif word[:1].upper() == want[0] and word[:1].isupper():
                used.append(word)
                want.pop(0)
            else:
                break
            i -= 1
        if not want and used and used[-1].casefold() not in _SKIPPABLE:
            full = " ".join(reversed(used))
            if full.casefold() != acronym.casefold():
                found.append(Alias(full, acronym))
    return found


@dataclass(frozen=True)
class OrgSpan:
    name: str
    start: int  # character offset in the release text


# Datelines after which the issuer's name follows: "(NEWMEDIAWIRE) - September 20, 2024 -", "/24-7PressRelease/ --",
# "--News Direct--", "(Newsworthy.ai) Friday Dec 1, 2023 @ 2:20 PM America/Dawson_Creek —", "/ PR Karma / Nov 20, 2025 16:15".
_DATELINE = re.compile(
    r"\((?:[A-Za-z .]*(?:wire|newswire|press)[A-Za-z .]*)\)\s*[-–—]+\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}\s*[-–—]+\s*)?"
    r"|/\s*24-7PressRelease\s*/\s*-*\s*|--\s*News Direct\s*--\s*"
    r"|\(\s*Newsworthy\.ai\s*\)[^—\n]{0,60}—\s*|/\s*PR Karma\s*/[^\n]{0,30}\n\s*",
    re.IGNORECASE,
)
DATELINE_WINDOW = 60  # characters after the dateline in which the issuer's name starts
# "Everett, United States - September 14, 2025 / CloseBot /": the issuer between slashes after the date.
_SLASH_ISSUER = re.compile(r"[A-Z][a-z]+ \d{1,2}, \d{4}\s*/\s*([^/\n]{2,80}?)\s*/\s*(?:\n|$)")
_ABOUT = re.compile(r"^[\s*#_]*About\s+(?:the\s+)?([^\n*#:]{2,80}?)[\s*:_#]*$", re.MULTILINE | re.IGNORECASE)
# "About Acme: Founded in 2018, ...": a heading ended by a colon, the name without brackets (a ticker's colon,
# "About Qualys Qualys, Inc. (NASDAQ: QLYS)", is not the heading's) and a capital after it.
_ABOUT_COLON = re.compile(r"^[\s*#_]*About\s+(?:the\s+)?([^\n*#:(]{2,80}?)[*_]*:[*_]*[ \t]+(?-i:[A-Z])",
                          re.MULTILINE | re.IGNORECASE)
# A body flattened to one line (24-7PressRelease): "… resources.  About Creative Biolabs Creative Biolabs is a leading".
_ABOUT_INLINE = re.compile(r"\bAbout\s+((?:[A-Z][\w&.'’-]*\s+(?:(?:of|and|&|for|the)\s+)?){0,5}[A-Z][\w&.'’-]*)\s+\1(?!\w)")
# Words that say what kind of organisation the subject of "X is a ..." is: a person is not "a leading provider".
_ORG_NOUNS = ("company|firm|organi[sz]ation|provider|platform|agency|brand|network|manufacturer|"
              "institution|foundation|association|start-?up|studio|practice|producer|retailer|operator|"
              "distributor|consultancy|supplier|maker|fund|bank|insurer|publisher|school|university|hospital|clinic|"
              "cent(?:er|re)|restaurant|exchange|marketplace|laboratory|lab|nonprofit|non-profit|charity|"
              "subsidiary|community|service")
# IBN's articles end with the client: "NOTE TO INVESTORS: The latest news and updates relating to Acme Corp. (NASDAQ:
# ACME) are available in the company's newsroom".
_CLIENT_NOTE = re.compile(r"NOTE TO INVESTORS: The latest news and updates relating to ([^\n(]{2,80}?)\s*(?:\([^)\n]*\)\s*)*"
                          r"are available")
# The release's own web domains ("www.huntingtonfinejewelers.com", "Company Websitehttps://www.metis.io/",
# "info@closebot.com"): the issuer is the org, or the capitalised name in the text, that the domain spells.
_DOMAIN = re.compile(r"(?:https?://|www\.|@)(?:www\.)?([a-z0-9-]{3,40})\.(?:com|net|org|io|ai|co|us|ca|uk|de|me|tv|info|"
                     r"biz|vip|global|health|law|app|tech|gov|edu)\b", re.IGNORECASE)
_NOT_ISSUER_DOMAINS = frozenset("""facebook twitter x linkedin instagram youtube youtu tiktok telegram t gmail yahoo
    outlook hotmail icloud amazon google bit apple spotify medium discord reddit wikipedia linktr doi""".split())
_CAPITALISED_RUN = re.compile(r"[A-Z0-9][\w&.'’\-]*(?:[ \t]+(?:of|and|&|the|for|de)?[ \t]*[A-Z0-9][\w&.'’\-]*){0,5}")
_SQUASH = re.compile(r"[^a-z0-9]")


def _squash(name: str) -> str:
    return _SQUASH.sub("", name.casefold())


_LEGAL_ONLY = frozenset(_squash(form) for form in LEGAL_FORMS)


def _domain_name(text: str, orgs: list[OrgSpan], is_wire: Callable[[str], bool]) -> str | None:
    """The org (else the capitalised name in `text`) that the release's first usable web domain spells."""
    domains = [d.casefold() for d in _DOMAIN.findall(text)]
    domains = [d for d in dict.fromkeys(domains) if d not in _NOT_ISSUER_DOMAINS and not is_wire(d)]
    for domain in domains:
        for org in orgs:
            squashed = _squash(org.name)
            if squashed == domain or (len(squashed) >= 5 and (squashed in domain or domain in squashed)):
                return org.name
    for domain in domains[:2]:
        for run in _CAPITALISED_RUN.finditer(text):
            words = run.group(0).split()
            for size in range(len(words), 0, -1):  # the longest prefix of the run that spells the domain
                name = " ".join(words[:size]).rstrip(".,")
                if _squash(name) == domain and not is_wire(name):
                    return name
    return None


def described_as_org(text: str, name: str) -> bool:
    """The release says what kind of organisation `name` is ("Creative Biolabs is a leading contract research
    organization", "Disability Law Group is a law firm", "Hooky Wellness is dedicated to"), or was founded."""
    named = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
    said = re.compile(named + r"(?:,[^,\n]{0,60},)?\s+(?:is|are)\s+(?:(?:a|an|the|one of the)\s+"
                      r"(?:[\w&'’-]+\s+){0,6}?(?:" + _ORG_NOUNS + r")s?\b|dedicated to|committed to|headquartered)"
                      r"|(?:Founded|Established)\b[^.\n]{0,80}?,\s*" + named, re.IGNORECASE)
    return bool(said.search(text))


def _about_name(raw: str) -> str:
    # "About ABVC BioPharma & Its Industry": the company, not what follows it; "About the Company - FitFast": FitFast.
    raw = re.sub(r"^(?:the\s+)?company\s*[-–—:]\s*", "", raw, flags=re.IGNORECASE)
    return re.split(r"\s+(?:&|and)\s+(?:its|their)\b", raw, flags=re.IGNORECASE)[0].strip().rstrip(".,;")


def find_issuer(text: str, title_end: int, orgs: list[OrgSpan], *, title_start: int = 0,
                is_wire: Callable[[str], bool] = lambda name: False, symbols: dict[str, str] | None = None,
                listed: Sequence[str] = ()) -> str | None:
    """The issuing organisation, by the strength of the evidence: the name between slashes after a dateline date
    ("/ CloseBot /"), the org named right after a wire dateline; the client of a wire article ("NOTE TO INVESTORS ...
    relating to X"); the first "About X" paragraph that is not the wire's; an org in the dateline's opening words
    ("The law firm of Kessler Topaz ...", checked after "About" because NER often misses the issuer there and finds
    only its ticker); the org (else the capitalised name) that the release's web domain spells; the first company
    printed with a ticker
    (`listed`: a wire's article about its client names others in its title); the title's first org. None when the
    release names none of these. Wire names (`is_wire`) are never the issuer; `symbols` maps ticker symbols found in
    the release to the companies they were printed after."""
    symbols = symbols or {}
    slash = _SLASH_ISSUER.search(text, title_end, title_end + 400)
    if slash and not is_wire(slash.group(1)):
        return slash.group(1)
    orgs = [o for o in orgs if not is_wire(o.name)]
    dateline = _DATELINE.search(text, title_end, title_end + 600)
    opening = [o for o in orgs if dateline and dateline.end() <= o.start <= dateline.end() + DATELINE_WINDOW]
    if opening and opening[0].start <= dateline.end() + 4:
        return opening[0].name
    client = _CLIENT_NOTE.search(text)
    if client and not is_wire(client.group(1)):
        name = client.group(1).strip()
        if not (name.isupper() and " " not in name):
            return name
        if name in symbols:  # "relating to ANVS": the company printed before "(NYSE: ANVS)"
            return symbols[name]
    for about in (*_ABOUT.finditer(text, title_end), *_ABOUT_INLINE.finditer(text, title_end),
                  *_ABOUT_COLON.finditer(text, title_end)):
        name = _about_name(about.group(1))
        if not any(c.isupper() for c in name) or _squash(name) in _LEGAL_ONLY:
            continue  # "About the study: …", "about us", "About Inc. Inc." (the magazine): not an issuer's name
        if not is_wire(name) and name.casefold() not in ("us", "the company", "company", "the author"):
            return name
    if opening:
        return opening[0].name
    named = _domain_name(text, orgs, is_wire)
    if named:
        return named
    if listed:
        return listed[0]
    in_title = [o for o in orgs if title_start <= o.start < title_end]
    return in_title[0].name if in_title else None
