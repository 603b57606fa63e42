"""Overlapping passages: MiniLM reads 256 word pieces at most, so a release is embedded as several windows."""
from __future__ import annotations

from dataclasses import dataclass

PASSAGE_WORDS = 96
PASSAGE_OVERLAP = 32
# Short windows: on SciFact train (issue 3) 96-word windows with 32 words of overlap scored semantic nDCG@10 0.684
# against 0.675 for 160/40 (a window that holds one idea matches a one-idea query better; README "Relevance").
# The embedding budget: at most this many passages per release, from the start of the body. Embedding is CPU-bound
# (fp32 on a CPU without bf16: ~21 windows of 96 words per second on 2 cores), and a release's headline and lead say
# what it is about; keyword search still reads the whole body. Two windows cover the first 160 words, as one
# 160-word passage did, at 1.4x its cost (README "Indexing").
MAX_PASSAGES = 2
# The windows are cut from the whole body, boilerplate included (datelines, bylines, About paragraphs): cutting them
# from the body without it (indexer.store.boilerplate) raised semantic nDCG@10 on the in-domain train split by 0.009
# but lowered hybrid by 0.013 (README "Relevance on press releases"), so it was not kept.


@dataclass(frozen=True)
class Passage:
    start: int  # word offsets into body.split()
    end: int
    text: str  # what is embedded: the title, then the window


def split_passages(
    title: str, body: str, *, words: int = PASSAGE_WORDS, overlap: int = PASSAGE_OVERLAP,
    max_passages: int = MAX_PASSAGES,
) -> list[Passage]:
    """Windows of `words` body words, each overlapping the previous by `overlap`, each prefixed by the title.

    A short last window is moved back to a full window (more overlap) rather than embedded on its own: a
    10-word tail makes a passage that matches anything, and merging it would exceed the model's window.
    At most `max_passages` windows, from the start of the body.
    """
    if not 0 <= overlap < words:
        raise ValueError("overlap must be smaller than the window")
    tokens = body.split()
    if not tokens:
        return [Passage(0, 0, title)]
    step = words - overlap
    spans: list[tuple[int, int]] = []
    start = 0
    while len(spans) < max_passages:
        end = min(start + words, len(tokens))
        spans.append((start, end))
        if end == len(tokens):
            break
        start += step
    if len(spans) > 1 and spans[-1][1] == len(tokens) and spans[-1][1] - spans[-1][0] < words // 2:
        spans[-1] = (len(tokens) - words, len(tokens))
    return [Passage(s, e, f"{title}\n{' '.join(tokens[s:e])}") for s, e in spans]
