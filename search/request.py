"""Turn query parameters (HTTP or CLI) into a validated SearchRequest, or a RequestError that says what to send."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from indexer.store.records import CATEGORIES
from indexer.store.records import ENTITY_TYPES
from search.fusion import DEFAULT_ALPHA_TEXT, DEFAULT_FUSION, FUSIONS

MODES = ("hybrid", "keyword", "semantic")
FACET_SIZE = 15  # values shown per facet type unless the request asks for more
SORTS = ("relevance", "date")
MAX_QUERY_CHARS = 1000
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_ENTITY_FILTERS = 20
MAX_FACET_SIZE = 500
MAX_NAME_CHARS = 200
# The work of one query (issue 18): distinct words (runs of letters and digits; a repeated word counts once, and the
# keyword side folds repeats) and quoted phrases, each of which costs a phrase check over the releases with its words.
MAX_QUERY_WORDS = 64
MAX_PHRASES = 8
# Parameter name -> help text; also the list of known parameters (unknown ones are an error, not silently ignored).
PARAMETERS: dict[str, str] = {
    "q": f"the query text (at most {MAX_QUERY_CHARS} characters); empty lists releases newest first",
    "mode": "one of " + ", ".join(MODES),
    "limit": f"hits per page, 1 to {MAX_LIMIT}",
    "offset": f"hits to skip, 0 to {MAX_OFFSET}",
    "entity": "TYPE:NAME with TYPE one of " + ", ".join(ENTITY_TYPES) + "; repeatable (same type: OR, types: AND)",
    "date_from": "earliest release date, YYYY-MM-DD",
    "date_to": "latest release date, YYYY-MM-DD",
    "sort": "one of " + ", ".join(SORTS),
    "explain": "1 to explain every score",
    "issuer": "the organisation that issued the release (any of its names); repeatable (OR), AND with other filters",
    "category": "announcement type, one of " + ", ".join(CATEGORIES) + "; repeatable (OR)",
    "ticker": "a stock ticker the release prints, EXCHANGE:SYMBOL as the ticker facet lists it (e.g. NASDAQ:ACME, "
              "any case); repeatable (OR), AND with other filters",
    "wire": "the wire service that carried the release, by its name in the wire facet (any case); repeatable (OR), "
            "AND with other filters",
    "facet_size": f"values listed per facet, 1 to {MAX_FACET_SIZE} (default {FACET_SIZE})",
    "facet_q": "list only facet values whose name contains this text",
    "fusion": "hybrid mode: how the two rankings combine, one of " + ", ".join(FUSIONS)
              + f" (default {DEFAULT_FUSION})",
    "alpha": "hybrid mode: weight of the semantic side, 0 to 1 (0 = keyword only, 1 = semantic only; default "
             + DEFAULT_ALPHA_TEXT + ")",
    "exact": "1 (default) keeps releases containing a quoted phrase or a known entity name from the query "
             "above those that lack it; 0 ranks by fusion alone",
    "collapse": "1 (default) lists one release per announcement (copies on other wires and corrections are grouped "
                "at index time: the best ranked one is shown, with its other versions; totals and facets count an "
                "announcement once); 0 lists every release",
}
MAX_ENTITY_LIST = 200
ENTITY_LIST_LIMIT = 50  # entities listed unless the request says
# The entity list's parameters (/api/entities and the /entities page), as PARAMETERS is the search's.
ENTITY_QUERY_PARAMETERS: dict[str, str] = {
    "type": "one of " + ", ".join(ENTITY_TYPES) + "; empty or absent: any type",
    "q": f"part of a name, case-insensitive (at most {MAX_NAME_CHARS} characters)",
    "limit": f"entities listed, 1 to {MAX_ENTITY_LIST}",
}
# The spellings of a flag, exactly (the OpenAPI spec lists them as an enum); empty means the default.
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
_TRUE = set(TRUE_WORDS)
_FALSE = set(FALSE_WORDS) | {""}
# Whole numbers and dates as ASCII text only, nothing around them (empty means the default): int() and date.fromisoformat() also take "+5", "1_0", Arabic-Indic or
# full-width digits, "20240101" and ISO week dates ("2024-W01-1"), none of which a form or a client means to send.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")  # the sign only to say "from 1 to 100 (got -1)"; 12 digits pass any bound
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A ticker as the index writes it (indexer/ingest/patterns.py: an exchange code, a symbol), with room to spare.
TICKER_EXCHANGE = "[A-Za-z]{1,20}"
TICKER_SYMBOL = "[A-Za-z0-9][A-Za-z0-9.-]{0,19}"


@dataclass(frozen=True)
class EntityFilter:
    type: str
    name: str

    def param(self) -> str:
        return f"{self.type}:{self.name}"


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    mode: str = "hybrid"
    limit: int = 10
    offset: int = 0
    entities: tuple[EntityFilter, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    explain: bool = False
    issuers: tuple[str, ...] = ()  # issuing organisations, OR-ed
    categories: tuple[str, ...] = ()  # announcement types, OR-ed
    tickers: tuple[str, ...] = ()  # "EXCHANGE:SYMBOL" in capitals, OR-ed
    wires: tuple[str, ...] = ()  # wire names as given (matched case-insensitively), OR-ed
    facet_size: int = FACET_SIZE
    facet_q: str = ""  # only facet values containing this text
    fusion: str | None = None  # hybrid only: "rrf" or "convex"; None = the tuned default (search.fusion)
    alpha: float | None = None  # hybrid only: weight of the semantic side in [0, 1]; None = the tuned default
    exact: bool = True  # quoted phrases and entity names in the query keep the releases that contain them on top
    collapse: bool = True  # one release per duplicate group (indexer/store/duplicates.py)

    def to_params(self, *, defaults: bool = False) -> list[tuple[str, str]]:
        """The query parameters that parse_request turns back into this request, in PARAMETERS order: a repeated
        parameter as repeated pairs; values equal to the default left out (kept with `defaults`, except None)."""
        pairs: list[tuple[str, str]] = []
        for name in PARAMETERS:
            field = _FIELD_OF.get(name, name)
            value = getattr(self, field)
            if value is None or (not defaults and value == getattr(_DEFAULT_REQUEST, field)):
                continue
            pairs += [(name, _param_text(v)) for v in (value if isinstance(value, tuple) else (value,))]
        return pairs


_DEFAULT_REQUEST = SearchRequest()
_FIELD_OF = {"entity": "entities", "issuer": "issuers", "category": "categories", "ticker": "tickers",
             "wire": "wires"}  # where the names differ


def parameter_default(name: str) -> object:
    """The SearchRequest default behind a parameter: () for a repeatable one, a bool for a flag, None if unset."""
    return getattr(_DEFAULT_REQUEST, _FIELD_OF.get(name, name))


def _param_text(value: object) -> str:
    """One field value as parse_request reads it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, EntityFilter):
        return value.param()
    return str(value)  # str(float) is the shortest text that reads back as the same float


