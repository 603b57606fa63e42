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


def test_alias_mentions_are_typed_and_a_format_1_catalog_still_reads():
    """An alias is Mention(full, "alias", short) stored as [full, "alias", count, short]; a catalog written by format 1
    held it as one name "FULL<TAB>SHORT", which reads as the same typed mention."""
    full, short = "China International Marine Containers", "CIMC"
    cat = build_catalog(["a"], [[M(full, "org"), M(short, "org"), M(full, "alias", short=short)]])
    rows = cat.to_json()["releases"]["a"]["mentions"]
    assert [full, "alias", 1, short] in rows and not any("\t" in row[0] for row in rows)
    old = cat.to_json()
    old["releases"]["a"]["mentions"] = [[f"{full}\t{short}", "alias", 1] if row[1] == "alias" else row for row in rows]
    assert Catalog.from_json(old).to_json() == cat.to_json()
    assert cat.find("CIMC") is cat.find(full)  # the acronym merged with the name it stands for


def test_a_mention_label_outside_the_vocabulary_is_refused():
    import pytest

    with pytest.raises(ValueError, match="mention label must be one of"):
        M("Acme", "company")
    with pytest.raises(ValueError, match="alias mention has a short form"):
        M("Acme Corporation", "alias")
