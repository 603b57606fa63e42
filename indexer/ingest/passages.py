"""Overlapping passages: MiniLM reads 256 word pieces at most, so a release is embedded as several windows."""
from __future__ import annotations

from dataclasses import dataclass

from indexer.store.boilerplate import content_tokens

PASSAGE_WORDS = 96
PASSAGE_OVERLAP = 32
# Short windows: on SciFact train (issue 3) 96-word windows with 32 words of overlap scored semantic nDCG@10 0.684
# against 0.675 for 160/40 (a window that holds one idea matches a one-idea query better; README "Relevance").
# The embedding budget: at most this many passages per release, from the start of the body. Embedding is CPU-bound
# (fp32 on a CPU without bf16: ~21 windows of 96 words per second on 2 cores), and a release's headline and lead say
# what it is about; keyword search still reads the whole body. Two windows cover the first 160 words, as one
# 160-word passage did, at 1.4x its cost (README "Indexing").
MAX_PASSAGES = 2
# Body characters read for passages: two windows need a few hundred words; boilerplate rules over a 16 MiB body
# would take seconds. The longest real release has 55,719 characters.
PASSAGE_SCAN_CHARS = 60_000


@dataclass(frozen=True)
class Passage:
    start: int  # word offsets into body.split()
    end: int
    text: str  # what is embedded: the title, then the window's words without boilerplate


def split_passages(
    title: str, body: str, *, words: int = PASSAGE_WORDS, overlap: int = PASSAGE_OVERLAP,
    max_passages: int = MAX_PASSAGES,
) -> list[Passage]:
    """Windows of `words` body words, each overlapping the previous by `overlap`, each prefixed by the title.

    The words are the body's content (indexer.store.boilerplate): datelines, bylines, image links, URLs, About and
    safe-harbour paragraphs are not embedded, so the two windows hold the news. `start` and `end` still count
    body.split() words (a window spans the body from its first to its last content word).
    A short last window is moved back to a full window (more overlap) rather than embedded on its own: a
    10-word tail makes a passage that matches anything, and merging it would exceed the model's window.
    At most `max_passages` windows, from the start of the body.
    """
    if not 0 <= overlap < words:
        raise ValueError("overlap must be smaller than the window")
    tokens = content_tokens(body[:PASSAGE_SCAN_CHARS])
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
    return [Passage(tokens[s].index, tokens[e - 1].index + 1, f"{title}\n{' '.join(t.text for t in tokens[s:e])}")
            for s, e in spans]
