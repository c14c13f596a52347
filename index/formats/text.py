"""Plain-text documents: text copied from web pages and extracted from PDFs.

Such text has lost its markup, so structure is recovered from the shape of the
lines. Two shapes are handled:

* unwrapped text (a web page): one paragraph a line, blank lines between,
  headings as short lines, bullets as `•` items;
* wrapped text (a PDF): lines cut at a fixed width, so paragraphs are joined
  back; bullets `●` stand on lines of their own, away from their items, so
  the number of bullets in a part says how many of its lines are list items;
  titles in a large font break over two lines.

Web-site chrome (share buttons, "Like this page", ...) is dropped and readers'
comments on a blog post are kept in a section of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.formats import Parsed, Source
from index.formats.markup import (
    DraftSection,
    escape_markdown,
    finish_sections,
    same_text,
    squash_spaces,
)
from index.model import Section, SectionKind

# The shapes of lines, in characters (or words) — tuned on web pages and PDF text:
# A heading is a short line; a line of this length or less may be one.
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
# A title or heading broken over two lines: its second line is at most this long.
CONTINUATION_MAX_CHARS = 45
# A title line (large font) is at most this long.
TITLE_MAX_CHARS = 60
# Running text: a line longer than this is a paragraph, not a heading or chrome.
PARAGRAPH_MIN_CHARS = 60
# Chrome after a site's share buttons: short lines that are not sentences.
CHROME_MAX_CHARS = 60
# A reader's name above a comment.
COMMENT_NAME_MAX_CHARS = 40
# A heading that ended up broken before a lower-case word: its tail is this short.
HEADING_TAIL_MAX_CHARS = 50
# Text is "wrapped" (from a PDF) when nine lines in ten are at most this long.
WRAPPED_WIDTH_PERCENTILE = 0.9
WRAPPED_MAX_WIDTH = 160

_BULLET_ALONE = re.compile(r"^\s*[●•▪◦■□–-]\s*$")
_BULLET_ITEM = re.compile(r"^(\s*)[●•▪◦■*–-]\s+(\S.*)$")
_TERMINAL = re.compile(r"[.!?:;,]['\"’”)]*$")
_NOT_HEADING_END = re.compile(r"[.!:;,]['\"’”)]*$")  # a heading may end in "?"
_SENTENCE_END = re.compile(r"[.!?:]['\"’”)]*$")
_SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "vs",
    "via",
    "based",
}
_BOILERPLATE = [
    re.compile(p, re.I)
    for p in (
        r"\blike this page\b",
        r"^%d bloggers like this",
        r"^verified by monsterinsights",
        r"^sign up for my newsletters?\b",
        r"^follow me on\b",
        r"^check out my\b",
        r"^please share this post\b",
        r"^share this:?$",
        r"^like this:?$",
        r"^(?:click|tap) (?:this link|the link|here|picture|the picture)\b.*read",
        r"^i love comments\b",
        r"^(?:personal|blog|awareness) facebook\b",
        r"^loading\.\.\.$",
        r"^last (?:medical )?review(?:ed)?:\s*$",
        r"^leave a (?:reply|comment)$",
    )
]
_COMMENTS_HEADER = re.compile(
    r"^(?:\d+|one|two|three|four|five)\s+(?:thoughts?|comments?|responses?|replies)\s+on\b", re.I
)
_FIND_OUT_MORE = re.compile(r"^find out more about (.+?)(?: for [^.]*)?\.?$", re.I)
_DISCLAIMER = re.compile(
    r"\b(?:disclaimer|not a doctor|not (?:intended as |be )?medical advice)\b", re.I
)


@dataclass
class _Line:
    number: int  # 1-based line in the file
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


def _is_boilerplate(text: str) -> bool:
    return any(p.search(text) for p in _BOILERPLATE)


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0] if text else ""


def _starts_upper(text: str) -> bool:
    stripped = text.lstrip("“\"'‘(")
    return bool(stripped) and (stripped[0].isupper() or stripped[0].isdigit())


def _is_title_case(text: str) -> bool:
    words = [w.strip("()[]“”\"'‘’,") for w in text.split()]
    significant = [w for w in words if w and w.lower() not in _SMALL_WORDS and w[0].isalpha()]
    if not significant:
        return False
    upper = sum(1 for w in significant if w[0].isupper())
    return upper == len(significant)


def _heading_shaped(text: str) -> bool:
    return (
        0 < len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
        and _starts_upper(text)
        and not _NOT_HEADING_END.search(text)
        and not text.endswith(("(", "|", "–", "-"))
    )


def parse(source: Source) -> Parsed:
    """Sections recovered from the shape of the lines; the first line names the document.
    Its metadata, if any, is in a sidecar, which the library reads."""
    title, sections = load_text_sections(source.text, source.title)
    return Parsed(sections, title=title)


def load_text_sections(text: str, title: str | None) -> tuple[str, list[Section]]:
    """Return (title, sections). `title` comes from a sidecar when there is one."""
    lines = [_Line(i, raw.rstrip()) for i, raw in enumerate(text.splitlines(), 1)]
    lines = _drop_chrome(lines)
    comments: list[_Line] = []
    for i, line in enumerate(lines):
        if _COMMENTS_HEADER.match(line.text):
            lines, comments = lines[:i], lines[i + 1 :]
            break
    nonblank = [ln.text for ln in lines if not ln.blank and not _BULLET_ALONE.match(ln.raw)]
    long_lines = sorted(len(t) for t in nonblank)
    at = int(len(long_lines) * WRAPPED_WIDTH_PERCENTILE)
    width = long_lines[at] if long_lines else HEADING_MAX_CHARS
    if width <= WRAPPED_MAX_WIDTH:
        parser: _WrappedParser | _UnwrappedParser = _WrappedParser(lines, width)
    else:
        parser = _UnwrappedParser(lines)
    found_title, drafts = parser.parse(title)
    if comments:
        top = min((d.level for d in drafts), default=1)
        drafts.append(_comments_section(comments, top))
    return found_title, finish_sections([d for d in drafts if not d.empty or d.level == 1])


def _drop_chrome(lines: list[_Line]) -> list[_Line]:
    """Drop site boilerplate; after the first such line, short lines are chrome too."""
    kept: list[_Line] = []
    in_chrome = False
    for line in lines:
        text = line.text
        if _COMMENTS_HEADER.match(text):
            in_chrome = False
            kept.append(line)
            continue
        if text and _is_boilerplate(text):
            # A chrome block starts at the site's share/like buttons near the end.
            in_chrome = in_chrome or line.number > len(lines) // 2
            continue
        if in_chrome and text and len(text) <= CHROME_MAX_CHARS and not _SENTENCE_END.search(text):
            continue
        kept.append(line)
    return kept


def _comments_section(lines: list[_Line], level: int) -> DraftSection:
    """Readers' comments: one list item per comment, replies nested under it."""
    draft = DraftSection(heading="Readers' comments", level=level, kind=SectionKind.COMMENTS)
    items: list[tuple[int, list[str]]] = []
    for line in lines:
        if line.blank:
            continue
        match = _BULLET_ITEM.match(line.raw)
        if match:
            items.append((len(match.group(1)), [match.group(2).strip()]))
        elif items:
            items[-1][1].append(line.text)
        else:
            items.append((0, [line.text]))
    if not items:
        return draft
    base = min(indent for indent, _ in items)
    md_lines, text_lines = [], []
    for indent, parts in items:
        pad = "  " if indent > base else ""
        if (
            len(parts) > 1
            and len(parts[0]) <= COMMENT_NAME_MAX_CHARS
            and not _SENTENCE_END.search(parts[0])
        ):
            parts = [f"{parts[0]}: " + " ".join(parts[1:])]  # a name line, then the comment
        body = " ".join(parts)
        md_lines.append(f"{pad}- {escape_markdown(body)}")
        text_lines.append(body)
    draft.add("\n".join(md_lines), "\n".join(text_lines))
    return draft