class RequestError(ValueError):
    """A bad parameter; the message says what to send instead."""


def refuse_unknown(names: Iterable[str], known: Iterable[str]) -> None:
    """Refuse parameters outside `known` (rather than silently ignore them): a RequestError naming the first."""
    known = tuple(known)
    unknown = sorted(set(names) - set(known))
    if unknown:
        hint = f"known parameters: {', '.join(known)}" if known else "this address takes no parameters"
        raise RequestError(f"unknown parameter {unknown[0][:40]!r}; {hint}")


def _one(params: Mapping[str, Sequence[str]], name: str, registry: Mapping[str, str] = PARAMETERS) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise RequestError(f"'{name}' was given {len(values)} times; send it once ({registry[name]})")
    return values[0] if values else None


def _integer(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _one(params, name)
    if raw is None or raw == "":
        return default
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise RequestError(f"'{name}' must be a whole number: {PARAMETERS[name]} (got {raw[:40]!r})")
    value = int(raw)
    if not low <= value <= high:
        raise RequestError(f"'{name}' must be from {low} to {high} (got {value})")
    return value


def _choice(params: Mapping[str, Sequence[str]], name: str, choices: Sequence[str], default: str) -> str:
    raw = _one(params, name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise RequestError(f"'{name}' must be one of {', '.join(choices)} (got {raw[:40]!r})")
    return raw


def _flag(params: Mapping[str, Sequence[str]], name: str, default: bool) -> bool:
    raw = _one(params, name) or ""
    if raw == "":
        return default
    if raw not in _TRUE | _FALSE:
        raise RequestError(f"'{name}' must be 1 or 0 (got {raw[:20]!r})")
    return raw in _TRUE


def _fraction(params: Mapping[str, Sequence[str]], name: str) -> float | None:
    raw = _one(params, name) or ""
    if raw == "":
        return None
    try:
        if not raw.isascii() or "_" in raw or raw != raw.strip():  # float() reads other digits, "0_5", " 1"
            raise ValueError(raw)
        value = float(raw)
    except ValueError:
        raise RequestError(f"'{name}' must be a number from 0 to 1, e.g. 0.3 (got {raw[:40]!r})") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise RequestError(f"'{name}' must be from 0 to 1 (got {raw[:40]})")
    return value


def _date(params: Mapping[str, Sequence[str]], name: str) -> dt.date | None:
    raw = _one(params, name)
    if raw is None or raw == "":
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RequestError(f"'{name}' must be a date as YYYY-MM-DD, e.g. 2023-06-26 (got {raw[:40]!r})") from None


def check_query_syntax(q: str) -> None:
    """Quotes and parentheses must pair up: the keyword parser would otherwise silently search something else."""
    if q.count('"') % 2:
        raise RequestError("'q' has an unclosed double quote; close the \"phrase\" or remove the quote")
    depth = 0
    for n, part in enumerate(q.split('"')):
        if n % 2:
            continue  # inside a phrase, parentheses are just characters
        for ch in part:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth < 0:
                raise RequestError("'q' has a ')' without a matching '('; remove it or add the '('")
    if depth:
        raise RequestError("'q' has a '(' without a matching ')'; close the group or remove the '('")


_QUERY_WORD = re.compile(r"\w+")
QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})  # the keyword parser's, not words


