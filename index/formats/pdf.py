"""PDF documents: title, sections, paragraphs, lists and tables from the pages.

A PDF is read with pypdf (pure Python, BSD). Nothing in the file is ever run or
opened: scripts, actions and attached files are only noticed and reported.

Each page's content stream is walked once, giving every piece of text with its
place, size, weight and marked-content id. From there:

* a tagged PDF (one with a structure tree) gives headings, paragraphs, lists and
  tables from its tags, in the tree's order;
* an untagged one, or one whose tree holds too little of the text, is laid out
  from the positions: columns found by cuts through the white space between
  them, running headers, footers and page numbers (text in the page margins
  repeated on many pages) dropped, paragraphs from line spacing and indents, and
  headings from font size and weight.

Words hyphenated at line ends are joined and ligatures (ﬁ, ﬀ) become letters.
Bad files (encrypted, damaged, truncated) give a plain problem; a file that takes
too long is read up to a time limit and the rest is left out, with a problem.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import math
import re
import statistics
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from index.formats import Parsed, Source
from index.formats.markup import (
    DraftSection,
    escape_markdown,
    finish_sections,
    same_text,
    squash_spaces,
)
from index.model import Problem, Section, Severity

# Reading stops after this many pages or seconds; what was read is kept.
MAX_PAGES = 1000
TIME_BUDGET = 20.0
# Operators of one page's content stream (and its forms) read at most, and the
# largest content stream read (bigger ones are drawings, and slow to parse).
MAX_OPERATORS = 3_000_000
MAX_CONTENT_BYTES = 4_000_000
# Pages with more pieces of text than this are read top to bottom, without columns.
_MAX_PIECES_FOR_COLUMNS = 5000
_MAX_FORM_DEPTH = 8
_MAX_TREE_DEPTH = 200
_MAX_TREE_NODES = 500_000

# Share of a page's height at the top and bottom where running headers and footers sit.
_MARGIN = 0.1

_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_SPACES = {chr(c): " " for c in (0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
_DROP = {chr(c): None for c in (*range(0, 32), 0x7F, 0x200B, 0x200C, 0x200D, 0xFEFF, 0xFFFD)}
_CHAR_MAP = str.maketrans({**_LIGATURES, **_SPACES, **_DROP})

_BULLET_CHARS = "•●▪◦■□‣⁃∙◆◇○►▸➢➤✓✔–—-*\uf0b7\uf0a7\uf076\uf0d8"
_MARKER = re.compile(
    rf"^(?:[{re.escape(_BULLET_CHARS)}]|[\ue000-\uf8ff]"
    r"|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])(?=\s)"
)
# A list number set close to its text: "12.Fisher B, ...".
_NUMBER_TIGHT = re.compile(r"^(\(?\d{1,3}[.)])(?=[^\W\d_])")
_ONLY_MARKER = re.compile(
    rf"^(?:[{re.escape(_BULLET_CHARS)}]|[\ue000-\uf8ff]|\(?\d{{1,3}}[.)]|\(?[a-zA-Z][.)]"
    r"|\(?(?:[ivx]{1,5}|[IVX]{1,5})[.)])$"
)
_BULLET_ONLY = re.compile(rf"^[{re.escape(_BULLET_CHARS)}\ue000-\uf8ff]$")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?|página|pág\.?|pagina|seite|s\.)\s*)?"
    r"[-–—]?\s*(?:\d{1,5}|[ivxlc]{1,7})\s*[-–—]?"
    r"(?:\s*(?:of|de|von|sur|/|di)\s*\d{1,5})?$",
    re.I,
)
_TOC_LINE = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}$|…{2,}\s*\d{1,4}$")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)\]]*$")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd\b|extrab", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique|[-,]it\b", re.I)
_POOR_TITLE = re.compile(
    r"^(?:untitled|title|document\d*|microsoft (?:word|powerpoint) - .*"
    r"|.*\.(?:docx?|pdf|odt|rtf|pptx?|indd|qxd)|\S+\.[a-z0-9]{2,4}|\S*_\S*)$",
    re.I,
)
_HEADING_TAGS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_GROUP_TAGS = {
    "Document",
    "DocumentFragment",
    "Part",
    "Art",
    "Sect",
    "Div",
    "NonStruct",
    "Private",
    "TOC",
    "Index",
    "Aside",
}


class PdfProblem(Exception):
    """A PDF that cannot be read, said plainly."""


# -- reading the pages -----------------------------------------------------------


@dataclass
class _Run:
    """Text shown by one text operator."""

    x0: float
    x1: float
    y: float  # baseline
    size: float
    bold: bool
    italic: bool
    text: str
    mcid: int | None
    seq: int  # order in the content stream
    angle: int = 0  # the text's direction on the page: 0, 90, 180 or 270 degrees


@dataclass
class _Page:
    number: int  # 1-based
    width: float
    height: float
    bottom: float  # y of the page's lower edge
    runs: list[_Run]


@dataclass
class _Limits:
    deadline: float
    operators: int = 0

    def spend(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS or (
            self.operators % 5000 == 0 and time.monotonic() > self.deadline
        ):
            raise _OutOfTime


class _OutOfTime(Exception):
    pass


def _pypdf() -> Any:
    import pypdf

    return pypdf


class _Interpreter:
    """Walks a page's content stream and collects the text runs on it."""

    def __init__(self, reader: Any, limits: _Limits) -> None:
        from pypdf._text_extraction._layout_mode._fixed_width_page import set_font_operation
        from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
        from pypdf.generic import ArrayObject, ContentStream, DictionaryObject

        self._set_font = set_font_operation
        self._manager_class = TextStateManager
        self._array = ArrayObject
        self._content_stream = ContentStream
        self._dict = DictionaryObject
        self.reader = reader
        self.limits = limits
        self.runs: list[_Run] = []
        self.font_styles: dict[tuple[str, str, int, float], tuple[bool, bool]] = {}

    def page(self, page: Any) -> list[_Run]:
        self.runs = []
        contents = page.get("/Contents")
        if contents is None:
            return []
        contents = contents.get_object()
        _check_size(contents)
        ops = self._content_stream(contents, self.reader, "bytes").operations
        fonts = page._layout_mode_fonts()
        manager = self._manager_class()
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        self._walk(ops, manager, fonts, resources, [], 0, set())
        # Text turned another way than most of the page's is a margin note: left out.
        angles: Counter[int] = Counter()
        for run in self.runs:
            angles[run.angle] += len(run.text)
        if len(angles) > 1:
            main = angles.most_common(1)[0][0]
            self.runs = [r for r in self.runs if r.angle == main]
        return self.runs

    def _style(self, font: Any) -> tuple[bool, bool]:
        name = str(getattr(font, "name", "") or "")
        descriptor = getattr(font, "font_descriptor", None)
        weight = str(getattr(descriptor, "weight", "") or "")
        flags = int(getattr(descriptor, "flags", 0) or 0)
        angle = float(getattr(descriptor, "italic_angle", 0.0) or 0.0)
        key = (name, weight, flags, angle)
        style = self.font_styles.get(key)
        if style is None:
            bold = bool(_BOLD_NAME.search(name) or _BOLD_NAME.search(weight) or flags & (1 << 18))
            italic = bool(_ITALIC_NAME.search(name) or angle != 0.0 or flags & (1 << 6))
            style = (bold, italic)
            self.font_styles[key] = style
        return style

    def _emit(
        self, params: Any, marks: list[tuple[str, int | None]], transform: list[float] | None
    ) -> None:
        if not params.font.interpretable:
            return  # glyphs without a meaning
        text = params.text
        if not text:
            return
        mcid = None
        for tag, number in reversed(marks):
            if tag == "/Artifact":
                return  # page furniture, marked as such
            if number is not None and mcid is None:
                mcid = number
        bold, italic = self._style(params.font)
        angle = 0
        if params.rotated and transform is not None:
            # Turned text, placed in a frame turned back so that it reads left to right.
            a, b, c, d, e, f = (float(v) for v in transform[:6])
            angle = round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            x0 = e * cos + f * sin
            y = -e * sin + f * cos
            x1 = x0 + abs(params.word_tx(params.value)) * math.hypot(a, b)
            size = abs(params.font_size) * math.hypot(c, d) or 1.0
        else:
            size = abs(params.font_height) or abs(params.font_size) or 1.0
            x0, x1, y = params.tx, params.displaced_tx, params.ty
            if x1 < x0:
                x0, x1 = x1, x0
        self.runs.append(
            _Run(x0, x1, y, size, bold, italic, text, mcid, len(self.runs), angle=angle)
        )

    def _show(
        self, manager: Any, text: bytes | str, kern: float, marks: list[tuple[str, int | None]]
    ) -> None:
        """Show a string, then move past it (and past `kern`, in thousandths of an em)."""
        params = manager.text_state_params(text)
        if text:
            self._emit(params, marks, manager.effective_transform if params.rotated else None)
        manager.add_trm(params.displacement_matrix(td_offset=kern))

    def _walk(
        self,
        ops: Any,
        manager: Any,
        fonts: dict[str, Any],
        resources: Any,
        marks: list[tuple[str, int | None]],
        depth: int,
        seen_forms: set[int],
    ) -> None:
        for operands, op in ops:
            self.limits.spend()
            try:
                self._operator(op, operands, manager, fonts, resources, marks, depth, seen_forms)
            except _OutOfTime:
                raise
            except Exception:
                continue  # one bad operator does not lose the page

    def _operator(
        self,
        op: bytes,
        operands: list[Any],
        manager: Any,
        fonts: dict[str, Any],
        resources: Any,
        marks: list[tuple[str, int | None]],
        depth: int,
        seen_forms: set[int],
    ) -> None:
        if op == b"q":
            manager.add_q()
        elif op == b"Q":
            manager.remove_q()
        elif op == b"cm":
            manager.add_cm(*operands)
        elif op in (b"BT", b"ET"):
            manager.reset_tm()
        elif op == b"Tf":
            self._set_font(manager, fonts, operands)
        elif op in (b"BDC", b"BMC"):
            tag = str(operands[0]) if operands else ""
            mcid = None
            if op == b"BDC" and len(operands) > 1:
                props = operands[1]
                if not isinstance(props, self._dict) and resources is not None:
                    props = _lookup(resources, "/Properties", props)
                if isinstance(props, self._dict):
                    value = props.get("/MCID")
                    mcid = int(value) if isinstance(value, int) else None
            marks.append((tag, mcid))
        elif op == b"EMC":
            if marks:
                marks.pop()
        elif op == b"Tj":
            if operands and isinstance(operands[0], (str, bytes)):
                self._show(manager, operands[0], 0.0, marks)
        elif op == b"TJ":
            if operands and isinstance(operands[0], self._array):
                # Strings apart only by kerning are shown as one: far fewer runs to place.
                chunk: list[bytes] = []
                kern = 0.0
                for item in operands[0]:
                    if isinstance(item, bytes):
                        chunk.append(item)
                    elif isinstance(item, (int, float)):
                        kern += float(item)
                        if abs(item) >= 150:
                            self._show(manager, b"".join(chunk), kern, marks)
                            chunk, kern = [], 0.0
                if chunk or kern:
                    self._show(manager, b"".join(chunk), kern, marks)
        elif op in (b"'", b'"'):
            manager.reset_trm()
            if op == b'"' and len(operands) >= 3:
                manager.set_state_param(b"Tw", operands[0])
                manager.set_state_param(b"Tc", operands[1])
                operands = operands[2:]
            manager.add_tm([0, -manager.TL])
            if operands and isinstance(operands[0], (str, bytes)):
                self._show(manager, operands[0], 0.0, marks)
        elif op in (b"Td", b"Tm", b"TD", b"T*"):
            manager.reset_trm()
            if op == b"Tm":
                manager.reset_tm()
            elif op == b"TD" and len(operands) >= 2:
                manager.set_state_param(b"TL", -operands[1])
            elif op == b"T*":
                operands = [0, -manager.TL]
            manager.add_tm(operands)
        elif op == b"Do":
            self._form(operands, manager, fonts, resources, marks, depth, seen_forms)
        else:
            manager.set_state_param(op, operands)

    def _form(
        self,
        operands: list[Any],
        manager: Any,
        fonts: dict[str, Any],
        resources: Any,
        marks: list[tuple[str, int | None]],
        depth: int,
        seen_forms: set[int],
    ) -> None:
        """Text inside a form XObject (drawn with Do), with its own fonts."""
        if depth >= _MAX_FORM_DEPTH or not operands or resources is None:
            return
        form = _lookup(resources, "/XObject", operands[0])
        if not isinstance(form, self._dict) or form.get("/Subtype") != "/Form":
            return
        key = id(form)
        if key in seen_forms:
            return
        from pypdf.generic._font import Font

        form_resources = form.get("/Resources")
        form_resources = form_resources.get_object() if form_resources is not None else resources
        form_fonts = dict(fonts)
        font_dict = form_resources.get("/Font") if isinstance(form_resources, self._dict) else None
        if font_dict is not None:
            for name, ref in font_dict.get_object().items():
                try:
                    form_fonts[name] = Font.from_font_resource(ref.get_object())
                except Exception:
                    continue
        _check_size(form)
        ops = self._content_stream(form, self.reader, "bytes").operations
        manager.add_q()
        matrix = form.get("/Matrix")
        if matrix is not None and len(matrix) == 6:
            manager.add_cm(*[float(v) for v in matrix])
        try:
            self._walk(
                ops, manager, form_fonts, form_resources, marks, depth + 1, seen_forms | {key}
            )
        finally:
            manager.remove_q()


