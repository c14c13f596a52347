"""Every bad file is reported with its name and problem; the rest of the library loads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from index.formats.markdown import markdown_parser
from index.library import MAX_FILE_BYTES, load_library
from index.model import Severity
from tests.conftest import write

GOOD = (
    "---\ntitle: Good document\ncancerTypes: [stomach]\n---\n"
    "# Good document\n\nText about stomach cancer.\n"
)


def load(folder: Path):  # type: ignore[no-untyped-def]
    library = load_library([folder])
    return library, {p.path.name: p for p in library.problems}


def test_broken_yaml_is_reported_with_its_line_and_the_document_still_loads(tmp_path: Path) -> None:
    write(tmp_path / "good.md", GOOD)
    write(
        tmp_path / "broken.md",
        "---\ntitle: Broken\ncancerTypes: [stomach\n---\n# Broken\n\nBody text.\n",
    )
    library, problems = load(tmp_path)
    assert sorted(d.id for d in library.documents) == ["broken", "good"]
    problem = problems["broken.md"]
    assert "not valid YAML" in problem.message and problem.line is not None and problem.line >= 3
    assert library.get("broken").title == "Broken"  # taken from the heading instead


def test_front_matter_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "list.md", "---\n- just\n- a list\n---\n# Listed\n\nBody.\n")
    library, problems = load(tmp_path)
    assert "field: value" in problems["list.md"].message
    assert library.get("list").title == "Listed"


def test_missing_title_and_wrong_field_types_name_the_field_and_line(tmp_path: Path) -> None:
    write(
        tmp_path / "fields.md",
        "---\nsource: NCI\ncancerTypes: {a: 1}\nlastReviewed: soon\n"
        "reviewFrequency: sometimes\nurl: not an address\n---\nBody without a heading.\n",
    )
    library, _ = load(tmp_path)
    found = {(p.field, p.line) for p in library.problems}
    assert ("title", None) in found
    assert ("cancerTypes", 3) in found
    assert ("lastReviewed", 4) in found
    assert ("reviewFrequency", 5) in found
    assert ("url", 6) in found
    document = library.get("fields")
    assert document.title == "fields" and document.meta.source == "NCI"
    assert "fields.md:4" in str(next(p for p in library.problems if p.field == "lastReviewed"))


def test_a_file_that_is_not_utf8_is_read_and_the_guess_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path / "latin.txt",
        "Tumeur du côlon\n\nLe côlon est une partie de l'intestin.\n".encode("cp1252"),
    )
    library, problems = load(tmp_path)
    assert "côlon" in library.get("latin").sections[0].text
    problem = problems["latin.txt"]
    assert problem.severity is Severity.WARNING and "UTF-8" in problem.message and problem.line == 1


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n \t\n", "empty"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ],
)
def test_empty_and_binary_files_are_skipped_with_a_reason(
    tmp_path: Path, name: str, content: bytes, phrase: str
) -> None:
    write(tmp_path / "good.md", GOOD)
    write(tmp_path / name, content)
    library, problems = load(tmp_path)
    assert [d.id for d in library.documents] == ["good"]
    assert phrase in problems[name].message


def test_a_file_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    write(tmp_path / "good.md", GOOD)
    library, problems = load(tmp_path)
    assert [d.id for d in library.documents] == ["good"]
    assert "limit" in problems["huge.txt"].message


def test_two_documents_with_the_same_id_keep_the_first_and_report_the_second(
    tmp_path: Path,
) -> None:
    write(tmp_path / "same.md", GOOD)
    write(
        tmp_path / "same.txt",
        "Another title\n\nSome text here that is long enough to be a paragraph.\n",
    )
    library, problems = load(tmp_path)
    assert [d.path.name for d in library.documents] == ["same.md"]
    assert "already has the id 'same'" in problems["same.txt"].message


def test_an_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "good.md", GOOD)
    locked = write(tmp_path / "locked.md", GOOD)
    real_open = os.open

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # Tests run as root, so chmod alone would not stop reading.
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    library, problems = load(tmp_path)
    assert [d.id for d in library.documents] == ["good"]
    assert "Permission denied" in problems["locked.md"].message


def test_a_folder_link_that_loops_is_followed_once(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "sub" / "inner.md", GOOD)
    os.symlink(tmp_path / "lib", tmp_path / "lib" / "sub" / "back")
    library = load_library([tmp_path / "lib"])
    assert [d.id for d in library.documents] == ["sub/inner"]
    assert any("loop" in p.message for p in library.problems)


def test_hostile_markdown_is_made_harmless(tmp_path: Path) -> None:
    hostile = (
        "---\ntitle: Hostile\n---\n"
        "<script>alert(1)</script>\n\n"
        "[click](javascript:alert(1)) and ![x](http://tracker.example/pixel.png)\n\n"
        + ">" * 5000
        + " deep\n\n"
        + "[" * 3000
        + "\n\n"
        + "*" * 10000
        + "\n\n## After the storm\n\nPlain words survive.\n"
    )
    write(tmp_path / "hostile.md", hostile)
    library, _ = load(tmp_path)
    document = library.get("hostile")
    rendered = markdown_parser().render("\n\n".join(s.body for s in document.sections))
    assert "<script" not in rendered and 'href="javascript' not in rendered
    assert "tracker.example" not in rendered  # a remote image is never fetched: only its alt text
    assert "Plain words survive." in rendered


def test_a_missing_library_folder_is_reported_and_others_still_load(tmp_path: Path) -> None:
    write(tmp_path / "real" / "good.md", GOOD)
    library = load_library([tmp_path / "missing", tmp_path / "real"])
    assert [d.id for d in library.documents] == ["good"]
    assert "not found" in library.problems[0].message


def test_a_plain_text_file_takes_its_title_from_the_first_line_or_its_sidecar(
    tmp_path: Path,
) -> None:
    write(
        tmp_path / "plain.txt",
        "Living with a stoma\n\nA stoma is an opening on the belly that lets "
        "waste leave the body after bowel surgery.\n",
    )
    write(
        tmp_path / "side.txt", "Some heading text\n\nParagraph one is here and it is long enough.\n"
    )
    write(tmp_path / "side.meta.yaml", "title: From the sidecar\ncancerTypes: [colon]\n")
    library, _ = load(tmp_path)
    assert library.get("plain").title == "Living with a stoma"
    assert library.get("side").title == "From the sidecar"
    assert library.get("side").meta.cancer_types == ["colon"]
