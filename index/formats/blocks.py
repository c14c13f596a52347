"""Sections from structured sources (HTML, DOCX, PDQ XML): text runs, lists, tables.

A format module walks its own tree and says what it meets: a heading of some
level, a paragraph of inline text, a list with nested lists, a table. This
module turns that into sections whose body is safe Markdown (text escaped;
only http, https and mailto links; NCI dictionary links as `glossary:nci-NNN`)
and whose text is plain, like the Markdown loader's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from index.formats.markup import DraftSection, finish_sections, same_text
from index.model import GlossaryRef, Section

_SPACE = re.compile(r"\s+")
# Characters Markdown would read as markup anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!#|~&])")
_SAFE_SCHEMES = {"http", "https", "mailto"}
# NCI dictionary links, in the forms cancer.gov has used: the old pop-up page and
# the dictionary's own address with a numeric id.
_NCI_GLOSSARY = (
    re.compile(r"popDefinition\.aspx\?(?:[^#]*&)?id=(\d+)", re.I),
    re.compile(r"/dictionaries/cancer-terms/def/(\d+)(?:[/?#]|$)", re.I),
)
# A block that would start a Markdown list, heading or break if left as it is.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+*=])(?=\s|$)")
_WORDY = re.compile(r"\w")


def nci_id_from_href(href: str) -> str | None:
    """The NCI dictionary id an address points to, if it is a dictionary link."""
    for pattern in _NCI_GLOSSARY:
        match = pattern.search(href)
        if match:
            return match.group(1).lstrip("0") or None
    return None


def nci_id_from_cdr(cdr: str) -> str | None:
    """`CDR0000045333` (how PDQ and cancer.gov name dictionary entries) -> `45333`."""
    match = re.fullmatch(r"\s*(?:CDR)?0*(\d+)\s*", cdr, re.I)
    return match.group(1) if match else None


class Inline:
    """A run of text with emphasis and links, kept as safe Markdown and as plain text."""

    def __init__(self) -> None:
        self._md: list[str] = []
        self._text: list[str] = []
        self.refs: list[GlossaryRef] = []

    def text(self, value: str | None) -> None:
        if not value:
            return
        value = _SPACE.sub(" ", value)
        self._md.append(_MD_SPECIAL.sub(r"\\\1", value))
        self._text.append(value)

    def extend(self, other: Inline) -> None:
        self._md.extend(other._md)
        self._text.extend(other._text)
        self.refs.extend(other.refs)

    def emphasis(self, inner: Inline, strong: bool = False) -> None:
        """Italic or bold text; plain when emphasis marks would not read as such."""
        md = inner.markdown()
        plain = inner.plain()
        # CommonMark only takes `*` as emphasis next to a word character: around
        # punctuation it would show the stars, so such text stays plain.
        if md and _WORDY.match(plain[:1]) and _WORDY.match(plain[-1:]) and "*" not in md:
            mark = "**" if strong else "*"
            lead = " " if inner._starts_with_space() else ""
            tail = " " if inner._ends_with_space() else ""
            self._md.append(f"{lead}{mark}{md}{mark}{tail}")
            self._text.append("".join(inner._text))
            self.refs.extend(inner.refs)
        else:
            self.extend(inner)

    def link(self, inner: Inline, href: str) -> None:
        """A link the reader may follow: only web and mail addresses; anything else
        (javascript:, file:, relative paths of a saved page) becomes its text."""
        nci_id = nci_id_from_href(href)
        if nci_id:
            self.glossary(inner, nci_id)
            return
        label = inner.markdown()
        scheme = urlsplit(href.strip()).scheme.lower() if href.strip() else ""
        if label and scheme in _SAFE_SCHEMES and "[" not in label and "](" not in label:
            target = href.strip().replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
            lead = " " if inner._starts_with_space() else ""
            tail = " " if inner._ends_with_space() else ""
            self._md.append(f"{lead}[{label}](<{target}>){tail}")
            self._text.append("".join(inner._text))
            self.refs.extend(inner.refs)
        else:
            self.extend(inner)

    def glossary(self, inner: Inline, nci_id: str) -> None:
        """A word a source linked to NCI's dictionary: resolved in our glossary."""
        label = inner.markdown()
        plain = inner.plain()
        if not label or "](" in label:
            self.extend(inner)
            return
        lead = " " if inner._starts_with_space() else ""
        tail = " " if inner._ends_with_space() else ""
        self._md.append(f"{lead}[{label}](glossary:nci-{nci_id}){tail}")
        self._text.append("".join(inner._text))
        self.refs.append(GlossaryRef(plain, nci_id))

    def _starts_with_space(self) -> bool:
        joined = "".join(self._text)
        return bool(joined) and joined[0].isspace()

    def _ends_with_space(self) -> bool:
        joined = "".join(self._text)
        return bool(joined) and joined[-1].isspace()

    def markdown(self) -> str:
        md = re.sub(r" {2,}", " ", "".join(self._md)).strip()
        return _BLOCK_START.sub(_escape_block_start, md, count=1)

    def plain(self) -> str:
        return _SPACE.sub(" ", "".join(self._text)).strip()

    @property
    def empty(self) -> bool:
        return not self.plain()


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + "\\" + match.group(2)
    return "\\" + match.group(3)


def title_from_name(path: Path) -> str:
    """A title for a file that names none: its file name, as the library would."""
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def inline_text(value: str) -> Inline:
    inline = Inline()
    inline.text(value)
    return inline


