from indexer.store.catalog import Catalog
from indexer.ingest.canonical import build_catalog
from indexer.store.records import EntityInfo, Mention

M = Mention


def test_catalog_records_entities_mentions_and_round_trips():
    cat = build_catalog(["a", "b"], [
        [M("Hisense", "org"), M("Hisense", "org"), M("SITC", "org"), M("June 19", "date"), M("$5 million", "money")],
        [M("Hisense", "person"), M("Qingdao", "place")],
    ])
    assert cat.entities["hisense"].type == "org" and cat.entities["hisense"].releases == 2
    assert cat.releases["a"].keys == ("hisense", "sitc")  # most mentioned first
    assert cat.releases["a"].dates == ("June 19",) and cat.releases["a"].money == ("$5 million",)
    assert cat.names_by_type("b") == {"org": ["Hisense"], "person": [], "place": ["Qingdao"], "facility": []}
    again = Catalog.from_json(cat.to_json())
    assert again.to_json() == cat.to_json()
    # The stored mentions rebuild the same catalog without NER.
    rebuilt = build_catalog(list(again.releases), [r.mention_list() for r in again.releases.values()])
    assert rebuilt.to_json() == cat.to_json()
    assert again.releases["a"].mention_keys() == ("hisense", "sitc")


def test_lookup_goes_through_aliases_and_checks_the_type():
    cimc = EntityInfo("cimc", "CIMC", "org", {"org": 3}, 2, aliases=("cimc", "china international marine containers"))
    cat = Catalog({"cimc": cimc}, {})
    assert cat.lookup("org", "China International  Marine Containers") is cimc
    assert cat.lookup("org", "cimc") is cimc
    assert cat.lookup("person", "CIMC") is None
    assert cat.find("Nobody") is None
