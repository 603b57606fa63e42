"""`announcements index` / `delete` on hostile input and a hostile disk (issue 18): one-line errors, exit status 1,
every problem written by --problems. The CLI's builds run with the stand-in models (patched in where the pipeline
loads models), so this is the fast tier."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import delete_command, index_command
from indexer.ingest import pipeline
from indexer.store import layout
from tests.standins import NER_NAME, hashed_words_embedder, ruler_nlp


@pytest.fixture
def standin_models(monkeypatch):
    """The CLI loads its models by name; give it the stand-ins."""
    nlp, embedder = ruler_nlp(), hashed_words_embedder()
    monkeypatch.setattr(pipeline, "load_nlp", lambda name: nlp)
    monkeypatch.setattr(pipeline, "load_embedder", lambda name: embedder)
    return nlp, embedder


def run(command, *args: str):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- item 10: skipped vs warned, --problems FILE

def messy_feed(src: Path) -> Path:
    """30 bad lines (skipped), 5 releases with a dropped field (warned and indexed), 2 good releases."""
    lines = [json.dumps({"id": f"bad{i}", "title": "No body"}) for i in range(30)]
    lines += [json.dumps({"id": f"warn{i}", "title": f"Warned {i}", "body": "Kept.", "date": 20240101})
              for i in range(5)]
    lines += [json.dumps({"id": f"ok{i}", "title": f"Good {i}", "body": "Port deal."}) for i in range(2)]
    return write(src / "feed.jsonl", "\n".join(lines) + "\n")


def test_skipped_and_warned_are_counted_apart_and_every_problem_is_written(tmp_path, standin_models):
    feed = messy_feed(tmp_path / "in")
    problems = tmp_path / "problems.jsonl"
    result = run(index_command, feed, "--index", tmp_path / "index", "--ner-model", NER_NAME, "--quiet",
                 "--problems", problems)
    assert result.exit_code == 0, result.output
    assert "Indexed 7 releases" in result.output
    assert "skipped 30: 30 × missing field 'body'" in result.output
    assert "warned 5 (indexed, a field dropped): 5 × field 'date' must be a string" in result.output
    assert "… and 10 more (--problems FILE writes them all)" in result.output
    written = [json.loads(line) for line in problems.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 35
    assert written[0] == {"origin": f"{feed}:1", "reason": "missing field 'body'", "skipped": True}
    assert written[-1] == {"origin": f"{feed}:35", "reason": "field 'date' must be a string, not int",
                           "skipped": False}
    assert layout.read_json(layout.current_version(tmp_path / "index") / layout.MANIFEST)["skipped"] == 30


def test_problems_file_is_written_when_nothing_could_be_indexed(tmp_path):
    src = tmp_path / "in"
    for i in range(25):
        write(src / f"empty{i:02}.txt", "")
    problems = tmp_path / "problems.jsonl"
    result = run(index_command, src, "--index", tmp_path / "index", "--quiet", "--problems", problems)
    assert result.exit_code == 1 and "nothing to index" in result.output
    assert len(problems.read_text(encoding="utf-8").splitlines()) == 25
