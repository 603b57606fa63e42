"""indexer.ingest.patterns: the EntityRuler for legal-form names and tickers, on spaCy's blank English (no model)."""
from __future__ import annotations

import pytest
import spacy

from indexer.ingest.patterns import EXCHANGE_NAMES, RULER_NAME, add_name_patterns, ticker_value, tickers_in


@pytest.fixture(scope="module")
def ruler():
    nlp = spacy.blank("en")
    add_name_patterns(nlp)
    add_name_patterns(nlp)  # idempotent
    assert nlp.pipe_names == [RULER_NAME]
    return nlp


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize(("text", "name"), [
    ("Shares of Aston Bay Holdings Ltd. rose.", "Aston Bay Holdings Ltd."),
    ("The plant of CIMC Wetrans Logistics Technology (Group) Co., Ltd. opened.",
     "CIMC Wetrans Logistics Technology (Group) Co., Ltd."),
    ("Sponsored by HELLA GmbH & Co. KGaA this year.", "HELLA GmbH & Co. KGaA"),
    ("Ring and Ping Inc. emerges as a provider.", "Ring and Ping Inc."),
    ("A loan from Bank of America Corp. closed.", "Bank of America Corp."),
    ("Roth Capital Partners, LLC acted as manager.", "Roth Capital Partners, LLC"),
    ("Companies like D-Wave Quantum Inc. grow.", "D-Wave Quantum Inc."),
    ("The majority owner XX Settembre srl agreed.", "XX Settembre srl"),
    ("Today Acme Robotics Inc. announced a robot.", "Acme Robotics Inc."),  # never glues a sentence's first word
])
def test_a_name_ending_in_a_legal_form_is_one_org_never_split_at_and_or_brackets(ruler, text, name):
    assert ents(ruler, text) == [(name, "ORG")]


def test_no_org_without_a_capitalised_name_before_the_legal_form(ruler):
    assert ents(ruler, "the company and its Inc. filings") == []
    assert ents(ruler, "The Company Ltd. and the company's Ltd.")[0][0] != "The Company Ltd."


@pytest.mark.parametrize(("text", "values"), [
    ("Quantum BioPharma (NASDAQ: QNTM) (CSE: QNTM) said", [["NASDAQ:QNTM"], ["CSE:QNTM"]]),
    ("Aston Bay (TSX.V: BAY) (OTCQB: ATBHF)", [["TSXV:BAY"], ["OTCQB:ATBHF"]]),
    ("Silvercorp (NYSE American: SVM) won", [["NYSEAMERICAN:SVM"]]),
    ("SEGG Media (NASDAQ: SEGG, LTRYW), a global", [["NASDAQ:SEGG", "NASDAQ:LTRYW"]]),
])
def test_a_ticker_is_one_ticker_span_and_its_values_are_canonical(ruler, text, values):
    tickers = [e for e in ruler(text).ents if e.label_ == "TICKER"]
    assert [tickers_in(e.text) for e in tickers] == values


def test_ticker_values_and_exchange_names():
    assert ticker_value("Nasdaq", "acme") == "NASDAQ:ACME"
    assert ticker_value("TSX-V", "ELO") == "TSXV:ELO"
    assert ticker_value("Moon Exchange", "X") is None
    assert tickers_in("(not a ticker)") == []
    assert {EXCHANGE_NAMES[n] for n in ("nasdaq", "nasdaq capital market", "the nasdaq stock market llc")} == {"Nasdaq"}
