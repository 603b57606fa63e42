"""Cleaning entity surface forms: what spaCy returns as a name is often not one ("the Company", "Co., Ltd.",
"Avenue Z Promotes Nneka Etoniru", "Meg Flippin Benzinga"). `normalise_name` strips quotes, possessives, punctuation
and honorifics, and returns None for junk: fragments of sentences, headlines, URLs and datelines, generic words,
impossible person names.
"""
from __future__ import annotations

import re

from indexer.ingest.legal_forms import AMBIGUOUS, LEGAL_FORMS
from indexer.store.records import RECORD_TYPES
_MAX_NAME_CHARS = 80
_GENERIC_WORDS = frozenset("""
    board party company companies group government committee department ministry
    commission council management team directors director chairman chairwoman chair
    president vice ceo cfo coo cto office division unit business subsidiary subsidiaries
    firm corporation organisation organization authority agency bureau administration
    shareholders shareholder investors secretary secretariat general manager executive
    senior deputy
    contact contacts notice statement statements tools media relations release press safe harbor
    forward-looking clinical trial trials equity offering update supervisory advisory
    association inquiries additional resources ip""".split())
# Distribution wires (every release names the one that carried it), identifier labels and credentials after a
# person's name: present in hundreds of releases, parties to none.
_NEVER_ENTITIES = frozenset("""
    newmediawire newswire businesswire globenewswire prnewswire accesswire einpresswire
    isin wkn cusip lei ticker faha facc fache m.p.h. mph ph.d. phd m.d. mba cpa""".split())
# Acronyms of technologies, currencies, tokens and titles that the model calls organisations ("AI", "EV", "BTC",
# "SEO"): in this corpus they name no party. Checked casefolded, for a whole name only.
_NOT_NAMES = frozenset("""
    ai a.i. ev evs iot seo sem saas api erp crm nft nfts defi dao web3 web2 btc eth usdt usdc usd eur gbp sol bnb doge
    thc cbd aml kyc edd esg ipo spac etf etfs mou loi roi kpi hipaa covid-19 llm llms gpu gpus ar vr xr ceo cfo coo cto
    cmo evp svp vp iso meme memecoin token tokens crypto blockchain bitcoin ethereum solana dogecoin xrp""".split())
_LEADING_LEGAL = re.compile(r"^(?:Inc|Ltd|LLC|Corp|Co|PLC)\.?,?\s+(?=[A-Z])")
# Boilerplate glued onto a name where a line break was lost: "Contact DetailsHELLA Automotive", "ContactJamie Sheppard".
_GLUED_PREFIX = re.compile(r"^(?:Contact\s*Details|Contact\s*Information|Contacts?|Details|Media\s*Contact)(?=[A-Z])")

# Legal forms (legal_forms.py), casefolded without their outer dots: kept at the end of a real name, but junk on
# their own ("Co., Ltd."). Those written with a final dot ("Inc.", "S.A.") keep it when they end a name.
_LEGAL_WORDS = frozenset(form.casefold().strip(".") for form in LEGAL_FORMS)
_DOTTED_LEGAL_FORMS = frozenset(form.casefold() for form in LEGAL_FORMS if form.endswith("."))
_CONNECTORS = frozenset("of and & the for".split())
_FILLER_WORDS = _GENERIC_WORDS | _LEGAL_WORDS | _CONNECTORS
_PRONOUNS = frozenset("we our ours us it its they their them he she his her i you".split())
# A "person" ending in one of these, or in a legal form that is no ordinary word, is a mislabelled
# org/place/facility ("Qingdao Port", "Acme Ltd").
_NON_PERSON_HEADS = frozenset("""
    port group bank company corporation holdings railway airport terminal park province
    city county district university college institute hospital centre center association
    committee ministry council technology technologies logistics labs lab capital partners ventures
    therapeutics biosciences pharmaceuticals pharma health foundation media network studios games energy
    mining resources solutions systems services recovery digital garden gardens marketing consulting agency studio
    software analytics finance financial insurance realty homes motors metals minerals gold silver uranium copper
    biotech medical clinic dental law legal roofing plumbing construction printing foods brands apparel jewelers
    fitness wellness wire news magazine club""".split()) | {
    form.casefold() for form in LEGAL_FORMS if form not in AMBIGUOUS and "." not in form}
_HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|madam)\.?\s+", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"
_TRAILING_PUNCT = ".,;:!?*-–— "
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
# Lowercase words that may sit inside a name ("Bank of China", "Ludwig van Beethoven", "Mohammed bin Salman").
_LOWER_OK = frozenset("of and & the for de du da del della der den la le van von bin al y e at on in to".split())
# Lowercase words a name cannot end with: "Co-Founder &", "Nation of Lifesavers at".
_DANGLING = frozenset("of and & the for at on in to with by from as or".split())
# Verbs of a headline that NER took for a name: "Blackwell 3D Places Order ...", "Hestia Insight Inc. Leverages AI".
_HEADLINE_VERBS = frozenset("""
    announces announced places leverages engages welcomes launches expands signs reports receives completes
    secures partners joins appoints unveils introduces acquires enters achieves celebrates highlights files
    showcases adds names opens releases notifies identifies establishes rise rises logo brings needs kicks
    provides publishes presents features""".split())
# Function words capitalised inside a Title Case headline: "Potential To Deliver Value In A Dynamic Market".
_HEADLINE_FUNCTION_WORDS = frozenset("To In A Into With Off Up".split())
# Plural common nouns a real name does not end with: "Interim Filings", "Fed Meetings", "Crypto Exchanges".
_GENERIC_PLURAL_HEADS = frozenset("""
    filings agreements investors exchanges meetings results financials prices shares markets sectors
    opportunities updates highlights""".split())
