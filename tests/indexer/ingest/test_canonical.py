"""Alias merging and type rules on small inline corpora (no model): what merges, what must not."""
from __future__ import annotations

from indexer.ingest.canonical import resolve_entities, type_rule
from indexer.ingest.canonical import build_catalog
from indexer.ingest.categories import classify
from indexer.store.records import Mention
from indexer.ingest.evidence import OrgSpan, acronym_aliases, find_issuer
from indexer.store.records import Alias

M = Mention


def rule_type(name: str, actor: bool) -> str | None:
    """The type alone of type_rule."""
    ruled = type_rule(name, actor)
    return ruled[0] if ruled else None


def by_name(*releases: list[Mention]) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {e.name: (e.type, e.aliases) for e in resolve_entities(list(releases)).values()}


def test_legal_suffix_case_and_punctuation_variants_merge_corpus_wide():
    out = by_name([M("Haier Smart Home Co., Ltd.", "org")], [M("Haier Smart Home", "org"), M("Haier Smart Home", "org")],
                  [M("HAIER SMART HOME CO. LTD", "org")])
    assert out == {"Haier Smart Home": ("org", ("haier smart home", "haier smart home co. ltd",
                                                "haier smart home co., ltd."))}


def test_same_release_short_form_merges_but_not_a_different_company_sharing_a_prefix():
    release = [M("CIMC", "org"), M("CIMC Wetrans Logistics Technology (Group) Co., Ltd.", "org"),
               M("CIMC Wetrans", "org"), M("CIMC Wetrans", "org"), M("CIMC", "org"), M("CIMC", "org")]
    out = by_name(release)
    assert out["CIMC Wetrans"] == ("org", ("cimc wetrans", "cimc wetrans logistics technology (group) co., ltd."))
    assert out["CIMC"] == ("org", ("cimc",))  # "Wetrans" is not a descriptive word: another company
    # In different releases a short form is not evidence.
    apart = by_name([M("Acme", "org")], [M("Acme Logistics Technology", "org")])
    assert set(apart) == {"Acme", "Acme Logistics Technology"}


def test_acronym_defined_in_text_merges_and_an_ambiguous_acronym_merges_nothing():
    text = "Deals with China International Marine Containers (CIMC) grew. CIMC said so."
    assert acronym_aliases(text) == [Alias("China International Marine Containers", "CIMC")]
    defined = [M("China International Marine Containers", "org"), M("CIMC", "org"), M("CIMC", "org"),
               M(acronym_aliases(text)[0].full, "alias", short="CIMC")]
    assert by_name(defined)["CIMC"] == ("org", ("cimc", "china international marine containers"))
    other = [M("Central Iowa Medical Center", "org"), M("CIMC", "org"),
             M("Central Iowa Medical Center", "alias", short="CIMC")]
    assert set(by_name(defined, other)) == {"CIMC", "China International Marine Containers",
                                            "Central Iowa Medical Center"}
    assert acronym_aliases("We met Bob (CEO) and the Board (BOD).") == []


def test_surname_alone_joins_the_full_name_in_its_release_and_lone_surnames_are_dropped():
    out = by_name([M("Gao Xiang", "person"), M("Xiang", "person")], [M("Smith", "person")])
    assert out == {"Gao Xiang": ("person", ("gao xiang", "xiang"))}


def test_head_word_rules_override_the_vote():
    assert rule_type("Yunnan Provincial Government", actor=False) == "org"
    assert rule_type("Ministry of Commerce", actor=False) == "org"
    assert rule_type("Development and Reform Commission", actor=False) == "org"
    assert rule_type("Yunnan Province", actor=False) == "place"
    assert rule_type("Kunming City", actor=False) == "place"
    assert rule_type("China-Laos Railway", actor=False) == "facility"
    assert rule_type("Port of Rotterdam", actor=False) == "facility"
    assert rule_type("Mohan Port", actor=False) == "facility"
    assert rule_type("Qingdao Port", actor=True) == "org"  # "Qingdao Port signed ...": the operating company
    assert rule_type("Shandong Port Group", actor=False) is None  # left to the vote
    railway = by_name([M("China-Laos Railway", "org"), M("China-Laos Railway", "org"), M("China-Laos Railway", "facility")])
    assert railway["China-Laos Railway"][0] == "facility"
    port = by_name([M("Qingdao Port", "facility"), M("Qingdao Port", "actor")])
    assert port["Qingdao Port"][0] == "org"


