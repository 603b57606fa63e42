"""Names found by pattern before NER: a spaCy EntityRuler for company names ending in a legal form ("Aston Bay
Holdings Ltd.", "Hangzhou Tiankun Chemical Co., LTD.") and for stock tickers ("(NASDAQ: ACME)", "(TSX.V: ELO)").

The ruler runs before the statistical NER, which keeps the ruler's spans and labels around them, so a legal name is
never cut at "and" or a bracket and a ticker never turns into an org called "NASDAQ". Tickers are their own label
(TICKER); extraction ties each to the company named just before it. Exchanges are one canonical entity each, whatever
the release calls them ("NASDAQ", "Nasdaq Capital Market", "The Nasdaq Stock Market LLC" -> "Nasdaq").
"""
from __future__ import annotations

import re

from indexer.ingest.legal_forms import AMBIGUOUS, LEGAL_FORMS

TICKER_LABEL = "TICKER"
RULER_NAME = "name_patterns"

# Exchange names as printed in tickers -> the canonical exchange code used in ticker values ("NASDAQ:ACME").
_EXCHANGE_CODES = {
    "nasdaq": "NASDAQ", "nyse": "NYSE", "nyse american": "NYSEAMERICAN", "nyse mkt": "NYSEAMERICAN",
    "nyse arca": "NYSEARCA", "tsx": "TSX", "tsx.v": "TSXV", "tsxv": "TSXV", "tsx-v": "TSXV", "tsx venture": "TSXV",
    "cse": "CSE", "otc": "OTC", "otcqb": "OTCQB", "otcqx": "OTCQX", "otcid": "OTCID", "otcpk": "OTCPK",
    "otc pink": "OTCPK", "otc markets": "OTC", "asx": "ASX", "fse": "FSE", "fra": "FSE", "lse": "LSE", "aim": "AIM",
    "cboe": "CBOE", "neo": "NEO", "nasdaq iceland": "NASDAQICELAND", "euronext": "EURONEXT", "xetra": "XETRA",
}
# Exchanges named outside tickers, by casefolded name -> the one canonical org name.
EXCHANGE_NAMES = {
    **{name: "Nasdaq" for name in (
        "nasdaq", "the nasdaq stock market", "nasdaq stock market", "the nasdaq stock market llc",
        "nasdaq stock market llc", "nasdaq capital market", "the nasdaq capital market", "nasdaq global market",
        "nasdaq global select market", "the nasdaq global market", "the nasdaq global select market")},
    **{name: "NYSE" for name in ("nyse", "new york stock exchange", "the new york stock exchange")},
    **{name: "TSX Venture Exchange" for name in ("tsx venture exchange", "tsx-venture exchange", "tsxv", "tsx-v")},
    **{name: "Toronto Stock Exchange" for name in ("toronto stock exchange", "tsx", "the toronto stock exchange")},
    **{name: "Canadian Securities Exchange" for name in ("canadian securities exchange", "cse")},
    **{name: "OTC Markets" for name in ("otc markets", "otc markets group", "otcqb", "otcqx", "otc pink")},
}
_SYMBOL = r"^[A-Z][A-Z0-9.\-]{0,7}$"
# Words that start a sentence or a headline but never a company name: the ruler must not glue them on.
_NOT_NAME = """the a an this that these our its their his her we they in on at for by with from to as and or but
    today yesterday when while after before since under through during about per via how why what which who
    meanwhile additionally furthermore also announces announced names appoints welcomes completes signs reports
    receives launches unveils acquires joins expands secures files enters shares stock shareholders investors
    customers clients members subsidiary subsidiaries affiliate affiliates division unit units products part""".split()
# Connectors allowed inside a name ("Bank of America Corp", "Johnson & Johnson Inc.", "Ring and Ping Inc.").
_CONNECTORS = ["of", "and", "&", "de", "du", "la", "y"]
_LEGAL_TOKENS = sorted({f for f in LEGAL_FORMS if f not in AMBIGUOUS} | {"LTD", "LTD.", "KGaA", "S.A.S.", "INC.", "INC",
                                                                            "CORP.", "CORP", "LLC.", "PLC."})


def is_exchange_name(name: str) -> bool:
    """A stock exchange's name or code as printed ("NYSE", "Nasdaq Capital Market", "NYSE American", "TSX.V")."""
    folded = " ".join(name.casefold().split())
    return folded in EXCHANGE_NAMES or folded in _EXCHANGE_CODES or folded.startswith(("nasdaq ", "nyse "))