_PERSON_TITLES = frozenset("dean chair chairman president director founder ceo cfo family school coins".split())
# A title glued to a name by lost whitespace ("Adrianne BlackettDirector Content", "Terry ChristopherCEO").
_GLUED_TITLE = re.compile(r"[a-z](?:CEO|CFO|COO|CTO|Director|President|Chairman|Founder|Chief|Manager|The|Tel|Head|"
                          r"Investor|Relations|Email|Phone|Website|Contact|Details|Communications|Officer)(?![a-z])")
# Last words of things the model calls organisations that are events, awards, programmes, products, documents or
# job titles ("Holiday Diamond Event", "HELLA Heritage Award", "Search Atlas Wordpress Plugin", "Dominic Schwenter
# COO"): never the head of an organisation's name.
_NOT_ORG_HEADS = frozenset("""
    award awards prize prizes event events month week day retreat program programme programs platform plugin app
    campaign initiative challenge tour festival report survey study series edition trial phase etf
    ceo cfo coo cto cmo evp svp vp president partner director officer counsel representative manager founder""".split())
_MONTH_AND_YEAR = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b", re.IGNORECASE)


def _collapse(text: str) -> str:
    # str.split() without arguments also splits on NBSP and other Unicode spaces.
    return " ".join(text.split())


def _strip_trailing_punct(name: str) -> str:
    """Drop trailing punctuation but keep the dot of "Inc." / "Co., Ltd." / "U.S."."""
    while name and name[-1] in _TRAILING_PUNCT:
        if name[-1] == ".":
            last = name.rsplit(" ", 1)[-1]
            if last.casefold() in _DOTTED_LEGAL_FORMS or "." in last[:-1]:
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
    name = _GLUED_PREFIX.sub("", name.strip().strip(_QUOTES).strip())
    name = _LEADING_LEGAL.sub("", name)  # "Inc. ALPS Portfolio Solutions": the tail of the name before it
    half = len(name) // 2
    if any(c.islower() for c in name[:half]) and name[:half].strip() == name[half:].strip():
        name = name[:half].strip()  # "Greenboog Garden Greenboog Garden", "SuperpanelSuperpanel": a doubled heading
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
    if _looks_like_a_fragment(name):
        return True
    if name.casefold() in _NEVER_ENTITIES or name.rsplit(" ", 1)[-1] in ("Act", "Acts"):
        return True
    if label != "place" and name.casefold() in _NOT_NAMES:
        return True
    if label == "org" and " " in name and name.rsplit(" ", 1)[-1].casefold().strip(".,") in _NOT_ORG_HEADS:
        return True
    words = [w.strip(".,").casefold() for w in name.split()]
    if len(words) == 1 and words[0] in _PRONOUNS and not name.isupper():
        return True  # "Us" is a pronoun, "US" a country; "IT" a sector
    # Names made only of generic/legal words ("the Company", "Board of Directors", "Co., Ltd.");
    # a lone "NV"/"SA" as a place is a state or country, not a legal form.
    filler = _GENERIC_WORDS | _CONNECTORS if label == "place" else _FILLER_WORDS
    return all(w in filler for w in words)


def _looks_like_a_fragment(name: str) -> bool:
    """Pieces of sentences, headlines, URLs and datelines that NER returned as names."""
    if "://" in name or "www." in name.casefold() or _GLUED_TITLE.search(name) or _MONTH_AND_YEAR.search(name):
        return True
    if any(c in name for c in ":@") or "&amp" in name:
        return True  # "NASDAQ: SHPD", "Media Relations: ...", an e-mail handle, an HTML entity
    words = name.split()
    if len(words) > 1 and len(words[-1]) >= 4 and words[-1].isupper() and not words[-2].isupper():
        return True  # "Digital-Asset Integration LANCASTER": a subheading run into the dateline
    if re.search(r"\w['’]s\s", name) and not name.casefold().startswith(("people's", "people’s")):
        return True  # "Soligenix’s SGX942", "Ascent’s Technology": a possessive phrase, not a name
    for position, word in enumerate(words):
        bare = word.strip(".,;:()\"'“”’")
        if not bare:
            continue
        if bare[0].islower() and not any(c.isupper() for c in bare) and bare.casefold() not in _LOWER_OK:
            return True  # "company's board", "Black communities", "Health-funded" is checked below
        if position > 0 and (bare == "The" or bare in _HEADLINE_FUNCTION_WORDS):
            return True  # "Nordex Group The Group": two mentions run together
        if position > 0 and bare.casefold() in _HEADLINE_VERBS and len(words) > 2:
            return True
    last = words[-1].casefold()
    if len(words) > 1 and last in _GENERIC_PLURAL_HEADS:
        return True
    return last in _DANGLING or last in {"al", "al."} or re.search(r"-(?:funded|based|backed|led|owned)$", last) is not None


def _is_bad_person(name: str) -> bool:
    """Person mentions that cannot be a person's name: digits, acronyms, institutional heads."""
    if any(c.isdigit() for c in name):
        return True
    if " " not in name and name.isupper():
        return True  # "SITC", "CEO": an acronym, not a personal name
    words = name.split()
    if len(words) > 1 and any(len(w) > 1 and w.isupper() and w not in {"II", "III", "IV", "JR"} for w in words):
        return True  # "Holmgren AJ", "KYNC Website"
    return words[-1].casefold() in _NON_PERSON_HEADS | _PERSON_TITLES


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
