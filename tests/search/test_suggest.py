"""One typed letter is answered from lists ranked when the suggester's lists are built; those answers must be exactly
what ranking the letter's whole range gives, for every letter and limit."""
from __future__ import annotations

import string

from search.suggest import MAX_SUGGEST_LIMIT, SuggestQuery


def test_one_letter_answers_equal_the_ranked_range(tiny_engine):
    suggester = tiny_engine.suggester
    starts = suggester._entity_index()
    seen = 0
    for letter in string.ascii_lowercase + string.digits:
        for limit in (1, 3, MAX_SUGGEST_LIMIT):
            cached = suggester.suggest(SuggestQuery(letter, limit))
            assert cached.entities == suggester._ranked(starts, letter, limit), (letter, limit)
            assert [(c.text, c.releases) for c in cached.completions] == \
                [(w, n) for w, n in suggester._ranked_words(letter, limit)], (letter, limit)
            seen += bool(cached.entities) + bool(cached.completions)
    assert seen > 20  # the tiny corpus has names and words under many letters


def test_a_capital_letter_is_completed_as_typed(tiny_engine):
    completions = tiny_engine.suggester.suggest(SuggestQuery("A", 3)).completions
    assert completions and all(c.text.startswith("A") for c in completions)
