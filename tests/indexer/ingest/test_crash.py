"""SIGKILL a real indexer process at every stage: the last good version keeps serving exactly its releases, and the
next run succeeds without any manual clean-up."""
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.store import layout
from indexer.ingest.build import build_index
from indexer.store.check import check_index
from indexer.ingest.update import delete_releases, update_index
from search.engine import Engine
from search.request import SearchRequest

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[3]


def write_jsonl(path: Path, ids: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "title": f"Release {i} about ports",
                                        "body": f"Release {i} says the port of Qingdao signed deal number {i}."}) + "\n"
                            for i in ids), encoding="utf-8")
    return path


def killed(command: str, index_dir: Path, stage: str, *args: str) -> None:
    proc = subprocess.run([sys.executable, str(CHILD), command, str(index_dir), stage, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr


def served(index_dir: Path, embedder) -> list[str]:
    assert check_index(index_dir)[1] == []
    engine = Engine.open(index_dir, embedder=embedder)
    return sorted(h.id for h in engine.search(SearchRequest(limit=100)).hits)


def leftovers(index_dir: Path) -> list[str]:
    current = layout.current_version(index_dir).name
    return sorted(p.name for p in (index_dir / layout.VERSIONS).iterdir() if p.name > current or p.name[0] == ".")


@pytest.mark.parametrize("stage", ["parse", "ner", "embed"])
def test_kill_during_a_build_keeps_the_last_good_version(tmp_path, stage, nlp, embedder):
    index_dir = tmp_path / "index"
    build_index([write_jsonl(tmp_path / "old.jsonl", ["o1", "o2"])], index_dir, nlp=nlp, embedder=embedder,
                progress=False)
    killed("build", index_dir, stage, str(write_jsonl(tmp_path / "new.jsonl", ["n1", "n2", "n3"])))
    assert served(index_dir, embedder) == ["o1", "o2"]
    summary = update_index([tmp_path / "new.jsonl"], index_dir, nlp=nlp, embedder=embedder, progress=False)
    assert summary.published and served(index_dir, embedder) == ["n1", "n2", "n3", "o1", "o2"]
    assert leftovers(index_dir) == []


def test_kill_during_the_whoosh_commit_of_an_update(tmp_path, nlp, embedder):
    index_dir = tmp_path / "index"
    build_index([write_jsonl(tmp_path / "old.jsonl", ["o1", "o2"])], index_dir, nlp=nlp, embedder=embedder,
                progress=False)
    new = write_jsonl(tmp_path / "new.jsonl", [f"n{i}" for i in range(30)])
    killed("update", index_dir, "commit", str(new))
    assert served(index_dir, embedder) == ["o1", "o2"]
    update_index([new], index_dir, nlp=nlp, embedder=embedder, progress=False)
    assert len(served(index_dir, embedder)) == 32 and leftovers(index_dir) == []


@pytest.mark.parametrize("stage, survivors", [
    ("keyword", ["o1", "o2", "o3"]),  # documents deleted in the writer, not committed
    ("write", ["o1", "o2", "o3"]),  # Whoosh committed in the build dir, vectors not written
    ("renamed", ["o1", "o2", "o3"]),  # version renamed into place, CURRENT not swapped: it never serves
    ("swapped", ["o1", "o3"]),  # CURRENT swapped: the new version serves, complete
])
def test_kill_during_a_delete_and_publish(tmp_path, stage, survivors, nlp, embedder):
    index_dir = tmp_path / "index"
    build_index([write_jsonl(tmp_path / "old.jsonl", ["o1", "o2", "o3"])], index_dir, nlp=nlp, embedder=embedder,
                progress=False)
    killed("delete", index_dir, stage, "o2")
    assert served(index_dir, embedder) == survivors
    if stage != "swapped":
        delete_releases(["o2"], index_dir)
    delete_releases(["o3"], index_dir)  # the next writer cleans up what the killed one left, then works
    assert served(index_dir, embedder) == ["o1"] and leftovers(index_dir) == []
