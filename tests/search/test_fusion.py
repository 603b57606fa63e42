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


def test_alpha_weights_rrf_so_that_one_half_is_plain_rrf():
    from search.fusion import side_weights

    assert side_weights("rrf", 0.5) == (1.0, 1.0)
    assert side_weights("rrf", 0.25) == (1.5, 0.5)
    assert side_weights("convex", 0.3) == pytest.approx((0.7, 0.3))
    with pytest.raises(ValueError, match="alpha must be from 0 to 1"):
        side_weights("rrf", 1.2)
    with pytest.raises(ValueError, match="fusion must be one of rrf, convex"):
        side_weights("max", 0.5)
    keyword, semantic = ["a", "b"], ["b", "c"]
    fused = reciprocal_rank_fusion([keyword, semantic], weights=side_weights("rrf", 0.25))
    # a: 1.5/61; b: 1.5/62 + 0.5/61; c: 0.5/62
    assert [k for k, _ in fused] == ["b", "a", "c"]
    assert dict(fused)["b"] == pytest.approx(1.5 / 62 + 0.5 / 61)


def test_convex_combination_by_hand():
    from search.fusion import convex_combination, min_max

    keyword = [("a", 10.0), ("b", 5.0)]  # BM25: floor 0 → a 1.0, b 0.5
    semantic = [("b", 0.9), ("c", 0.5), ("a", 0.1)]  # min-max → b 1.0, c 0.5, a 0.0
    assert min_max(keyword, low=0.0) == {"a": 1.0, "b": 0.5}
    assert min_max(semantic) == pytest.approx({"b": 1.0, "c": 0.5, "a": 0.0})
    assert min_max([("x", 3.0), ("y", 3.0)]) == {"x": 1.0, "y": 1.0}
    fused = convex_combination([keyword, semantic], weights=[0.7, 0.3], lows=[0.0, None])
    # a: 0.7*1 + 0.3*0 = 0.7; b: 0.7*0.5 + 0.3*1 = 0.65; c: 0.3*0.5 = 0.15
    assert [k for k, _ in fused] == ["a", "b", "c"]
    assert [s for _, s in fused] == pytest.approx([0.7, 0.65, 0.15])
    assert convex_combination([[], []]) == []


@pytest.mark.parametrize("seed", range(20))
def test_dense_convex_combination_equals_the_reference(seed):
    import random

    from search.fusion import convex_combination, convex_combination_dense

    rng = random.Random(seed)
    size = rng.randint(1, 60)
    runs = []
    for _ in range(2):
        ids = rng.sample(range(size), k=rng.randint(0, size))
        # Few distinct scores, so ties (decided by first appearance) are common.
        runs.append([(i, float(rng.choice([0.0, 0.25, 0.5, 1.0, rng.random()]))) for i in ids])
    lows = [0.0, None]
    assert convex_combination_dense(runs, size, weights=[0.6, 0.4], lows=lows) == \
        convex_combination(runs, weights=[0.6, 0.4], lows=lows)