def check_query_size(q: str) -> None:
    """Bound the work of one query: at most MAX_PHRASES quoted phrases and MAX_QUERY_WORDS different words."""
    phrases = q.count('"') // 2
    if phrases > MAX_PHRASES:
        raise RequestError(f"'q' has {phrases} quoted phrases; send at most {MAX_PHRASES}")
    words = {w.casefold() for w in _QUERY_WORD.findall(q) if w not in QUERY_OPERATORS}
    if len(words) > MAX_QUERY_WORDS:
        raise RequestError(f"'q' has {len(words)} different words; send at most {MAX_QUERY_WORDS} "
                           "(a repeated word counts once)")


def parse_entity(raw: str) -> EntityFilter:
    """'org:SITC' -> EntityFilter('org', 'SITC')."""
    type_, sep, name = raw.partition(":")
    type_, name = type_.strip().lower(), " ".join(name.split())
    if not sep or type_ not in ENTITY_TYPES or not name:
        raise RequestError(
            f"'entity' must be TYPE:NAME with TYPE one of {', '.join(ENTITY_TYPES)}, e.g. org:SITC (got {raw[:60]!r})"
        )
    if len(name) > MAX_NAME_CHARS:
        raise RequestError(f"'entity' names are at most {MAX_NAME_CHARS} characters")
    return EntityFilter(type_, name)


def parse_ticker(raw: str) -> str:
    """'nasdaq: acme' -> 'NASDAQ:ACME': tickers are matched in capitals, so "any case" is one value."""
    exchange, sep, symbol = raw.partition(":")
    exchange, symbol = exchange.strip(), symbol.strip()
    if not (sep and re.fullmatch(TICKER_EXCHANGE, exchange) and re.fullmatch(TICKER_SYMBOL, symbol)):
        raise RequestError(f"'ticker' must be EXCHANGE:SYMBOL as the ticker facet lists it, e.g. NASDAQ:ACME "
                           f"(got {raw[:40]!r})")
    return f"{exchange}:{symbol}".upper()


