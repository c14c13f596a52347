"""`oncoref` commands: the documented JSON shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.main import main
from tests.conftest import ROOT, documents_read, write


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def index_dir(tmp_path: Path) -> str:
    return str(tmp_path / "idx")


def test_list_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 4
    assert all(set(r) == {"doc", "title", "types", "source", "sections"} for r in rows)
    nci = next(r for r in rows if r["doc"] == "nci-small-intestine-cancer-treatment")
    assert nci["types"][0] == "small intestine" and nci["sections"] > 30


def test_outline_json_lists_sections_in_reading_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "outline", "acs-treating-gist", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"doc", "title", "sections"}
    ids = [s["id"] for s in data["sections"]]
    assert ids.index("surgery-for-gastrointestinal-stromal-tumor") < ids.index("imatinib-gleevec")
    for section in data["sections"]:
        assert set(section) == {"id", "heading", "level", "parent"}
        assert section["parent"] is None or section["parent"] in ids


def test_outline_of_an_unknown_document_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "outline", "no-such-thing")
    assert code == 3 and "oncoref list" in err


def test_search_json_has_the_documented_shape(
    capsys: pytest.CaptureFixture[str], index_dir: str
) -> None:
    code, out, _ = run(capsys, "--index-dir", index_dir, "search", "gleevec side effects", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"query", "did_you_mean", "definition", "notice", "hits"}
    hit = data["hits"][0]
    assert set(hit) == {
        "doc",
        "title",
        "section",
        "heading",
        "path",
        "score",
        "snippet",
        "source",
        "source_kind",
    }
    assert hit["heading"] == "Imatinib (Gleevec)" and hit["path"][-1] == hit["heading"]
    assert (hit["source"], hit["source_kind"]) == ("American Cancer Society", "cancer charity")
    assert data["notice"] is None


def test_search_json_says_first_when_no_document_is_about_the_cancer_type(
    capsys: pytest.CaptureFixture[str], index_dir: str
) -> None:
    code, out, _ = run(capsys, "--index-dir", index_dir, "search", "breast cancer", "--json")
    data = json.loads(out)
    assert code == 0 and data["notice"].startswith("The library has no document about breast")
    assert all("breast" in (h["snippet"] + h["heading"]).casefold() for h in data["hits"])


def test_search_text_names_the_document_and_section(
    capsys: pytest.CaptureFixture[str], index_dir: str
) -> None:
    code, out, _ = run(capsys, "search", "imatinab", "--limit", "3", "--index-dir", index_dir)
    assert code == 0
    assert "Showing results for “imatinib”" in out
    assert "Treating Gastrointestinal Stromal Tumors" in out and "Imatinib (Gleevec)" in out


def test_search_batch_answers_one_json_line_per_query_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index_dir: str
) -> None:
    queries = write(tmp_path / "q.txt", "tumour\n\nwhat is msi-h\nimatinab\n")
    code, out, _ = run(
        capsys, "search", "--batch", str(queries), "--json", "--index-dir", index_dir
    )
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["query"] for r in lines] == ["tumour", "", "what is msi-h", "imatinab"]
    assert lines[1]["hits"] == []
    assert lines[2]["definition"]["term"] == "MSI-H"
    assert lines[3]["did_you_mean"] == "imatinib"


def test_define_json_answers_each_term_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "define", "msi-h", "organs", "gleevec", "zzzz", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [r["term"] for r in rows] == ["MSI-H", "organ", "imatinib", None]
    assert [r["found"] for r in rows] == [True, True, True, False]
    assert all(
        set(r) == {"query", "found", "term", "definition", "aliases", "related", "nci_id"}
        for r in rows
    )
    assert rows[1]["nci_id"] == "257523"


def test_define_with_no_known_term_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "define", "qwertyuiop")[0] == 1


def test_check_passes_on_the_bundled_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0 and "4 documents read; 0 errors" in out


def test_check_fails_on_a_broken_folder_and_names_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path / "ok.md", "---\ntitle: Fine\n---\nText.\n")
    write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nText.\n")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'bad.md'}:2: error:" in out and "ok.md" not in out


def test_an_added_library_shows_up_in_list_and_search(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, index_dir: str
) -> None:
    write(
        tmp_path / "clinic" / "stoma.md",
        "---\ntitle: Caring for your stoma\ncancerTypes: [colon]\n---\n## Daily care\n\n"
        "Clean the skin around the stoma with warm water.\n",
    )
    code, out, _ = run(
        capsys,
        "--library",
        str(tmp_path / "clinic"),
        "--index-dir",
        index_dir,
        "search",
        "stoma care",
        "--json",
    )
    assert code == 0 and json.loads(out)["hits"][0]["doc"] == "stoma"
    code, out, _ = run(
        capsys, "--no-bundled", "--library", str(tmp_path / "clinic"), "list", "--json"
    )
    assert [r["doc"] for r in json.loads(out)] == ["stoma"]


def test_commands_share_the_windows_snapshot_and_read_only_what_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic = tmp_path / "clinic"
    write(clinic / "stoma.md", "# Caring for your stoma\n\nClean the skin with warm water.\n")
    write(clinic / "diet.md", "# Eating well\n\nSmall meals help with nausea.\n")
    read = documents_read(monkeypatch)
    folder = ["--no-bundled", "--library", str(clinic)]
    assert run(capsys, *folder, "search", "stoma", "--json")[0] == 0
    assert sorted(read) == ["diet", "stoma"]
    code, out, _ = run(capsys, *folder, "search", "warm water", "--json")
    assert code == 0 and json.loads(out)["hits"][0]["doc"] == "stoma"
    assert sorted(read) == ["diet", "stoma"]  # the second command read nothing
    write(clinic / "diet.md", "# Eating well\n\nSmall meals and ginger tea help.\n")
    code, out, _ = run(capsys, *folder, "search", "ginger", "--json")
    assert code == 0 and json.loads(out)["hits"][0]["doc"] == "diet"
    assert sorted(read) == ["diet", "diet", "stoma"]


def test_index_reports_build_then_up_to_date(
    capsys: pytest.CaptureFixture[str], index_dir: str
) -> None:
    assert run(capsys, "index", "--index-dir", index_dir)[1].startswith("Index built")
    assert run(capsys, "index", "--index-dir", index_dir)[1].startswith("Index up to date")
    assert run(capsys, "index", "--rebuild", "--index-dir", index_dir)[1].startswith("Index built")


def test_the_installed_command_runs_as_a_program(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "define", "gleevec"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "imatinib" in result.stdout and result.stderr == ""


def test_a_wrong_command_line_gets_the_whole_usage_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for args in (["--library"], ["--bogus"], ["serach", "gleevec"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        err = capsys.readouterr().err
        assert exited.value.code == 2, args
        assert "COMMAND" in err and "error:" in err, args  # the full usage, not the window's


def test_escape_sequences_in_a_title_never_reach_the_terminal_raw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "clinic"
    write(
        folder / "odd.md",
        '---\ntitle: "Red \\e[31m alert \\a bell"\n---\n# Part \\e[2J\n\nSaline flush.\n',
    )
    common = ["--no-bundled", "--library", str(folder), "--index-dir", str(tmp_path / "ix")]
    for command in (["list"], ["outline", "odd"], ["search", "saline"]):
        code, out, _ = run(capsys, *command, *common)
        assert code == 0, command
        assert "\x1b" not in out and "\x07" not in out, command
        assert "\\x1b[31m" in out, command  # shown, so a person sees what is there
