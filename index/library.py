"""The library: every document in the bundled folder and the folders a clinic adds.

Loading never stops at a bad file. Each file that cannot be loaded fully gives
a Problem (file, line if known, what is wrong, what was done) and the rest
of the library loads.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from index import formats
from index.formats.markup import escape_markdown
from index.model import Checkpoint, Document, Library, Problem, Section, Severity

if TYPE_CHECKING:
    from hashlib import _Hash

    from index.packs import InstalledPack

MAX_FILE_BYTES = 5 * 1024 * 1024
T = TypeVar("T")
MAX_SIDECAR_BYTES = 1024 * 1024
# Sections of one document (each is an entry of the search index); the rest are merged.
MAX_SECTIONS = 1000
# Folders inside folders; deeper ones are reported and skipped.
MAX_FOLDER_DEPTH = 64


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
    # By the path as text: a library of thousands of files is walked on every start
    # after a change, and building and hashing path objects was most of that walk.
    earlier = {str(d.path): d for d in previous.documents} if previous else {}
    seen_ids: dict[str, Path] = {}
    pack_ids: set[str] = set()
    for root in [r for r in roots if r in from_pack] + [r for r in roots if r not in from_pack]:
        if not root.is_dir():
            library.problems.append(
                Problem(root, "library folder not found or not a folder", "folder skipped")
            )
            continue
        is_bundled = bundled is not None and _same_path(root, bundled)
        top = os.path.join(str(root), "")  # with the separator at its end
        for path in _walk(root, library.problems):
            if checkpoint:
                checkpoint()
            name = str(path)
            below = name[len(top) :] if name.startswith(top) else str(path.relative_to(root))
            doc_id = document_id(below)
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
            sidecar = sidecar_name(name)
            stamp = _stamp(name) + _stamp(sidecar)
            known = earlier.get(name)
            document: Document | None
            if known is not None and known.id == doc_id and known.stamp == stamp:
                document, problems = known, list(known.problems)
            else:
                document, problems = load_guarded(path, doc_id, root)
                if document is not None:
                    document.stamp, document.problems = stamp, tuple(problems)
            library.problems.extend(problems)
            if document is not None:
                document.bundled = is_bundled
                document.pack = origins.get(root)
                if root in from_pack:
                    pack_ids.add(doc_id)
                seen_ids[doc_id] = path
                library.documents.append(document)
    return library


def reread(
    previous: Library, changed: Iterable[str], checkpoint: Checkpoint | None = None
) -> Library | None:
    """`previous` with the documents of the `changed` files (by path as text: a
    document, its sidecar, or a folder of the library, whose time changes when a
    file in it is saved by renaming) read again, for a library whose files have the
    same names as when it was read: the library a full walk would give, without the
    walk (at 5,000 documents the walk costs ~120 ms, one document ~5-20 ms).

    None when that cannot be told without the walk: a changed file that is none of
    those, a document that no longer reads, one whose problems are new (their
    place among the library's problems is the walk's order), or folders that
    overlap (a file read twice)."""
    by_path = {str(d.path): (i, d) for i, d in enumerate(previous.documents)}
    if _overlapping(previous.roots) or len(by_path) != len(previous.documents):
        return None
    folders = {str(r) for r in previous.roots} | {os.path.dirname(p) for p in by_path}
    by_sidecar: dict[str, tuple[int, Document]] | None = None
    again: dict[int, Document] = {}
    for name in changed:
        found = by_path.get(name)
        if found is None and formats.is_sidecar(name):
            if by_sidecar is None:
                by_sidecar = {sidecar_name(p): place for p, place in by_path.items()}
            found = by_sidecar.get(name)
        if found is not None:
            again[found[0]] = found[1]
        elif name not in folders:
            return None
    library = Library(
        roots=list(previous.roots),
        documents=list(previous.documents),
        problems=list(previous.problems),
    )
    for index, old in sorted(again.items()):
        if checkpoint:
            checkpoint()
        name = str(old.path)
        root = _root_of(name, old.id, library.roots)
        if root is None:
            return None
        stamp = _stamp(name) + _stamp(sidecar_name(name))  # before reading, as load_library
        document, problems = load_guarded(old.path, old.id, root)
        own = {id(p) for p in old.problems}
        at = [i for i, p in enumerate(library.problems) if id(p) in own]
        if document is None or (problems and not at) or len(at) != len(own):
            return None
        if at and at[-1] - at[0] >= len(at):
            return None  # they stand together, as the walk put them
        document.stamp, document.problems = stamp, tuple(problems)
        document.bundled, document.pack = old.bundled, old.pack
        library.documents[index] = document
        if at:
            library.problems[at[0] : at[-1] + 1] = problems
    return library


def _overlapping(roots: Sequence[Path]) -> bool:
    """Whether a library folder is given twice or lies inside another one."""
    tops = sorted(os.path.join(str(r), "") for r in roots)
    return any(b.startswith(a) for a, b in itertools.pairwise(tops))


def _root_of(name: str, doc_id: str, roots: Sequence[Path]) -> Path | None:
    """The library folder a document was read from: the one its id is the path under."""
    for root in roots:
        top = os.path.join(str(root), "")
        below = name[len(top) :] if name.startswith(top) else None
        if below and document_id(below) == doc_id:
            return root
    return None


def load_guarded(
    path: Path, doc_id: str, root: Path | None
) -> tuple[Document | None, list[Problem]]:
    """load_document, with any failure at all a problem of that file: the rest loads.
    With `root`, a file whose links lead out of that folder is not read."""
    try:
        return load_document(path, doc_id, inside=root)
    except RecursionError:
        return None, [Problem(path, "text is nested too deeply to read", "skipped")]
    except MemoryError:
        return None, [Problem(path, "too large to read in the memory there is", "skipped")]
    except Exception as exc:
        return None, [Problem(path, f"could not be read: {type(exc).__name__}: {exc}", "skipped")]


def document_id(below: str) -> str:
    """The id of the document at `below` (its path under its library folder)."""
    return shown_name(os.path.splitext(below)[0].replace(os.sep, "/"))


def shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which Python keeps as lone
    surrogates, and which no index or terminal takes) written as \\xNN."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def _stamp(name: str) -> tuple[int, int]:
    """Size and modification time of a file (-1 if there is none)."""
    try:
        info = os.stat(name)
    except (OSError, ValueError):
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def sidecar_name(name: str) -> str:
    """formats.sidecar_for, on the path as text."""
    folder, base = os.path.split(name)
    return os.path.join(folder, os.path.splitext(base)[0] + formats.SIDECAR_SUFFIX)


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _walk(root: Path, problems: list[Problem]) -> Iterator[Path]:
    """Document files below root, sorted, depth first.

    Links are followed only while they stay inside the library folder, never in
    a loop and never deeper than MAX_FOLDER_DEPTH; only regular files are
    documents (a FIFO, socket or device is reported, never opened)."""
    for path, kind in walk_entries(root, problems):
        name = path.name
        if kind != "file":
            if formats.is_document(name) or formats.is_sidecar(name):
                problems.append(Problem(path, f"not a regular file ({kind})", "skipped"))
        elif formats.is_document(name):
            yield path
        elif formats.is_sidecar(name):
            if not formats.has_document(path):
                problems.append(
                    Problem(
                        path,
                        "metadata file has no document beside it",
                        "ignored",
                        severity=Severity.WARNING,
                    )
                )
        elif not formats.is_ignored(name):
            problems.append(
                Problem(
                    path,
                    f"not a document OncoRef can read (use {formats.suffix_list()})",
                    "skipped",
                    severity=Severity.WARNING,
                )
            )


def walk_entries(
    root: Path, problems: list[Problem], folders: bool = False
) -> Iterator[tuple[Path, str]]:
    """Every entry below `root` that is not hidden, sorted, depth first, with its
    kind: "file" (regular), "folder" (only when `folders`), or what else it is.

    Without recursion, so a folder tree of any depth cannot exhaust the stack."""
    try:
        top = root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        problems.append(Problem(root, f"cannot open folder: {_reason(exc)}", "skipped"))
        return
    visited: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry[str]]] = []

    def enter(folder: Path, info: os.stat_result) -> None:
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
        if len(stack) >= MAX_FOLDER_DEPTH:
            problems.append(
                Problem(folder, f"folder is more than {MAX_FOLDER_DEPTH} levels deep", "skipped")
            )
            return
        visited.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(
                    (e for e in it if not e.name.startswith(".")), key=lambda e: e.name
                )
        except OSError as exc:
            problems.append(Problem(folder, f"cannot list folder: {_reason(exc)}", "skipped"))
            return
        stack.append(iter(entries))

    try:
        enter(root, root.stat())
    except OSError as exc:
        problems.append(Problem(root, f"cannot open folder: {_reason(exc)}", "skipped"))
        return
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink() and not _inside(path, top):
                # A document that is not read is an error; a folder link, a warning.
                named = formats.is_document(entry.name) or formats.is_sidecar(entry.name)
                problems.append(
                    Problem(
                        path,
                        "link leads outside the library folder",
                        "skipped",
                        severity=Severity.ERROR if named else Severity.WARNING,
                    )
                )
                continue
            info = entry.stat(follow_symlinks=True)
        except (OSError, RuntimeError) as exc:
            problems.append(Problem(path, f"cannot open: {_reason(exc)}", "skipped"))
            continue
        if stat.S_ISDIR(info.st_mode):
            if folders:
                yield path, "folder"
            enter(path, info)
        else:
            yield path, _kind(info.st_mode)


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _inside(path: Path, top: Path) -> bool:
    """Whether `path`, its links followed, is inside the folder `top` (resolved)."""
    try:
        return path.resolve(strict=True).is_relative_to(top)
    except (OSError, RuntimeError):
        return False


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES, inside: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises FileRefused
    (saying why) for anything else, before reading a byte of it: a FIFO, socket
    or device is never opened for reading, and a file that grows while read is
    cut at `limit` + 1 bytes and refused. With `inside`, a file whose links lead
    out of that folder is refused too."""
    if inside is not None and path.is_symlink() and not _inside(path, inside.resolve()):
        raise FileRefused("link leads outside the library folder")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"not a regular file ({_kind(info.st_mode)})")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())  # what was opened, which may not be what was checked
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise FileRefused(_too_large(info.st_size, limit))
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(_too_large(len(data), limit))
    return data


