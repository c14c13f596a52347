"""Handout sets kept in the user's data folder."""

from __future__ import annotations

from pathlib import Path

from index.handout_sets import HandoutSets, sets_path
from index.paths import data_dir


def test_sets_round_trip_by_name_and_document() -> None:
    sets = HandoutSets(sets_path())
    sets.put("GIST - starting imatinib", "gist", ["imatinib", "side-effects"], large_print=True)
    sets.put("  Small bowel:\tsurgery ", "nci", ["surgery"], words_to_know=False)
    sets.put("gist - STARTING imatinib", "gist", ["imatinib"])  # same name: replaced
    again = HandoutSets(sets_path())
    assert [s.name for s in again.sets] == ["gist - STARTING imatinib", "Small bowel: surgery"]
    gist = again.get("GIST - starting imatinib")
    assert gist is not None and gist.sections == ("imatinib",) and not gist.large_print
    nci = again.for_document("nci")[0]
    assert nci.sections == ("surgery",) and not nci.words_to_know
    again.remove("Small bowel: surgery")
    assert [s.doc for s in HandoutSets(sets_path()).sets] == ["gist"]
    assert sets_path().parent == data_dir()


def test_a_damaged_sets_file_is_set_aside_keeping_what_could_be_read(tmp_path: Path) -> None:
    path = sets_path()
    path.parent.mkdir(parents=True)
    path.write_text(
        '{"sets": [{"name": "Good", "doc": "gist", "sections": ["a"]},'
        ' {"name": "", "doc": "gist", "sections": []}, {"name": "x", "doc": 3}]}',
        encoding="utf-8",
    )
    sets = HandoutSets(path)
    assert [s.name for s in sets.sets] == ["Good"]
    assert sets.problem is not None and "handout-sets.json.damaged" in sets.problem
    assert "2 set(s)" in sets.problem
    path.write_text("{not json", encoding="utf-8")
    broken = HandoutSets(path)
    assert broken.sets == [] and broken.problem is not None and "line 1" in broken.problem
    assert (path.parent / "handout-sets.json.damaged-2").exists()