class _TooLarge(Exception):
    pass


def _check_size(contents: Any) -> None:
    """Refuse a content stream too large to parse in good time (decoded size)."""
    streams = contents if isinstance(contents, list) else [contents]
    size = 0
    for stream in streams:
        stream = stream.get_object()
        size += len(stream.get_data()) if hasattr(stream, "get_data") else 0
        if size > MAX_CONTENT_BYTES:
            raise _TooLarge


def _lookup(resources: Any, kind: str, name: Any) -> Any:
    try:
        table = resources.get(kind)
        if table is None:
            return None
        value = table.get_object().get(name)
        return value.get_object() if value is not None else None
    except Exception:
        return None


def _clean(text: str) -> str:
    return text.translate(_CHAR_MAP)


# -- pieces and lines ------------------------------------------------------------


@dataclass
class _Piece:
    """Runs side by side on one baseline, close enough to be one stretch of text."""

    x0: float
    x1: float
    y: float
    size: float
    text: str
    bold: bool
    italic: bool
    mcids: list[int] = field(default_factory=list)
    page: int = 0
    header: bool = False  # in the top margin of its page

    @property
    def top(self) -> float:
        return self.y + self.size * 0.8

    @property
    def low(self) -> float:
        return self.y - self.size * 0.2


def _join_runs(runs: list[_Run]) -> str:
    out = ""
    last: _Run | None = None
    for run in runs:
        text = _clean(run.text)
        if last is not None and out and not out.endswith(" ") and not text.startswith(" "):
            gap = run.x0 - last.x1
            if gap > 0.2 * max(run.size, last.size) or abs(run.y - last.y) > 0.5 * run.size:
                out += " "
        out += text
        last = run
    return out


