"""Session: everything the window and the command line need, opened in one call.

A session holds one reading of the library (documents, glossary, synonyms,
taxonomy) and what searches and renders it. The command line opens one per
run; the window's worker opens one at start and makes a new one with
`reload()` when a library folder changes, so a session the window shows is
never changed under it by another thread.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.model import Checkpoint, Document, Problem, SearchResult, Section
from index.paths import bundled_library_dir, cache_dir, pack_stores, prebuilt_index_dir

# Whoosh is imported when the index is first used, and the loaders (markdown-it,
# PyYAML) when a library is read: a start from the snapshot needs neither.
if TYPE_CHECKING:
    from index.contents import Node
    from index.glossary import Glossary
    from index.model import Library
    from index.packs import InstalledPack
    from index.render.document import DocumentRenderer
    from index.search.searcher import Searcher
    from index.search.store import IndexReport, Progress
    from index.snapshot import Fingerprint
    from index.synonyms import Synonyms
    from index.taxonomy import Taxonomy

# What one window search returns at most.
WINDOW_RESULTS = 40
# How much of a document one page of the reader holds, in characters and in lines
# (a table row, a list item or a paragraph is a line: rendering time grows with the
# lines more than with the characters). Rendering and laying out rich text happen
# on the window's thread, so a longer document is shown in parts. The largest
# bundled document has 30,000 characters in 190 lines; a page of the most lines
# renders in about a third of a second.
PAGE_CHARS = 200_000
PAGE_LINES = 1_500
PART_MARK = "@part"


def page_parts(document: Document) -> list[tuple[int, int]]:
    """The document's sections split into pages of at most PAGE_CHARS and PAGE_LINES
    (a section longer than that alone is a page, cut short): (first, end) indexes."""
    parts: list[tuple[int, int]] = []
    start, chars, lines = 0, 0, 0
    for n, section in enumerate(document.sections):
        length, count = len(section.body) + len(section.heading), section.body.count("\n") + 1
        if n > start and (chars + length > PAGE_CHARS or lines + count > PAGE_LINES):
            parts.append((start, n))
            start, chars, lines = n, 0, 0
        chars, lines = chars + length, lines + count
    parts.append((start, len(document.sections)))
    return parts


def _within_budget(section: Section) -> Section:
    """A section too long for one page, cut at a line, with a note saying so."""
    if len(section.body) <= PAGE_CHARS and section.body.count("\n") < PAGE_LINES:
        return section
    lines = section.body[:PAGE_CHARS].split("\n")[:PAGE_LINES]
    body = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    note = (
        "\n\n*This section is too long to show whole: its first part is shown. "
        "Search finds words in all of it.*"
    )
    return section.replace(body=body + note)


# Compared by identity and never printed whole: no generated __eq__ or __repr__
# (each generated method costs start-up time to compile).
@dataclass(eq=False, repr=False)
class Session:
    """The open library with what reads, searches and renders it."""

    library: Library
    glossary: Glossary
    synonyms: Synonyms
    taxonomy: Taxonomy
    index_dir: Path
    bundled_root: Path | None = None  # the bundled library folder, when it is read
    folders: list[Path] = field(default_factory=list)  # the clinic's own folders
    # Installed library packs (read between the bundled folder and the clinic's), and
    # whether a reload looks for them again.
    packs: list[InstalledPack] = field(default_factory=list)
    with_packs: bool = False
    resource_problems: list[Problem] = field(default_factory=list)
    # What was wrong with the list of installed packs (apart from the library's own
    # problems, so that a library read again in part keeps none that are gone).
    pack_problems: list[Problem] = field(default_factory=list)
    # Rendered pages by document id; a snapshot keeps the page a start opens on.
    pages: dict[str, str] = field(default_factory=dict)
    index_report: IndexReport | None = None
    from_snapshot: bool = False
    repairs: list[str] = field(default_factory=list)  # what was found damaged and mended
    _searcher: Searcher | None = None
    _avoid_prebuilt: bool = False
    _renderer: DocumentRenderer | None = None
    # Where to save a snapshot, of what files, and of which code and resources.
    _snapshot: tuple[Path, Fingerprint, Fingerprint] | None = None
    # The size and time of every file this reading was made from (empty when not
    # known): a reload compares them to tell which files changed.
    _stamp: Fingerprint = ()

    # -- what is in it ----------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        return self.resource_problems + self.pack_problems + self.library.problems

    @property
    def roots(self) -> list[Path]:
        bundled = [self.bundled_root] if self.bundled_root else []
        return bundled + [p.root for p in self.packs] + self.folders

    def find(self, name: str) -> Document | None:
        """A document by id, by file name, or by a unique start of either."""
        return self.library.find(name)

    def tree(self) -> Node:
        from index.contents import build_tree

        return build_tree(self.library, self.taxonomy)

    def first_document(self) -> str | None:
        """The document at the top of the contents: what a first start shows."""
        from index.contents import first_document

        return first_document(self.library, self.taxonomy)

    def watch_list(self) -> list[str]:
        """The clinic's folders (not the bundled one, which never changes), every
        folder below them and every document and sidecar in them: a change to any
        of them means the library must be read again. For a folder that is missing,
        the folder itself and the nearest folder above it.

        The watcher watches the folders among them and compares the size and
        modification time of all of them every few seconds (index.stamps)."""
        from index import formats
        from index.library import walk_entries

        paths: list[str] = []
        for root in self.folders:
            if not root.is_dir():
                # Gone (or not there yet): watch the nearest folder above it that is
                # there, so that the folder coming back is seen.
                paths.append(str(root))
                above = next((p for p in root.parents if p.is_dir()), None)
                if above is not None:
                    paths.append(str(above))
                continue
            paths.append(str(root))
            # The library's own walk: links stay inside the folder, any depth is safe.
            for path, kind in walk_entries(root, [], folders=True):
                if kind == "folder" or (kind == "file" and formats.is_watched(path.name)):
                    paths.append(str(path))
        if self.with_packs:
            # A pack installed, rolled back or removed (from the command line, say)
            # replaces the list of installed packs in these folders.
            paths += [str(store) for store in pack_stores() if store.is_dir()]
        return paths

    def read_stamps(self) -> dict[str, tuple[int, int]]:
        """Size and modification time of each of the clinic's documents and of its
        sidecar (index.stamps.GONE when it had none) as they were when read: the
        watcher compares the files with these, so that a file changed after it was
        read, before the watch list was made, is still seen."""
        from index.library import sidecar_name

        stamps: dict[str, tuple[int, int]] = {}
        for doc in self.library.documents:
            if doc.bundled or doc.pack is not None or len(doc.stamp) != 4:
                continue
            path = str(doc.path)
            stamps[path] = (doc.stamp[0], doc.stamp[1])
            stamps[sidecar_name(path)] = (doc.stamp[2], doc.stamp[3])
        return stamps

    # -- searching ----------------------------------------------------------------

    def searcher(
        self,
        progress: Progress | None = None,
        rebuild: bool = False,
        checkpoint: Checkpoint | None = None,
    ) -> Searcher:
        """The index, brought up to date with the library on first use.

        The bundled documents come from the prebuilt index shipped with a package
        while it matches them; everything else is indexed in `index_dir`."""
        if self._searcher is None or rebuild:
            from index.model import Library
            from index.search.searcher import Searcher
            from index.search.store import IndexReport, IndexStore, open_prebuilt

            bundled = [d for d in self.library.documents if d.bundled]
            prebuilt, note = None, ""
            if bundled and not self._avoid_prebuilt:
                prebuilt, note = open_prebuilt(prebuilt_index_dir(), bundled)
            own = self.library
            if prebuilt is not None:
                own = Library(
                    self.library.roots, [d for d in self.library.documents if not d.bundled]
                )
            indexes = [prebuilt] if prebuilt is not None else []
            report = IndexReport(action="opened")
            if own.documents or not indexes:
                store = IndexStore(self.index_dir, self.taxonomy)
                if rebuild:
                    ix, report = store.rebuild(own, progress, "asked to", checkpoint)
                else:
                    ix, report = store.ensure(own, progress, checkpoint)
                indexes.append(ix)
            if prebuilt is not None:
                report.prebuilt = prebuilt_index_dir()
                report.prebuilt_sections = prebuilt.doc_count()
            report.prebuilt_note = note
            self.index_report = report
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = Searcher(indexes, self.synonyms, self.glossary, self.taxonomy)
        return self._searcher

    def search(
        self,
        query: str,
        limit: int = WINDOW_RESULTS,
        types: Sequence[str] | None = None,
        prefix: bool = True,
        snippets: int = WINDOW_RESULTS,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Ranked sections for what a person typed (`prefix`: the last word is still
        being typed). The result carries the query and the words to highlight.

        The first `snippets` hits get their snippet; the others have "" until
        snippets() makes theirs. `cancelled` is asked now and then while the search
        runs: once it says true (a newer keystroke has superseded this search), the
        search stops and raises Cancelled.

        The searcher never fails on what is typed, so a failure here is a damaged
        index (flipped bytes in a segment show only when it is read): it is built
        again, once, and the search answered from the new one."""
        from index.model import Cancelled

        def run(searcher: Searcher) -> SearchResult:
            return searcher.search(
                query,
                limit=limit,
                types=list(types or []),
                prefix=prefix,
                snippets=snippets,
                cancelled=cancelled,
            )

        try:
            return run(self.searcher())
        except Cancelled:
            raise
        except Exception as exc:
            damage = f"{type(exc).__name__}: {exc}"
        self._avoid_prebuilt = True  # it may be the damaged one; it cannot be rebuilt
        try:
            result = run(self.searcher(rebuild=True))
        except Cancelled:
            raise
        except Exception as exc:
            return SearchResult(
                query, [], message=f"Search is not available: the index is damaged ({exc})."
            )
        self.repairs.append(f"The search index was damaged ({damage}) and was built again.")
        result.message = result.message or "The search index was damaged and has been built again."
        return result

    def snippets(self, result: SearchResult, rows: Sequence[int]) -> dict[int, str]:
        """The snippets of these rows of a search's result ({row: snippet HTML}), made
        as the search makes them; rows it cannot make one for are left out."""
        try:
            return self.searcher().snippets(result, rows)
        except Exception:  # a damaged index: the rows keep their empty snippet
            return {}

    # -- reading ----------------------------------------------------------------

    def renderer(self) -> DocumentRenderer:
        if self._renderer is None:
            from index.render.document import DocumentRenderer

            self._renderer = DocumentRenderer(self.glossary)
        return self._renderer

    def page(self, key: str) -> str:
        """A page of the reader as HTML, rendered once. The key is a document id (its
        first part, or all of it) or, for the later parts of a very long document,
        what page_key() says."""
        if key not in self.pages:
            doc_id, _, number = key.partition(PART_MARK)
            document = self.library.get(doc_id)
            if document is None:
                raise KeyError(key)
            parts = page_parts(document)
            part = int(number) if number.isdigit() and int(number) < len(parts) else 0
            self.pages[key] = self._render_part(document, parts, part)
        return self.pages[key]

    def page_key(self, doc_id: str, section: str | None = None) -> str:
        """The page that shows `section` of a document (the first page when None)."""
        document = self.library.get(doc_id)
        if document is None or section is None:
            return doc_id
        parts = page_parts(document)
        if len(parts) == 1:
            return doc_id
        at = next((n for n, s in enumerate(document.sections) if s.id == section), 0)
        part = next(n for n, (start, end) in enumerate(parts) if start <= at < end)
        return doc_id if part == 0 else f"{doc_id}{PART_MARK}{part}"

    def _render_part(self, document: Document, parts: list[tuple[int, int]], part: int) -> str:
        from html import escape

        start, end = parts[part]
        sections = [_within_budget(s) for s in document.sections[start:end]]
        if len(parts) == 1:
            return self.renderer().document_html(document, sections)
        note = (
            f'<p class="overdue">This document is long, so it is shown in {len(parts)} parts; '
            f"this is part {part + 1}. Search finds words in every part.</p>"
        )
        html = self.renderer().document_html(document, sections)
        links = []
        if part > 0:
            before = document.sections[parts[part - 1][0]]
            links.append(
                f'<a href="doc:{escape(document.id)}#{escape(before.id)}">'
                f"Previous part: {escape(before.heading)}</a>"
            )
        if part + 1 < len(parts):
            after = document.sections[end]
            links.append(
                f'<a href="doc:{escape(document.id)}#{escape(after.id)}">'
                f"Next part: {escape(after.heading)}</a>"
            )
        return note + html + "".join(f"<p>{link}</p>" for link in links)

    # -- changes ----------------------------------------------------------------

    def reload(self, checkpoint: Checkpoint | None = None) -> Session:
        """A new session of the library as it is now on disk. Documents whose file
        and sidecar are unchanged are taken over without being read again."""
        from index.snapshot import base_fingerprint, changed_files, fingerprint, snapshot_path

        packs, pack_problems = _installed_packs(self.with_packs)
        roots = _with_packs(self.bundled_root, packs, self.folders)
        base = base_fingerprint()
        stamp = fingerprint(roots, base)  # before reading, as when opening
        changed = changed_files(self._stamp, stamp) if self._stamp else None
        library = _library_now(roots, self.bundled_root, self.library, changed, checkpoint, packs)
        session = self._followed_by(library, packs, pack_problems)
        session._snapshot = (snapshot_path(self.index_dir), stamp, base)
        session._stamp = stamp
        return session

    def _followed_by(
        self, library: Library, packs: list[InstalledPack], pack_problems: list[Problem]
    ) -> Session:
        """A session of a newer reading of the same folders, with this one's glossary,
        synonyms and taxonomy, and its pages of the documents taken over unchanged."""
        session = Session(
            library=library,
            glossary=self.glossary,
            synonyms=self.synonyms,
            taxonomy=self.taxonomy,
            index_dir=self.index_dir,
            bundled_root=self.bundled_root,
            folders=list(self.folders),
            packs=packs,
            with_packs=self.with_packs,
            resource_problems=list(self.resource_problems),
            pack_problems=pack_problems,
        )
        kept = {d.id for d in library.documents if self.library.get(d.id) is d}
        session.pages = {
            key: html for key, html in self.pages.items() if key.partition(PART_MARK)[0] in kept
        }
        return session

    def save_snapshot(self, pages: Sequence[str] = ()) -> bool:
        """Keep this reading of the library (and the rendered `pages`) for the next
        start; only when it was opened with `use_snapshot` and did not come from one."""
        if self._snapshot is None:
            return False
        from index.snapshot import Snapshot, save_snapshot

        path, stamp, base = self._snapshot
        self._snapshot = None
        kept = {doc: self.pages[doc] for doc in pages if doc in self.pages}
        return save_snapshot(path, Snapshot(stamp, self, kept, base))

    def __getstate__(self) -> dict[str, object]:
        """What a snapshot keeps: the parsed library, not the open index or pages."""
        return {
            **self.__dict__,
            "_searcher": None,
            "_renderer": None,
            "_snapshot": None,
            "_stamp": (),  # the snapshot keeps it once, beside the session
            "index_report": None,
            "pages": {},
            "from_snapshot": False,
            "repairs": [],
            "_avoid_prebuilt": False,
        }

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __del__(self) -> None:
        # The index's files are open while a searcher is: a session that nobody
        # closed closes them when it goes, as a file object does.
        searcher = self.__dict__.get("_searcher")
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()