class _Builder:
    """Collects paragraphs and lists into draft sections."""

    def __init__(self) -> None:
        self.drafts: list[DraftSection] = []
        self.list_items: list[str] = []

    @property
    def current(self) -> DraftSection:
        if not self.drafts:
            self.drafts.append(DraftSection(heading="Overview", level=2))
        return self.drafts[-1]

    def section(self, heading: str, level: int) -> None:
        self.flush_list()
        self.drafts.append(DraftSection(heading=squash_spaces(heading), level=level))

    def paragraph(self, text: str) -> None:
        self.flush_list()
        text = squash_spaces(text)
        if text:
            self.current.add(escape_markdown(text), text)

    def item(self, text: str) -> None:
        text = squash_spaces(text)
        if text:
            self.list_items.append(text)

    def flush_list(self) -> None:
        if self.list_items:
            md = "\n".join("- " + escape_markdown(t) for t in self.list_items)
            self.current.add(md, "\n".join(self.list_items))
            self.list_items = []


def _take_title(lines: list[_Line], title: str | None) -> tuple[str, int]:
    """Find the title at the top: one line, or two when a large font broke it."""
    start = next((i for i, ln in enumerate(lines) if not ln.blank), None)
    if start is None:
        return title or "", 0
    first = lines[start].text
    end = start + 1
    nxt = _next_nonblank(lines, end, max_gap=1)
    if (
        nxt is not None
        and _is_title_case(first)
        and not _TERMINAL.search(first)
        and _is_title_case(lines[nxt].text)
        and len(lines[nxt].text) <= CONTINUATION_MAX_CHARS
        and not _TERMINAL.search(lines[nxt].text)
        and (title is None or same_text(first + " " + lines[nxt].text, title))
    ):
        first, end = first + " " + lines[nxt].text, nxt + 1
    if title is None or same_text(first, title):
        return title or first, end
    return title, start  # the text does not start with the title: keep that line


