"""Document formats: the one rule for what a document is, and a loader for each kind.

The library's folder walk, the folder watcher and the packs all ask this module
whether a file is a document, which format reads it and which sidecar belongs
to it. Adding a format is one module with a `parse(source) -> Parsed` function
and one line in FORMATS.

A format module is imported only when a file of its kind is read: a start from
the snapshot reads no file, and their libraries (markdown-it, PyYAML, ...) are
not free to import.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from index.model import Problem, Section

# Metadata for a document that cannot hold it itself: `NAME.meta.yaml` beside `NAME.txt`.
SIDECAR_SUFFIX = ".meta.yaml"
# Files that describe a folder rather than being documents in it.
IGNORED_NAMES = frozenset({"readme.md", "sources.md", "license.md", "license.txt"})


@dataclass
class Source:
    """One file being read: its bytes, and its text for formats that are text."""

    path: Path
    data: bytes
    text: str = ""  # decoded, with "\n" line ends; empty for binary formats
    title: str | None = None  # the title a sidecar gives (the text may repeat it)


@dataclass
class Parsed:
    """What a format found in one file."""

    sections: list[Section]
    # Metadata the file states itself (front matter, document properties), by the
    # field names of DESIGN.md's content model, with the line each came from.
    fields: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    title: str | None = None  # a title the text itself gives, used when no field does
    problems: list[Problem] = field(default_factory=list)


class _Parser(Protocol):
    def __call__(self, source: Source) -> Parsed: ...


@dataclass(frozen=True)
class Format:
    """A kind of document file and the module that reads it."""

    name: str
    suffixes: tuple[str, ...]  # lower case, with the dot
    module: str  # has `parse(source: Source) -> Parsed`
    text: bool = True  # the library decodes the bytes to text before parsing
    version: str = "1"  # bump when the loader's output changes: indexes are refreshed
    # For a suffix several kinds share (.xml): does the start of the file say it is ours?
    recognise: Callable[[bytes], bool] | None = None
    # What a file must be, for a message when one with this suffix is not (see recognise).
    what: str = ""
    # Largest file read, when not the library's usual limit (a PDF's pictures make it big).
    max_bytes: int | None = None

    def parse(self, source: Source) -> Parsed:
        parser: _Parser = importlib.import_module(self.module).parse
        return parser(source)


def _is_pdq(head: bytes) -> bool:
    from index.formats.pdq import recognise

    return recognise(head)


FORMATS: tuple[Format, ...] = (
    Format("markdown", (".md", ".markdown"), "index.formats.markdown"),
    Format("text", (".txt",), "index.formats.text"),
    Format("html", (".html", ".htm", ".xhtml"), "index.formats.html", text=False),
    Format("docx", (".docx",), "index.formats.docx", text=False),
    Format(
        "pdq-xml",
        (".xml",),
        "index.formats.pdq",
        text=False,
        recognise=_is_pdq,
        what="an NCI PDQ summary, the only XML OncoRef reads",
    ),
    Format("epub", (".epub",), "index.formats.epub", text=False),
    Format("pdf", (".pdf",), "index.formats.pdf", text=False, max_bytes=64 * 1024 * 1024),
)


def format_for(name: str, head: bytes | None = None) -> Format | None:
    """The format that reads a file of this name, or None if it is not a document.

    Suffixes match in any case (`Diet.MD` is Markdown). Where a format must
    recognise its files by content, `head` is the start of the file; without it
    the suffix decides."""
    if is_ignored(name) or is_sidecar(name):
        return None
    suffix = os.path.splitext(name)[1].lower()  # as Path(name).suffix, without a Path
    for fmt in FORMATS:
        if suffix in fmt.suffixes and (
            fmt.recognise is None or head is None or fmt.recognise(head)
        ):
            return fmt
    return None


def is_document(name: str) -> bool:
    return format_for(name) is not None


def is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIX)


def is_ignored(name: str) -> bool:
    return name.lower() in IGNORED_NAMES or name.startswith(".")


def is_watched(name: str) -> bool:
    """A file whose change can change the library: a document or a sidecar."""
    return not name.startswith(".") and (is_document(name) or is_sidecar(name))


def sidecar_for(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def has_document(sidecar: Path) -> bool:
    """Whether a sidecar has a document beside it (a stray one is reported)."""
    stem = sidecar.name[: -len(SIDECAR_SUFFIX)].casefold()
    try:
        names = [p.name for p in sidecar.parent.iterdir()]
    except OSError:
        return False
    return any(Path(n).stem.casefold() == stem and is_document(n) for n in names)


def suffix_list() -> str:
    """The suffixes OncoRef reads, for messages: ".md, .markdown, .txt"."""
    return ", ".join(s for fmt in FORMATS for s in fmt.suffixes)
