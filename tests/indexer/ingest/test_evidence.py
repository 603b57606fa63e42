"""indexer.ingest.evidence: the issuer of a release from its dateline, wire notes, About paragraphs and domains."""
from __future__ import annotations

from indexer.ingest.evidence import OrgSpan, described_as_org, find_issuer
from indexer.ingest.wires import detect_wire


def issuer(title: str, body: str, orgs: list[str] = (), source: str = "", symbols: dict[str, str] | None = None,
           listed: tuple[str, ...] = ()) -> str | None:
    text = f"{title}\n\n{body}"
    wire = detect_wire(text, source)
    spans = [OrgSpan(name, text.index(name)) for name in orgs]
    return find_issuer(text, len(title), spans, title_start=wire.headline_start, is_wire=wire.is_wire,
                       symbols=symbols, listed=listed)


def test_the_name_between_slashes_after_the_date_is_the_issuer():
    assert issuer("Milestone", " Everett, United States - September 14, 2025 / CloseBot /\nCloseBot has reached it.",
                  source="pressservices") == "CloseBot"
    # The 24-7PressRelease mark has the same shape and is the wire, never the issuer.
    body = "BOSTON, MA, July 21, 2025 /24-7PressRelease/ -- Environment First Printing, based in Portsmouth"
    assert issuer("Expands", body, orgs=["Environment First Printing"]) == "Environment First Printing"


def test_a_wire_article_is_issued_by_the_client_its_note_names():
    body = ("Meta has introduced new safety features.\n NOTE TO INVESTORS: The latest news and updates relating to "
            "Thumzup Media Corp. (NASDAQ: TZUP) are available in the company’s newsroom.")
    assert issuer("Meta Announces Alerts", body, orgs=["Meta"], source="ibn") == "Thumzup Media Corp."
    by_symbol = "Acme (OTCID: BINP) unveiled a platform.\n NOTE TO INVESTORS: news relating to BINP are available"
    by_symbol = by_symbol.replace("news relating", "The latest news and updates relating")
    assert issuer("AINewsBreaks – Acme Moves", by_symbol, symbols={"BINP": "Acme"}, source="ibn") == "Acme"


def test_about_paragraphs_of_the_wire_are_skipped():
    body = ("Acme Corp. launched a robot.\n About TechMediaWire\n TechMediaWire (“TMW”) is a platform. It is one of "
            "70+ brands within the Dynamic Brand Portfolio @ IBN.\n TechMediaWire is powered by IBN")
    assert issuer("A Robot", body, source="ibn") is None
    assert issuer("A Robot", "Text.\nAbout the Company - FitFast\nFitFast makes apps.") == "FitFast"


def test_the_release_domain_spells_the_issuer_even_where_ner_missed_it():
    body = "Make the season sparkle at Huntington Fine Jewelers.\nVisit their website at www.huntingtonfinejewelers.com"
    assert issuer("Holiday Diamond Event", body, orgs=["Holiday Diamond Event"]) == "Huntington Fine Jewelers"
    social = "Follow Acme Labs on https://www.facebook.com/acme and visit www.linkedin.com/acme"
    assert issuer("News", social) is None


def test_a_listed_company_comes_before_the_title_org_and_wires_are_never_issuers():
    assert issuer("Meta Adds Alerts", "Companies like Thumzup Media Corp. benefit.", orgs=["Meta"],
                  listed=("Thumzup Media Corp.",)) == "Thumzup Media Corp."
    assert issuer("IBN Relaunches Brands", "IBN (InvestorBrandNetwork) relaunched its brands.", orgs=["IBN"],
                  source="ibn") is None


def test_about_headings_run_into_their_paragraph_name_the_issuer():
    flat = ("SHIRLEY, NY, July 16, 2025 /24-7PressRelease/ -- In the early design phase, targets matter.  About Creative "
            "Biolabs Creative Biolabs is a leading contract research organization.")
    assert issuer("From Mechanism to Pharmacokinetics", flat) == "Creative Biolabs"
    colon = "Charlotte launches a wellness initiative.\nAbout Hooky Wellness: Founded by Erayna Sargent, Hooky Wellness"
    assert issuer("Catch Your Breath", colon) == "Hooky Wellness"
    assert issuer("Study", "Results came in.\nAbout the study: it ran for a year.") is None  # "About" + lower case
    assert issuer("Q", "Qualys launches.\n\nAbout Qualys Qualys, Inc. (NASDAQ: QLYS) is a pioneer.") == "Qualys"
    assert issuer("A", "x.  About Acme Corp. Acme Corp. is a leading provider") == "Acme Corp"
    assert issuer("M", "x.  About Inc. Inc. is a magazine for founders.") is None  # Inc. the magazine: no name
    assert issuer("S", "Results.\nAbout a year ago, Jane Smith told us: we grew.") is None


def test_an_organisation_is_told_from_a_person_by_what_the_release_says_it_is():
    text = ("About Disability Law Group Disability Law Group is a law firm that focuses on claims. Rocky Rochford is a "
            "candidate for Congress. Founded in 2018, Sauce Essentials makes vapes. Acme, based in Ohio, is the "
            "country's largest maker of widgets.")
    assert described_as_org(text, "Disability Law Group") and described_as_org(text, "Sauce Essentials")
    assert described_as_org(text, "Acme")
    assert not described_as_org(text, "Rocky Rochford")
    assert not described_as_org("Goldsmith is a leading company.", "Smith")  # a name, not part of one
    assert not described_as_org("Jeff Spaletta is a business consultant. Jane Doe is a partner at Acme Group.",
                                "Jeff Spaletta")
    assert not described_as_org("Jane Doe is the CEO of Acme Group.", "Jane Doe")
