"""The "given" log's lines."""

from __future__ import annotations

import csv
import datetime as dt

from index.given_log import COLUMNS, Given, append, clean_initials, log_path, read
from index.paths import data_dir


def test_lines_say_when_what_and_who_never_a_name() -> None:
    when = dt.datetime(2026, 3, 4, 9, 30, 15, 123)
    first = Given(
        "gist",
        "Treating GIST",
        "v1",
        ["Imatinib", "Sunitinib"],
        "en",
        True,
        "printed",
        "j.m. Smith",
        when,
    )
    second = Given("nci", '=HYPERLINK("x")', "", ["Surgery"], "en", False, "saved as PDF")
    append(first)
    append(second)
    assert log_path().parent == data_dir()
    with log_path().open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == COLUMNS
    assert rows[1] == [
        "2026-03-04 09:30:15",
        "gist",
        "Treating GIST",
        "v1",
        "Imatinib | Sunitinib",
        "en",
        "yes",
        "printed",
        "JMSMITH",
    ]
    assert rows[2][2] == '\'=HYPERLINK("x")'  # a spreadsheet shows it, never runs it
    assert rows[2][6:] == ["no", "saved as PDF", ""]
    lines, problem = read()
    assert [line[1] for line in lines] == ["gist", "nci"] and problem is None
    assert clean_initials("Dr. Jane Marie Smith-Jones") == "DRJANEMA"  # initials only


def test_a_hand_edited_log_is_read_and_said() -> None:
    log_path().parent.mkdir(parents=True)
    log_path().write_text(",".join(COLUMNS) + "\nonly,three,cells\n", encoding="utf-8")
    lines, problem = read()
    assert lines == [["only", "three", "cells"]]
    assert problem is not None and "1 line(s)" in problem
