import pytest

from indexer.ingest.passages import MAX_PASSAGES, split_passages
from indexer.store.vectors import passage_words


def body(n):
    return " ".join(f"w{i}" for i in range(n))


def test_windows_overlap_and_carry_the_title():
    ps = split_passages("Title", body(300), words=160, overlap=40, max_passages=64)
    assert [(p.start, p.end) for p in ps] == [(0, 160), (120, 280), (140, 300)]
    assert all(p.text.startswith("Title\n") for p in ps)
    assert passage_words(body(300), 120, 122) == "w120 w121"


def test_short_tail_is_moved_back_not_left_alone():
    ps = split_passages("T", body(170), words=160, overlap=40, max_passages=64)
    assert [(p.start, p.end) for p in ps] == [(0, 160), (10, 170)]
    assert all(p.end - p.start <= 160 for p in ps)


def test_short_and_empty_bodies():
    assert [(p.start, p.end) for p in split_passages("T", body(20))] == [(0, 20)]
    assert [(p.start, p.end, p.text) for p in split_passages("T", "")] == [(0, 0, "T")]
    with pytest.raises(ValueError):
        split_passages("T", "x", words=10, overlap=10)


def test_the_budget_keeps_the_opening_windows():
    assert [(p.start, p.end) for p in split_passages("T", body(1000), words=160, overlap=40, max_passages=2)] == \
        [(0, 160), (120, 280)]
    default = split_passages("T", body(1000))
    assert len(default) == MAX_PASSAGES and default[0].start == 0


def test_default_windows_fit_the_model_so_nothing_is_cut_off(shared_data):
    """MiniLM reads 256 word pieces: a window (title + 96 words) longer than that would silently lose its end.
    On real text, at most 2% of passages may be cut (very long titles, tables of numbers)."""
    import json

    from transformers import AutoTokenizer

    from indexer.models.embeddings import resolve_model_path
    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path("all-MiniLM-L6-v2"))
    with open(shared_data / "scifact" / "corpus.jsonl", encoding="utf-8") as fh:
        docs = [json.loads(line) for _, line in zip(range(1500), fh)]
    texts = [p.text for d in docs for p in split_passages(d["title"], d["text"])]
    lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=True)["input_ids"]]
    cut = sum(n > 256 for n in lengths)
    assert len(texts) > len(docs)  # abstracts are longer than one window
    assert cut <= 0.02 * len(texts), f"{cut} of {len(texts)} passages exceed 256 word pieces"
    # The old 160-word windows did not fit: the same check fails for them.
    wide = [p.text for d in docs for p in split_passages(d["title"], d["text"], words=160, overlap=40)]
    wide_cut = sum(len(ids) > 256 for ids in tokenizer(wide, add_special_tokens=True)["input_ids"])
    assert wide_cut > 0.02 * len(wide)
