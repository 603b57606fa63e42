"""Corpus-level name propagation: which names the corpus is confident of, where they are found, and that a build and
an update find a name NER never read."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.ingest.build import build_index
from indexer.ingest.propagate import confident_names, lower_words, propagate, readable_text
from indexer.ingest.update import update_index
from indexer.store import layout
from indexer.store.catalog import Catalog
from indexer.store.records import Mention
from tests.standins import NER_NAME


def org(name: str) -> Mention:
    return Mention(name, "org")


def test_a_name_is_confident_when_releases_agree_on_its_type():
    mentions = [[org("Coinbase"), org("Kestrel Dynamics")], [org("Coinbase")], [org("Northwind"), Mention("Northwind", "person")],
                [org("Northwind")], [org("Loner Corp")]]
    names = confident_names(mentions, lower=set())
    assert names["Coinbase"] == "org"
    assert "Kestrel Dynamics" not in names  # one release only
    assert "Northwind" not in names  # org in 2 of 3 mentions: below the share
    assert "Loner Corp" not in names


def test_names_that_are_also_words_are_not_propagated():
    texts = ["The base of the tower, the contact information and phase two.", "Base and Coinbase."]
    mentions = [[org("Base"), org("Contact Information"), org("NYSE"), org("DIY"), org("Phase 2"), org("Coinbase"),
                 org("NYSE American"), org("Facebook, Instagram"), org("Acme, Inc."), org("AI-Powered"), org("SMBs"),
                 org("Japanese"), org("America"), org("InvestorWire"), org("Black Friday"), org("• Check"),
                 org("2024 - Acme Ltd"), Mention("Jane Okafor", "person"), Mention("Okafor", "person"),
                 Mention("Marquis Who", "person")]] * 2
    texts[0] += " powered by AI, who knows, in black"
    names = confident_names(mentions, lower_words(texts))
    assert names == {"Coinbase": "org", "Acme, Inc.": "org", "Jane Okafor": "person"}


def test_propagate_adds_each_missing_name_once_and_nothing_already_named():
    names = {"Coinbase": "org", "Sprott": "org", "Harbor Bank": "org", "Jane Okafor": "person"}
    texts = [readable_text("Sprott Physical Uranium Trust lists on Coinbase",
                           "Coinbase said Jane Okafor and Harbor Bank agreed. Coinbase again. HARBOR BANK shouts.")]
    mentions = [[org("Sprott Physical Uranium Trust"), org("Harbor Bank")]]
    out = propagate(texts, mentions, names)
    assert propagate([readable_text("Fordham", "Fordham and Ford.")], [[]], {"Ford": "org"}) == [[org("Ford")]]
    # Matches the automaton reaches through fallback links, and a shorter name where a longer one is inside a word.
    tricky = {"Coinbase": "org", "Global Coinbase Index": "org", "Acme Global Coinbase Fund": "org", "Ford": "org",
              "The Ford Foundation": "org", "Acme": "org", "Acme Bank": "org"}
    assert propagate(["Shares of Acme Global Coinbase, up 3%. Deal signed with The Ford. Acme Banking grew."], [[]],
                     tricky) == [[org("Acme"), org("Coinbase"), org("Ford")]]
    # A name across two names the release already has is not one of its names.
    assert propagate(["Acme Robotics Harbor Bank"], [[org("Acme Robotics"), org("Harbor Bank")]],
                     {"Robotics Harbor": "org"}) == [[org("Acme Robotics"), org("Harbor Bank"), org("Robotics Harbor")]]
    assert out == [[org("Sprott Physical Uranium Trust"), org("Harbor Bank"), org("Coinbase"),
                    Mention("Jane Okafor", "person")]]
    assert propagate(texts, mentions, {}) == mentions  # nothing known, nothing added


def test_wire_boilerplate_is_not_searched():
    text = readable_text("Acme news", "Acme Robotics grew its sales by a third this year, in every region it serves, "
                         "and opened two plants in Lyon to meet the demand from warehouses.\n\nAbout IBN\n\nIBN works with Coinbase and many others "
                         "in its network of brands, reaching investors daily across every platform it runs.")
    assert propagate([text], [[]], {"Coinbase": "org"}) == [[]]


FILLER = " ".join(["word"] * 450)  # past the 400 words NER reads (indexer.ingest.entities.NER_WORDS)


def _jsonl(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _release(rid: str, body: str) -> dict:
    return {"id": rid, "date": "2024-05-01", "title": f"Release {rid}", "body": body, "source": "", "url": ""}


def test_a_build_and_an_update_find_a_name_past_what_ner_reads(tmp_path, fast_nlp, fast_embedder):
    corpus = _jsonl(tmp_path / "c.jsonl",
                    _release("a", "Borealis Sensors opened a plant."),
                    _release("b", "Borealis Sensors hired staff."),
                    _release("c", f"A quiet quarter. {FILLER} Late on, Borealis Sensors signed a deal."),
                    _release("d", f"Nothing here. {FILLER} Not a sensor maker at all."))
    index = tmp_path / "index"
    build_index([corpus], index, nlp=fast_nlp, embedder=fast_embedder, ner_model=NER_NAME, progress=False)
    catalog = Catalog.load(layout.current_version(index) / layout.CATALOG)
    assert catalog.propagated.get("Borealis Sensors") == "org"
    assert catalog.names_by_type("c")["org"] == ["Borealis Sensors"]
    assert catalog.names_by_type("d")["org"] == []
    assert catalog.entities["borealis sensors"].releases == 3

    update_index([_jsonl(tmp_path / "u.jsonl", _release("e", f"More. {FILLER} Borealis Sensors again."))], index,
                 nlp=fast_nlp, embedder=fast_embedder, progress=False)
    catalog = Catalog.load(layout.current_version(index) / layout.CATALOG)
    assert catalog.names_by_type("e")["org"] == ["Borealis Sensors"]
    assert catalog.propagated.get("Borealis Sensors") == "org"  # the update keeps the build's names
