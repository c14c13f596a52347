"""Search results as a list model, painted by a delegate.

A result is one row of `ResultsModel`; `ResultDelegate` lays out and paints its
heading, where it is, its snippet and its source with QTextLayout. Showing a new
result is one model reset: no widget per row, no rich text parsed. The rows that
fit on screen are laid out at once and drawn; the others are given a height
estimated from their length, and laid out a few at a time when the window is
idle (or when scrolled to). A row's layout is made once per width and kept until
the text size or the row's snippet changes.

Snippets may come after the result (the first rows have theirs at once): a row
without one keeps room for two lines, so the list does not jump when it comes.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.theme import as_rich_text, muted_color, result_tint
from index.sources import kind_label

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QWidget

    from index.model import SearchHit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
_ROW_ROLE = Qt.ItemDataRole.UserRole + 2

PADDING = 4  # around the text of a row
GAP = 2  # between the parts of a row
PENDING_LINES = 2  # room kept for a snippet still to come
WRAP_WASTE = 1.1  # lines wrap at words: a line holds a little less than its width
IDLE_MS = 4  # at most this long laying out rows off screen, between events
SOURCE_SCALE = 0.85  # the source line is a little smaller

_MARKED = re.compile(r"<b>(.*?)</b>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")

_Index = QModelIndex | QPersistentModelIndex


def snippet_text(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet's plain text and its marked words as (start, length). A snippet is
    escaped text with the matched words in <b>; any other tag is dropped, so
    nothing in it is ever read as markup."""
    plain: list[str] = []
    marks: list[tuple[int, int]] = []
    at = length = 0
    for match in _MARKED.finditer(snippet):
        before = html.unescape(_TAG.sub("", snippet[at : match.start()]))
        word = html.unescape(_TAG.sub("", match.group(1)))
        plain += [before, word]
        if word:
            marks.append((length + len(before), len(word)))
        length += len(before) + len(word)
        at = match.end()
    plain.append(html.unescape(_TAG.sub("", snippet[at:])))
    return "".join(plain), marks


@dataclass
class _Row:
    hit: SearchHit  # with its snippet once it has come
    pending: bool  # the snippet is still to come
    spoken: str = ""
    layout: _Layout | None = None  # for `layout_width`
    layout_width: int = -1
    hinted: int = -1  # the height the view was last given for this row
    seen: bool = False  # painted once: laid out exactly from then on

    @property
    def snippet(self) -> str:
        return self.hit.snippet

    @property
    def where(self) -> str:
        return " › ".join([self.hit.title, *self.hit.path[:-1]])

    @property
    def source(self) -> str:
        kind = kind_label(self.hit.source_kind)
        return " · ".join(p for p in (self.hit.source, kind) if p)

    def said(self) -> str:
        """What a screen reader says: the heading, where it is, its source, the snippet."""
        if not self.spoken:
            source = self.source
            from_where = f" From {source}." if source else ""
            plain = snippet_text(self.snippet)[0]
            self.spoken = f"{self.hit.heading}. In {self.where}.{from_where} {plain}".rstrip()
        return self.spoken


class ResultsModel(QAbstractListModel):
    """The hits of the result shown, one row each, with their snippets as they come."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._rows = [_Row(h, pending=not h.snippet) for h in hits]
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return [r.hit for r in self._rows]

    def set_snippets(self, snippets: dict[int, str]) -> list[int]:
        """Fill in the snippets of these rows; returns the rows changed."""
        changed = []
        for row, snippet in snippets.items():
            if 0 <= row < len(self._rows):
                found = self._rows[row]
                found.hit, found.pending = dataclasses.replace(found.hit, snippet=snippet), False
                found.spoken, found.layout, found.layout_width = "", None, -1
                changed.append(row)
        if changed:
            self.dataChanged.emit(self.index(min(changed)), self.index(max(changed)))
        return changed

    def forget_layouts(self) -> None:
        for row in self._rows:
            row.layout, row.layout_width = None, -1

    def unlaid(self, width: int) -> list[_Row]:
        """The rows not yet laid out for this width."""
        return [r for r in self._rows if r.layout is None or r.layout_width != width]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == _ROW_ROLE:
            return row
        if role == HIT_ROLE:
            return row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return row.hit.heading
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.said()
        if role == Qt.ItemDataRole.ToolTipRole:
            return as_rich_text(" › ".join([row.hit.title, *row.hit.path]))
        return None


@dataclass
class _Layout:
    """A row's text laid out for one width: (layout, top, muted) for each part."""

    parts: list[tuple[QTextLayout, float, bool]] = field(default_factory=list)
    height: float = 0.0


