"""Per-release evidence read from the release text next to the NER output, stored as extra mentions.

The catalog is a pure function of each release's stored mentions. Canonicalisation needs more than names and labels,
so extraction also records, as mentions with their own labels:
- ``alias``: an acronym defined in the text, "China International Marine Containers (CIMC)" → Alias(full, short);
- ``actor``: a name used as the subject of an agentive verb ("Qingdao Port signed ..."), which makes a port an org;
- ``issuer``: the organisation that issued the release (dateline, "About X" paragraph, title).
"""
from __future__ import annotations

import re
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


# "(NEWMEDIAWIRE) -", "(NewMediaWire) - September 20, 2024 -": the issuer's name follows the dateline.
_DATELINE = re.compile(
    r"\((?:[A-Za-z .]*(?:wire|newswire|press)[A-Za-z .]*)\)\s*[-–—]+\s*"
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}\s*[-–—]+\s*)?",
    re.IGNORECASE,
)
DATELINE_WINDOW = 60  # characters after the dateline in which the issuer's name starts
_ABOUT = re.compile(r"^[\s*#_]*About\s+(?:the\s+)?([^\n*#:]{2,80}?)[\s*:_#]*$", re.MULTILINE)


def find_issuer(text: str, title_end: int, orgs: list[OrgSpan]) -> str | None:
    """The issuing organisation, by the strength of the evidence: the org named right after the wire dateline; else
    the first "About X" paragraph; else an org in the dateline's opening words ("The law firm of Kessler Topaz ...",
    checked after "About" because NER often misses the issuer there and finds only its ticker); else the title's
    first org. None when the release names none of these."""
    dateline = _DATELINE.search(text, title_end)
    opening = [o for o in orgs if dateline and dateline.end() <= o.start <= dateline.end() + DATELINE_WINDOW]
    if opening and opening[0].start <= dateline.end() + 4:
        return opening[0].name
    about = _ABOUT.search(text, title_end)
    if about:
        # "About ABVC BioPharma & Its Industry": the company, not what follows it.
        return re.split(r"\s+(?:&|and)\s+(?:its|their)\b", about.group(1), flags=re.IGNORECASE)[0].strip().rstrip(".,;")
    if opening:
        return opening[0].name
    in_title = [o for o in orgs if o.start < title_end]
    return in_title[0].name if in_title else None