def library_roots(
    extra: Sequence[Path] = (), bundled: bool = True, packs: Sequence[InstalledPack] = ()
) -> list[Path]:
    """The folders the library reads: the bundled one, the installed packs' current
    content, and the clinic's own folders."""
    folders = [Path(p).expanduser() for p in extra]
    return _with_packs(bundled_library_dir() if bundled else None, packs, folders)


def _with_packs(
    bundled: Path | None, packs: Sequence[InstalledPack], folders: Sequence[Path]
) -> list[Path]:
    return ([bundled] if bundled else []) + [p.root for p in packs] + list(folders)


def _installed_packs(wanted: bool) -> tuple[list[InstalledPack], list[Problem]]:
    """The installed packs, and what was wrong with the list of them."""
    if not wanted or not any(store.is_dir() for store in pack_stores()):
        return [], []  # none installed: the pack code is not even imported
    from index.packs import installed_packs

    packs, problems = installed_packs()
    return packs, [Problem(path, message, "its packs not read") for path, message in problems]


def default_index_dir(roots: Sequence[Path]) -> Path:
    """One index per set of library folders, in the user's cache folder. The name
    only keeps sets apart (a clash would cost re-indexing, never wrong answers), so
    a checksum does; hashlib would load OpenSSL on every start (~3 ms)."""
    key = "\n".join(str(Path(r).resolve()) for r in roots).encode()
    return cache_dir() / "indexes" / f"{zlib.crc32(key):08x}{len(key):04x}"


