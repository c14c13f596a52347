"""A made-up library of any size for the contents tree (documents in memory)."""

from __future__ import annotations

from pathlib import Path

from index.model import Document, Library, Metadata, Section
from index.taxonomy import Taxonomy, load_taxonomy

TYPES = ["Lung cancer", "Breast cancer", "Colon cancer", "Leukemia", "Melanoma", ""]
HEADINGS = ["What is it", "Signs", "Tests", "Treatment", "Side effects", "Living with it"]


def big_library(documents: int) -> tuple[Library, Taxonomy]:
    """Documents under six cancer types (one has none), each with six sections, the
    last two inside the one before them; document 7 has a deep heading of its own."""
    docs = []
    for n in range(documents):
        sections = []
        for level, heading in enumerate(HEADINGS):
            parent = f"s{level - 1}" if level >= 4 else None
            sections.append(_section(f"s{level}", heading, parent))
        if n == 7:
            sections.append(_section("deep", "Zanubrutinib and your heart", "s5"))
        kind = TYPES[n % len(TYPES)]
        meta = Metadata(title=f"Leaflet {n:05d}", cancer_types=[kind] if kind else [])
        docs.append(
            Document(f"clinic/leaflet-{n:05d}", Path(f"leaflet-{n:05d}.md"), meta, sections, "")
        )
    taxonomy, problems = load_taxonomy()
    assert not problems
    return Library([Path("clinic")], docs), taxonomy


def _section(section_id: str, heading: str, parent: str | None) -> Section:
    level = 1 if parent is None else 2
    return Section(section_id, heading, level, parent, f"About {heading}.", f"About {heading}.")
