"""Creating, opening, updating and rebuilding the index, as named steps.

* A full build goes into a temporary folder that is renamed into place, so a
  crash never leaves a half-written index where a good one was.
* A manifest beside the index records each document's fingerprint; a changed,
  added or removed document updates only its own entries.
* A missing, stale, half-updated or corrupt index is rebuilt.
* A packaged OncoRef ships a prebuilt index of its bundled library inside the
  install folder. It is opened read-only and used only while it matches the
  bundled documents exactly; the documents a clinic adds are indexed in the
  user's cache folder, and the two are searched together.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from index.files import write_atomically
from index.model import Checkpoint, Document, Library
from index.search.intents import heading_intents, is_heading_word
from index.search.schema import SCHEMA_VERSION, make_schema
from index.sources import source_kind
from index.taxonomy import Taxonomy

MANIFEST = "oncoref-manifest.json"


@dataclass
class IndexReport:
    """What opening the index took: for progress messages and benchmarks."""

    action: str = "opened"  # "opened", "updated" or "built"
    reason: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sections: int = 0
    # The bundled library's prebuilt index, when it was used (read-only), and why not otherwise.
    prebuilt: Path | None = None
    prebuilt_sections: int = 0
    prebuilt_note: str = ""


Progress = Callable[[str], None]


def entries_for(document: Document, taxonomy: Taxonomy) -> list[dict[str, object]]:
    types = [taxonomy.canonical(t) for t in document.meta.cancer_types]
    kind = source_kind(document.meta.source_type, document.meta.source)
    own = {s.id: heading_intents(s.heading) for s in document.sections}
    parents = {s.id: s.parent for s in document.sections}
    title_stems = {t.text for t in _ANALYZER(document.title)}
    title_intents = heading_intents(document.title)
    entries = []
    for order, (section, path) in enumerate(
        zip(document.sections, document.heading_paths(), strict=True)
    ):
        # The enclosing headings, up to the document's title, say what it is part of.
        inherited = list(title_intents)
        parent, seen = section.parent, set()
        while parent is not None and parent in own and parent not in seen:
            seen.add(parent)
            inherited += [i for i in own[parent] if i not in inherited]
            parent = parents[parent]
        entries.append(
            {
                "key": f"{document.id}#{section.id}",
                "doc": document.id,
                "section": section.id,
                "order": order,
                "title": document.title,
                "heading": _apart_from(section.heading, title_stems),
                "context": " ".join(path[:-1]),
                "path": json.dumps(path, ensure_ascii=False),
                "body": section.text,
                "words": " ".join([document.title, section.heading, section.text]),
                "types": ",".join(types),
                "primary": types[0] if types else "",
                "intents": ",".join(own[section.id]),
                "context_intents": ",".join(inherited),
                "kind": section.kind.value,
                "source": document.meta.source,
                "source_kind": kind,
                "audience": document.meta.audience,
                "language": document.meta.language,
            }
        )
    return entries


_ANALYZER = StemmingAnalyzer()


def _apart_from(heading: str, title_stems: set[str]) -> str:
    """The heading's words that its document's title does not have: what tells the
    section apart from the others ("Tests ... used to diagnose" in "Tests that examine
    the small intestine are used to diagnose small intestine cancer")."""
    words = [
        w
        for w in heading.split()
        if is_heading_word(w) or not {t.text for t in _ANALYZER(w)} & title_stems
    ]
    return " ".join(words)


# The share of deleted entries an index may hold before an update purges them.
PURGE_SHARE = 0.02


class NotAnIndexFolder(OSError):
    """The folder named for the index holds something else: it is never replaced."""


class IndexStore:
    def __init__(self, directory: Path, taxonomy: Taxonomy) -> None:
        self.directory = Path(directory)
        self.taxonomy = taxonomy

    # -- named steps ----------------------------------------------------------

    def ensure(
        self,
        library: Library,
        progress: Progress | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> tuple[FileIndex, IndexReport]:
        """An index that matches the library: opened, updated or rebuilt as needed."""
        self._refuse_what_is_not_ours()  # before the lock file is made beside it
        with _locked(self.directory):
            return self._ensure(library, progress, checkpoint)

    def _ensure(
        self,
        library: Library,
        progress: Progress | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> tuple[FileIndex, IndexReport]:
        started = time.perf_counter()
        expected = sum(len(d.sections) for d in library.documents)
        manifest, reason = read_manifest(self.directory)
        ix = None
        if manifest is not None:
            try:
                ix = open_index(self.directory)
                if ix.doc_count() != manifest.get("sections"):
                    reason = "index does not match its manifest"
                elif manifest.get("files") != index_files(self.directory):
                    reason = "index files were changed since OncoRef wrote them"
                if reason:
                    ix.close()
                    ix = None
            except Exception as exc:
                reason, ix = f"index cannot be opened ({type(exc).__name__})", None
        if ix is None or manifest is None:
            ix, report = self._rebuild(library, progress, reason or "no index yet", checkpoint)
        else:
            report = self._update(ix, manifest["docs"], library, progress, checkpoint)
            if report.sections != expected:
                ix.close()
                ix, report = self._rebuild(
                    library, progress, "index and library disagree", checkpoint
                )
        report.seconds = time.perf_counter() - started
        return ix, report

    def rebuild(
        self,
        library: Library,
        progress: Progress | None = None,
        reason: str = "asked to",
        checkpoint: Checkpoint | None = None,
    ) -> tuple[FileIndex, IndexReport]:
        """Build from scratch in a temporary folder, then rename it into place."""
        self._refuse_what_is_not_ours()  # before the lock file is made beside it
        with _locked(self.directory):
            return self._rebuild(library, progress, reason, checkpoint)

    def _rebuild(
        self,
        library: Library,
        progress: Progress | None = None,
        reason: str = "asked to",
        checkpoint: Checkpoint | None = None,
    ) -> tuple[FileIndex, IndexReport]:
        started = time.perf_counter()
        self._refuse_what_is_not_ours()
        if progress:
            progress(f"Building the search index ({reason})…")
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
        tmp = Path(
            tempfile.mkdtemp(prefix=self.directory.name + ".tmp-", dir=self.directory.parent)
        )
        try:
            ix = whoosh_index.create_in(str(tmp), make_schema())
            writer = ix.writer(limitmb=256)
            count = 0
            try:
                for document in library.documents:
                    if checkpoint:
                        checkpoint()
                    for entry in entries_for(document, self.taxonomy):
                        writer.add_document(**entry)
                        count += 1
            except BaseException:
                writer.cancel()  # closes its files, so the folder can be removed
                ix.close()
                raise
            writer.commit(optimize=True)
            ix.close()
            _write_json(tmp / MANIFEST, self._manifest(library, count, "ready", tmp))
            old = None
            if self.directory.exists():
                old = self.directory.with_name(self.directory.name + f".old-{os.getpid()}")
                os.replace(self.directory, old)
            os.replace(tmp, self.directory)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        report = IndexReport(
            action="built",
            reason=reason,
            added=[d.id for d in library.documents],
            sections=count,
            seconds=time.perf_counter() - started,
        )
        return open_index(self.directory), report

    def _update(
        self,
        ix: FileIndex,
        indexed: dict[str, str],
        library: Library,
        progress: Progress | None,
        checkpoint: Checkpoint | None,
    ) -> IndexReport:
        wanted = {d.id: d for d in library.documents}
        added = [i for i in wanted if i not in indexed]
        changed = [i for i in wanted if i in indexed and indexed[i] != wanted[i].fingerprint]
        removed = [i for i in indexed if i not in wanted]
        report = IndexReport(added=added, changed=changed, removed=removed)
        if not (added or changed or removed):
            report.sections = ix.doc_count()
            return report
        if progress:
            progress(
                f"Updating the search index ({len(added) + len(changed) + len(removed)} "
                "documents changed)…"
            )
        _write_json(self.directory / MANIFEST, {**self._manifest(library, 0, "updating")})
        deleted = ix.doc_count_all() - ix.doc_count()  # entries deleted but not yet purged
        writer = ix.writer(limitmb=128)
        try:
            for doc_id in changed + removed:
                deleted += writer.delete_by_term("doc", doc_id)
            for doc_id in added + changed:
                if checkpoint:
                    checkpoint()
                for entry in entries_for(wanted[doc_id], self.taxonomy):
                    writer.add_document(**entry)
        except BaseException:
            writer.cancel()
            raise
        # Whoosh keeps a deleted entry's words in the statistics BM25 ranks by until its
        # segment is rewritten, so rankings drift from a clean build's with every update.
        # Once the deleted entries are more than a small share of the index, everything
        # is merged into one segment with them purged; below that, the drift is too
        # small to change an answer, and one edit in a large library costs its own
        # entries, not a rewrite of the whole index.
        total = ix.doc_count_all() or 1
        writer.commit(optimize=deleted > PURGE_SHARE * total)
        report.action = "updated"
        report.sections = ix.refresh().doc_count()
        _write_json(
            self.directory / MANIFEST,
            self._manifest(library, report.sections, "ready", self.directory),
        )
        return report

    # -- helpers ----------------------------------------------------------------

    def _manifest(
        self, library: Library, sections: int, state: str, folder: Path | None = None
    ) -> dict[str, object]:
        return {
            "schema": SCHEMA_VERSION,
            "state": state,
            "sections": sections,
            "docs": {d.id: d.fingerprint for d in library.documents},
            "files": index_files(folder) if folder else {},
        }

    def _refuse_what_is_not_ours(self) -> None:
        """Only an empty folder, or one holding an index OncoRef wrote (it has our
        manifest, however damaged), may be replaced: anything else is someone's files."""
        folder = self.directory
        if not folder.exists() and not folder.is_symlink():
            return
        if not folder.is_dir() or folder.is_symlink():
            raise NotAnIndexFolder(
                f"{folder} is not a folder; OncoRef will not replace it. "
                "Name a new or empty folder for the index."
            )
        if (folder / MANIFEST).is_file():
            return
        try:
            empty = next(folder.iterdir(), None) is None
        except OSError as exc:
            raise NotAnIndexFolder(f"{folder} cannot be read: {exc.strerror}") from exc
        if not empty:
            raise NotAnIndexFolder(
                f"{folder} holds files that are not an OncoRef index; OncoRef will not "
                "replace or delete them. Name a new or empty folder for the index."
            )

    def _remove_leftovers(self) -> None:
        for stale in self.directory.parent.glob(self.directory.name + ".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.directory.parent.glob(self.directory.name + ".old-*"):
            shutil.rmtree(stale, ignore_errors=True)


def index_files(folder: Path) -> dict[str, list[int]]:
    """Size and modification time of each of Whoosh's files: a file changed by anything
    but OncoRef (a disk fault, a copy gone wrong) shows as a difference at the next open,
    which only costs a stat per file."""
    files: dict[str, list[int]] = {}
    for path in sorted(folder.glob("*")):
        if path.suffix in (".toc", ".seg") and path.is_file():
            info = path.stat()
            files[path.name] = [info.st_size, info.st_mtime_ns]
    return files


def read_manifest(directory: Path) -> tuple[dict[str, Any] | None, str]:
    """The manifest of a finished index of this schema, or None and why not."""
    if not directory.exists():
        return None, "no index yet"
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "index has no manifest"
    except (OSError, ValueError, RecursionError):
        return None, "index manifest is damaged"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("docs"), dict):
        return None, "index manifest is damaged"
    if manifest.get("schema") != SCHEMA_VERSION:
        return None, "index was built by another version"
    if manifest.get("state") != "ready":
        return None, "an earlier update did not finish"
    return manifest, ""


def build_prebuilt(library: Library, taxonomy: Taxonomy, directory: Path) -> IndexReport:
    """The index a package ships: the bundled library, built once at packaging time."""
    ix, report = IndexStore(directory, taxonomy).rebuild(library, reason="prebuilt for a package")
    ix.close()
    return report


def open_prebuilt(directory: Path, documents: list[Document]) -> tuple[FileIndex | None, str]:
    """The prebuilt index, opened read-only, if it holds exactly these documents as
    they are now; else None and why not (the caller then indexes them itself)."""
    if not directory.exists():
        return None, ""  # a source checkout: nothing prebuilt, nothing to explain
    manifest, reason = read_manifest(directory)
    if manifest is None:
        return None, reason
    if manifest["docs"] != {d.id: d.fingerprint for d in documents}:
        return None, "the bundled documents have changed since it was built"
    try:
        # Read-only storage: nothing (not even a lock) is written into the install folder.
        ix = open_index(directory, readonly=True)
        sections = ix.doc_count()
    except Exception as exc:
        return None, f"it cannot be opened ({type(exc).__name__})"
    if sections != manifest.get("sections"):
        ix.close()
        return None, "it does not match its manifest"
    return ix, ""


def open_index(directory: Path, readonly: bool = False) -> FileIndex:
    """The index in `directory`, its files read as files, not mapped into memory: a
    mapped index counts in the window's memory as it is read (at 1,000 documents, 134
    MB against 51 MB after 200 questions; at 5,000, +286 MB), for about 8 % faster
    searches."""
    storage = FileStorage(str(directory), supports_mmap=False, readonly=readonly)
    return storage.open_index()


def _write_json(path: Path, data: object) -> None:
    """Written beside and renamed over: a crash leaves the old file or the new one."""
    write_atomically(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Held while the index in `directory` is checked, updated or rebuilt, so that two
    programs sharing a cache folder take turns (the second then finds it up to date).
    The system drops the lock when its holder ends, however it ends."""
    try:
        import fcntl
    except ImportError:  # not on this system: one program at a time is assumed
        yield
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.with_name(directory.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