def _pieces(runs: list[_Run], page: int) -> list[_Piece]:
    """Group runs into pieces: same baseline, small gaps between them."""
    if not runs:
        return []
    ordered = sorted(runs, key=lambda r: -r.y)
    rows: list[list[_Run]] = []
    main = ordered[0]  # the largest run of the current row
    for run in ordered:
        if rows and abs(run.y - main.y) <= 0.45 * max(main.size, run.size * 0.6):
            rows[-1].append(run)
            if (run.size, len(run.text)) > (main.size, len(main.text)):
                main = run
            continue
        rows.append([run])
        main = run
    pieces: list[_Piece] = []
    for row in rows:
        row.sort(key=lambda r: (round(r.x0, 0), r.seq))
        group: list[_Run] = []
        end = size = 0.0  # the group's right edge and largest size
        for run in row:
            if group and run.x0 - end > 0.6 * max(size, run.size):
                pieces.append(_make_piece(group, page))
                group = []
            if not group:
                end, size = run.x1, run.size
            group.append(run)
            end, size = max(end, run.x1), max(size, run.size)
        if group:
            pieces.append(_make_piece(group, page))
    # A bullet or number standing apart belongs with the text to its right.
    merged: list[_Piece] = []
    by_row: dict[float, _Piece] = {}
    for piece in pieces:
        left = by_row.get(piece.y)
        if (
            left is not None
            and (_ONLY_MARKER.match(left.text.strip()) or left.text.strip() == "o")
            and 0 <= piece.x0 - left.x1 < 4 * piece.size
        ):
            mark = left.text.strip()
            mark = "◦" if mark == "o" else mark  # word processors' second-level bullet
            left.text = mark + " " + piece.text.lstrip()
            left.x1 = piece.x1
            left.bold, left.italic, left.size = piece.bold, piece.italic, piece.size
            left.mcids += piece.mcids
            continue
        merged.append(piece)
        by_row[piece.y] = piece
    return [p for p in merged if p.text.strip()]


def _make_piece(runs: list[_Run], page: int) -> _Piece:
    text = _join_runs(runs)
    visible = [r for r in runs if r.text.strip()] or runs
    main = max(visible, key=lambda r: (len(r.text.strip()), r.size))
    weight = sum(len(r.text.strip()) for r in visible) or 1
    bold = sum(len(r.text.strip()) for r in visible if r.bold) / weight > 0.8
    italic = sum(len(r.text.strip()) for r in visible if r.italic) / weight > 0.8
    size = max(r.size for r in visible if len(r.text.strip()) > 0 or r is main)
    size = max(size, main.size)
    mcids = []
    for run in runs:
        if run.mcid is not None and run.mcid not in mcids:
            mcids.append(run.mcid)
    return _Piece(
        x0=min(r.x0 for r in runs),
        x1=max(r.x1 for r in runs),
        y=main.y,
        size=round(size, 1),
        text=text,
        bold=bold,
        italic=italic,
        mcids=mcids,
        page=page,
    )


# -- running headers, footers and page numbers -------------------------------------


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", squash_spaces(text).casefold())


def _drop_furniture(pages: list[_Page], pieces: list[list[_Piece]]) -> list[list[_Piece]]:
    """Drop text in the margins that repeats over pages, and lone page numbers there."""

    def in_margin(page: _Page, piece: _Piece) -> bool:
        rel = (piece.y - page.bottom) / (page.height or 1)
        return rel > 1 - _MARGIN or rel < _MARGIN

    counts: Counter[str] = Counter()
    for page, page_pieces in zip(pages, pieces, strict=True):
        keys = {_furniture_key(p.text) for p in page_pieces if in_margin(page, p)}
        counts.update(keys)
    repeat = max(2, int(len(pages) * 0.3))
    kept: list[list[_Piece]] = []
    for page, page_pieces in zip(pages, pieces, strict=True):
        out = []
        for piece in page_pieces:
            piece.header = (piece.y - page.bottom) / (page.height or 1) > 1 - _MARGIN
            if in_margin(page, piece):
                text = squash_spaces(piece.text)
                if _PAGE_NUMBER.match(text) or (
                    len(pages) >= 2 and counts[_furniture_key(text)] >= repeat
                ):
                    continue
            out.append(piece)
        kept.append(out)
    return kept


# -- reading order: columns ----------------------------------------------------------


def _gutters(pieces: list[_Piece], min_gap: float) -> list[tuple[float, float]]:
    """White vertical strips between pieces, wide enough to part columns."""
    spans = sorted((p.x0, p.x1) for p in pieces)
    gaps = []
    end = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - end >= min_gap:
            gaps.append((end, x0))
        end = max(end, x1)
    return gaps