def _names(params: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    """A repeatable name parameter (issuer, wire): whitespace collapsed, empty values and repeats dropped."""
    names = tuple(dict.fromkeys(" ".join(v.split()) for v in params.get(name) or [] if v.strip()))
    if len(names) > MAX_ENTITY_FILTERS or any(len(n) > MAX_NAME_CHARS for n in names):
        raise RequestError(f"at most {MAX_ENTITY_FILTERS} '{name}' values of at most {MAX_NAME_CHARS} characters")
    return names


def _tickers(params: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    values = [v for v in params.get("ticker") or [] if v.strip()]
    if len(values) > MAX_ENTITY_FILTERS:
        raise RequestError(f"at most {MAX_ENTITY_FILTERS} 'ticker' values")
    return tuple(dict.fromkeys(parse_ticker(v) for v in values))


def parse_request(params: Mapping[str, Sequence[str]], *, allow_unknown: Iterable[str] = ()) -> SearchRequest:
    """Validate every parameter; raise RequestError naming the first bad one."""
    refuse_unknown(set(params) - set(allow_unknown), PARAMETERS)
    q = _one(params, "q") or ""
    if len(q) > MAX_QUERY_CHARS:
        raise RequestError(f"'q' is {len(q)} characters; send at most {MAX_QUERY_CHARS}")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in q):
        raise RequestError("'q' contains control characters; send plain text")
    check_query_syntax(q)
    check_query_size(q)
    entity_values = params.get("entity") or []
    if len(entity_values) > MAX_ENTITY_FILTERS:
        raise RequestError(f"at most {MAX_ENTITY_FILTERS} 'entity' filters per request")
    entities = tuple(dict.fromkeys(parse_entity(v) for v in entity_values if v.strip()))
    date_from, date_to = _date(params, "date_from"), _date(params, "date_to")
    if date_from and date_to and date_from > date_to:
        raise RequestError(f"'date_from' ({date_from}) is after 'date_to' ({date_to}); swap them")
    issuers = _names(params, "issuer")
    categories = tuple(dict.fromkeys(v.strip() for v in params.get("category") or [] if v.strip()))
    for category in categories:
        if category not in CATEGORIES:
            raise RequestError(f"'category' must be one of {', '.join(CATEGORIES)} (got {category[:40]!r})")
    facet_q = " ".join((_one(params, "facet_q") or "").split())
    if len(facet_q) > MAX_NAME_CHARS:
        raise RequestError(f"'facet_q' is at most {MAX_NAME_CHARS} characters")
    return SearchRequest(
        q=" ".join(q.split()),
        mode=_choice(params, "mode", MODES, "hybrid"),
        limit=_integer(params, "limit", 10, 1, MAX_LIMIT),
        offset=_integer(params, "offset", 0, 0, MAX_OFFSET),
        entities=entities,
        date_from=date_from,
        date_to=date_to,
        sort=_choice(params, "sort", SORTS, "relevance"),
        explain=_flag(params, "explain", False),
        fusion=_choice(params, "fusion", FUSIONS, "") or None,
        alpha=_fraction(params, "alpha"),
        exact=_flag(params, "exact", True),
        collapse=_flag(params, "collapse", True),
        issuers=issuers,
        categories=categories,
        tickers=_tickers(params),
        wires=_names(params, "wire"),
        facet_size=_integer(params, "facet_size", FACET_SIZE, 1, MAX_FACET_SIZE),
        facet_q=facet_q,
    )


@dataclass(frozen=True)
class EntityQuery:
    """A search of entity names: of one type (None: any) whose name contains `q`, at most `limit` of them."""
    type: str | None = None
    q: str = ""
    limit: int = ENTITY_LIST_LIMIT


def parse_entity_query(params: Mapping[str, Sequence[str]], *, default_limit: int = ENTITY_LIST_LIMIT) -> EntityQuery:
    """Validate the entity list's parameters (the API's and the page's alike); raise RequestError naming the first
    bad one. `default_limit` is the length of the list when `limit` is not given."""
    refuse_unknown(params, ENTITY_QUERY_PARAMETERS)
    type_ = _one(params, "type", ENTITY_QUERY_PARAMETERS) or None
    if type_ is not None and type_ not in ENTITY_TYPES:
        raise RequestError(f"'type' must be one of {', '.join(ENTITY_TYPES)} (got {type_[:40]!r})")
    q = " ".join((_one(params, "q", ENTITY_QUERY_PARAMETERS) or "").split())
    if len(q) > MAX_NAME_CHARS:
        raise RequestError(f"'q' is at most {MAX_NAME_CHARS} characters")
    raw = _one(params, "limit", ENTITY_QUERY_PARAMETERS) or ""
    if raw and not _WHOLE_NUMBER.fullmatch(raw):
        raise RequestError(f"'limit' must be a whole number from 1 to {MAX_ENTITY_LIST} (got {raw[:40]!r})")
    limit = int(raw) if raw else default_limit
    if not 1 <= limit <= MAX_ENTITY_LIST:
        raise RequestError(f"'limit' must be from 1 to {MAX_ENTITY_LIST} (got {limit})")
    return EntityQuery(type_, q, limit)
