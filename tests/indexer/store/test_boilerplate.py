"""What counts as boilerplate in a press release, and that the rules only delete (content tokens keep their place)."""
from indexer.store.boilerplate import MIN_KEPT_WORDS, content, content_tokens

NEWS = ("Acme Ports Ltd. signed a twenty-year concession agreement with the Port of Savannah to run its new container "
        "terminal, the company said on Tuesday. The terminal will handle 1.2 million containers a year.")
ABOUT = ("About Acme Ports\n\nAcme Ports is a global operator of software-driven container terminals. "
         "For more information visit https://acme.example.")
SAFE_HARBOUR = ("Forward-Looking Statements\n\nThis release contains forward-looking statements; actual results may "
                "differ materially from those expressed.")


def _body(*parts: str) -> str:
    return "\n\n".join(parts)


def test_newmediawire_dateline_benzinga_byline_and_image_are_dropped():
    body = _body("By Meg Flippin, Benzinga",
                 "![](https://public.newsdirect.com/583565666/zU55ioMj.png) DETROIT, MICHIGAN - June 18, 2025 "
                 "(NEWMEDIAWIRE) - " + NEWS)
    assert content(body) == " ".join(NEWS.split())


def test_wire_datelines_of_the_corpus_are_dropped():
    datelines = [
        "LONDON, ENGLAND, July 18, 2026 /24-7PressRelease/ -- ",
        "Scottsdale, AZ (Newsworthy.ai) Wednesday Dec 6, 2023 @ 4:30 PM America/Dawson_Creek — ",
        "RANCHO CORDOVA, CA - (NewMediaWire) - September 17, 2024 - ",
        "VIENNA, Va.–(BUSINESS WIRE)–",
        "CHICAGO, June 17, 2025 /PRNewswire/ — ",
        "NEW YORK, NY — April 27, 2026 — (NOTICIAS NEWSWIRE) — ",
        "HANOI, VIETNAM - [Media OutReach Newswire](https://www.media-outreach.com/) - 5 August 2026 - ",
        "--News Direct--\n\n",
        "(NewsUSA) - ",
    ]
    for dateline in datelines:
        assert content(dateline + NEWS) == " ".join(NEWS.split()), dateline


def test_about_contacts_and_safe_harbour_paragraphs_are_dropped_but_the_news_stays():
    body = _body(NEWS, "“This is a landmark for Savannah,” said the chief executive.", SAFE_HARBOUR, ABOUT,
                 "Media Contact\nJane Doe, jane@acme.example")
    kept = content(body)
    assert kept.startswith("Acme Ports Ltd. signed") and "landmark for Savannah" in kept
    for gone in ("About Acme", "global operator", "forward-looking", "differ materially", "Jane Doe", "https://"):
        assert gone not in kept


def test_an_opening_about_and_a_company_called_safe_harbor_are_news():
    opening = "About 40 percent of the port's cargo is now handled by Acme, the company said. " + NEWS
    assert content(opening) == " ".join(opening.split())
    marina = _body(NEWS, "Safe Harbor Marinas, the largest marina operator, was named in the class action filed "
                         "on Tuesday over deceptive charges at its marinas.")
    assert "Safe Harbor Marinas" in content(marina)


def test_links_keep_their_text_and_raw_urls_go():
    body = "Tickets are on sale at [the box office](https://tickets.example/abc) and https://x.example/y today. " + NEWS
    assert content(body).startswith("Tickets are on sale at [the box office] and today.")


def test_tokens_keep_their_place_in_the_body():
    body = "![](https://img.example/a.png) " + NEWS + "\n\n" + ABOUT
    words = body.split()
    tokens = content_tokens(body)
    assert [t.text for t in tokens] == NEWS.split()
    assert all(words[t.index] == t.text for t in tokens)
    assert tokens[0].index == 1


def test_a_body_that_is_all_boilerplate_is_kept_whole():
    body = "Contact: https://acme.example"
    assert content(body) == body
    short = "By Jane Doe, Benzinga\n\nShort note on ports."  # the rules would keep 4 words: they misread it
    assert len(content_tokens(short)) == len(short.split()) > 4 and MIN_KEPT_WORDS > 4
