"""Everything the command line and the window need, opened in one call."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.model import Problem
from index.paths import bundled_library_dir, cache_dir, prebuilt_index_dir

# Whoosh is imported when the index is first used, and the loaders (markdown-it,
# PyYAML) when a library is read: a start from the snapshot needs neither.
if TYPE_CHECKING:
    from index.glossary import Glossary
    from index.library import Library
    from index.search import Searcher
    from index.store import IndexReport, Progress
    from index.synonyms import Synonyms
    from index.taxonomy import Taxonomy


@dataclass
class Core:
    """The open library with what reads and searches it: glossary, synonyms, taxonomy, index."""

    library: Library
    glossary: Glossary
    synonyms: Synonyms
    taxonomy: Taxonomy
    index_dir: Path
    resource_problems: list[Problem] = field(default_factory=list)
    _searcher: Searcher | None = None
    index_report: IndexReport | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.resource_problems + self.library.problems

    def searcher(self, progress: Progress | None = None, rebuild: bool = False) -> Searcher:
        """The index, brought up to date with the library on first use.

        The bundled documents come from the prebuilt index shipped with a package
        while it matches them; everything else is indexed in `index_dir`."""
        if self._searcher is None or rebuild:
            from index.library import Library
            from index.search import Searcher
            from index.store import IndexReport, IndexStore, open_prebuilt

            bundled = [d for d in self.library.documents if d.bundled]
            prebuilt, note = open_prebuilt(prebuilt_index_dir(), bundled) if bundled else (None, "")
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
                    ix, report = store.rebuild(own, progress, "asked to")
                else:
                    ix, report = store.ensure(own, progress)
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

    def __getstate__(self) -> dict[str, object]:
        """What a snapshot keeps: the parsed library, not the open index."""
        return {**self.__dict__, "_searcher": None, "index_report": None}

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def library_roots(extra: Sequence[Path] = (), bundled: bool = True) -> list[Path]:
    roots = [bundled_library_dir()] if bundled else []
    return roots + [Path(p).expanduser() for p in extra]


def default_index_dir(roots: Sequence[Path]) -> Path:
    """One index per set of library folders, in the user's cache folder. The name
    only keeps sets apart (a clash would cost re-indexing, never wrong answers), so
    a checksum does; hashlib would load OpenSSL on every start (~3 ms)."""
    key = "\n".join(str(Path(r).resolve()) for r in roots).encode()
    return cache_dir() / "indexes" / f"{zlib.crc32(key):08x}{len(key):04x}"


def open_core(
    libraries: Sequence[Path] = (),
    bundled: bool = True,
    index_dir: Path | None = None,
) -> Core:
    from index.glossary import load_glossary
    from index.library import load_library
    from index.synonyms import load_synonyms
    from index.taxonomy import load_taxonomy

    roots = library_roots(libraries, bundled)
    library = load_library(roots, bundled=bundled_library_dir() if bundled else None)
    glossary, glossary_problems = load_glossary()
    synonyms, synonym_problems = load_synonyms()
    taxonomy, taxonomy_problems = load_taxonomy()
    return Core(
        library=library,
        glossary=glossary,
        synonyms=synonyms,
        taxonomy=taxonomy,
        index_dir=Path(index_dir) if index_dir else default_index_dir(roots),
        resource_problems=glossary_problems + synonym_problems + taxonomy_problems,
    )
