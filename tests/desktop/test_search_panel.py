"""The Search tab shows what a reader needs to weigh a result: who says it, and
when the library has nothing about what they asked. Results are a list a screen
reader and the keyboard can use, drawn at once however many there are."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAccessible, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from desktop.access import set_text_size
from desktop.app import make_application
from desktop.results_view import ResultDelegate, snippet_text
from desktop.search_panel import SearchPanel
from index.model import QueryTerms, SearchHit, SearchResult

SNIPPET = "Imatinib (<b>Gleevec</b>) can cause swelling &amp; nausea. Tell your nurse."


def hit(doc: str, source: str = "", kind: str = "", snippet: str = "text") -> SearchHit:
    return SearchHit(
        doc, "A title", "s", "A heading", ["Part", "A heading"], 1.0, snippet, source, kind
    )


def many(count: int, with_snippets: int | None = None) -> list[SearchHit]:
    """`count` hits about gleevec; only the first `with_snippets` have their snippet."""
    return [
        SearchHit(
            f"doc{n}",
            f"Gastrointestinal stromal tumours {n}",
            f"s{n}",
            f"Side effects {n}",
            ["Treatment", f"Side effects {n}"],
            1.0,
            SNIPPET if with_snippets is None or n < with_snippets else "",
            "NCI",
            "government",
        )
        for n in range(count)
    ]


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[SearchPanel]:
    make_application()
    made = SearchPanel()
    qtbot.addWidget(made)
    made.resize(340, 600)
    made.show()
    qtbot.waitExposed(made)
    yield made


def show(panel: SearchPanel, result: SearchResult) -> int:
    panel.serial += 1
    panel.show_result(panel.serial, result)
    return panel.serial


def spoken(panel: SearchPanel) -> list[str]:
    """What a screen reader reads for each row of the list."""
    face = QAccessible.queryAccessibleInterface(panel.list)
    assert face is not None
    rows = [face.child(i) for i in range(face.childCount())]
    return [row.text(QAccessible.Text.Name) for row in rows if row is not None]


def test_each_result_names_its_source_and_the_blog_is_labelled(panel: SearchPanel) -> None:
    result = SearchResult(
        "tumours",
        [
            hit("nci", "NCI", "government"),
            hit("blog", "Ronny Allan (patient advocate blog)", "patient's view"),
        ],
    )
    show(panel, result)
    assert panel.list.shown(0)[-1] == "NCI · government"
    assert "a patient's view, not medical advice" in panel.list.shown(1)[-1]
    said = panel.list.model().index(1, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "patient's view" in said


def test_a_notice_is_shown_above_the_results(panel: SearchPanel) -> None:
    notice = "The library has no document about breast cancer. These sections mention it."
    show(panel, SearchResult("breast cancer", [hit("nci", "NCI", "government")], notice=notice))
    text = panel.message.text()
    assert text.index("no document about breast cancer") < text.index("1 section found")
    assert panel.message.geometry().bottom() < panel.list.geometry().top()


def test_a_row_shows_heading_place_snippet_and_source_with_the_found_words_marked(
    panel: SearchPanel,
) -> None:
    show(panel, SearchResult("gleevec", many(3)))
    heading, place, snippet, source = panel.list.shown(0)
    assert heading == "Side effects 0"
    assert place == "Gastrointestinal stromal tumours 0 › Treatment"
    assert snippet == "Imatinib (Gleevec) can cause swelling & nausea. Tell your nurse."
    assert source == "NCI · government"
    assert snippet_text(SNIPPET)[1] == [(len("Imatinib ("), len("Gleevec"))]


def test_a_snippet_is_shown_as_written_never_as_markup() -> None:
    plain, marks = snippet_text('a &lt;img src="file:x"&gt; <i>b</i> <b>c &amp; d</b>')
    assert plain == 'a <img src="file:x"> b c & d'
    assert marks == [(plain.index("c & d"), len("c & d"))]


def test_forty_results_are_one_model_reset_and_only_the_rows_on_screen_are_painted(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    painted: list[int] = []

    class Counting(ResultDelegate):
        def paint(
            self,
            painter: QPainter,
            option: QStyleOptionViewItem,
            index: QModelIndex | QPersistentModelIndex,
        ) -> None:
            painted.append(index.row())
            super().paint(painter, option, index)

    panel.list.setItemDelegate(Counting(panel.list))
    model = panel.list.model()
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda *_: resets.append(0))
    show(panel, SearchResult("gleevec", many(40)))
    assert resets == [1] and model.rowCount() == 40
    assert panel.message.text() == "40 sections found"
    panel.list.viewport().repaint()
    assert 0 in painted and 2 < len(set(painted)) < 20
    assert panel.list.currentIndex().row() == 0  # the first result is chosen at once


def test_rows_off_screen_are_laid_out_after_the_first_paint_and_placed_at_their_height(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    hits = [
        dataclasses.replace(h, snippet=" ".join([SNIPPET] * (1 + n % 4)))
        for n, h in enumerate(many(40))
    ]
    show(panel, SearchResult("gleevec", hits))
    view = panel.list
    assert 2 < view.laid_out() < 20  # those on screen, at once
    qtbot.waitUntil(lambda: view.laid_out() == 40)
    rows = [view.model().index(r, 0) for r in range(40)]

    def gaps() -> set[int]:
        """The space between each row and the next: the same everywhere once each row
        is placed at its own height (an estimated one leaves a gap or overlaps)."""
        rects = [view.visualRect(i) for i in rows]
        return {below.top() - above.bottom() for above, below in itertools.pairwise(rects)}

    qtbot.waitUntil(lambda: gaps() == {2 * view.spacing() + 1})
    heights = {view.visualRect(i).height() for i in rows}
    assert len(heights) >= 4  # as tall as each one's text
    view.scrollToBottom()
    assert view.visualRect(rows[-1]).bottom() <= view.viewport().height()


def test_arrow_keys_move_and_enter_opens_the_chosen_result(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    terms = QueryTerms(frozenset({"gleevec"}), ())
    show(panel, SearchResult("gleevec", many(5), terms=terms))
    opened: list[tuple[SearchHit, QueryTerms]] = []
    panel.open_requested.connect(lambda h, t: opened.append((h, t)))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert panel.list.currentIndex().row() == 2
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert opened == [(panel.hits()[2], terms)]
    qtbot.keyClick(panel.list, Qt.Key.Key_Up)
    panel.open_current()  # Enter in the search box
    assert opened[-1][0] == panel.hits()[1]


def test_a_screen_reader_reads_each_row_as_heading_place_source_and_snippet(
    panel: SearchPanel,
) -> None:
    show(panel, SearchResult("gleevec", many(3)))
    assert spoken(panel)[0] == (
        "Side effects 0. In Gastrointestinal stromal tumours 0 › Treatment. From NCI · "
        "government. Imatinib (Gleevec) can cause swelling & nausea. Tell your nurse."
    )
    assert len(spoken(panel)) == 3


def test_snippets_that_come_later_fill_their_rows_and_late_ones_are_dropped(
    qtbot: QtBot, panel: SearchPanel
) -> None:
    serial = show(panel, SearchResult("gleevec", many(20, with_snippets=12)))
    assert len(panel.list.shown(15)) == 3  # no snippet yet: heading, place, source
    assert spoken(panel)[15].endswith("From NCI · government.")
    model = panel.list.model()

    def height(row: int) -> int:
        return panel.list.visualRect(model.index(row, 0)).height()

    before = [height(15), height(16)]
    later = "Swelling <b>around</b> the eyes is common and mild. It goes when treatment ends."
    panel.set_snippets(serial - 1, {15: "from an older search"})  # not the result shown
    assert len(panel.list.shown(15)) == 3
    long = " ".join([SNIPPET] * 4)
    panel.set_snippets(serial, {15: later, 16: long, 99: "no such row"})
    assert panel.list.shown(15)[2] == snippet_text(later)[0]
    assert spoken(panel)[15].endswith("eyes is common and mild. It goes when treatment ends.")
    assert panel.list.shown(16)[2] == snippet_text(long)[0]
    assert panel.hits()[15].snippet == later  # the hit opened carries it too
    # A long snippet makes its row taller; a short one (about two lines) fills the room
    # kept for it, so what is below hardly moves.
    qtbot.waitUntil(lambda: height(16) > before[1] + 2 * panel.list.fontMetrics().height())
    assert abs(height(15) - before[0]) <= panel.list.fontMetrics().lineSpacing()
    # A new result: snippets of the old one are not put into its rows.
    newer = show(panel, SearchResult("nausea", many(20, with_snippets=0)))
    panel.set_snippets(serial, {0: later})
    assert len(panel.list.shown(0)) == 3
    panel.set_snippets(newer, {0: SNIPPET})
    assert "Gleevec" in panel.list.shown(0)[2]


def test_rows_grow_with_the_text_size(qtbot: QtBot, panel: SearchPanel) -> None:
    show(panel, SearchResult("gleevec", many(3)))
    model = panel.list.model()
    before = panel.list.visualRect(model.index(0, 0)).height()
    try:
        set_text_size(5)
        qtbot.waitUntil(lambda: panel.list.visualRect(model.index(0, 0)).height() > before * 1.3)
    finally:
        set_text_size(0)
    qtbot.waitUntil(lambda: panel.list.visualRect(model.index(0, 0)).height() == before)


def test_clearing_the_search_empties_the_list(panel: SearchPanel) -> None:
    show(panel, SearchResult("gleevec", many(3)))
    panel.set_query("")
    assert panel.hits() == [] and panel.list.model().rowCount() == 0
    assert "Type a word" in panel.message.text()
