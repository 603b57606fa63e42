import pytest

from search.fusion import reciprocal_rank_fusion


def test_rrf_scores_by_hand():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], rrf_k=60)
    # b: 1/62 + 1/61; a: 1/61; d: 1/62; c: 1/63
    assert [k for k, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert dict(fused)["c"] == pytest.approx(1 / 63)


def test_rrf_ties_keep_first_appearance_and_weights_apply():
    assert [k for k, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]
    assert [k for k, _ in reciprocal_rank_fusion([["x"], ["y"]], weights=[1.0, 2.0])] == ["y", "x"]


def test_rrf_rejects_mismatched_weights_and_handles_empty():
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["x"]], weights=[1.0, 1.0])
    assert reciprocal_rank_fusion([[], []]) == []
