"""The library: every document in the bundled folder and the folders a clinic adds.

Loading never stops at a bad file. Each file that cannot be loaded fully gives
a Problem (file, line if known, what is wrong, what was done) and the rest
of the library loads.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from index import formats
from index.meta import MetaReport, build_metadata, parse_yaml_mapping
from index.model import Checkpoint, Document, Library, Problem, Severity

if TYPE_CHECKING:
    from index.packs import InstalledPack

MAX_FILE_BYTES = 5 * 1024 * 1024
T = TypeVar("T")


def load_library(
    roots: Iterable[Path],
    bundled: Path | None = None,
    previous: Library | None = None,
    checkpoint: Checkpoint | None = None,
    packs: Sequence[InstalledPack] = (),
) -> Library:
    """Load every document below `roots`, in a stable order. Documents of a
    `previous` reading whose file and sidecar are unchanged are taken over as they
    are (with their problems), not read again.

    Roots that are installed `packs` are read first: a pack's document replaces a
    bundled one of the same id, and the bundled documents a pack removes are left
    out, both without a problem (that is what the pack is for)."""
    roots = [Path(r) for r in roots]
    library = Library(roots=roots)
    from_pack = {pack.root: pack for pack in packs if pack.root in roots}
    withdrawn = {doc for pack in from_pack.values() for doc in pack.removes}
    origins = {root: pack.origin() for root, pack in from_pack.items()}
    earlier = {d.path: d for d in previous.documents} if previous else {}
    earlier_problems: dict[Path, list[Problem]] = {}
    for problem in previous.problems if previous else []:
        earlier_problems.setdefault(problem.path, []).append(problem)
    seen_ids: dict[str, Path] = {}
    pack_ids: set[str] = set()
    for root in [r for r in roots if r in from_pack] + [r for r in roots if r not in from_pack]:
        if not root.is_dir():
            library.problems.append(
                Problem(root, "library folder not found or not a folder", "folder skipped")
            )
            continue
        is_bundled = bundled is not None and _same_path(root, bundled)
        for path in _walk(root, library.problems):
            if checkpoint:
                checkpoint()
            doc_id = path.relative_to(root).with_suffix("").as_posix()
            if is_bundled and (doc_id in pack_ids or doc_id in withdrawn):
                continue  # replaced or withdrawn by an installed pack
            if doc_id in seen_ids:
                library.problems.append(
                    Problem(
                        path,
                        f"another document already has the id '{doc_id}' ({seen_ids[doc_id]})",
                        "this one skipped; rename one of them",
                    )
                )
                continue
            stamp = file_stamp(path)
            known = earlier.get(path)
            document: Document | None
            if known is not None and known.id == doc_id and known.stamp == stamp:
                document = known
                problems = earlier_problems.get(path, []) + earlier_problems.get(
                    formats.sidecar_for(path), []
                )
            else:
                document, problems = load_document(path, doc_id)
                if document is not None:
                    document.stamp = stamp
            library.problems.extend(problems)
            if document is not None:
                document.bundled = is_bundled
                document.pack = origins.get(root)
                if root in from_pack:
                    pack_ids.add(doc_id)
                seen_ids[doc_id] = path
                library.documents.append(document)
    return library


def file_stamp(path: Path) -> tuple[int, ...]:
    """Size and modification time of a document and of its sidecar (-1 if none)."""
    stamp: list[int] = []
    for each in (path, formats.sidecar_for(path)):
        try:
            info = each.stat()
            stamp += [info.st_size, info.st_mtime_ns]
        except OSError:
            stamp += [-1, -1]
    return tuple(stamp)


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
            elif formats.is_document(entry.name):
                yield path
            elif formats.is_sidecar(entry.name):
                if not formats.has_document(path):
                    problems.append(
                        Problem(
                            path,
                            "metadata file has no document beside it",
                            "ignored",
                            severity=Severity.WARNING,
                        )
                    )
            elif formats.is_ignored(entry.name):
                continue
            elif not entry.is_symlink() or entry.is_file():
                problems.append(
                    Problem(
                        path,
                        f"not a document OncoRef can read (use {formats.suffix_list()})",
                        "skipped",
                        severity=Severity.WARNING,
                    )
                )

    yield from visit(root)


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
    """Load one file with the format that reads it; returns (document or None, problems).

    A sidecar's fields win over what the file says of itself."""
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
    fmt = formats.format_for(path.name, data[:4096])
    if fmt is None:
        kinds = [f.name for f in formats.FORMATS if path.suffix.lower() in f.suffixes]
        kind = f" (not {' or '.join(kinds)})" if kinds else ""
        return None, [Problem(path, f"not a document OncoRef can read{kind}", "skipped")]
    hasher = hashlib.sha1(f"{fmt.name} {fmt.version}".encode() + b"\0" + data)

    sidecar_values, sidecar_lines, sidecar = _read_sidecar(path, hasher, problems)
    source = formats.Source(path, data, title=_text_field(sidecar_values, "title"))
    if fmt.text:
        text, decode_problems = decode_text(data, path)
        problems.extend(decode_problems)
        if text is None:
            return None, problems
        if not text.strip():
            return None, [*problems, Problem(path, "file is empty", "skipped")]
        source.text = text.replace("\r\n", "\n").replace("\r", "\n")
    elif not data:
        return None, [Problem(path, "file is empty", "skipped")]

    parsed = _guard(lambda: fmt.parse(source), path, problems)
    if parsed is None:
        return None, problems
    problems.extend(parsed.problems)
    if not parsed.sections and any(p.severity is Severity.ERROR for p in parsed.problems):
        return None, problems  # the format refused the file and said why

    values = {**parsed.fields, **sidecar_values}
    lines = {**parsed.lines, **sidecar_lines}
    field_paths = {key: path for key in parsed.fields} | {key: sidecar for key in sidecar_values}
    if _text_field(values, "title") is None and parsed.title:
        values["title"] = parsed.title  # the text names itself (first line, first heading)
        lines.pop("title", None)
        field_paths.pop("title", None)
    fallback_title = path.stem.replace("_", " ").replace("-", " ").strip() or path.name
    report = MetaReport(path, field_paths=field_paths)
    meta = build_metadata(values, lines, report, fallback_title=fallback_title)
    problems.extend(report.problems)
    if not parsed.sections:
        problems.append(Problem(path, "no readable text found", "skipped"))
        return None, problems
    document = Document(doc_id, path, meta, parsed.sections, hasher.hexdigest(), format=fmt.name)
    return document, problems


