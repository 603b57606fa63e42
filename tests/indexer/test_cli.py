"""`announcements index` / `delete` on hostile input and a hostile disk (issue 18): one-line errors, exit status 1,
every problem written by --problems. The CLI's builds run with the stand-in models (patched in where the pipeline
loads models), so this is the fast tier."""
from __future__ import annotations

import errno
import importlib
import json
import os
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


# ---------------------------------------------------------------- item 7: a read-only index directory, a full disk

@pytest.fixture
def built(tmp_path, standin_models) -> Path:
    """An index of two releases, built through the CLI."""
    feed = write(tmp_path / "in" / "feed.jsonl", "".join(
        json.dumps({"id": f"ok{i}", "title": f"Good {i}", "body": "Port deal in Qingdao."}) + "\n" for i in range(2)))
    index_dir = tmp_path / "index"
    assert run(index_command, feed, "--index", index_dir, "--ner-model", NER_NAME, "--quiet").exit_code == 0
    return index_dir


def assert_one_line_error_and_nothing_lost(result, index_dir: Path, live: str, expected: str) -> None:
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: " + expected), result.output
    assert f"nothing changed: {index_dir} still serves version {live}" in result.output
    assert layout.current_version(index_dir).name == live
    assert not [p for p in (index_dir / layout.VERSIONS).iterdir() if p.name.startswith(layout.BUILD_PREFIX)]
    from indexer.store.check import check_index

    assert check_index(index_dir)[1] == []


def full_disk(monkeypatch, what: str) -> None:
    """Writing `what` (a store function) raises ENOSPC, as a full disk does."""
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "versions/.build-x/passages.npz")

    module, name = what.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), name, no_space)


@pytest.mark.parametrize("command", ["index", "delete"])
def test_a_full_disk_is_a_one_line_error_and_nothing_is_lost(built, tmp_path, monkeypatch, command):
    live = layout.current_version(built).name
    full_disk(monkeypatch, "indexer.store.atomic.fsync_file")
    if command == "index":
        more = write(tmp_path / "more.jsonl", json.dumps({"id": "new", "title": "New", "body": "More."}) + "\n")
        result = run(index_command, more, "--index", built, "--quiet")
    else:
        result = run(delete_command, "ok1", "--index", built)
    assert_one_line_error_and_nothing_lost(result, built, live,
                                           "No space left on device: versions/.build-x/passages.npz; ")


@pytest.mark.parametrize("command", ["index", "delete"])
def test_a_read_only_index_is_a_one_line_error(built, tmp_path, monkeypatch, command):
    """Tests run as root, whom chmod does not stop: the lock file's open fails as on a read-only directory."""
    live = layout.current_version(built).name
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(layout.WRITER_LOCK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(layout.os, "open", read_only)
    if command == "index":
        result = run(index_command, tmp_path / "in", "--index", built, "--quiet")
    else:
        result = run(delete_command, "ok1", "--index", built)
    assert_one_line_error_and_nothing_lost(result, built, live,
                                           f"Permission denied: {built / layout.WRITER_LOCK}; ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the mode")
def test_a_read_only_index_directory_for_real(built, tmp_path):
    live = layout.current_version(built).name
    built.chmod(0o555)
    try:
        result = run(delete_command, "ok1", "--index", built)
    finally:
        built.chmod(0o755)
    assert_one_line_error_and_nothing_lost(result, built, live, "Permission denied")


def test_an_unwritable_problems_file_is_a_one_line_error_after_the_run(built, tmp_path):
    more = write(tmp_path / "more.jsonl", json.dumps({"id": "new", "title": "New", "body": "More."}) + "\n")
    result = run(index_command, more, "--index", built, "--quiet", "--problems", tmp_path / "missing" / "p.jsonl")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (f"Error: the index was written; the problems file "
                                              f"{tmp_path / 'missing' / 'p.jsonl'} could not be written: "
                                              "No such file or directory")