class FileRefused(Exception):
    """A file the library does not read, and why."""


def _too_large(size: int, limit: int) -> str:
    mb = 1024 * 1024
    return f"file is {size / mb:.1f} MB, over the {limit // mb} MB limit for one document"


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


def load_document(
    path: Path, doc_id: str, inside: Path | None = None
) -> tuple[Document | None, list[Problem]]:
    """Load one file with the format that reads it; returns (document or None, problems).

    A sidecar's fields win over what the file says of itself. With `inside` (the
    library folder), a file or sidecar whose links lead out of it is not read."""
    problems: list[Problem] = []
    try:
        named = formats.format_for(path.name)
        limit = named.max_bytes if named is not None and named.max_bytes else MAX_FILE_BYTES
        data = read_bounded(path, limit=limit, inside=inside)
    except FileRefused as exc:
        action = "skipped; split it into smaller files" if "limit" in str(exc) else "skipped"
        return None, [Problem(path, str(exc), action)]
    except OSError as exc:
        return None, [Problem(path, f"cannot read file: {_reason(exc)}", "skipped")]
    fmt = formats.format_for(path.name, data[:4096])
    if fmt is None:
        kinds = [f.what or f.name for f in formats.FORMATS if path.suffix.lower() in f.suffixes]
        kind = f": it is not {' or '.join(kinds)}" if kinds else ""
        return None, [Problem(path, f"not a document OncoRef can read{kind}", "skipped")]
    # Here, not at the top: the folder walk (which the window's watch list uses at
    # start-up) needs neither hashlib nor the metadata code and its YAML.
    import hashlib

    from index.meta import MetaReport, build_metadata

    hasher = hashlib.sha1(f"{fmt.name} {fmt.version}".encode() + b"\0" + data)

    sidecar_values, sidecar_lines, sidecar = _read_sidecar(path, hasher, problems, inside)
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

    with _no_gc():
        parsed = _guard(lambda: fmt.parse(source), path, problems)
    if parsed is None:
        return None, problems
    problems.extend(parsed.problems)
    if not parsed.sections and any(p.severity is Severity.ERROR for p in parsed.problems):
        return None, problems  # the format refused the file and said why
    if len(parsed.sections) > MAX_SECTIONS:
        problems.append(
            Problem(
                path,
                f"has {len(parsed.sections)} sections, more than {MAX_SECTIONS}",
                f"the headings after the first {MAX_SECTIONS} are kept as text in the last one",
                severity=Severity.WARNING,
            )
        )
        parsed.sections = _cap_sections(parsed.sections)

    values = {**parsed.fields, **sidecar_values}
    lines = {**parsed.lines, **sidecar_lines}
    field_paths = {key: path for key in parsed.fields} | {key: sidecar for key in sidecar_values}
    if _text_field(values, "title") is None and parsed.title:
        values["title"] = parsed.title  # the text names itself (first line, first heading)
        lines.pop("title", None)
        field_paths.pop("title", None)
    stem = shown_name(path.stem)
    fallback_title = stem.replace("_", " ").replace("-", " ").strip() or shown_name(path.name)
    report = MetaReport(path, field_paths=field_paths)
    meta = build_metadata(values, lines, report, fallback_title=fallback_title)
    problems.extend(report.problems)
    if not parsed.sections:
        problems.append(Problem(path, "no readable text found", "skipped"))
        return None, problems
    document = Document(doc_id, path, meta, parsed.sections, hasher.hexdigest(), format=fmt.name)
    return document, problems