@dataclass
class ListItem:
    content: Inline = field(default_factory=Inline)
    sublists: list[ListBlock] = field(default_factory=list)


@dataclass
class ListBlock:
    ordered: bool = False
    items: list[ListItem] = field(default_factory=list)
    start: int = 1

    @property
    def empty(self) -> bool:
        return all(i.content.empty and all(s.empty for s in i.sublists) for i in self.items)


class Outline:
    """Sections in reading order, filled block by block."""

    def __init__(self) -> None:
        # Text before the first heading goes into a lead-in section.
        self._lead = DraftSection(heading="", level=0)
        self._drafts: list[DraftSection] = [self._lead]

    @property
    def _current(self) -> DraftSection:
        return self._drafts[-1]

    def heading(self, level: int, text: str) -> None:
        text = _SPACE.sub(" ", text).strip()
        if text:
            self._drafts.append(DraftSection(heading=text, level=max(level, 1)))

    def drop_last_heading_if_empty(self) -> None:
        """Forget a heading whose only content was left out (a "Related articles" list)."""
        if len(self._drafts) > 1 and self._current.empty:
            self._drafts.pop()

    @property
    def headings(self) -> list[tuple[int, str]]:
        return [(d.level, d.heading) for d in self._drafts[1:]]

    def paragraph(self, inline: Inline) -> None:
        if not inline.empty:
            self._add(inline.markdown(), inline.plain(), inline.refs)

    def add_list(self, block: ListBlock) -> None:
        if block.empty:
            return
        refs: list[GlossaryRef] = []
        md, text = _list_markdown(block, refs, 0)
        self._add(md, text, refs)

    def table(self, rows: list[list[Inline]]) -> None:
        rows = [r for r in rows if any(not c.empty for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        refs = [ref for row in rows for cell in row for ref in cell.refs]
        if width == 1:  # a one-column table is a list of lines
            for row in rows:
                self._add(row[0].markdown(), row[0].plain(), [])
            self._current.refs.extend(refs)
            return
        lines = []
        for row in rows:
            cells = [c.markdown().replace("|", "\\|") for c in row]
            cells += [""] * (width - len(cells))
            lines.append("| " + " | ".join(cells) + " |")
        lines.insert(1, "|" + " --- |" * width)
        text = "\n".join(" | ".join(c.plain() for c in row if not c.empty) for row in rows)
        self._add("\n".join(lines), text, refs)

    def code(self, text: str) -> None:
        code = text.strip("\n")
        if code.strip():
            fence = "~~~~" if "```" in code else "```"
            self._add(f"{fence}\n{code}\n{fence}", code, [])

    def _add(self, md: str, text: str, refs: list[GlossaryRef]) -> None:
        self._current.add(md, text)
        self._current.refs.extend(refs)

    def sections(self, title: str, lead_heading: str = "Introduction") -> list[Section]:
        """The finished sections. A first heading that only repeats the title is not a
        section: what follows it, up to the next heading, is the lead-in."""
        drafts = list(self._drafts)
        lead = drafts.pop(0)
        if drafts and title and same_text(drafts[0].heading, title):
            repeated = drafts.pop(0)
            lead.blocks_md += repeated.blocks_md
            lead.blocks_text += repeated.blocks_text
            lead.refs += repeated.refs
        if not lead.empty:
            lead.heading = lead_heading
            lead.level = min((d.level for d in drafts), default=1)
            drafts.insert(0, lead)
        return finish_sections(drafts)


def _list_markdown(block: ListBlock, refs: list[GlossaryRef], depth: int) -> tuple[str, str]:
    md_lines: list[str] = []
    text_lines: list[str] = []
    number = block.start
    for item in block.items:
        marker = f"{number}. " if block.ordered else "- "
        pad = " " * len(marker)
        content = item.content.markdown()
        refs.extend(item.content.refs)
        if not content and not item.sublists:
            continue
        md_lines.append(marker + content)
        if not item.content.empty:
            text_lines.append(item.content.plain())
        for sub in item.sublists:
            if sub.empty:
                continue
            sub_md, sub_text = _list_markdown(sub, refs, depth + 1)
            md_lines.extend(pad + line if line else line for line in sub_md.splitlines())
            text_lines.append(sub_text)
        number += 1
    return "\n".join(md_lines), "\n".join(t for t in text_lines if t)


class ListCollector:
    """Builds nested lists from items that come one at a time with a depth
    (DOCX list paragraphs, flat bullet lines)."""

    def __init__(self) -> None:
        self.root: ListBlock | None = None
        self._stack: list[ListBlock] = []

    def add(self, depth: int, content: Inline, ordered: bool = False) -> None:
        if self.root is None:
            self.root = ListBlock(ordered=ordered)
            self._stack = [self.root]
        depth = max(0, min(depth, len(self._stack)))  # never deeper than one more level
        while len(self._stack) > depth + 1:
            self._stack.pop()
        if depth == len(self._stack):
            parent = self._stack[-1]
            if not parent.items:
                parent.items.append(ListItem())
            sub = ListBlock(ordered=ordered)
            parent.items[-1].sublists.append(sub)
            self._stack.append(sub)
        self._stack[-1].items.append(ListItem(content))

    def flush(self, outline: Outline) -> None:
        if self.root is not None:
            outline.add_list(self.root)
        self.root = None
        self._stack = []