class ResultDelegate(QStyledItemDelegate):
    """Paints a result: its heading in bold, where it is (muted), the snippet with the
    matched words in bold, and its source (muted, smaller)."""

    def __init__(self, view: ResultsView) -> None:
        super().__init__(view)
        self.view = view
        # Pixels of rows still to lay out exactly in this layout pass (those on screen).
        self.exact_budget = 0.0
        # font key: a character's width in bold and not (with room for wrapping), the
        # height of a line and of a small line
        self._metrics: dict[str, tuple[float, float, float, float]] = {}

    def _width(self, option: QStyleOptionViewItem) -> int:
        width = self.view.viewport_width or option.rect.width()
        return max(width - 2 * self.view.spacing() - 2 * PADDING, 120)

    def _layout(self, row: _Row, font: QFont, width: int) -> _Layout:
        if row.layout is not None and row.layout_width == width:
            return row.layout
        bold = QFont(font)
        bold.setBold(True)
        small = _smaller(font)
        made = _Layout()
        top = 0.0

        def add(text: str, part_font: QFont, muted: bool, marks: list[tuple[int, int]]) -> None:
            nonlocal top
            layout = QTextLayout(text, part_font)
            if marks:
                strong = QTextCharFormat()
                strong.setFontWeight(QFont.Weight.Bold)
                ranges = []
                for start, length in marks:
                    mark = QTextLayout.FormatRange()
                    mark.start, mark.length, mark.format = start, length, strong
                    ranges.append(mark)
                layout.setFormats(ranges)
            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            layout.setTextOption(option)
            layout.beginLayout()
            height = 0.0
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                line.setPosition(QPointF(0, height))
                height += line.height()
            layout.endLayout()
            if made.parts:
                top += GAP
            made.parts.append((layout, top, muted))
            top += height

        add(row.hit.heading, bold, False, [])
        add(row.where, font, True, [])
        if row.snippet:
            plain, marks = snippet_text(row.snippet)
            add(plain, font, False, marks)
        elif row.pending:
            top += GAP + PENDING_LINES * _line_height(font)
        if row.source:
            add(row.source, small, True, [])
        made.height = top
        row.layout, row.layout_width = made, width
        return made

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        row = index.data(_ROW_ROLE)
        if not isinstance(row, _Row):
            return super().sizeHint(option, index)
        width = self._width(option)
        if row.layout is not None and row.layout_width == width:
            height = row.layout.height
        elif self.exact_budget > 0 or row.seen:
            height = self._layout(row, option.font, width).height
            self.exact_budget -= height
        else:
            height = self._estimate(row, option.font, width)
        row.hinted = round(height) + 2 * PADDING
        return QSize(width + 2 * PADDING, row.hinted)

    def _estimate(self, row: _Row, font: QFont, width: int) -> float:
        """A row's height from the length of its text, without laying it out."""
        key = font.key()
        if key not in self._metrics:
            bold = QFont(font)
            bold.setBold(True)
            self._metrics[key] = (
                QFontMetricsF(bold).averageCharWidth() * WRAP_WASTE,
                QFontMetricsF(font).averageCharWidth() * WRAP_WASTE,
                QFontMetricsF(font).height(),
                QFontMetricsF(_smaller(font)).height(),
            )
        bold_char, char, line, small_line = self._metrics[key]

        def lines(length: float, char: float) -> int:
            return max(1, math.ceil(length * char / width))

        height = lines(len(row.hit.heading), bold_char) * line + GAP
        height += lines(len(row.where), char) * line
        if row.snippet:  # (its <b></b> marks left out; escapes are few)
            height += GAP + lines(len(row.snippet) - 7 * row.snippet.count("<b>"), char) * line
        elif row.pending:
            height += GAP + PENDING_LINES * _line_height(font)
        if row.source:
            height += GAP + lines(len(row.source), char * SOURCE_SCALE) * small_line
        return height

    def forget_metrics(self) -> None:
        self._metrics.clear()

    def lay_out(self, row: _Row, width: int) -> bool:
        """Lay out a row exactly; True if the view must place the rows again."""
        made = self._layout(row, self.view.font(), width)
        return round(made.height) + 2 * PADDING != row.hinted

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row = index.data(_ROW_ROLE)
        if not isinstance(row, _Row):
            super().paint(painter, option, index)
            return
        # The style draws the background, the (tinted) selection and the focus mark.
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        # A tinted selection, so the words of the chosen result keep their colours.
        tinted = QPalette(item.palette)
        tinted.setColor(QPalette.ColorRole.Highlight, result_tint(tinted))
        tinted.setColor(QPalette.ColorRole.HighlightedText, tinted.color(QPalette.ColorRole.Text))
        item.palette = tinted
        widget = item.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        palette: QPalette = option.palette
        rect: QRect = option.rect
        made = self._layout(row, option.font, self._width(option))
        row.seen = True
        if round(made.height) + 2 * PADDING != row.hinted:
            self.view.relayout()  # its height was an estimate
        text = palette.color(QPalette.ColorRole.Text)
        muted = QColor(muted_color(palette))
        painter.save()
        painter.setClipRect(rect)
        for layout, top, is_muted in made.parts:
            painter.setPen(muted if is_muted else text)
            layout.draw(painter, QPointF(rect.left() + PADDING, rect.top() + PADDING + top))
        painter.restore()


