"""The Contents panel with libraries of hundreds to thousands of documents."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from desktop import contents
from desktop.app import make_application
from desktop.contents import DOC_ROLE, MAX_OPENED, SECTION_ROLE, ContentsPanel
from index.model import Library
from index.taxonomy import Taxonomy
from tests.index.contents_helpers import big_library


def panel_with(qtbot: QtBot, library: Library, taxonomy: Taxonomy) -> ContentsPanel:
    make_application()
    panel = ContentsPanel(filter_delay_ms=20)
    qtbot.addWidget(panel)
    panel.resize(320, 600)
    panel.show()
    with qtbot.waitSignal(panel.updated, timeout=10000):
        panel.set_library(library, taxonomy)
    return panel


def filter_by(qtbot: QtBot, panel: ContentsPanel, text: str) -> None:
    with qtbot.waitSignal(panel.updated, timeout=10000):
        qtbot.keyClicks(panel.filter, text)
    assert not panel.busy


def in_sight(panel: ContentsPanel) -> list[str]:
    """The labels of the rows one can see (scrolling aside), top to bottom."""
    rows = []
    index = panel.tree.model().index(0, 0)
    while index.isValid():
        rows.append(index.data())
        index = panel.tree.indexBelow(index)
    return rows


def test_filtering_finds_a_heading_deep_in_a_document_and_opens_the_way_to_it(
    qtbot: QtBot,
) -> None:
    panel = panel_with(qtbot, *big_library(600))
    filter_by(qtbot, panel, "zanubrutinib")
    assert in_sight(panel) == [
        "Breast cancer",
        "Leaflet 00007",
        "Treatment",
        "Side effects",
        "Living with it",
        "Zanubrutinib and your heart",
    ]
    assert not panel.nothing.isVisible() and not panel.more.isVisible()
    # Down goes from the filter to the match; Enter there opens it.
    opened: list[tuple[str, str | None]] = []
    panel.open_requested.connect(lambda doc, section: opened.append((doc, section)))
    panel.filter.setFocus()
    qtbot.keyClick(panel.filter, Qt.Key.Key_Down)
    assert panel.tree.hasFocus()
    assert panel.tree.currentIndex().data(SECTION_ROLE) == "deep"
    # Enter in the filter opens the first match.
    qtbot.keyClick(panel.filter, Qt.Key.Key_Return)
    assert opened == [("clinic/leaflet-00007", "deep")]

    filter_by(qtbot, panel, "q")  # "zanubrutinibq"
    assert in_sight(panel) == [] and panel.nothing.isVisible()
    assert "Nothing matches “zanubrutinibq”" in panel.nothing.text()


def test_many_matches_open_only_the_first_and_say_how_many_more(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, *big_library(2000))
    # More documents than can be shown at once: the cancer types start closed.
    assert in_sight(panel) == [
        "Breast cancer",
        "Colon cancer",
        "Leukaemia",
        "Lung cancer",
        "Melanoma",
        "Other documents",
    ]
    filter_by(qtbot, panel, "Side effects")
    assert len(panel.matches) == 2000
    assert "2,000 entries match" in panel.more.text() and panel.more.isVisible()
    sections = [label for label in in_sight(panel) if label == "Side effects"]
    assert 0 < len(sections) <= MAX_OPENED
    assert len(in_sight(panel)) <= contents.OPEN_ROWS + 2 * MAX_OPENED


def test_a_newer_key_supersedes_an_older_filter(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, *big_library(300))
    shown: list[str] = []
    panel.updated.connect(lambda: shown.append(panel.model.view.text))
    # Hold the contents thread so that the first filter is still waiting when the
    # second key comes.
    hold = threading.Event()
    contents._WORK.submit(hold.wait, 10)
    try:
        qtbot.keyClicks(panel.filter, "melan")
        qtbot.waitUntil(lambda: not panel._delay.isActive())  # asked for, not done
        assert panel.busy
        qtbot.keyClicks(panel.filter, "oma x")
        qtbot.keyClick(panel.filter, Qt.Key.Key_Backspace)
        qtbot.keyClick(panel.filter, Qt.Key.Key_Backspace)
    finally:
        hold.set()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    assert shown == ["melanoma"]
    assert in_sight(panel)[0] == "Melanoma" and "Lung cancer" not in in_sight(panel)


def test_clearing_the_filter_puts_back_the_tree_the_selection_and_what_was_opened(
    qtbot: QtBot,
) -> None:
    panel = panel_with(qtbot, *big_library(120))
    before = in_sight(panel)
    assert "Leaflet 00001" in before  # few documents: the types are open
    leaflet = panel.model.find("clinic/leaflet-00013", None)
    panel.tree.expand(leaflet)
    panel.tree.collapse(panel.model.find("clinic/leaflet-00002", None).parent())
    panel.show_current("clinic/leaflet-00019", "s2")
    opened = in_sight(panel)
    assert "Treatment" in opened and "Leaflet 00002" not in opened
    filter_by(qtbot, panel, "zanubrutinib")
    assert "Leaflet 00019" not in in_sight(panel)
    panel.filter.clear()  # at once: no waiting for the thread
    assert not panel.busy
    assert in_sight(panel) == opened
    current = panel.tree.currentIndex()
    assert (current.data(DOC_ROLE), current.data(SECTION_ROLE)) == ("clinic/leaflet-00019", "s2")
    assert not panel.nothing.isVisible() and not panel.more.isVisible()


def test_the_document_shown_is_selected_by_its_id_in_a_tree_of_two_thousand(
    qtbot: QtBot,
) -> None:
    library, taxonomy = big_library(2000)
    make_application()
    panel = ContentsPanel(filter_delay_ms=20)
    qtbot.addWidget(panel)
    panel.show()
    # Shown before the tree is made: selected once it is.
    panel.show_current("clinic/leaflet-01999", "s4")
    with qtbot.waitSignal(panel.updated, timeout=10000):
        panel.set_library(library, taxonomy)
    current = panel.tree.currentIndex()
    assert (current.data(DOC_ROLE), current.data(SECTION_ROLE)) == ("clinic/leaflet-01999", "s4")
    for doc in library.documents[::97]:
        panel.show_current(doc.id, None)
        current = panel.tree.currentIndex()
        assert current.data(DOC_ROLE) == doc.id and current.data(SECTION_ROLE) is None
        assert panel.tree.visualRect(current).intersects(panel.tree.viewport().rect())
    panel.show_current("clinic/leaflet-00005", "no-such-section")  # the document, then
    assert panel.tree.currentIndex().data(DOC_ROLE) == "clinic/leaflet-00005"


def test_the_model_rows_and_parents_agree_on_a_big_tree(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, *big_library(2000))
    model = panel.model
    for text in ("", "side eff"):
        if text:
            filter_by(qtbot, panel, text)
        count = 0

        def walk(parent: QModelIndex) -> None:
            nonlocal count
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                assert index.row() == row and model.parent(index) == parent
                count += 1
                walk(index)

        walk(QModelIndex())
        assert count == (6 + 2000 * 7 + 1 if not text else 6 + 2000 * 4 + 1)


def test_what_the_first_filter_searches_is_made_after_the_tree_is_shown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not while the window draws its first page: then it only slows that down."""
    monkeypatch.setattr(contents, "LABELS_DELAY_MS", 800)
    made = threading.Event()
    real = contents._make_labels
    monkeypatch.setattr(contents, "_make_labels", lambda tree: (real(tree), made.set()))
    panel = panel_with(qtbot, *big_library(300))
    assert not made.is_set()  # the tree is on screen; its labels are not made yet
    qtbot.waitUntil(made.is_set, timeout=5000)
    filter_by(qtbot, panel, "zanubrutinib")
    assert "Zanubrutinib and your heart" in in_sight(panel)


def test_no_labels_are_made_for_a_tree_a_newer_library_replaces(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two edits saved within a second: the first tree's labels would only hold up
    the second tree on the contents thread."""
    monkeypatch.setattr(contents, "LABELS_DELAY_MS", 300)
    made: list[object] = []
    monkeypatch.setattr(contents, "_make_labels", made.append)
    panel = panel_with(qtbot, *big_library(50))
    first = panel._full
    real = contents.build_contents

    def slow(*args: Library | Taxonomy) -> object:  # longer than the labels' delay
        time.sleep(0.8)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(contents, "build_contents", slow)
    with qtbot.waitSignal(panel.updated, timeout=10000):
        panel.set_library(*big_library(60))
    qtbot.waitUntil(lambda: bool(made), timeout=5000)
    assert made == [panel._full] and panel._full is not first
