"""The library: every document in the bundled folder and the folders a clinic adds.

Loading never stops at a bad file. Each file that cannot be loaded fully gives
a Problem (file, line if known, what is wrong, what was done) and the rest
of the library loads.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.markdown_loader import load_markdown_sections
from index.meta import MetaReport, build_metadata, parse_yaml_mapping, split_front_matter
from index.model import (
    MARKDOWN_SUFFIXES,
    SIDECAR_SUFFIX,
    TEXT_SUFFIXES,
    Document,
    Library,
    Problem,
    Severity,
)
from index.text_loader import load_text_sections

# Bump when loaders change what they produce, so indexes built before are refreshed.
LOADER_VERSION = "1"
MAX_FILE_BYTES = 5 * 1024 * 1024
_IGNORED_NAMES = {"readme.md", "sources.md", "license.md", "license.txt"}


def load_library(roots: Iterable[Path], bundled: Path | None = None) -> Library:
    """Load every document below `roots`, in a stable order."""
    roots = [Path(r) for r in roots]
    library = Library(roots=roots)
    seen_ids: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            library.problems.append(
                Problem(root, "library folder not found or not a folder", "folder skipped")
            )
            continue
        is_bundled = bundled is not None and _same_path(root, bundled)
        for path in _walk(root, library.problems):
            doc_id = path.relative_to(root).with_suffix("").as_posix()
            if doc_id in seen_ids:
                library.problems.append(
                    Problem(
                        path,
                        f"another document already has the id '{doc_id}' ({seen_ids[doc_id]})",
                        "this one skipped; rename one of them",
                    )
                )
                continue
            document, problems = load_document(path, doc_id)
            library.problems.extend(problems)
            if document is not None:
                document.bundled = is_bundled
                seen_ids[doc_id] = path
                library.documents.append(document)
    return library


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _walk(root: Path, problems: list[Problem]) -> Iterator[Path]:
    """Document files below root, sorted, following links but never in a loop."""
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Path]:
        try:
            info = folder.stat()
        except OSError as exc:
            problems.append(Problem(folder, f"cannot open folder: {exc.strerror}", "skipped"))
            return
        key = (info.st_dev, info.st_ino)
        if key in visited:
            problems.append(
                Problem(
                    folder,
                    "folder link leads back to a folder already read (a loop)",
                    "skipped",
                    severity=Severity.WARNING,
                )
            )
            return
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(folder, f"cannot list folder: {exc.strerror}", "skipped"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                yield from visit(path)
            elif _is_document_name(entry.name):
                yield path
            elif entry.name.endswith(SIDECAR_SUFFIX):
                stem = entry.name[: -len(SIDECAR_SUFFIX)]
                if not any(
                    (folder / (stem + s)).exists() for s in TEXT_SUFFIXES | MARKDOWN_SUFFIXES
                ):
                    problems.append(
                        Problem(
                            path,
                            "metadata file has no document beside it",
                            "ignored",
                            severity=Severity.WARNING,
                        )
                    )
            elif not entry.is_symlink() or entry.is_file():
                problems.append(
                    Problem(
                        path,
                        "not a document OncoRef can read (use .md or .txt)",
                        "skipped",
                        severity=Severity.WARNING,
                    )
                )

    yield from visit(root)


def _is_document_name(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return (suffix in MARKDOWN_SUFFIXES or suffix in TEXT_SUFFIXES) and (
        name.lower() not in _IGNORED_NAMES
    )


def decode_text(data: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    """Decode a file's bytes, saying how when it was not plain UTF-8."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                break
    sample = data[:8192]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        return None, [Problem(path, "binary file, not text", "skipped")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        try:
            text, used = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, used = data.decode("latin-1"), "Latin-1"
        return text, [
            Problem(
                path,
                f"not valid UTF-8 (byte 0x{bad})",
                f"read as {used}; save the file as UTF-8 to be sure",
                line=line,
                severity=Severity.WARNING,
            )
        ]


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample)


def load_document(path: Path, doc_id: str) -> tuple[Document | None, list[Problem]]:
    """Load one file; returns (document or None, problems)."""
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            return None, [
                Problem(
                    path,
                    f"file is {size / 1048576:.1f} MB, over the {limit} MB limit for one document",
                    "skipped; split it into smaller files",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, f"cannot read file: {exc.strerror or exc}", "skipped")]
    text, decode_problems = decode_text(data, path)
    problems.extend(decode_problems)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [*problems, Problem(path, "file is empty", "skipped")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    hasher = hashlib.sha1(LOADER_VERSION.encode() + b"\0" + data)
    fallback_title = path.stem.replace("_", " ").replace("-", " ").strip() or path.name
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        yaml_text, body, _ = split_front_matter(text)
        report = MetaReport(path, line_offset=1)
        values, lines = parse_yaml_mapping(yaml_text, report) if yaml_text is not None else ({}, {})
        unreadable_yaml = bool(report.problems)
        title_hint = values.get("title") if isinstance(values.get("title"), str) else None
        first_heading = _first_markdown_heading(body)
        meta = build_metadata(
            values, lines, report, fallback_title=title_hint or first_heading or fallback_title
        )
        if yaml_text is None or unreadable_yaml:
            # No title is no news when there was no front matter (or it was unreadable).
            report.problems = [p for p in report.problems if p.field != "title"]
            if not first_heading:
                report.add(
                    "no front matter and no heading to take a title from",
                    field="title",
                    action=f"using '{fallback_title}'",
                )
        problems.extend(report.problems)
        sections = _guard(lambda: load_markdown_sections(body, meta.title), path, problems)
    else:
        sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
        values, lines = {}, {}
        report = MetaReport(sidecar)
        if sidecar.exists():
            try:
                sidecar_bytes = sidecar.read_bytes()
                hasher.update(b"\0sidecar\0" + sidecar_bytes)
                sidecar_text, sidecar_problems = decode_text(sidecar_bytes, sidecar)
                problems.extend(sidecar_problems)
                if sidecar_text is not None:
                    values, lines = parse_yaml_mapping(sidecar_text, report)
            except OSError as exc:
                report.add(f"cannot read metadata file: {exc.strerror}", action="ignored")
        title_hint = values.get("title") if isinstance(values.get("title"), str) else None
        title_hint = title_hint.strip() if title_hint else None
        loaded = _guard(lambda: load_text_sections(text, title_hint or None), path, problems)
        found_title, sections = loaded if loaded else (None, [])
        if "title" not in values and found_title:
            values["title"] = found_title  # plain text names itself on its first line
        meta = build_metadata(values, lines, report, fallback_title=found_title or fallback_title)
        problems.extend(report.problems)
    if not sections:
        problems.append(Problem(path, "no readable text found", "skipped"))
        return None, problems
    return Document(doc_id, path, meta, sections, hasher.hexdigest()), problems


def _first_markdown_heading(body: str) -> str | None:
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip() or None
    return None


def _guard(load, path: Path, problems: list[Problem]):  # type: ignore[no-untyped-def]
    """Run a loader; an unexpected failure becomes a problem, never a crash."""
    try:
        return load()
    except RecursionError:
        problems.append(Problem(path, "text is nested too deeply to read", "skipped"))
    except Exception as exc:
        problems.append(Problem(path, f"could not be read: {type(exc).__name__}: {exc}", "skipped"))
    return None
