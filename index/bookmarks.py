"""Bookmarks and recently read sections, kept in the user's data folder (no Qt).

Each list is a small JSON file. It is written whole, beside the old one, and then
put in its place (os.replace), so a crash or a full disk never leaves half a file.
A file that cannot be read (edited by hand, cut short, written by something else)
is set aside as NAME.damaged, what could be read is kept, and the reason is
reported; it never stops the program. A list without a file (shared-computer
mode) lives in memory only and is forgotten when the program closes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from index.paths import data_dir

BOOKMARKS_FILE = "bookmarks.json"
RECENT_FILE = "recent.json"
RECENT_LIMIT = 20
FORMAT = "oncoref-places"
FORMAT_VERSION = 1
NAME_LIMIT = 200  # characters of a bookmark's name; longer names are cut


@dataclass(frozen=True)
class Place:
    """A section of a document (or a whole document), with the name it is listed by."""

    doc: str
    section: str | None
    name: str
    when: str  # ISO date and time it was added (bookmarks) or last read (recent)

    def same_place(self, doc: str, section: str | None) -> bool:
        return self.doc == doc and (self.section or None) == (section or None)


def now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


class PlacesFileError(ValueError):
    """A file of places that cannot be read, said for a person."""


def clean_name(text: str, limit: int = NAME_LIMIT) -> str:
    """A name a person gave: one line, no control characters, at most `limit` long."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:limit]


def _places_from(data: object, source: Path) -> tuple[list[Place], int]:
    """The places in a parsed file, and how many entries were not places."""
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise PlacesFileError(f'{source}: not a list of places (no "places" list)')
    places: list[Place] = []
    bad = 0
    for item in data["places"]:
        doc = item.get("doc") if isinstance(item, dict) else None
        if not isinstance(doc, str) or not doc.strip():
            bad += 1
            continue
        assert isinstance(item, dict)
        section = item.get("section")
        name = item.get("name")
        when = item.get("when")
        places.append(
            Place(
                doc=doc,
                section=section if isinstance(section, str) and section else None,
                name=clean_name(name) if isinstance(name, str) and name.strip() else doc,
                when=when if isinstance(when, str) else "",
            )
        )
    return places, bad


def read_places(path: Path) -> tuple[list[Place], int]:
    """Places from a file written by `write_places` (or exported); raises
    PlacesFileError naming the file and what is wrong."""
    return _places_from(read_json(path), path)


def write_places(path: Path, places: list[Place]) -> None:
    """Write atomically (see write_json). Raises OSError."""
    write_json(
        path,
        {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "places": [
                {"doc": p.doc, "section": p.section, "name": p.name, "when": p.when} for p in places
            ],
        },
    )


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically (index.files): a crash or a full disk leaves the old file or
    the new one, never half of one. Raises OSError."""
    from index.files import write_atomically

    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_atomically(path, text.encode("utf-8"))


def read_json(path: Path) -> object:
    """A JSON file, or PlacesFileError naming it and saying what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlacesFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlacesFileError(f"{path}: not text (not UTF-8)") from None
    except json.JSONDecodeError as error:
        raise PlacesFileError(
            f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def set_aside(path: Path) -> Path:
    """Rename a damaged file to NAME.damaged (NAME.damaged-2, ... if taken)."""
    target = path.with_name(path.name + ".damaged")
    number = 2
    while target.exists():
        target = path.with_name(f"{path.name}.damaged-{number}")
        number += 1
    os.replace(path, target)
    return target


class PlaceList:
    """An ordered list of places kept in one file (or, with no file, in memory).

    `problem` says, for a person, what went wrong reading or writing the file
    (None when all is well); the list goes on working either way.
    """

    def __init__(self, path: Path | None, limit: int | None = None) -> None:
        self.path = path
        self.limit = limit
        self.places: list[Place] = []
        self.problem: str | None = None
        self.load()

    def load(self) -> None:
        self.places = []
        if self.path is None or not self.path.exists():
            return
        try:
            places, bad = read_places(self.path)
        except PlacesFileError as error:
            self._damaged(str(error), [])
            return
        if bad:
            noun = "entry" if bad == 1 else "entries"
            self._damaged(f"{self.path}: {bad} {noun} without a document", places)
            return
        self.places = places[: self.limit] if self.limit else places

    def _damaged(self, reason: str, kept: list[Place]) -> None:
        assert self.path is not None
        self.places = kept[: self.limit] if self.limit else kept
        try:
            aside = set_aside(self.path)
        except OSError as error:
            self.problem = f"{reason}. It could not be set aside ({error.strerror or error})."
            return
        self.problem = f"{reason}. The file was set aside as {aside.name}" + (
            f"; the {len(kept)} readable places were kept." if kept else "."
        )
        self.save()

    def save(self) -> bool:
        if self.path is None:
            return True
        try:
            write_places(self.path, self.places)
        except OSError as error:
            self.problem = f"{self.path}: could not be saved ({error.strerror or error})"
            return False
        return True

    # -- changes --------------------------------------------------------------------

    def find(self, doc: str, section: str | None) -> int:
        return next((i for i, p in enumerate(self.places) if p.same_place(doc, section)), -1)

    def add(self, doc: str, section: str | None, name: str) -> Place:
        """Add a place at the end (a bookmark already there keeps its name)."""
        at = self.find(doc, section)
        if at >= 0:
            return self.places[at]
        place = Place(doc, section or None, clean_name(name) or doc, now())
        self.places.append(place)
        self.save()
        return place

    def rename(self, index: int, name: str) -> None:
        name = clean_name(name)
        if name and 0 <= index < len(self.places) and self.places[index].name != name:
            self.places[index] = replace(self.places[index], name=name)
            self.save()

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.places):
            del self.places[index]
            self.save()

    def clear(self) -> None:
        self.places = []
        if self.path is not None:
            try:
                self.path.unlink(missing_ok=True)
            except OSError as error:
                self.problem = f"{self.path}: could not be removed ({error.strerror or error})"

    def read(self, doc: str, section: str | None, name: str) -> bool:
        """A section was read (recently-read list): it goes to the top. Moving on within
        the same document replaces the top entry, so one long read is one entry.
        Returns whether the list changed."""
        top = self.places[0] if self.places else None
        if top is not None and top.same_place(doc, section):
            return False
        if top is not None and top.doc == doc:
            del self.places[0]
        at = self.find(doc, section)
        if at >= 0:
            del self.places[at]
        self.places.insert(0, Place(doc, section or None, clean_name(name) or doc, now()))
        if self.limit:
            del self.places[self.limit :]
        self.save()
        return True

    # -- exchange -------------------------------------------------------------------

    def export_to(self, path: Path) -> None:
        """Write the list to a file of the person's choosing. Raises OSError."""
        write_places(path, self.places)

    def import_from(self, path: Path) -> int:
        """Add the places of an exported file that are not here yet; returns how many.
        Raises PlacesFileError for a file that is not one."""
        places, _bad = read_places(path)
        added = 0
        for place in places:
            if self.find(place.doc, place.section) < 0:
                self.places.append(place)
                added += 1
        if added:
            self.save()
        return added


def bookmarks_path() -> Path:
    return data_dir() / BOOKMARKS_FILE


def recent_path() -> Path:
    return data_dir() / RECENT_FILE