def _cap_sections(sections: list[Section]) -> list[Section]:
    """The first MAX_SECTIONS sections; the text of the rest goes into the last of them
    (each section is an entry of the search index: their number bounds its time)."""
    kept, rest = sections[: MAX_SECTIONS - 1], sections[MAX_SECTIONS - 1 :]
    ids = {s.id for s in kept}
    last = rest[0]
    bodies, texts, refs = [last.body], [last.text], list(last.glossary_refs)
    for section in rest[1:]:
        bodies += ["**" + escape_markdown(section.heading) + "**", section.body]
        texts += [section.heading, section.text]
        refs += section.glossary_refs
    merged = last.replace(
        parent=last.parent if last.parent in ids else None,
        body="\n\n".join(b for b in bodies if b),
        text="\n".join(t for t in texts if t),
        glossary_refs=refs,
    )
    return [*kept, merged]


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Parsing makes many objects and frees them together: the cycle collector's passes
    over them meanwhile cost up to half the time of a long document, and find nothing."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _read_sidecar(
    path: Path, hasher: _Hash, problems: list[Problem], inside: Path | None
) -> tuple[dict[str, Any], dict[str, int], Path]:
    """The fields of `NAME.meta.yaml` beside the document, if there is one."""
    sidecar = formats.sidecar_for(path)
    if not os.path.lexists(sidecar):
        return {}, {}, sidecar
    from index.meta import MetaReport, parse_yaml_mapping

    report = MetaReport(sidecar)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        sidecar_bytes = read_bounded(sidecar, MAX_SIDECAR_BYTES, inside)
    except (OSError, FileRefused) as exc:
        problems.append(Problem(sidecar, f"cannot read metadata file: {_reason(exc)}", "ignored"))
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