def _read_sidecar(
    path: Path, hasher: hashlib._Hash, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int], Path]:
    """The fields of `NAME.meta.yaml` beside the document, if there is one."""
    sidecar = formats.sidecar_for(path)
    if not sidecar.exists():
        return {}, {}, sidecar
    report = MetaReport(sidecar)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        sidecar_bytes = sidecar.read_bytes()
    except OSError as exc:
        problems.append(Problem(sidecar, f"cannot read metadata file: {exc.strerror}", "ignored"))
        return {}, {}, sidecar
    hasher.update(b"\0sidecar\0" + sidecar_bytes)
    sidecar_text, sidecar_problems = decode_text(sidecar_bytes, sidecar)
    problems.extend(sidecar_problems)
    if sidecar_text is not None:
        values, lines = parse_yaml_mapping(sidecar_text, report)
    problems.extend(report.problems)
    return values, lines, sidecar


def _text_field(values: dict[str, Any], key: str) -> str | None:
    value = values.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _guard(load: Callable[[], T], path: Path, problems: list[Problem]) -> T | None:
    """Run a loader; an unexpected failure becomes a problem, never a crash."""
    try:
        return load()
    except RecursionError:
        problems.append(Problem(path, "text is nested too deeply to read", "skipped"))
    except Exception as exc:
        problems.append(Problem(path, f"could not be read: {type(exc).__name__}: {exc}", "skipped"))
    return None
