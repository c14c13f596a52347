"""Shared pieces for turning any source into sections: anchors, escaping, nesting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.model import GlossaryRef, Section, SectionKind

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!#|~&])")
_LINE_START_SPECIAL = re.compile(r"^(\s*)([-+=]|\d{1,9}[.)])(?=\s|$)")


def escape_markdown(text: str) -> str:
    """Escape text so Markdown shows it literally (no emphasis, links or lists)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    # A bullet is hidden by a backslash before it; a number by one before its "." or
    # ")", since CommonMark escapes only punctuation.
    return _LINE_START_SPECIAL.sub(
        lambda m: (
            m.group(1)
            + (
                m.group(2)[:-1] + "\\" + m.group(2)[-1]
                if m.group(2)[0].isdigit()
                else "\\" + m.group(2)
            )
        ),
        escaped,
    )


def slugify(text: str, limit: int = 60) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "section"


def same_text(a: str, b: str) -> bool:
    """Equal when case, punctuation and spacing are ignored (titles repeated in a body)."""

    def norm(s: str) -> str:
        return re.sub(r"[^\w]+", " ", s.casefold()).strip()

    return norm(a) == norm(b)


def squash_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class DraftSection:
    """A section while a loader is still filling it."""

    heading: str
    level: int
    blocks_md: list[str] = field(default_factory=list)
    blocks_text: list[str] = field(default_factory=list)
    refs: list[GlossaryRef] = field(default_factory=list)
    kind: SectionKind = SectionKind.ARTICLE

    def add(self, markdown: str, text: str) -> None:
        if markdown.strip():
            self.blocks_md.append(markdown.strip("\n"))
            self.blocks_text.append(text.strip())

    @property
    def empty(self) -> bool:
        return not self.blocks_md


def finish_sections(drafts: list[DraftSection]) -> list[Section]:
    """Give drafts stable anchors, levels counted from 1, and parents."""
    if not drafts:
        return []
    lowest = min(d.level for d in drafts)
    used: dict[str, int] = {}  # the last number given to each slug
    taken: set[str] = set()
    sections: list[Section] = []
    stack: list[Section] = []
    for draft in drafts:
        base = slugify(draft.heading)
        count = used.get(base, 0) + 1
        anchor = base if count == 1 else f"{base}-{count}"
        while anchor in taken:  # "Diet", "Diet", "Diet 2": diet, diet-2, diet-2-2
            count += 1
            anchor = f"{base}-{count}"
        used[base] = count
        taken.add(anchor)
        level = draft.level - lowest + 1
        while stack and stack[-1].level >= level:
            stack.pop()
        section = Section(
            id=anchor,
            heading=draft.heading,
            level=level,
            parent=stack[-1].id if stack else None,
            body="\n\n".join(draft.blocks_md),
            text="\n".join(t for t in draft.blocks_text if t),
            kind=draft.kind,
            glossary_refs=list(draft.refs),
        )
        sections.append(section)
        stack.append(section)
    return sections