def _bands(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Horizontal strips of pieces that overlap in height."""
    bands: list[list[_Piece]] = []
    low = 0.0
    for piece in sorted(pieces, key=lambda p: -p.top):
        if bands and piece.top > low:
            bands[-1].append(piece)
            low = min(low, piece.low)
        else:
            bands.append([piece])
            low = piece.low
    return bands


@dataclass
class _Region:
    pieces: list[_Piece]
    table: bool = False


def _order(pieces: list[_Piece], min_gap: float, depth: int = 0) -> list[_Region]:
    """Pieces in reading order: down each column, columns left to right."""
    if not pieces:
        return []
    groups: list[list[_Piece]] = []
    group_gutters = False
    for band in _bands(pieces):
        if groups:
            union = groups[-1] + band
            if group_gutters and _gutters(union, min_gap):
                groups[-1] = union
                continue
            band_gutters = bool(_gutters(band, min_gap))
            if not group_gutters and not band_gutters:
                groups[-1] = union
                continue
        groups.append(list(band))
        group_gutters = bool(_gutters(band, min_gap))
    # Lines above columns that stay inside one column (a column starting higher than
    # its neighbour) belong to the columns below them.
    for i in range(len(groups) - 2, -1, -1):
        below = groups[i + 1]
        if not _gutters(groups[i], min_gap) and _gutters(below, min_gap):
            union = groups[i] + below
            if _gutters(union, min_gap):
                groups[i + 1] = union
                groups[i] = []
    regions: list[_Region] = []
    for group in groups:
        if group:
            regions.extend(_split_columns(group, min_gap, depth))
    return regions


def _text_column(col: list[_Piece], span: float) -> bool:
    """Whether pieces side by side with others are a column of running text, not a
    table's column: several lines, not just a word or number each, filling its width."""
    if len(col) < 3:
        return False
    left, right = min(p.x0 for p in col), max(p.x1 for p in col)
    width = right - left
    if width < 0.12 * span:
        return False
    chars = sum(len(p.text.strip()) for p in col) / len(col)
    widths = sorted(p.x1 - p.x0 for p in col)
    line = widths[int(len(widths) * 0.9)]  # a full line's width (a column may hold columns)
    fill = statistics.median(widths) / line if line > 0 else 0.0
    return chars >= 12 and fill >= 0.55


def _split_columns(group: list[_Piece], min_gap: float, depth: int) -> list[_Region]:
    gutters = _gutters(group, min_gap)
    if not gutters or depth > 6:
        return [_Region(sorted(group, key=lambda p: (-p.y, p.x0)))]
    columns: list[list[_Piece]] = [[] for _ in range(len(gutters) + 1)]
    for piece in group:
        index = sum(1 for start, _ in gutters if piece.x0 >= start)
        columns[index].append(piece)
    span = max(p.x1 for p in group) - min(p.x0 for p in group)
    widths = [max(p.x1 for p in col) - min(p.x0 for p in col) for col in columns if col]
    # Columns set by the page's layout are as wide as each other; a table's rarely are.
    even = (
        len(widths) == len(columns)
        and min(widths) >= 0.2 * span
        and max(widths) - min(widths) <= 0.1 * max(widths)
        and all(len(col) >= 3 for col in columns)
    )
    text_like = len(columns) <= 4 and (even or all(_text_column(col, span) for col in columns))
    if not text_like:
        return [_Region(sorted(group, key=lambda p: (-p.y, p.x0)), table=len(group) > 1)]
    regions: list[_Region] = []
    for col in columns:
        regions.extend(_order(col, min_gap, depth + 1))
    return regions


# -- lines and blocks ---------------------------------------------------------------


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    y: float
    size: float
    bold: bool
    italic: bool
    page: int
    cells: list[str] = field(default_factory=list)  # table cells, when the line is a row
    mcids: list[int] = field(default_factory=list)
    left: float = 0.0  # the edges of the column the line is in
    right: float = 0.0
    header: bool = False  # in the top margin of its page
    pitch: float = 0.0  # the usual distance between lines of the column's body text


def _lines(region: _Region) -> list[_Line]:
    """Pieces on one baseline of a region make one line (a row, in a table)."""
    lines: list[_Line] = []
    row: list[_Piece] = []

    def flush() -> None:
        if not row:
            return
        row.sort(key=lambda p: p.x0)
        cells = [squash_spaces(p.text) for p in row]
        text = " ".join(cells)
        main = max(row, key=lambda p: len(p.text))
        lines.append(
            _Line(
                text=text,
                x0=row[0].x0,
                x1=max(p.x1 for p in row),
                y=main.y,
                size=max(p.size for p in row),
                bold=all(p.bold for p in row),
                italic=all(p.italic for p in row),
                page=main.page,
                cells=cells if region.table and len(row) > 1 else [],
                mcids=[m for p in row for m in p.mcids],
                header=all(p.header for p in row),
            )
        )
        row.clear()

    for piece in region.pieces:
        if row and abs(piece.y - row[0].y) > 0.5 * max(piece.size, row[0].size):
            flush()
        row.append(piece)
    flush()
    left = min((ln.x0 for ln in lines), default=0.0)
    right = max((ln.x1 for ln in lines), default=0.0)
    sizes = Counter(round(ln.size) for ln in lines)
    body = sizes.most_common(1)[0][0] if sizes else 0
    pitches = [
        a.y - b.y
        for a, b in itertools.pairwise(lines)
        if a.page == b.page
        and round(a.size) == round(b.size) == body
        and 0 < a.y - b.y < 2 * a.size
    ]
    pitch = statistics.median(pitches) if len(pitches) >= 3 else 0.0
    for line in lines:
        line.left, line.right = left, right
        line.pitch = pitch if round(line.size) == body else 0.0
    return lines


@dataclass
class _Block:
    kind: str  # "paragraph", "item", "heading", "row"
    text: str
    size: float = 0.0
    bold: bool = False
    level: int = 0  # heading level, or list depth for items
    lines: int = 1
    page: int = 0
    cells: list[str] = field(default_factory=list)
    x0: float = 0.0
    header: bool = False  # begins in the top margin of its page (a banner, say)


def _join_text(first: str, second: str) -> str:
    """Join two lines of a paragraph; a word hyphenated at the line end is made whole."""
    first = first.rstrip()
    second = second.lstrip()
    if not first:
        return second
    if not second:
        return first
    if first.endswith("\u00ad"):
        return first[:-1] + second
    if first.endswith("-") and len(first) >= 2 and first[-2].isalpha() and second[:1].islower():
        word = first[:-1].rsplit(" ", 1)[-1]
        if len(word) >= 2 and word.isupper():
            return first + second  # an abbreviation's own hyphen: RE-positivo
        return first[:-1] + second
    if (
        first.endswith(("-", "–"))
        and len(first) >= 2
        and first[-2].isalnum()
        and second[:1].isdigit()
    ):
        return first + second  # a number broken at its dash: 2018–23–51
    if first.endswith("@") or (first.endswith("/") and "://" in first.rsplit(" ", 1)[-1]):
        return first + second  # an address broken at the line end
    return first + " " + second


def _join_parts(first: str, second: str) -> str:
    """Join the marked-content parts of one element: no space before closing punctuation."""
    if not first.strip() or not second.strip():
        return first + second
    if second.lstrip()[:1] in ".,;:!?)]}»”’" or first.rstrip()[-1:] in "([{«“‘":
        return first.rstrip() + second.lstrip()
    return _join_text(first, second)


def _in_capitals(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 4 and text == text.upper()


def _first_word_fits(prev: _Line, line: _Line, right: float) -> bool:
    """Whether the first word of `line` would have fitted at the end of `prev`."""
    if not line.text:
        return False
    char = (line.x1 - line.x0) / len(line.text)
    word = len(line.text.split(" ", 1)[0]) + 1
    return prev.x1 + char * word < right - 0.3 * line.size


def _is_marker_line(text: str) -> bool:
    return bool(_MARKER.match(text))


def _strip_bullet(text: str) -> str:
    """Drop a bullet glyph; numbers and letters of a numbered list stay in the text."""
    match = _MARKER.match(text)
    if match and _BULLET_ONLY.match(match.group(0)):
        return text[match.end() :].strip()
    return text.strip()


def _blocks_from_lines(lines: list[_Line]) -> list[_Block]:
    """Paragraphs, list items and table rows from lines in reading order."""
    blocks: list[_Block] = []
    current: _Block | None = None
    prev: _Line | None = None
    markers: list[float] = []  # x of the markers of open list levels

    for line in lines:
        left, right = line.left, line.right
        line.text = _NUMBER_TIGHT.sub(r"\1 ", line.text)
        if line.cells:
            current = None
            blocks.append(
                _Block("row", line.text, line.size, line.bold, page=line.page, cells=line.cells)
            )
            prev = line
            continue
        new_block = current is None or prev is None
        same_column = prev is not None and prev.page == line.page and line.y < prev.y
        if prev is not None and current is not None:
            pitch = prev.y - line.y
            style_change = line.bold != prev.bold or abs(line.size - prev.size) > 0.07 * max(
                line.size, prev.size
            )
            spaced = (
                pitch > 1.5 * max(line.size, prev.size)
                or pitch < 0
                or (line.pitch > 0 and pitch > line.pitch * 1.15 + 0.5)
            )
            if (style_change and not (current.kind == "item" and not line.bold)) or (
                same_column and spaced
            ):
                new_block = True
            elif (
                same_column
                and line.x0 > left + 0.7 * line.size
                and prev.x0 <= left + 0.3 * line.size
                and (current.kind == "paragraph" or _SENTENCE_END.search(prev.text))
            ):
                new_block = True  # a first-line indent
            elif (
                same_column
                and (
                    _SENTENCE_END.search(prev.text)
                    or _in_capitals(prev.text)
                    or current.kind == "item"
                )
                and _first_word_fits(prev, line, right)
            ):
                new_block = True  # the line above ended before it had to
            elif not same_column and _SENTENCE_END.search(current.text):
                new_block = True  # a new column or page after a finished paragraph
        if _is_marker_line(line.text):
            new_block = True
        if new_block:
            if _is_marker_line(line.text):
                while markers and line.x0 < markers[-1] - 2:
                    markers.pop()
                if not markers or line.x0 > markers[-1] + 2:
                    markers.append(line.x0)
                current = _Block(
                    "item",
                    _strip_bullet(line.text),
                    line.size,
                    line.bold,
                    level=len(markers) - 1,
                    page=line.page,
                    x0=line.x0,
                )
            else:
                if not (
                    current is not None and current.kind == "item" and line.x0 > current.x0 + 2
                ):
                    markers = [m for m in markers if m < line.x0 - 2] if current else []
                    if line.x0 <= left + 2:
                        markers = []
                current = _Block(
                    "paragraph",
                    line.text,
                    line.size,
                    line.bold,
                    page=line.page,
                    x0=line.x0,
                    header=line.header,
                )
            blocks.append(current)
        else:
            assert current is not None
            current.text = _join_text(current.text, line.text)
            current.lines += 1
            current.bold = current.bold and line.bold
        prev = line
    return blocks


# -- structure tree (tagged PDFs) ------------------------------------------------------


class _Tree:
    """Blocks in the order and with the roles of a tagged PDF's structure tree."""

    def __init__(
        self,
        reader: Any,
        page_index: dict[int, int],
        content: dict[tuple[int, int], str],
        sizes: dict[tuple[int, int], float],
    ) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

        self._array = ArrayObject
        self._dict = DictionaryObject
        self._indirect = IndirectObject
        self.page_index = page_index
        self.content = content
        self.sizes = sizes
        self.size = 0.0  # the largest text in the element last read
        self.used: set[tuple[int, int]] = set()
        self.nodes = 0
        root = reader.trailer["/Root"].get_object()
        self.tree = root["/StructTreeRoot"].get_object()
        role_map = self.tree.get("/RoleMap")
        self.roles: dict[str, str] = {}
        if role_map is not None:
            for key, value in role_map.get_object().items():
                self.roles[str(key).lstrip("/")] = str(value).lstrip("/")
        self.blocks: list[_Block] = []

    def role(self, element: Any) -> str:
        name = str(element.get("/S", "")).lstrip("/")
        seen = 0
        while name in self.roles and seen < 10 and self.roles[name] != name:
            name = self.roles[name]
            seen += 1
        return name

    def run(self) -> list[_Block]:
        self._visit(self.tree.get("/K"), None, 0, 0)
        return self.blocks

    def _children(self, kids: Any) -> list[Any]:
        if kids is None:
            return []
        kids = kids.get_object() if isinstance(kids, self._indirect) else kids
        if isinstance(kids, self._array):
            return [k.get_object() if isinstance(k, self._indirect) else k for k in kids]
        return [kids]

    def _page_of(self, element: Any, page: int | None) -> int | None:
        ref = element.get("/Pg") if isinstance(element, self._dict) else None
        if isinstance(ref, self._indirect):
            return self.page_index.get(ref.idnum, page)
        return page

    def text(self, element: Any, page: int | None, depth: int = 0) -> str:
        """All text of an element, from its marked content in order."""
        parts: list[str] = []
        self.size = 0.0
        for kid, kid_page in self._content_items(element, page, depth):
            if isinstance(kid, int):
                key = (kid_page if kid_page is not None else -1, kid)
                if key in self.content:
                    self.used.add(key)
                    parts.append(self.content[key])
                    self.size = max(self.size, self.sizes.get(key, 0.0))
        out = ""
        for part in parts:
            out = _join_parts(out, part)
        return squash_spaces(out)

    def _content_items(
        self, element: Any, page: int | None, depth: int
    ) -> Iterator[tuple[Any, int | None]]:
        if depth > _MAX_TREE_DEPTH:
            return
        page = self._page_of(element, page)
        for kid in self._children(element.get("/K")):
            self._count()
            if isinstance(kid, int):
                yield kid, page
            elif isinstance(kid, self._dict):
                if "/MCID" in kid:
                    yield int(str(kid["/MCID"])), self._page_of(kid, page)
                elif "/S" in kid and self.role(kid) != "Artifact":
                    yield from self._content_items(kid, page, depth + 1)

    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > _MAX_TREE_NODES:
            raise _OutOfTime

    def _visit(self, kids: Any, page: int | None, depth: int, sect: int) -> None:
        if depth > _MAX_TREE_DEPTH:
            return
        for kid in self._children(kids):
            self._count()
            if not isinstance(kid, self._dict) or "/S" not in kid:
                continue
            self._element(kid, self._page_of(kid, page), depth, sect)

    def _element(self, element: Any, page: int | None, depth: int, sect: int) -> None:
        role = self.role(element)
        if role in ("TOC", "TOCI"):
            return  # a table of contents repeats the headings, with page numbers
        if role in ("Artifact", "Figure"):  # a figure is its alternative text, if any
            alt = element.get("/Alt") if role == "Figure" else None
            if alt:
                self._add("paragraph", squash_spaces(_clean(str(alt))), page)
            return
        if role in _HEADING_TAGS or role in ("H", "Title"):
            level = _HEADING_TAGS.get(role, 0 if role == "Title" else min(6, sect + 1))
            self._add("heading", self.text(element, page, depth), page, level=level)
        elif role == "L":
            self._list(element, page, depth, 0)
        elif role == "Table":
            self._table(element, page, depth)
        elif role in _GROUP_TAGS:
            self._visit(element.get("/K"), page, depth + 1, sect + (1 if role == "Sect" else 0))
        elif self._has_blocks(element):
            self._visit(element.get("/K"), page, depth + 1, sect)
        else:
            self._add("paragraph", self.text(element, page, depth), page)

    def _has_blocks(self, element: Any) -> bool:
        for kid in self._children(element.get("/K")):
            if isinstance(kid, self._dict) and "/S" in kid:
                role = self.role(kid)
                if role in _HEADING_TAGS or role in _GROUP_TAGS or role in ("P", "L", "Table", "H"):
                    return True
        return False

    def _add(
        self, kind: str, text: str, page: int | None, level: int = 0, cells: list[str] | None = None
    ) -> None:
        if text or cells:
            self.blocks.append(
                _Block(kind, text, self.size, level=level, page=(page or 0) + 1, cells=cells or [])
            )

    def _list(self, element: Any, page: int | None, depth: int, level: int) -> None:
        for kid in self._children(element.get("/K")):
            self._count()
            if not isinstance(kid, self._dict) or "/S" not in kid:
                continue
            role = self.role(kid)
            kid_page = self._page_of(kid, page)
            if role == "LI":
                label, body, nested = "", [], []
                for part in self._children(kid.get("/K")):
                    if not isinstance(part, self._dict) or "/S" not in part:
                        continue
                    part_role = self.role(part)
                    if part_role == "Lbl":
                        label = self.text(part, kid_page, depth + 1)
                    elif part_role == "LBody":
                        for inner in self._children(part.get("/K")):
                            if (
                                isinstance(inner, self._dict)
                                and "/S" in inner
                                and self.role(inner) == "L"
                            ):
                                nested.append(inner)
                            elif isinstance(inner, self._dict) and "/S" in inner:
                                body.append(self.text(inner, kid_page, depth + 2))
                            elif isinstance(inner, (int, self._dict)):
                                wrapper = {"/K": inner}
                                body.append(
                                    self.text(wrapper, self._page_of(part, kid_page), depth + 2)
                                )
                    elif part_role == "L":
                        nested.append(part)
                    else:
                        body.append(self.text(part, kid_page, depth + 1))
                text = squash_spaces(" ".join(b for b in body if b))
                if label and not _BULLET_ONLY.match(label.strip()):
                    text = f"{label.strip()} {text}".strip()
                text = _strip_bullet(text)
                self._add("item", text, kid_page, level=level)
                for inner_list in nested:
                    self._list(inner_list, kid_page, depth + 2, level + 1)
            elif role == "L":
                self._list(kid, kid_page, depth + 1, level + 1)
            else:
                self._add("item", self.text(kid, kid_page, depth + 1), kid_page, level=level)

    def _table(self, element: Any, page: int | None, depth: int) -> None:
        rows: list[tuple[list[str], int | None]] = []

        def collect(node: Any, node_page: int | None, node_depth: int) -> None:
            for kid in self._children(node.get("/K")):
                self._count()
                if (
                    not isinstance(kid, self._dict)
                    or "/S" not in kid
                    or node_depth > _MAX_TREE_DEPTH
                ):
                    continue
                role = self.role(kid)
                kid_page = self._page_of(kid, node_page)
                if role == "TR":
                    cells = [
                        self.text(cell, self._page_of(cell, kid_page), node_depth + 1)
                        for cell in self._children(kid.get("/K"))
                        if isinstance(cell, self._dict) and "/S" in cell
                    ]
                    rows.append((cells, kid_page))
                elif role in ("THead", "TBody", "TFoot"):
                    collect(kid, kid_page, node_depth + 1)
                elif role == "Caption":
                    self._add("paragraph", self.text(kid, kid_page, node_depth + 1), kid_page)

        collect(element, page, depth + 1)
        for cells, row_page in rows:
            if any(cells):
                self._add("row", " ".join(c for c in cells if c), row_page, cells=cells)


def _mcid_texts(
    pages: list[_Page],
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], float]]:
    """The text of each marked-content id on each page, lines joined."""
    by_key: dict[tuple[int, int], list[_Run]] = {}
    for index, page in enumerate(pages):
        for run in page.runs:
            if run.mcid is not None:
                by_key.setdefault((index, run.mcid), []).append(run)
    texts: dict[tuple[int, int], str] = {}
    sizes: dict[tuple[int, int], float] = {}
    for key, runs in by_key.items():
        sizes[key] = (
            max(r.size for r in runs if r.text.strip())
            if any(r.text.strip() for r in runs)
            else 0.0
        )
        out = ""
        line: list[_Run] = []
        for run in runs:
            if (
                line
                and abs(run.y - line[0].y) > 0.5 * max(run.size, line[0].size)
                and (run.x0 < line[-1].x0)
            ):
                out = _join_text(out, _join_runs(line))
                line = []
            line.append(run)
        if line:
            out = _join_text(out, _join_runs(line))
        texts[key] = out
    return texts, sizes