def test_issuer_from_dateline_then_about_then_title():
    text = "Acme Wins\n\nNEW YORK, NY - (NewMediaWire) - May 2, 2025 - Acme Robotics, Inc. today said.\n\nAbout Other Co."
    start = text.index("Acme Robotics")
    orgs = [OrgSpan("Acme", 0), OrgSpan("Acme Robotics, Inc.", start)]
    assert find_issuer(text, len("Acme Wins"), orgs) == "Acme Robotics, Inc."
    firm = "Alert\n\nRADNOR, PA - (NewMediaWire) - January 2, 2025 - The law firm of Kessler Topaz LLP informs investors."
    assert find_issuer(firm, 5, [OrgSpan("Kessler Topaz LLP", firm.index("Kessler"))]) == "Kessler Topaz LLP"
    no_dateline = "Big News\n\nToday things happened.\n\n**About Zeta Labs**\nZeta makes things."
    assert find_issuer(no_dateline, len("Big News"), []) == "Zeta Labs"
    assert find_issuer("Beta Partners With Gamma\n\nBody.", 24, [OrgSpan("Beta", 0), OrgSpan("Gamma", 19)]) == "Beta"
    assert find_issuer("Nothing\n\nBody.", 7, []) is None


def test_the_catalog_records_issuer_and_type_and_rebuilds_them_from_stored_mentions():
    cat = build_catalog(["a"], [[M("Acme", "org"), M("Acme Inc.", "issuer"), M("Beta", "org"),
                                 M("acquisition", "category")]])
    record = cat.releases["a"]
    # One mention each: the tie goes to the fuller form.
    assert (record.issuer, record.category, cat.issuer_name("a")) == ("acme inc.", "acquisition", "Acme Inc.")
    assert cat.entities["acme inc."].aliases == ("acme inc.", "acme")
    rebuilt = build_catalog(["a"], [record.mention_list()])
    assert rebuilt.to_json() == cat.to_json()


def test_announcement_types_from_titles():
    assert classify("Acme to Acquire Beta for $10 Million") == "acquisition"
    assert classify("Acme Reports Third Quarter 2025 Results") == "results"
    assert classify("Acme Appoints Jane Doe as Chief Financial Officer") == "appointment"
    assert classify("Acme Closes $5 Million Private Placement") == "financing"
    assert classify("Acme and Beta Sign Strategic Partnership Agreement") == "agreement"
    assert classify("Acme Launches New AI Platform") == "product"
    assert classify("Heart health tips for the holidays") == "other"


def test_what_decided_a_type_is_recorded():
    entities = {e.name: e for e in resolve_entities([
        [M("Mohan Port", "person"), M("Mohan Port", "facility"), M("Mohan Port", "person")],
        [M("Kestrel Labs", "person"), M("Kestrel Labs", "person"), M("Kestrel Labs", "issuer")],
        [M("Jane Okafor", "person"), M("Jane Okafor", "org"), M("Jane Okafor", "person")],
    ]).values()}
    assert (entities["Mohan Port"].type, entities["Mohan Port"].typed_by) == ("facility", "head word Port")
    assert (entities["Kestrel Labs"].type, entities["Kestrel Labs"].typed_by) == ("org", "issuer")
    assert (entities["Jane Okafor"].type, entities["Jane Okafor"].typed_by) == ("person", "vote")
    assert type_rule("PORT OF Rotterdam Authority", actor=False) == ("org", "Authority")
    # An issuer is an organisation, but a country named as one ("About Canada") stays the place the corpus says it is.
    canada = resolve_entities([[M("Canada", "place"), M("Canada", "place")], [M("Canada", "issuer")]])["canada"]
    assert (canada.type, canada.typed_by) == ("place", "vote")
    # A person issues a release now and then (a headline's first name guessed as issuer): still a person under 20%.
    people = [[M("Mike Ross", "person")] for _ in range(9)] + [[M("Mike Ross", "person"), M("Mike Ross", "issuer")]]
    mike = resolve_entities(people)["mike ross"]
    assert (mike.type, mike.typed_by) == ("person", "vote")
    firm = resolve_entities(people + [[M("Mike Ross", "person"), M("Mike Ross", "issuer")]] * 2)["mike ross"]
    assert (firm.type, firm.typed_by) == ("org", "issuer")  # 3 of 12 releases issued
    assert type_rule("Port of Rotterdam", actor=False) == ("facility", "Port")
