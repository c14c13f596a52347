"""The "given" log: one CSV line per handout printed or saved, when a clinic turns
it on (off by default). No Qt.

A line says when, which document (id, title, version), which sections, the
language, large print or not, and the staff member's initials if given. It never
holds a patient's name: there is no field for one. The file is
handouts-given.csv in the user's data folder; a spreadsheet opens it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from index.paths import data_dir

LOG_FILE = "handouts-given.csv"
COLUMNS = [
    "date_time",
    "document",
    "title",
    "version",
    "sections",
    "language",
    "large_print",
    "how",
    "staff",
]
INITIALS_LIMIT = 8


@dataclass(frozen=True)
class Given:
    document: str
    title: str
    version: str
    sections: list[str]  # headings, in reading order
    language: str
    large_print: bool
    how: str  # "printed" or "saved as PDF"
    staff: str = ""
    when: dt.datetime | None = None


def clean_initials(text: str) -> str:
    """Initials only: letters, at most a few (a name would not fit)."""
    return "".join(c for c in text if c.isalpha())[:INITIALS_LIMIT].upper()


def _cell(text: str) -> str:
    """No formula for a spreadsheet to run, no line breaks."""
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def line_of(given: Given) -> list[str]:
    when = (given.when or dt.datetime.now()).replace(microsecond=0)
    return [
        when.isoformat(sep=" "),
        _cell(given.document),
        _cell(given.title),
        _cell(given.version),
        _cell(" | ".join(given.sections)),
        _cell(given.language),
        "yes" if given.large_print else "no",
        given.how,
        clean_initials(given.staff),
    ]


def append(given: Given, path: Path | None = None) -> Path:
    """Add one line (and the header to a new file). Raises OSError."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if new:
        writer.writerow(COLUMNS)
    writer.writerow(line_of(given))
    # One write of whole lines, so two windows logging at once never mix their lines.
    with path.open("a", encoding="utf-8", newline="") as out:
        out.write(buffer.getvalue())
    return path


def read(path: Path | None = None) -> tuple[list[list[str]], str | None]:
    """The lines (header left out), and a problem for a person, if any."""
    path = path or log_path()
    if not path.exists():
        return [], None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return [], f"{path}: cannot be read ({error.strerror or error})"
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if rows and rows[0] == COLUMNS:
        rows = rows[1:]
    odd = sum(len(row) != len(COLUMNS) for row in rows)
    problem = f"{path}: {odd} line(s) are not as OncoRef writes them" if odd else None
    return rows, problem


def log_path() -> Path:
    return data_dir() / LOG_FILE