# -- headings from font size and weight -----------------------------------------------


def _body_size(blocks: list[_Block]) -> float:
    sizes: Counter[float] = Counter()
    for block in blocks:
        sizes[round(block.size * 2) / 2] += len(block.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _mark_headings(blocks: list[_Block], body: float) -> None:
    """Short paragraphs set larger, or bold throughout, are headings; sizes rank them."""
    styles: set[tuple[float, bool, bool]] = set()
    chosen: list[_Block] = []
    for i, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        text = block.text
        letters = sum(ch.isalpha() for ch in text)
        if letters < 2 or len(text) > 250:
            continue
        bigger = block.size >= body * 1.15 or (
            block.size >= body * 1.07
            and block.lines <= 2
            and len(text) <= 120
            and not _SENTENCE_END.search(text)
        )
        bold = block.bold and block.size >= body * 0.75
        # A line in capitals standing alone ("A. PURPOSE"), as typed documents mark headings.
        capitals = (
            block.lines <= 2
            and len(text) <= 80
            and block.size >= body * 0.9
            and letters >= 4
            and text == text.upper()
            and not _SENTENCE_END.search(text)
        )
        if not (bigger or bold or capitals) or block.lines > (8 if bigger else 4):
            continue  # (a large heading in a narrow column takes several lines)
        if not bigger:
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if text.endswith((",", ";")) or text[:1].islower():
                continue
            if text.endswith(":") and following is not None and following.kind == "item":
                continue  # a bold label introducing a list, not a heading
        block.kind = "heading"
        styles.add(_heading_style(block))
        chosen.append(block)
    ranked = sorted(styles, key=lambda s: (-s[0], not s[1], not s[2]))
    rank = {style: i + 1 for i, style in enumerate(ranked)}
    for block in chosen:
        block.level = rank[_heading_style(block)]


def _heading_style(block: _Block) -> tuple[float, bool, bool]:
    """Size, weight and capitals: headings alike in these are at one level."""
    return (round(block.size * 2) / 2, block.bold, block.text == block.text.upper())


def _merge_heading_lines(blocks: list[_Block]) -> list[_Block]:
    """A heading broken over two blocks of the same style is one heading."""
    out: list[_Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if (
            last is not None
            and block.kind == "heading"
            and last.kind == "heading"
            and last.level == block.level
            and last.page == block.page
            and not _SENTENCE_END.search(last.text)
            and block.text[:1].islower()
        ):
            last.text = _join_text(last.text, block.text)
            continue
        out.append(block)
    return out


# -- sections --------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.drafts: list[DraftSection] = []
        self.items: list[tuple[int, str]] = []
        self.rows: list[list[str]] = []

    def current(self, title: str) -> DraftSection:
        if not self.drafts:
            self.drafts.append(DraftSection(heading=title or "Overview", level=1))
        return self.drafts[-1]

    def heading(self, text: str, level: int) -> None:
        self.flush()
        self.drafts.append(DraftSection(heading=text, level=level))

    def paragraph(self, text: str, title: str) -> None:
        self.flush()
        self.current(title).add(escape_markdown(text), text)

    def item(self, text: str, level: int) -> None:
        self.flush_rows_only()
        self.items.append((level, text))

    def row(self, cells: list[str]) -> None:
        self.flush_items_only()
        self.rows.append(cells)

    def flush(self, title: str = "") -> None:
        self.flush_items_only(title)
        self.flush_rows_only(title)

    def flush_items_only(self, title: str = "") -> None:
        if not self.items:
            return
        base = min(level for level, _ in self.items)
        md, plain = [], []
        depth_stack: list[int] = []
        for level, text in self.items:
            while depth_stack and depth_stack[-1] >= level:
                depth_stack.pop()
            depth = len(depth_stack) if level > base else 0
            depth_stack.append(level)
            md.append("  " * depth + "- " + escape_markdown(text))
            plain.append(text)
        self.current(title).add("\n".join(md), "\n".join(plain))
        self.items = []

    def flush_rows_only(self, title: str = "") -> None:
        if not self.rows:
            return
        width = max(len(r) for r in self.rows)
        if width < 2:
            for (cell,) in (r for r in self.rows if r):
                self.current(title).add(escape_markdown(cell), cell)
            self.rows = []
            return
        rows = [r + [""] * (width - len(r)) for r in self.rows]

        def md_row(cells: list[str]) -> str:
            return "| " + " | ".join(escape_markdown(c) or " " for c in cells) + " |"

        md = [md_row(rows[0]), "| " + " | ".join("---" for _ in range(width)) + " |"]
        md += [md_row(r) for r in rows[1:]]
        plain = "\n".join(" | ".join(c for c in r if c) for r in rows)
        self.current(title).add("\n".join(md), plain)
        self.rows = []


def _sections(blocks: list[_Block], title: str) -> list[Section]:
    if all(b.kind == "heading" for b in blocks):
        for block in blocks:
            block.kind = "paragraph"  # a page of large words only: they are its text
    if any(b.kind == "heading" and same_text(b.text, title) for b in blocks):
        title = "Overview"  # text before the first heading, which the title repeats
    out = _Builder()
    for block in blocks:
        text = squash_spaces(block.text)
        if block.kind == "heading":
            if text:
                out.heading(text, block.level)
        elif block.kind == "item":
            if text:
                out.item(text, block.level)
        elif block.kind == "row":
            out.row([squash_spaces(c) for c in block.cells] or [text])
        elif text:
            out.paragraph(text, title)
    out.flush(title)
    return finish_sections(out.drafts)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


def _shown_on(title: str, pages: list[_Page]) -> bool:
    """Whether a title appears in the text of these pages."""
    shown = _words(" ".join(_join_runs(p.runs) for p in pages))
    return _words(title) in shown


def _largest_on_first_page(blocks: list[_Block]) -> str | None:
    """The text set largest on the first page with text, when it is title-sized."""
    first = [b for b in blocks[:40] if b.page == blocks[0].page and b.size] if blocks else []
    if not first:
        return None
    body = _body_size(first)
    top = max(first, key=lambda b: b.size)
    if top.size >= body * 1.3 and 3 <= len(top.text) <= 200:
        return squash_spaces(top.text)
    return None


def _headline(blocks: list[_Block]) -> str | None:
    """A title among the first page's headings: of those in the largest type there
    (a banner above the page aside), the longest that is not in capitals; agency
    and department names above a notice's title are short."""
    first_page = blocks[0].page if blocks else 0
    heads = [
        b
        for b in blocks
        if b.kind == "heading" and b.page == first_page and not b.header and b.size
    ]
    if not heads:
        return None
    largest = max(b.size for b in heads)
    named = [
        b
        for b in heads
        if b.size >= largest - 0.25 and not _in_capitals(b.text) and len(b.text.split()) >= 2
    ]
    if not named:
        return None
    return squash_spaces(max(named, key=lambda b: len(b.text)).text)


def _first_words(blocks: list[_Block]) -> str | None:
    """A title for a PDF that states none: its first heading, else its first words."""
    first = next((b for b in blocks if b.kind == "heading"), None) or next(
        (b for b in blocks if b.text.strip()), None
    )
    if first is None:
        return None
    text = squash_spaces(first.text)
    if len(text) > 80:
        text = text[:80].rsplit(" ", 1)[0] + " …"
    return text


def _take_title(blocks: list[_Block]) -> str | None:
    """The document's own title: a top-level heading that comes first and only once."""
    body = [b for b in blocks if not b.header]  # a banner above the page is not its title
    headings = [b for b in body if b.kind == "heading"]
    if not headings or body[0] is not headings[0] or len(body) == 1:
        return None
    top = min(b.level for b in headings)
    first = headings[0]
    tops = [b for b in headings if b.level == top]
    if first.level == top and len(tops) == 1 and first.page <= 2:
        blocks.remove(first)
        return squash_spaces(first.text)
    if len(tops) == 2 and body[1] is tops[1] and len(body) > 2 and tops[1].page == first.page:
        # A title set in two parts of the largest type: "CHAPTER 1" / "INTRODUCTION".
        blocks.remove(first)
        blocks.remove(tops[1])
        return squash_spaces(first.text + " " + tops[1].text)
    return None


# -- the whole file ----------------------------------------------------------------


def _metadata(reader: Any) -> tuple[dict[str, Any], str | None]:
    fields: dict[str, Any] = {}
    title: str | None = None
    try:
        info = reader.metadata or {}
    except Exception:
        info = {}
    raw_title = squash_spaces(_clean(str(info.get("/Title") or "")))
    if raw_title and not _POOR_TITLE.match(raw_title) and len(raw_title) <= 300:
        title = raw_title
    author = squash_spaces(_clean(str(info.get("/Author") or "")))
    if author and len(author) <= 200:
        fields["source"] = author
    try:
        lang = reader.trailer["/Root"].get_object().get("/Lang")
    except Exception:
        lang = None
    if lang:
        code = squash_spaces(_clean(str(lang)))
        if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", code):
            fields["language"] = code.split("-")[0].split("_")[0].lower()
    for key, name in (("/CreationDate", "created"), ("/ModDate", "modified")):
        date = _pdf_date(info.get(key))
        if date is not None:
            fields[name] = date.isoformat()
    return fields, title


def _pdf_date(value: Any) -> dt.date | None:
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
    except ValueError:
        return None


def _hostile_parts(reader: Any) -> list[str]:
    """What the file holds that a reader could run or open (never run or opened here)."""
    scripts = files = False
    try:
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        scripts = "/JavaScript" in names or "/AA" in root or _is_script(root.get("/OpenAction"))
        files = "/EmbeddedFiles" in names
        # Links and form fields on the pages may carry scripts or files of their own.
        for page in reader.pages[:MAX_PAGES]:
            scripts = scripts or "/AA" in page
            annots = page.get("/Annots")
            for annot in annots.get_object() if annots is not None else []:
                annot = annot.get_object()
                scripts = scripts or "/AA" in annot or _is_script(annot.get("/A"))
                files = files or annot.get("/Subtype") == "/FileAttachment"
            if scripts and files:
                break
    except Exception:
        pass
    return [part for part, there in (("scripts", scripts), ("attached files", files)) if there]


def _is_script(action: Any) -> bool:
    try:
        action = action.get_object() if action is not None else None
        return action is not None and hasattr(action, "get") and action.get("/S") == "/JavaScript"
    except Exception:
        return False


def _open(data: bytes) -> Any:
    pypdf = _pypdf()
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if not data.lstrip()[:1024].find(b"%PDF") >= 0:
        raise PdfProblem("not a PDF file (it does not start with %PDF)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise PdfProblem(f"PDF is damaged: {_reason(exc)}") from None
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except DependencyError:
            raise PdfProblem(_AES) from None
        except (FileNotDecryptedError, PdfReadError, NotImplementedError) as exc:
            raise PdfProblem(f"PDF is encrypted and cannot be opened: {_reason(exc)}") from None
        if not ok:
            raise PdfProblem("PDF is password-protected")
    try:
        count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise PdfProblem(f"PDF is damaged: {_reason(exc)}") from None
    except Exception as exc:
        if type(exc).__name__ == "FileNotDecryptedError":
            raise PdfProblem("PDF is password-protected") from None
        raise
    if count == 0:
        raise PdfProblem("PDF has no pages")
    return reader


_AES = (
    "PDF is protected with AES encryption, which OncoRef cannot open; "
    "save a copy without protection (print to PDF) and add that"
)


def _reason(exc: BaseException) -> str:
    text = squash_spaces(str(exc)) or type(exc).__name__
    return text[:200]


def _page_box(page: Any) -> tuple[float, float, float]:
    try:
        box = page.mediabox
        return float(box.width), float(box.height), float(box.bottom)
    except Exception:
        return 612.0, 792.0, 0.0


def parse(source: Source) -> Parsed:
    """Sections of a PDF, its title and the fields its metadata states."""
    pypdf_logger = logging.getLogger("pypdf")
    old_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _parse(source)
    except PdfProblem as exc:
        return Parsed([], problems=[Problem(source.path, str(exc), "skipped")])
    except Exception as exc:
        if type(exc).__name__ == "DependencyError":  # pypdf needs a cipher it lacks
            return Parsed([], problems=[Problem(source.path, _AES, "skipped")])
        raise
    except RecursionError:
        return Parsed(
            [], problems=[Problem(source.path, "PDF is damaged: nested too deeply", "skipped")]
        )
    finally:
        pypdf_logger.setLevel(old_level)


def _parse(source: Source) -> Parsed:
    problems: list[Problem] = []
    reader = _open(source.data)
    fields, meta_title = _metadata(reader)
    for part in _hostile_parts(reader):
        problems.append(
            Problem(
                source.path,
                f"PDF contains {part}",
                "ignored: they were not run or opened",
                severity=Severity.WARNING,
            )
        )
    pages, complete = _read_pages(reader, source, problems)
    if not any(r.text.strip() for p in pages for r in p.runs):
        if complete and not any(p.message.startswith("PDF page") for p in problems):
            message = "PDF has no text to read (it may be scanned images only)"
        else:
            message = "PDF has no text left to read"
        problems.append(Problem(source.path, message, "skipped"))
        return Parsed([], fields=fields, problems=problems)

    blocks = _tagged_blocks(reader, pages)
    if blocks is None:
        blocks = _layout_blocks(pages, time.monotonic() + TIME_BUDGET / 2)
    blocks = [b for b in blocks if b.text.strip() or b.cells]
    visible_title = _take_title(blocks)
    if meta_title and not _shown_on(meta_title, pages[:2]):
        # A stale title left in the metadata (a copied template, say): the page's own wins.
        visible_title = visible_title or _largest_on_first_page(blocks)
        meta_title = None if visible_title else meta_title
    title = source.title or meta_title or visible_title or _headline(blocks) or _first_words(blocks)
    sections = _sections(blocks, title or "")
    return Parsed(sections, fields=fields, title=title, problems=problems)


def _read_pages(reader: Any, source: Source, problems: list[Problem]) -> tuple[list[_Page], bool]:
    limits = _Limits(deadline=time.monotonic() + TIME_BUDGET)
    interpreter = _Interpreter(reader, limits)
    total = len(reader.pages)
    pages: list[_Page] = []
    bad_pages = 0
    large: list[int] = []
    for index in range(min(total, MAX_PAGES)):
        if time.monotonic() > limits.deadline:
            problems.append(_too_long(source, index, total))
            return pages, False
        limits.operators = 0
        try:
            page = reader.pages[index]
            width, height, bottom = _page_box(page)
            runs = interpreter.page(page)
        except _OutOfTime:
            problems.append(_too_long(source, index, total))
            return pages, False
        except _TooLarge:
            large.append(index + 1)
            runs, (width, height, bottom) = [], (612.0, 792.0, 0.0)
        except RecursionError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "DependencyError":
                raise
            bad_pages += 1
            runs, (width, height, bottom) = [], (612.0, 792.0, 0.0)
        pages.append(_Page(index + 1, width, height, bottom, runs))
    if bad_pages:
        problems.append(
            Problem(
                source.path,
                f"PDF is damaged: {bad_pages} of {total} pages could not be read",
                "the rest was loaded",
                severity=Severity.WARNING,
            )
        )
    if large:
        listed = ", ".join(str(n) for n in large[:10]) + (" …" if len(large) > 10 else "")
        problems.append(
            Problem(
                source.path,
                f"PDF page{'s' if len(large) > 1 else ''} {listed} too large to read",
                "left out; the rest was loaded",
                severity=Severity.WARNING,
            )
        )
    if total > MAX_PAGES:
        problems.append(
            Problem(
                source.path,
                f"PDF has {total} pages; only the first {MAX_PAGES} were read",
                "split it into smaller files",
                severity=Severity.WARNING,
            )
        )
        return pages, False
    return pages, True


def _too_long(source: Source, done: int, total: int) -> Problem:
    return Problem(
        source.path,
        f"PDF took too long to read: stopped after {done} of {total} pages",
        "the rest was left out; split it into smaller files",
        severity=Severity.WARNING,
    )


def _tagged_blocks(reader: Any, pages: list[_Page]) -> list[_Block] | None:
    """Blocks from the structure tree, or None when there is none worth using."""
    try:
        root = reader.trailer["/Root"].get_object()
        if "/StructTreeRoot" not in root:
            return None
        page_index = {}
        for index, page in enumerate(reader.pages[: len(pages)]):
            ref = getattr(page, "indirect_reference", None)
            if ref is not None:
                page_index[ref.idnum] = index
        content, sizes = _mcid_texts(pages)
        if not content:
            return None
        tree = _Tree(reader, page_index, content, sizes)
        blocks = tree.run()
    except _OutOfTime:
        return None
    except RecursionError:
        return None
    except Exception:
        return None
    tagged = sum(len(content[k]) for k in tree.used)
    total = sum(len(r.text) for p in pages for r in p.runs)
    if not blocks or tagged < 0.6 * total:
        return None  # the tree misses much of the text: read the layout instead
    if not any(b.kind == "heading" for b in blocks):
        return None
    return blocks


def _layout_blocks(pages: list[_Page], deadline: float) -> list[_Block]:
    """Blocks laid out from the text's positions; past the deadline, without columns."""
    pieces = [_pieces(page.runs, page.number) for page in pages]
    pieces = _drop_furniture(pages, pieces)
    sizes = [p.size for page_pieces in pieces for p in page_pieces]
    body = statistics.median(sizes) if sizes else 10.0
    lines: list[_Line] = []
    for page_pieces in pieces:
        if not page_pieces:
            continue
        if len(page_pieces) > _MAX_PIECES_FOR_COLUMNS or time.monotonic() > deadline:
            regions = [_Region(sorted(page_pieces, key=lambda p: (-p.y, p.x0)))]
        else:
            regions = _order(page_pieces, max(4.0, 0.5 * body))
        for region in regions:
            # Table-of-contents lines ("Treatment ........ 4") repeat the headings.
            lines.extend(ln for ln in _lines(region) if not _TOC_LINE.search(ln.text))
    blocks = _blocks_from_lines(lines)
    body_size = _body_size([b for b in blocks if b.kind == "paragraph"])
    _mark_headings(blocks, body_size)
    return _merge_heading_lines(blocks)
