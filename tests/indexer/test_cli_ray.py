"""`announcements index --ray` refusals that need no cluster (the Ray builds themselves:
tests/indexer/ingest/test_distributed.py)."""
from __future__ import annotations

from click.testing import CliRunner

from indexer.cli import index_command
from indexer.store import layout
from tests.standins import write_tiny_corpus


def test_ray_refuses_to_update_an_existing_index_and_changes_nothing(tiny_index, tmp_path):
    before = layout.current_version(tiny_index)
    corpus = write_tiny_corpus(tmp_path / "more.jsonl")
    result = CliRunner().invoke(index_command, [str(corpus), "--index", str(tiny_index), "--ray"])
    assert result.exit_code == 1
    assert "--ray builds a new index; updates run locally" in result.output
    assert "--rebuild" in result.output
    assert layout.current_version(tiny_index) == before


def test_ray_followed_by_a_path_says_to_put_the_paths_first(tmp_path):
    corpus = write_tiny_corpus(tmp_path / "tiny.jsonl")
    result = CliRunner().invoke(index_command, ["--index", str(tmp_path / "index"), "--ray", str(corpus)])
    assert result.exit_code == 2
    assert "--ray takes auto or a head's HOST:PORT" in result.output and "put PATHs before --ray" in result.output
    assert not (tmp_path / "index").exists()
