"""Handout sets: a handout's chosen sections and options kept under a name
("GIST - starting imatinib"), so that staff print it again in two clicks (no Qt).

They are the clinic's working material, not a patient's, so they are kept in the
user's data folder (handout-sets.json) even on a shared computer. Written and
read like the bookmarks (index.bookmarks): atomically, and a damaged file is set
aside as handout-sets.json.damaged and said, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index import bookmarks
from index.bookmarks import PlacesFileError, now, read_json, set_aside, write_json
from index.paths import data_dir

SETS_FILE = "handout-sets.json"
FORMAT = "oncoref-handout-sets"
NAME_LIMIT = 120


@dataclass(frozen=True)
class HandoutSet:
    name: str
    doc: str
    sections: tuple[str, ...]  # the ticked sections, top-most only
    large_print: bool = False
    words_to_know: bool = True
    saved: str = ""  # ISO date and time


def clean_name(name: str) -> str:
    return bookmarks.clean_name(name, NAME_LIMIT)


def _sets_from(data: object, path: Path) -> tuple[list[HandoutSet], int]:
    if not isinstance(data, dict) or not isinstance(data.get("sets"), list):
        raise PlacesFileError(f'{path}: not a list of handout sets (no "sets" list)')
    found: list[HandoutSet] = []
    bad = 0
    for item in data["sets"]:
        if not isinstance(item, dict):
            bad += 1
            continue
        name, doc, sections = item.get("name"), item.get("doc"), item.get("sections")
        if (
            not isinstance(name, str)
            or not clean_name(name)
            or not isinstance(doc, str)
            or not isinstance(sections, list)
            or not all(isinstance(s, str) for s in sections)
        ):
            bad += 1
            continue
        found.append(
            HandoutSet(
                name=clean_name(name),
                doc=doc,
                sections=tuple(sections),
                large_print=item.get("large_print") is True,
                words_to_know=item.get("words_to_know") is not False,
                saved=str(item.get("saved", "")),
            )
        )
    return found, bad


class HandoutSets:
    """The saved sets, by name (A-Z), in one file (or in memory with no file)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.sets: list[HandoutSet] = []
        self.problem: str | None = None
        self.load()

    def load(self) -> None:
        self.sets = []
        if self.path is None or not self.path.exists():
            return
        try:
            found, bad = _sets_from(read_json(self.path), self.path)
        except PlacesFileError as error:
            found, bad, reason = [], 0, str(error)
        else:
            reason = f"{self.path}: {bad} set(s) could not be read" if bad else ""
        self.sets = sorted(found, key=lambda s: s.name.casefold())
        if reason:
            try:
                aside = set_aside(self.path)
            except OSError as error:
                self.problem = f"{reason}. It could not be set aside ({error.strerror or error})."
                return
            self.problem = f"{reason}. The file was set aside as {aside.name}."
            self.save()

    def save(self) -> bool:
        if self.path is None:
            return True
        data = {
            "format": FORMAT,
            "version": 1,
            "sets": [
                {
                    "name": s.name,
                    "doc": s.doc,
                    "sections": list(s.sections),
                    "large_print": s.large_print,
                    "words_to_know": s.words_to_know,
                    "saved": s.saved,
                }
                for s in self.sets
            ],
        }
        try:
            write_json(self.path, data)
        except OSError as error:
            self.problem = f"{self.path}: could not be saved ({error.strerror or error})"
            return False
        return True

    def get(self, name: str) -> HandoutSet | None:
        key = clean_name(name).casefold()
        return next((s for s in self.sets if s.name.casefold() == key), None)

    def put(
        self,
        name: str,
        doc: str,
        sections: list[str],
        large_print: bool = False,
        words_to_know: bool = True,
    ) -> HandoutSet:
        """Save a set (a set of the same name is replaced)."""
        name = clean_name(name)
        if not name:
            raise ValueError("a handout set needs a name")
        made = HandoutSet(name, doc, tuple(sections), large_print, words_to_know, now())
        self.sets = sorted(
            [s for s in self.sets if s.name.casefold() != name.casefold()] + [made],
            key=lambda s: s.name.casefold(),
        )
        self.save()
        return made

    def remove(self, name: str) -> None:
        before = len(self.sets)
        self.sets = [s for s in self.sets if s.name.casefold() != clean_name(name).casefold()]
        if len(self.sets) != before:
            self.save()

    def for_document(self, doc: str) -> list[HandoutSet]:
        return [s for s in self.sets if s.doc == doc]


def sets_path() -> Path:
    return data_dir() / SETS_FILE