def _next_nonblank(lines: list[_Line], i: int, max_gap: int = 1) -> int | None:
    gap = 0
    while i < len(lines):
        if not lines[i].blank:
            return i
        gap += 1
        if gap > max_gap:
            return None
        i += 1
    return None


class _UnwrappedParser:
    """Web text: a line is a paragraph, a list item or a heading."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines

    def parse(self, title: str | None) -> tuple[str, list[DraftSection]]:
        found_title, i = _take_title(self.lines, title)
        out = _Builder()
        lines = self.lines
        blank_run = 0
        while i < len(lines):
            line = lines[i]
            if line.blank:
                blank_run += 1
                i += 1
                continue
            gap_before, blank_run = blank_run, 0
            text = line.text
            bullet = _BULLET_ITEM.match(line.raw)
            if bullet:
                out.item(bullet.group(2))
            elif self._is_heading(i, gap_before):
                out.section(text, 2)
            elif gap_before >= 2 and out.drafts:
                heading = self._guess_heading(i)
                if heading:
                    out.section(heading, 2)
                out.paragraph(text)
            else:
                out.paragraph(text)
            i += 1
        out.flush_list()
        return found_title, out.drafts

    def _is_heading(self, i: int, gap_before: int) -> bool:
        text = self.lines[i].text
        nxt = _next_nonblank(self.lines, i + 1, max_gap=2)
        return (
            (gap_before > 0 or i == 0)
            and _heading_shaped(text)
            and nxt is not None
            and (
                len(self.lines[nxt].text) > PARAGRAPH_MIN_CHARS
                or bool(_BULLET_ITEM.match(self.lines[nxt].raw))
            )
        )

    def _guess_heading(self, i: int) -> str | None:
        """A part whose heading was lost: name it from its "Find out more about X" line."""
        blank_run = 0
        for line in self.lines[i:]:
            if line.blank:
                blank_run += 1
                if blank_run >= 2:
                    break
                continue
            blank_run = 0
            match = _FIND_OUT_MORE.match(line.text)
            if match:
                topic = match.group(1).strip()
                return topic[0].upper() + topic[1:]
            if _DISCLAIMER.search(line.text):
                return "Disclaimer"
        return None


class _WrappedParser:
    """PDF text: lines cut at a fixed width; bullets apart from their items."""

    def __init__(self, lines: list[_Line], width: int) -> None:
        self.lines = lines
        self.width = width

    def parse(self, title: str | None) -> tuple[str, list[DraftSection]]:
        lines = self.lines
        link_texts = self._link_candidates()
        articles = self._article_titles(link_texts)
        found_title, start = _take_title(lines, title)
        multi = len(articles) > 1
        out = _Builder()
        if multi and articles and articles[0][0] <= start:
            start = 0  # the first article keeps its own title as a section
        kinds = self._classify(start, articles, link_texts)
        i = start
        while i < len(lines):
            kind, value, end = kinds.get(i, ("", "", i + 1))
            if kind == "article":
                out.section(value, 1)
            elif kind == "heading":
                out.section(value, 2)
            elif kind == "link" or kind == "item":
                out.item(value)
            elif kind == "paragraph":
                out.paragraph(value)
            i = end
        out.flush_list()
        return found_title, out.drafts

    # -- pieces of the page -------------------------------------------------

    def _fits(self, previous: str, following: str, width: int | None = None) -> bool:
        """True when the first word of `following` would have fit on `previous`'s line."""
        return len(previous) + 1 + len(_first_word(following)) <= (width or self.width)

    def _link_candidates(self) -> set[str]:
        """Short title-case lines: link texts of a PDF page (and titles that match them)."""
        return {
            line.text
            for line in self.lines
            if line.text
            and _is_title_case(line.text)
            and _heading_shaped(line.text)
            and not line.raw.startswith(" ")
        }

    def _article_titles(self, link_texts: set[str]) -> list[tuple[int, str, int]]:
        """(first line, title, line after) of each article in the file."""
        titles = []
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            text = line.text
            first_line = i == next((k for k, ln in enumerate(lines) if not ln.blank), -1)
            leading_space = line.raw.startswith(" ") and not line.raw.startswith("  ")
            if (
                text
                and _is_title_case(text)
                and not _TERMINAL.search(text)
                and len(text) <= TITLE_MAX_CHARS
            ):
                nxt = _next_nonblank(lines, i + 1, max_gap=1)
                joined, end = text, i + 1
                if (
                    nxt is not None
                    and _is_title_case(lines[nxt].text)
                    and not _TERMINAL.search(lines[nxt].text)
                    and len(lines[nxt].text) <= CONTINUATION_MAX_CHARS
                ):
                    joined, end = text + " " + lines[nxt].text, nxt + 1
                if first_line or leading_space or (end > i + 1 and joined in link_texts):
                    titles.append((i, joined, end))
                    i = end
                    continue
            i += 1
        return titles

    def _classify(
        self, start: int, articles: list[tuple[int, str, int]], link_texts: set[str]
    ) -> dict[int, tuple[str, str, int]]:
        """Map a line index to (kind, text, index after it) for each block start."""
        lines = self.lines
        kinds: dict[int, tuple[str, str, int]] = {}
        article_at = {a[0]: a for a in articles}
        i = start
        region: list[int] = []  # line indexes of the current part, between headings

        def close_region() -> None:
            self._blocks(region, kinds, link_texts)
            region.clear()

        while i < len(lines):
            if i in article_at and (i > start or start == 0):
                close_region()
                _, title, end = article_at[i]
                kinds[i] = ("article", title, end)
                i = end
                continue
            heading = self._heading_at(i, region)
            if heading:
                close_region()
                text, end = heading
                kinds[i] = ("heading", text, end)
                i = end
                continue
            region.append(i)
            i += 1
        close_region()
        return kinds

    def _heading_at(self, i: int, region: list[int]) -> tuple[str, int] | None:
        lines = self.lines
        line = lines[i]
        text = line.text
        before_blank = i == 0 or lines[i - 1].blank
        if not (before_blank and _heading_shaped(text)) or _BULLET_ALONE.match(line.raw):
            return None
        nxt = i + 1 if i + 1 < len(lines) else None
        if nxt is None:
            return None
        following = lines[nxt].text
        # A heading ends a finished sentence, a title or a link above it; after a
        # list item without a full stop, a short line is the next item instead.
        above = next(
            (
                lines[j].text
                for j in range(i - 1, -1, -1)
                if not lines[j].blank and not _BULLET_ALONE.match(lines[j].raw)
            ),
            "",
        )
        if above and (
            above.endswith(":")
            or not (_SENTENCE_END.search(above) or above.endswith(")") or _is_title_case(above))
        ):
            return None
        # A heading broken over two lines: the second starts in lower case.
        if (
            following
            and following[0].islower()
            and len(following) <= HEADING_TAIL_MAX_CHARS
            and not re.search(r"[.,;:]$", following)
            and nxt + 1 < len(lines)
            and not lines[nxt + 1].blank
        ):
            return squash_spaces(text + " " + following), nxt + 1
        if following and not _BULLET_ALONE.match(lines[nxt].raw):
            if not _starts_upper(following):
                return None  # a line of a wrapped paragraph that happens to be short
            if _is_title_case(following) and _heading_shaped(following):
                return None  # a run of link texts, not a heading
            return text, nxt
        # A sentence-case heading may have one blank line below it.
        after = _next_nonblank(lines, nxt, max_gap=1)
        if (
            after is not None
            and not _is_title_case(text)
            and len(lines[after].text) > PARAGRAPH_MIN_CHARS
            and not _BULLET_ALONE.match(lines[after].raw)
        ):
            return text, after
        return None

    def _blocks(
        self, region: list[int], kinds: dict[int, tuple[str, str, int]], link_texts: set[str]
    ) -> None:
        """Split one part into paragraphs, list items and link lines."""
        lines = self.lines
        bullets = sum(1 for k in region if _BULLET_ALONE.match(lines[k].raw))
        body = [k for k in region if not lines[k].blank and not _BULLET_ALONE.match(lines[k].raw)]
        links = set()
        for n, k in enumerate(body):
            text = lines[k].text
            prev_is_link = n > 0 and body[n - 1] in links and body[n - 1] == k - 1
            stands_alone = (k == 0 or lines[k - 1].blank or prev_is_link) and (
                k + 1 >= len(lines)
                or lines[k + 1].blank
                or prev_is_link
                or (_is_title_case(lines[k + 1].text) and _heading_shaped(lines[k + 1].text))
            )
            if bullets and _is_title_case(text) and _heading_shaped(text) and stands_alone:
                links.add(k)
        budget = max(0, bullets - len(links))
        block: list[int] = []
        block_kind = "paragraph"
        in_list = False

        def flush() -> None:
            if block:
                joined = " ".join(lines[k].text for k in block)
                kinds[block[0]] = (block_kind, joined, block[-1] + 1)
                block.clear()

        for k in body:
            text = lines[k].text
            if k in links:
                flush()
                kinds[k] = ("link", text, k + 1)
                in_list = False
                continue
            if block:
                prev_text = lines[block[-1]].text
                width = self.width
                if block_kind == "item" and len(block) > 1:
                    # List items are indented, so their lines are cut shorter.
                    width = max(len(lines[j].text) for j in block)
                # Joined when it starts in lower case, or when its first word would
                # not have fit on the line above (the line was cut, not ended).
                if not _starts_upper(text) or not self._fits(prev_text, text, width):
                    block.append(k)
                    continue
                if prev_text.endswith(":") and budget > 0:
                    in_list = True
            flush()
            if in_list and budget > 0:
                block_kind = "item"
                budget -= 1
            else:
                block_kind = "paragraph"
                in_list = False
            block.append(k)
        flush()
