"""Atomic writes: the target is the old file or the complete new one; a failed write leaves no temp file."""
import numpy as np
import pytest

from indexer.store import layout
from indexer.store.atomic import atomic_path, atomic_write, temp_files
from indexer.store.vectors import PassageMap, build_vector_index, read_vector_index, write_vector_index


class Midway(Exception):
    pass


def test_a_write_that_raises_midway_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "data.json"
    layout.write_json(target, {"old": True})
    with pytest.raises(Midway):
        with atomic_write(target) as fh:
            fh.write('{"new": ')
            fh.flush()
            assert temp_files(target)  # the partial write went to a temp file beside the target
            raise Midway
    assert layout.read_json(target) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_a_path_writer_that_fails_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "vectors.faiss"
    write_vector_index(build_vector_index(np.eye(2, dtype=np.float32)), target)
    with pytest.raises(Midway):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half a FAISS file")
            raise Midway
    assert read_vector_index(target).ntotal == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.faiss"]


def test_a_finished_write_replaces_the_file(tmp_path):
    target = tmp_path / "passages.npz"
    PassageMap.build(["a"], [[(0, 3)]]).save(target)
    PassageMap.build(["a", "b"], [[(0, 3)], [(0, 2), (2, 4)]]).save(target)
    assert list(PassageMap.load(target).release_ids) == ["a", "b"]
    with atomic_write(tmp_path / "CURRENT") as fh:
        fh.write("v2\n")
    assert (tmp_path / "CURRENT").read_text() == "v2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "passages.npz"]


def test_a_writer_killed_midway_leaves_a_temp_file_the_next_writer_removes(tmp_path):
    index_dir = tmp_path / "index"
    (index_dir / layout.VERSIONS).mkdir(parents=True)
    stale = index_dir / f".{layout.CURRENT}.12345.0123456789abcdef{'0' * 16}.tmp"
    stale.write_text("half")
    assert temp_files(index_dir / layout.CURRENT) == [stale]
    layout.remove_abandoned(index_dir)
    assert not stale.exists()
