"""indexer.ingest.wires: the carrying wire and its brands, read from the marks the wires print."""
from __future__ import annotations

import pytest

from indexer.ingest.wires import blank_marks, detect_wire

IBN_TAIL = ("\n NOTE TO INVESTORS: The latest news and updates relating to ACME are available in the company’s "
            "newsroom at https://ibn.fm/ACME\n About TechMediaWire\n TechMediaWire (“TMW”) is a specialized "
            "communications platform. It is one of 70+ brands within the Dynamic Brand Portfolio @ IBN that delivers "
            "(1) access to wire solutions via InvestorWire.\n TechMediaWireLos Angeles, CA\n TechMediaWire is powered "
            "by IBN")


@pytest.mark.parametrize(("text", "source", "wire"), [
    ("Title\n\nBOSTON, MA, July 21, 2025 /24-7PressRelease/ -- Acme Corp announced", "", "24-7PressRelease"),
    ("Title\n\nDETROIT, MICHIGAN - May 9, 2025 (NEWMEDIAWIRE) - Acme", "", "NewMediaWire"),
    ("Title\n\n--News Direct--\nAcme Corp announced", "", "News Direct"),
    ("Title\n\nScottsdale, AZ (Newsworthy.ai) Friday Dec 1, 2023 @ 2:20 PM — Acme", "", "Newsworthy.ai"),
    ("Title\n\nTUCSON, AZ / PR Karma / November 20, 2025 16:15\nAcme", "", "PR Karma"),
    ("Title\n\nCHICAGO–(BUSINESS WIRE)–Acme Corporation today", "", "Business Wire"),
    ("Title\n\nBody.\n The post Title appeared first on citybiz.", "", "citybiz"),
    ("Title\n\nBody.", "247PressRelease", "24-7PressRelease"),
    ("Title\n\nBody.", "somewire", "somewire"),
])
def test_the_wire_comes_from_its_dateline_mark_footer_or_source(text, source, wire):
    assert wire in detect_wire(text, source).wires


def test_ibn_brands_columns_and_acronyms_are_wire_names_and_their_boilerplate_is_the_tail():
    text = ("TechMediaBreaks – Acme Corp. (NASDAQ: ACME) Launches a Robot\n\nAcme Corp. (NASDAQ: ACME) launched a "
            "robot." + IBN_TAIL)
    wire = detect_wire(text, "ibn")
    assert wire.wires[:2] == ("IBN", "TechMediaWire")
    for name in ("IBN", "InvestorBrandNetwork", "TechMediaWire", "TMW", "techmediabreaks"):
        assert wire.is_wire(name)
    assert not wire.is_wire("Acme Corp.")
    assert text[wire.headline_start:].startswith("Acme Corp. (NASDAQ: ACME) Launches")
    assert text[wire.tail_start:].lstrip().startswith("About TechMediaWire")
    assert "NOTE TO INVESTORS" in text[:wire.tail_start]  # the client's note stays: it names the issuer


def test_a_benzinga_byline_names_the_wire_and_its_staff_writer_and_is_blanked_for_ner():
    text = "Amesite Wins a Deal\n\nBy Meg Flippin, Benzinga\nEducation is getting an overhaul."
    wire = detect_wire(text, "newsdirect")
    assert wire.wires == ("News Direct", "Benzinga")
    assert wire.is_wire("Meg Flippin") and wire.is_wire("Meg Flippin Benzinga") and wire.is_wire("benzinga")
    blanked = blank_marks(text, wire)
    assert len(blanked) == len(text) and "Flippin" not in blanked and "Education is getting" in blanked


def test_a_release_without_wire_marks_has_no_wire_and_nothing_to_blank():
    wire = detect_wire("Acme Signs a Deal\n\nAcme signed a deal with Beta Networks.")
    assert wire.wires == () and wire.names == frozenset() and wire.marks == ()
    assert (wire.headline_start, wire.tail_start) == (0, len("Acme Signs a Deal\n\nAcme signed a deal with Beta Networks."))
    assert not wire.is_wire("Beta Networks")
