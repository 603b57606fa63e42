"""One vocabulary of legal forms, read three ways: name cleaning, the legal tail after an org, the canonical merge."""
import pytest

from indexer.ingest.canonical import _LEGAL, resolve_entities
from indexer.ingest.entities import normalise_name
from indexer.ingest.evidence import LEGAL_TAIL
from indexer.ingest.legal_forms import AMBIGUOUS, LEGAL_FORMS
from indexer.store.records import Mention


def test_every_ambiguous_spelling_is_a_legal_form():
    assert AMBIGUOUS <= set(LEGAL_FORMS)


@pytest.mark.parametrize("name, rest, tail", [
    ("CIMC Wetrans Logistics Technology", " (Group) Co., Ltd. today said", " (Group) Co., Ltd."),
    ("Kessler Topaz Meltzer & Check", ", LLP reminds", ", LLP"),
    ("Robert Bosch", " GmbH and", " GmbH"),
    ("Mexedia", " S.p.A. said", " S.p.A."),
    ("Acme", " Co-Founder Jane", ""),  # "Co" without its dot is not glued on
    ("Acme", " NV office", ""),  # Nevada, not naamloze vennootschap
])
def test_the_legal_tail_takes_unambiguous_forms_only(name, rest, tail):
    text = name + rest
    assert LEGAL_TAIL.match(text, len(name)).group(0) == tail


def test_a_legal_form_is_kept_at_the_end_of_a_name_and_junk_alone():
    assert normalise_name("Acme Inc.", "org") == "Acme Inc."
    assert normalise_name("Acme Limited.", "org") == "Acme Limited"  # a sentence's full stop, not an abbreviation
    assert normalise_name("GmbH", "org") is None and normalise_name("Co., Ltd.", "org") is None
    assert normalise_name("Robert Bosch GmbH", "person") is None  # a company the model called a person


def test_the_canonical_merge_strips_legal_forms_and_group_words():
    assert {"inc", "ltd", "gmbh", "sa", "llc", "group", "holdings"} <= _LEGAL
    assert not any(" " in word for word in _LEGAL)  # loose keys are compared one word at a time
    out = resolve_entities([[Mention("Acme GmbH", "org")], [Mention("Acme", "org"), Mention("Acme", "org")]])
    assert list(out) == ["acme"] and set(out["acme"].aliases) == {"acme", "acme gmbh"}
