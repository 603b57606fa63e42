"""The duplicate rule on templated text: releases that share a long boilerplate around a short distinct part (an
archive's copyright block around a one-line photo caption, one text sent for many cities) are different
announcements; a re-post of one of them is still its copy."""
from __future__ import annotations

import datetime

import numpy as np
import pytest

from indexer.ingest import duplicates
from indexer.store.records import Release

# Sixteen sentences of archive boilerplate (~250 words) around every caption, as in the photo-of-the-week releases.
BOILERPLATE = " ".join([
    "Photograph by the county archive, all rights reserved by the estate of the photographer and its heirs.",
    "This image may be ordered by typing the five digit image number into the search box of the archive website.",
    "Prints are made to order on heavy archival paper and shipped flat within three weeks of the order.",
    "Framing is available in black walnut or brushed silver for an added charge at checkout.",
    "The archive holds more than forty thousand negatives made between the two world wars and the late sixties.",
    "Every week the paper publishes one photograph with the caption the photographer wrote for it at the time.",
    "Captions are reproduced as written, with the spelling and place names of their day.",
    "Readers who recognise a face or a place are invited to write to the archive with what they remember.",
    "Licensing for books, documentaries and exhibitions is handled by the estate through its agent in the city.",
    "Schools and libraries may display the weekly photograph free of charge with the credit line shown above.",
    "The archive reading room is open on weekday afternoons by appointment only.",
    "Researchers should bring a letter from their institution and a pencil; pens are not allowed near the negatives.",
    "Gifts of family photographs from the same years are welcome and are catalogued by volunteers each winter.",
    "A members' newsletter with the stories behind the photographs is mailed four times a year.",
    "Members receive a ten percent discount on prints and early notice of exhibitions at the old custom house.",
    "The estate thanks the newspaper and its readers for forty years of support.",
])
CAPTIONS = [
    "Oyster roast at the river landing, guests crowd the tables under lanterns",
    "Timonium fair, a prize heifer is led past the grandstand by two boys",
    "Steam locomotive crossing the stone viaduct above the mill race at dawn",
    "Fishermen mending gill nets on the wharf before the spring shad run",
    "Workers cheer as three hulls slide down the ways on one morning",
    "Wheat fields above the valley wait for the threshing crew in July",
    "A ballet of five dancers with scarves on the beach at sunrise",
    "Transit company streetcars lined up in the car barn for the night",
    "Annapolis main street looking down to the harbor on a market day",
    "Hampton house as the family leaves it after one hundred fifty years",
    "Mountain club hikers on the ridge trail with the reservoir below",
    "Foxhounds and riders gather on the manor lawn before the hunt",
]


def _release(rid: str, caption: str, day: int) -> Release:
    return Release(id=rid, title=f"{caption.split(',')[0]} - photo of the week", body=f"{caption}.\n\n{BOILERPLATE}",
                   date=datetime.date(2025, 7, 1) + datetime.timedelta(days=day), source="citywire")


@pytest.fixture
def photo_releases() -> list[Release]:
    photos = [_release(f"photo-{i}", caption, day=i % 10) for i, caption in enumerate(CAPTIONS)]
    repost = _release("photo-0-again", CAPTIONS[0], day=3)  # the oyster roast photograph posted again
    return photos + [repost]


def _groups(releases: list[Release]) -> list[list[str]]:
    data = duplicates.describe(releases)
    by_group: dict[int, list[str]] = {}
    for rid, group in zip(data.ids, duplicates.group(data).tolist()):
        by_group.setdefault(group, []).append(rid)
    return sorted(sorted(ids) for ids in by_group.values() if len(ids) > 1)


def test_different_captions_in_one_template_are_different_announcements(photo_releases):
    data = duplicates.describe(photo_releases)
    similarities = [duplicates.jaccard(data, 1, other) for other in range(2, len(CAPTIONS))]
    assert min(similarities) >= duplicates.TEXT_THRESHOLD  # the whole text alone would call them copies
    assert _groups(photo_releases) == [["photo-0", "photo-0-again"]]


def test_without_the_template_rule_the_captions_chain_into_one_group(photo_releases, monkeypatch):
    """The rule is what keeps the photographs apart (this test fails if it stops mattering)."""
    monkeypatch.setattr(duplicates, "DISTINCT_THRESHOLD", 0.0)
    assert _groups(photo_releases) == [sorted(r.id for r in photo_releases)]


def test_a_text_sent_more_often_than_the_template_bound_is_still_one_announcement():
    """Every slot of a text copied 12 times is 'template'; nothing tells the copies apart, so they stay one group."""
    copies = [_release(f"copy-{i}", CAPTIONS[2], day=i % 5) for i in range(12)]
    data = duplicates.describe(copies)
    template = duplicates.template_slots(data.signatures)
    assert template.all()
    assert duplicates.distinct_agreement(data, template, 0, 1) == 1.0
    assert _groups(copies) == [sorted(r.id for r in copies)]
    assert np.unique(duplicates.group(data)).size == 1


def _datasketch_pairs(data) -> set[tuple[int, int]]:
    """The candidate pairs of datasketch's own MinHashLSH, one insert and query per release (what the numpy banding
    replaces)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=duplicates.TEXT_THRESHOLD, num_perm=duplicates.PERMUTATIONS)
    pairs = set()
    for row, values in enumerate(data.signatures):
        minhash = MinHash(num_perm=duplicates.PERMUTATIONS, hashvalues=values, scheme=duplicates.SCHEME)
        pairs |= {(other, row) for other in lsh.query(minhash)}
        lsh.insert(row, minhash, check_duplication=False)
    return pairs


def test_the_numpy_lsh_proposes_exactly_the_pairs_datasketch_proposes():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(words, 60)) for _ in range(150)]
    # copies with 0, 1 and 3 words changed: some share every band, some a few, some none
    for source, changed in [(0, 0), (1, 1), (2, 3), (3, 1), (3, 0), (4, 20)]:
        copy = texts[source].split()
        for at in rng.choice(len(copy), changed, replace=False):
            copy[at] = "changed"
        texts.append(" ".join(copy))
    releases = [Release(f"r{i}", "", text, None) for i, text in enumerate(texts)]
    data = duplicates.describe(releases)
    text_pairs = {(a, b) for a, b in duplicates.candidate_pairs(data)}  # no titles: every pair comes from a band
    assert text_pairs == _datasketch_pairs(data)
    assert {(0, 150), (1, 151), (3, 153), (3, 154), (153, 154)} <= text_pairs
    assert all(a < b for a, b in text_pairs)
