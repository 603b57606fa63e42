"""The typed manifest: a round trip keeps every field; a bad manifest is one ManifestError naming what is wrong."""
import dataclasses
import json

import pytest

from indexer.store import layout
from indexer.store import manifest as manifest_module
from indexer.store.manifest import Manifest, ManifestError


def example(**changes) -> Manifest:
    return Manifest(embedding_model="all-MiniLM-L6-v2", dimensions=384, ner_model="en_core_web_sm", releases=3,
                    passages=5, entities=7, passage_words=120, passage_overlap=30, max_passages=16,
                    keyword_schema=3, embedding_precision="fp32", skipped=1, **changes)


def written(tmp_path, data) -> None:
    (tmp_path / layout.MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def test_round_trip_keeps_every_field(tmp_path):
    original = example(base_version="20260101T000000000000-abcd1234", update={"added": 2, "deleted": 1})
    original.save(tmp_path)
    assert Manifest.load(tmp_path) == original
    plain = example()
    plain.save(tmp_path)
    assert Manifest.load(tmp_path) == plain
    assert "base_version" not in json.loads((tmp_path / layout.MANIFEST).read_text())


def test_replace_changes_only_what_it_names():
    changed = example().replace(keyword_schema=2)
    assert changed.keyword_schema == 2 and changed.releases == 3


def test_a_missing_field_is_named(tmp_path):
    data = example().to_json()
    del data["dimensions"], data["ner_model"]
    written(tmp_path, data)
    with pytest.raises(ManifestError, match=r"manifest\.json lacks dimensions, ner_model; rebuild the index"):
        Manifest.load(tmp_path)


def test_a_field_added_later_has_its_old_meaning_when_absent(tmp_path):
    data = example().to_json()
    for name in ("max_passages", "keyword_schema", "embedding_precision", "skipped"):
        del data[name]
    written(tmp_path, data)
    loaded = Manifest.load(tmp_path)
    assert (loaded.max_passages, loaded.keyword_schema, loaded.embedding_precision, loaded.skipped) == (0, 1, "", 0)


@pytest.mark.parametrize("fmt", [3, 0, None, "1", True])
def test_a_wrong_format_is_refused(tmp_path, fmt):
    data = example().to_json()
    if fmt is None:
        del data["format"]
    else:
        data["format"] = fmt
    written(tmp_path, data)
    with pytest.raises(ManifestError, match=rf"index format {fmt!r} at .*manifest\.json is not one this version "
                                            r"reads \(1, 2\); rebuild it"):
        Manifest.load(tmp_path)


def test_a_format_1_index_is_still_read_and_new_versions_are_written_as_format_2(tmp_path):
    data = example().to_json()
    assert data["format"] == layout.FORMAT_VERSION == 2
    data["format"] = 1
    written(tmp_path, data)
    assert Manifest.load(tmp_path).format == 1


@pytest.mark.parametrize("field, value, expected", [
    ("releases", "3", "a whole number, 0 or more"),
    ("passages", 5.0, "a whole number, 0 or more"),
    ("entities", -1, "a whole number, 0 or more"),
    ("dimensions", True, "a whole number, 0 or more"),
    ("embedding_model", "", "a non-empty string"),
    ("update", {"added": "2"}, "an object of counts"),
])
def test_a_mistyped_field_is_named(tmp_path, field, value, expected):
    written(tmp_path, {**example().to_json(), field: value})
    with pytest.raises(ManifestError) as caught:
        Manifest.load(tmp_path)
    assert str(caught.value) == (f"{tmp_path / layout.MANIFEST}: {field} must be {expected} (got {value!r}); "
                                 "rebuild the index")


def test_an_unreadable_manifest(tmp_path):
    with pytest.raises(ManifestError, match="cannot read .*manifest.json"):
        Manifest.load(tmp_path)
    (tmp_path / layout.MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="cannot read .*manifest.json"):
        Manifest.load(tmp_path)
    written(tmp_path, [1, 2])
    with pytest.raises(ManifestError, match="is not a JSON object"):
        Manifest.load(tmp_path)


def test_unknown_fields_are_ignored(tmp_path):
    written(tmp_path, {**example().to_json(), "written_by": "a newer version"})
    assert Manifest.load(tmp_path).releases == 3


def test_every_field_is_checked_when_read():
    assert set(manifest_module._CHECKS) == {f.name for f in dataclasses.fields(Manifest)}