def open_session(
    libraries: Sequence[Path] = (),
    bundled: bool = True,
    index_dir: Path | None = None,
    *,
    use_snapshot: bool = False,
    checkpoint: Checkpoint | None = None,
    packs: bool = True,
) -> Session:
    """The bundled library (unless `bundled` is false), the installed library packs
    (unless `packs` is false) and the folders in `libraries`.

    With `use_snapshot`, a snapshot of the same folders from an earlier run is used
    while no file has changed; `save_snapshot()` keeps this one for the next."""
    folders = [Path(p).expanduser() for p in libraries]
    # The index is kept per set of folders, not per pack version, so that installing
    # a pack updates it rather than starting a new one.
    index_dir = Path(index_dir) if index_dir else default_index_dir(library_roots(folders, bundled))
    installed, pack_problems = _installed_packs(packs)
    roots = library_roots(folders, bundled, installed)
    bundled_root = bundled_library_dir() if bundled else None
    saved: tuple[Path, Fingerprint, Fingerprint] | None = None
    earlier: Session | None = None  # a snapshot of the same code, of other files
    earlier_pages: dict[str, str] = {}
    changed: list[str] | None = None  # the files changed since that snapshot
    if use_snapshot:
        from index.snapshot import (
            base_fingerprint,
            changed_files,
            fingerprint,
            load_snapshot,
            snapshot_path,
        )

        # Made before reading, so that a file changed meanwhile is a miss next time.
        base = base_fingerprint()
        stamp = fingerprint(roots, base)
        saved = (snapshot_path(index_dir), stamp, base)
        snapshot = load_snapshot(saved[0])
        if snapshot is not None and snapshot.fingerprint == stamp:
            session = snapshot.session
            session.index_dir = index_dir
            session.pages = dict(snapshot.pages)
            session.from_snapshot = True
            session._stamp = stamp
            return session
        if snapshot is not None and snapshot.base == base:
            earlier, earlier_pages = snapshot.session, snapshot.pages
            changed = changed_files(snapshot.fingerprint, stamp)

    previous = earlier.library if earlier is not None else None
    library = _library_now(roots, bundled_root, previous, changed, checkpoint, installed)
    if earlier is not None:
        # Our resources are as they were when the snapshot was made; the folders are
        # the ones asked for now.
        earlier.index_dir, earlier.folders, earlier.pages = index_dir, folders, earlier_pages
        earlier.bundled_root, earlier.with_packs = bundled_root, packs
        session = earlier._followed_by(library, installed, pack_problems)
    else:
        from index.glossary import load_glossary
        from index.synonyms import load_synonyms
        from index.taxonomy import load_taxonomy

        glossary, glossary_problems = load_glossary()
        synonyms, synonym_problems = load_synonyms()
        taxonomy, taxonomy_problems = load_taxonomy()
        session = Session(
            library=library,
            glossary=glossary,
            synonyms=synonyms,
            taxonomy=taxonomy,
            index_dir=index_dir,
            bundled_root=bundled_root,
            folders=folders,
            packs=installed,
            with_packs=packs,
            resource_problems=glossary_problems + synonym_problems + taxonomy_problems,
            pack_problems=pack_problems,
        )
    session._snapshot = saved
    session._stamp = saved[1] if saved else ()
    return session


def _library_now(
    roots: list[Path],
    bundled_root: Path | None,
    previous: Library | None,
    changed: list[str] | None,
    checkpoint: Checkpoint | None,
    packs: list[InstalledPack],
) -> Library:
    """The library as it is on disk now: `previous` with just the `changed` files read
    again where no file was added, removed or renamed; otherwise the folders walked,
    taking over the documents of `previous` whose files are unchanged."""
    from index.library import load_library, reread

    if previous is not None and changed is not None:
        library = reread(previous, changed, checkpoint)
        if library is not None:
            return library
    return load_library(
        roots, bundled=bundled_root, previous=previous, checkpoint=checkpoint, packs=packs
    )
