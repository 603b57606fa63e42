"""An entity profile says why its entity has its type, in words a reader can check."""
from __future__ import annotations

from search.views import EntityProfile


def profile(type_: str, votes: dict[str, int], typed_by: str = "vote", issued: int = 0) -> EntityProfile:
    return EntityProfile(name="X", type=type_, aliases=["X"], votes=votes, releases=3, issued=issued,
                         release_ids=[], cooccurring=[], months=[], typed_by=typed_by)


def test_type_evidence_in_words():
    assert profile("org", {"org": 12, "person": 2}).type_evidence == \
        "Typed org: 12 of 14 mentions read as org (2 as person)"
    assert profile("org", {"org": 1}).type_evidence == "Typed org: 1 of 1 mention read as org"
    assert profile("facility", {"person": 2, "facility": 1}, "head word Port").type_evidence == \
        "Typed facility by its head word Port; 1 of 3 mentions read as facility, 2 as person"
    assert profile("org", {"person": 1}, "issuer", issued=1).type_evidence == \
        "Typed org because it issued 1 release; 0 of 1 mention read as org, 1 as person"
    assert profile("org", {"person": 1}, "issuer", issued=1).to_json()["typed_by"] == "issuer"


def test_an_old_index_shows_the_counts_without_claiming_a_reason():
    assert profile("org", {"place": 2213, "org": 1}, "unknown").type_evidence == \
        "Mentions: 1 of 2214 mentions read as org, 2213 as place (rebuild the index to see what typed it)"