def ticker_value(exchange: str, symbol: str) -> str | None:
    """"NASDAQ:ACME" from an exchange and a symbol as printed; None for an exchange we do not know."""
    code = _EXCHANGE_CODES.get(" ".join(exchange.casefold().split()))
    return f"{code}:{symbol.upper()}" if code else None


_TICKER_TEXT = re.compile(r"\(\s*([A-Za-z .\-]+?)\s*:\s*([A-Z][A-Z0-9.\-]{0,7}(?:\s*,\s*[A-Z][A-Z0-9.\-]{0,7})*)\s*\)")


def tickers_in(span: str) -> list[str]:
    """The ticker values of a "(NASDAQ: SEGG, LTRYW)" span."""
    match = _TICKER_TEXT.fullmatch(span.strip())
    if not match:
        return []
    values = (ticker_value(match.group(1), s.strip()) for s in match.group(2).split(","))
    return [v for v in values if v]


def ruler_patterns() -> list[dict]:
    """EntityRuler patterns: ORG for capitalised names ending in legal forms, TICKER for "(EXCHANGE: SYMBOL)"."""
    word = {"TEXT": {"REGEX": r"^[A-Z0-9][\w&.'’\-]*$"}, "LOWER": {"NOT_IN": _NOT_NAME}}
    connector = {"LOWER": {"IN": _CONNECTORS}}
    legal = {"TEXT": {"IN": _LEGAL_TOKENS}}
    bracket = [{"ORTH": "("}, {"LOWER": {"IN": ["group", "holdings", "holding", "international"]}}, {"ORTH": ")"}]
    hyphen = {"ORTH": "-"}  # "D-Wave Quantum Inc.": spaCy splits the hyphen off
    names = [[word, {**word, "OP": "{0,5}"}], [word, {**word, "OP": "{0,3}"}, connector, word, {**word, "OP": "{0,2}"}],
             [word, hyphen, word, {**word, "OP": "{0,4}"}]]
    tails = [[legal], [legal, {"ORTH": ",", "OP": "?"}, legal], [{"ORTH": ","}, legal],
             [*bracket, legal], [*bracket, legal, {"ORTH": ",", "OP": "?"}, legal]]
    patterns = [{"label": "ORG", "pattern": name + tail, "id": "legal-name"} for name in names for tail in tails]
    exchanges = sorted({e.split()[0] for e in _EXCHANGE_CODES} | {e.split()[0].upper() for e in _EXCHANGE_CODES}
                       | {e.split()[0].title() for e in _EXCHANGE_CODES})
    exchange = [{"TEXT": {"IN": exchanges}}, {"TEXT": {"IN": ["American", "MKT", "Arca", "Pink", "Venture", "Iceland",
                                                               "Markets"]}, "OP": "?"}]
    symbol = {"TEXT": {"REGEX": _SYMBOL}}
    patterns.append({"label": TICKER_LABEL, "id": "ticker", "pattern": [
        {"ORTH": "("}, *exchange, {"ORTH": ":"}, symbol, {"ORTH": ",", "OP": "?"}, {**symbol, "OP": "?"},
        {"ORTH": ")"}]})
    return patterns


def add_name_patterns(nlp) -> None:
    """Put the pattern ruler in front of `nlp`'s NER (idempotent)."""
    if RULER_NAME in nlp.pipe_names:
        return
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, config={"overwrite_ents": False, "phrase_matcher_attr": None},
                         **before)
    ruler.add_patterns(ruler_patterns())


# A facility named by its head word ("the Mohan Port, the CIMC delegation", "Kwinana Refinery"): read by pattern in the
# text past NER's lead. Not followed by another capitalised word, which would make it an operator's name
# ("Qingdao Port Group").
_FACILITY = re.compile(r"(?<![\w&-])((?:[A-Z][\w'’\-]+[ \t]+){1,3}(?:Port|Railway|Terminal|Airport|Harbour|Harbor|"
                       r"Pipeline|Refinery|Stadium|Speedway|Seaport|Railroad))(?![\w&]|[ \t]+[A-Z])")
_NOT_FACILITY_START = frozenset("The A An This That Our Its Their In At On For From To With By Of And Or New".split())


def find_facilities(text: str) -> list[tuple[int, int]]:
    """(start, end) of names ending in a facility head word in `text`."""
    found = []
    for match in _FACILITY.finditer(text):
        start, words = match.start(1), match.group(1).split()
        while len(words) > 1 and words[0] in _NOT_FACILITY_START:
            start += len(words[0]) + text[start + len(words[0]):].index(words[1])
            words = words[1:]
        if len(words) > 1:
            found.append((start, match.end(1)))
    return found
