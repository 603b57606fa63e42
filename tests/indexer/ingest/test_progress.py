"""The build's one reporter: seconds per stage (a stage entered twice adds up), a stage reached at its first item,
and the progress bar only for counted stages."""
import time

import pytest

from indexer.ingest.progress import Progress


def test_a_stage_is_timed_and_entered_twice_adds_up():
    progress = Progress(show=False)
    for _ in range(2):
        with progress.stage("load models"):
            time.sleep(0.01)
    with progress.stage("parse", unit="release"):
        pass
    assert list(progress.seconds) == ["load models", "parse"]
    assert progress.seconds["load models"] >= 0.02


def test_a_stage_is_reached_at_its_first_item_only():
    reached = []
    progress = Progress(show=False, on_stage=reached.append)
    with progress.stage("ner", unit="release", total=3) as ner:
        assert reached == []
        for _ in range(3):
            ner.advance()
    progress.reached("renamed")
    assert reached == ["ner", "renamed"]


def test_a_hook_that_raises_stops_the_run_and_the_stage_is_still_timed():
    def kill(point: str) -> None:
        raise KeyboardInterrupt(point)

    progress = Progress(show=False, on_stage=kill)
    with pytest.raises(KeyboardInterrupt, match="embed"):
        with progress.stage("embed", unit="passage", total=2) as embed:
            embed.advance(2)
    assert "embed" in progress.seconds


def test_only_counted_stages_show_a_bar(capsys):
    progress = Progress(show=True)
    with progress.stage("write"):
        pass
    assert capsys.readouterr().err == ""
    with progress.stage("parse", unit="release") as parse:
        parse.advance()
    assert "parse: 1release" in capsys.readouterr().err.replace("\r", "\n")
