"""`oncoref`'s commands as a person meets them: help for everything, and the
folders added in the window's Settings."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from desktop.main import main
from desktop.settings import Settings
from index import cli
from tests.conftest import write


def every_parser(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(every_parser(sub))
    return found


def test_every_option_and_argument_has_a_help_line() -> None:
    missing = [
        f"{parser.prog}: {action.dest}"
        for parser in every_parser(cli._parser())
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []


def test_the_top_level_help_says_no_command_opens_the_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "no COMMAND opens it" in text
    assert "the folders added in the window's Settings are read too" in text


def test_commands_read_the_folders_added_in_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "clinic"
    write(folder / "stoma.md", "---\ntitle: Caring for your stoma\n---\n## Daily care\n\nText.\n")
    settings = Settings()
    settings.folders = [folder]
    settings.sync()
    assert main(["list", "--json", "--index-dir", str(tmp_path / "index")]) == 0
    titles = [d["title"] for d in json.loads(capsys.readouterr().out)]
    assert "Caring for your stoma" in titles
    assert main(["list", "--json", "--no-settings-folders"]) == 0
    titles = [d["title"] for d in json.loads(capsys.readouterr().out)]
    assert "Caring for your stoma" not in titles and titles


@pytest.mark.parametrize(("paper", "width"), [("A4", 595), ("Letter", 612)])
def test_print_takes_the_paper_size(
    qapp: object, tmp_path: Path, paper: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(`qapp`: the test session's application, which the command then uses.)"""
    from pypdf import PdfReader

    from desktop import paper as papers

    monkeypatch.setattr(papers, "override", None)  # set by the command, undone after
    out = tmp_path / "h.pdf"
    code = main(
        [
            "print",
            "acs-treating-gist",
            "--paper",
            paper,
            "-o",
            str(out),
            "--index-dir",
            str(tmp_path / "index"),
        ]
    )
    assert code == 0
    assert round(float(PdfReader(out).pages[0].mediabox.width)) == width