def _line_height(font: QFont) -> float:
    return QFontMetricsF(font).lineSpacing()


def _smaller(font: QFont) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * SOURCE_SCALE)
    else:
        small.setPixelSize(max(6, round(font.pixelSize() * SOURCE_SCALE)))
    return small


class ResultsView(QListView):
    """The list of results. Rows wrap to the width of the viewport, which is taken
    from its resize events: asking for viewport() makes PySide load every QWidget
    class to find its type, which costs start-up ~13 ms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # (Everything the overridden methods use is made first: Qt calls them while
        # the view is being set up.)
        self.viewport_width = 0
        self.viewport_height = 0
        self.results = ResultsModel(self)
        self.delegate = ResultDelegate(self)
        self._idle = QTimer(self, interval=0)
        self._idle.timeout.connect(self._lay_out_more)
        self._misplaced = False
        self.setModel(self.results)
        self.setItemDelegate(self.delegate)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(2)
        self.setUniformItemSizes(False)

    def shown(self, row: int) -> list[str]:
        """The words painted for a row, part by part: heading, place, snippet, source."""
        index = self.results.index(row)
        found = index.data(_ROW_ROLE)
        if not isinstance(found, _Row):
            return []
        option = QStyleOptionViewItem()
        option.initFrom(self)
        option.rect = self.visualRect(index)
        made = self.delegate._layout(found, self.font(), self.delegate._width(option))
        return [layout.text() for layout, _, _ in made.parts]

    def laid_out(self) -> int:
        """How many rows are laid out for the present width (not just estimated)."""
        return self.results.rowCount() - len(self.results.unlaid(self._text_width()))

    def set_hits(self, hits: list[SearchHit]) -> None:
        """Show these hits, the first chosen; the first batch of rows is laid out now,
        so the next paint draws them."""
        self.results.set_hits(hits)
        self.executeDelayedItemsLayout()
        if hits:
            self.setCurrentIndex(self.results.index(0))

    def set_snippets(self, snippets: dict[int, str]) -> None:
        if self.results.set_snippets(snippets):
            self.scheduleDelayedItemsLayout()  # their rows may be taller now

    def relayout(self) -> None:
        """Place every row again (a size changed) when back in the event loop."""
        self.scheduleDelayedItemsLayout()

    def doItemsLayout(self) -> None:
        # The rows that fit on screen are laid out exactly, the rest estimated.
        self.delegate.exact_budget = self.viewport_height or self.height()
        super().doItemsLayout()
        self.delegate.exact_budget = 0
        if self.results.unlaid(self._text_width()):
            self._idle.start()

    def _text_width(self) -> int:
        option = QStyleOptionViewItem()
        option.rect = QRect(0, 0, self.viewport_width, 0)
        return self.delegate._width(option)

    def _lay_out_more(self) -> None:
        """Lay out rows off screen for a few milliseconds; place the rows again
        once all are done, if any height was not as estimated."""
        width = self._text_width()
        until = time.perf_counter() + IDLE_MS / 1000
        rows = self.results.unlaid(width)
        for row in rows:
            if self.delegate.lay_out(row, width):
                self._misplaced = True
            if time.perf_counter() > until:
                return
        self._idle.stop()
        if self._misplaced:
            self._misplaced = False
            self.relayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size changed: wrap again
            self.results.forget_layouts()
            self.delegate.forget_metrics()
            self.relayout()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            size = event.size()  # type: ignore[attr-defined]
            self.viewport_height = size.height()
            if size.width() != self.viewport_width:
                self.viewport_width = size.width()
                self.relayout()
        return super().viewportEvent(event)
