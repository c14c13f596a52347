"""Keyboard-only use, screen-reader names, large text and small screens."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QAccessibleInterface,
    QColor,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from desktop.access import FocusRing, fit_to_screen
from desktop.app import make_application
from desktop.settings import Settings
from desktop.theme import (
    FOCUS_WIDTH,
    color_pairs,
    contrast,
    dark_palette,
    focus_color,
    light_palette,
    mark_colors,
)
from desktop.window import Location, MainWindow
from tests.desktop.test_window import (  # noqa: F401  (fixtures)
    GIST,
    open_window,
    settings,
    shared_index,
    wait_for_answer,
)


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, shared_index: Path) -> MainWindow:  # noqa: F811
    return open_window(qtbot, settings, shared_index)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: QtBot, key: str) -> None:
    sequence = QKeySequence(key)[0]
    target = focused()
    assert target is not None
    qtbot.keyClick(target, sequence.key(), sequence.keyboardModifiers())


def test_f6_and_ctrl_tab_go_round_sidebar_search_and_reader(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    window.reader.setFocus()
    qtbot.waitUntil(lambda: focused() is window.reader)
    press(qtbot, "F6")
    assert window.sidebar.isAncestorOf(focused())
    press(qtbot, "F6")
    assert focused() is window.search_field
    press(qtbot, "F6")
    assert focused() is window.reader
    press(qtbot, "Shift+F6")
    assert focused() is window.search_field
    press(qtbot, "Ctrl+Tab")
    assert focused() is window.reader
    press(qtbot, "Ctrl+Shift+Tab")
    assert focused() is window.search_field


def test_tab_goes_from_the_caret_to_the_next_link_and_esc_leaves_the_links(
    qtbot: QtBot, window: MainWindow
) -> None:
    doc = window.session.library.get(GIST)
    section = doc.sections[len(doc.sections) // 2]
    window.open_location(Location(GIST, section.id))
    reader = window.reader
    reader.setFocus()
    qtbot.waitUntil(lambda: focused() is reader)
    caret = reader.textCursor().position()
    qtbot.keyClick(reader, Qt.Key.Key_Tab)
    link = reader.textCursor()
    assert link.hasSelection() and link.charFormat().anchorHref()
    assert link.selectionStart() >= caret > 0  # not the first link of the page
    qtbot.keyClick(reader, Qt.Key.Key_Tab)
    assert reader.textCursor().selectionStart() > link.selectionStart()
    qtbot.keyClick(reader, Qt.Key.Key_Escape)
    assert not reader.textCursor().hasSelection() and focused() is reader
    qtbot.keyClick(reader, Qt.Key.Key_Tab)
    assert focused() is not reader  # out of the reader at once, not after 260 links


def test_tab_reaches_the_contents_filter_and_the_tree(qtbot: QtBot, window: MainWindow) -> None:
    window.show_tab(0)
    window.search_field.setFocus()
    qtbot.waitUntil(lambda: focused() is window.search_field)
    seen = []
    for _ in range(6):
        press(qtbot, "Tab")
        seen.append(focused())
    assert window.contents.filter in seen and window.contents.tree in seen
    assert window.reader in seen
    assert seen.index(window.contents.filter) < seen.index(window.contents.tree)


def test_did_you_mean_and_see_also_are_links_the_keyboard_reaches(
    qtbot: QtBot, window: MainWindow
) -> None:
    wait_for_answer(qtbot, window, "imatinib resistance")
    panel = window.search
    assert panel.result is not None and panel.result.hits
    offered = dataclasses.replace(panel.result, message=None, did_you_mean="imatinib")
    panel.show_result(panel.serial, offered)
    message = panel.message
    assert "Did you mean" in message.text()
    assert message.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert message.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    wait_for_answer(qtbot, window, "gleevec")
    card = window.search.card
    assert card.isVisible() and "related:" in card.text()
    assert card.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert card.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def test_no_two_entries_of_a_menu_share_a_mnemonic(window: MainWindow) -> None:
    for menu in window.menuBar().findChildren(QMenu):
        letters = []
        for action in menu.actions():
            text = action.text().replace("&&", "")
            if "&" in text:
                letters.append(text[text.index("&") + 1].lower())
        assert len(letters) == len(set(letters)), (menu.title(), letters)
    menus = [a.text() for a in window.menuBar().actions()]
    letters = [m[m.index("&") + 1].lower() for m in menus if "&" in m]
    assert len(letters) == len(set(letters))


def accessible(widget: QWidget) -> QAccessibleInterface:
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    return face


def name_of(widget: QWidget) -> str:
    return accessible(widget).text(QAccessible.Text.Name)


def test_labels_read_as_their_text(qtbot: QtBot, window: MainWindow) -> None:
    summary = window.status.summary
    assert "documents" in summary.text() and "sections" in summary.text()
    assert name_of(summary) == summary.text()
    note = name_of(window.disclaimer)
    assert "not medical advice" in note and note != "Note"
    wait_for_answer(qtbot, window, "gleevec")
    assert name_of(window.search.message).endswith("found")
    card = name_of(window.search.card)
    assert "imatinib" in card.lower() and card != "Definition"


def test_every_control_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    window.show_tab(2)
    window.show_tab(1)
    window.show_tab(0)
    nameless = []
    for widget in window.findChildren(QWidget):
        face = accessible(widget)
        if (
            face.role()
            in (
                QAccessible.Role.PushButton,
                QAccessible.Role.CheckBox,
                QAccessible.Role.ButtonMenu,
                QAccessible.Role.EditableText,
                QAccessible.Role.ComboBox,
                QAccessible.Role.List,
                QAccessible.Role.Tree,
            )
            and not face.state().invisible
        ) and not face.text(QAccessible.Text.Name).strip():
            nameless.append((type(widget).__name__, widget.objectName()))
    assert nameless == []


def test_handout_ticks_are_announced_as_checked(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(GIST))
    window.show_handout()
    dialog = window.handout_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.set_chosen([])
    item = dialog.tree.topLevelItem(0)

    def cell() -> QAccessibleInterface:
        face = accessible(dialog.tree)
        cells = [face.child(i) for i in range(face.childCount())]
        found = [c for c in cells if c.text(QAccessible.Text.Name).startswith(item.text(0) + ",")]
        assert found, [c.text(QAccessible.Text.Name) for c in cells[:4]]
        return found[0]

    assert cell().state().checkable and not cell().state().checked
    assert cell().text(QAccessible.Text.Name) == item.text(0) + ", not ticked"
    item.setCheckState(0, Qt.CheckState.Checked)
    assert cell().state().checked
    assert cell().text(QAccessible.Text.Name) == item.text(0) + ", ticked"
    assert dialog.chosen()  # the tick still counts


def test_one_text_size_for_the_whole_window_kept_and_remembered(
    qtbot: QtBot,
    window: MainWindow,
    settings: Settings,  # noqa: F811
    shared_index: Path,  # noqa: F811
) -> None:
    doc = window.session.library.get(GIST)
    section = doc.sections[len(doc.sections) // 2]
    window.open_location(Location(GIST, section.id))
    wait_for_answer(qtbot, window, "gleevec")
    window.show_tab(0)
    reader = window.reader
    place = reader.top_position()
    parts = {
        "tree": window.contents.tree,
        "reader": reader,
        "results": window.search.list,
        "search box": window.search_field,
    }
    before = {name: w.fontInfo().pointSizeF() for name, w in parts.items()}
    for _ in range(10):  # 200 %
        window.zoom_in_action.trigger()
    after = {name: w.fontInfo().pointSizeF() for name, w in parts.items()}
    for name in parts:
        assert after[name] >= before[name] * 1.9, name
    assert QApplication.font().pointSizeF() >= 1.9 * before["tree"]
    # The same words are at the top as before: the place is kept.
    assert abs(reader.top_position() - place) < 200
    assert reader.current_section() == section.id
    # The sidebar's tabs are not cut off.
    tabs = window.sidebar.tabBar()
    assert window.sidebar.width() >= tabs.sizeHint().width()
    window.close()
    again = open_window(qtbot, settings, shared_index)
    assert again.reading.zoom == 10
    assert again.reader.fontInfo().pointSizeF() == after["reader"]
    again.zoom_reset_action.trigger()
    assert again.reader.fontInfo().pointSizeF() == before["reader"]


@pytest.mark.parametrize(
    ("available", "wanted", "expected"),
    [
        (QSize(1366, 738), QSize(1180, 780), QSize(1180, 698)),  # a laptop, 1x
        (QSize(960, 510), QSize(1180, 780), QSize(920, 470)),  # 1920 x 1080 at 2x
        (QSize(2560, 1400), QSize(560, 620), QSize(560, 620)),  # room to spare
    ],
)
def test_windows_fit_the_free_area_of_the_screen(
    available: QSize, wanted: QSize, expected: QSize
) -> None:
    assert fit_to_screen(wanted, available) == expected


def test_the_window_and_dialogs_fit_a_small_screen(qtbot: QtBot, window: MainWindow) -> None:
    screen = window.screen().availableGeometry().size()  # 800 x 600 offscreen
    assert window.width() <= screen.width() and window.height() <= screen.height()
    window.open_location(Location(GIST))
    window.show_handout()
    window.show_settings()
    window.show_problems()
    small = QSize(960, 510)  # 1920 x 1080 at 2x, less a panel
    for dialog in (window.handout_dialog, window.settings_dialog, window.problems_dialog):
        assert dialog is not None
        qtbot.addWidget(dialog)
        assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
        need = dialog.minimumSizeHint()
        assert need.width() <= small.width() and need.height() <= small.height(), dialog


@pytest.mark.parametrize("palette", [light_palette, dark_palette])
def test_every_colour_pair_meets_wcag_aa(palette) -> None:  # type: ignore[no-untyped-def]
    QApplication.instance() or make_application()
    failing = [
        f"{what}: {fg.name()} on {bg.name()} is {contrast(fg, bg):.2f}:1, needs {least}"
        for what, fg, bg, least in color_pairs(palette())
        if contrast(fg, bg) < least
    ]
    assert failing == []


def test_contrast_is_measured_as_wcag_says() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#ffffff"), QColor("#ffffff")) == 1.0


def test_the_reader_marks_use_the_checked_colours(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(GIST), highlight=["imatinib"])
    marks = window.reader.extraSelections()
    assert marks
    ink, background = mark_colors(window.reader.palette())["search"]
    assert marks[0].format.background().color() == background
    assert marks[0].format.foreground().color() == ink


def test_the_focus_is_ringed_thick_and_clear(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    for widget in (window.search_field, window.reader, window.contents.tree):
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: focused() is w)
        ring = FocusRing.install()
        assert ring is not None and ring.isVisible() and ring.target is widget
        inside = ring.geometry().adjusted(FOCUS_WIDTH, FOCUS_WIDTH, -FOCUS_WIDTH, -FOCUS_WIDTH)
        assert inside == widget.geometry().translated(
            widget.mapTo(window, widget.rect().topLeft()) - widget.pos()
        )
        image = ring.grab().toImage()
        edge = QColor(image.pixel(image.width() // 2, 1))
        assert edge == focus_color(window.palette())
        assert FOCUS_WIDTH >= 2


def test_the_reader_shows_screen_readers_its_links_and_headings(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_location(Location(GIST))
    reader = window.reader
    marks = reader.accessible_marks()
    marks.refresh(force=True)
    page = window.session.page(window.reading.shown_page)
    hrefs = re.findall(r'<a [^>]*href="([^"]+)"', page)
    headings = re.findall(r"<h[1-6][ >]", page)
    face = accessible(reader)
    children = [face.child(i) for i in range(face.childCount())]
    shown = [c for c in children if not c.state().invisible]
    links = [c for c in shown if c.role() == QAccessible.Role.Link]
    heads = [c for c in shown if c.role() == QAccessible.Role.Heading]
    assert len(links) == len(hrefs) > 200  # every marked term and link
    assert len(heads) == len(headings) > 20
    assert heads[0].text(QAccessible.Text.Name) == window.session.library.get(GIST).title
    assert all(link.text(QAccessible.Text.Name).strip() for link in links)
    assert face.role() in (QAccessible.Role.StaticText, QAccessible.Role.EditableText)
    assert face.textInterface() is not None  # still read as text
    # Tab to a link: its stand-in is the focused object.
    reader.setFocus()
    qtbot.waitUntil(lambda: focused() is reader)
    qtbot.keyClick(reader, Qt.Key.Key_Tab)
    start = reader.textCursor().selectionStart()
    now = [c for c in links if c.state().focused]
    assert len(now) == 1
    words = reader.textCursor().selectedText().strip()
    assert now[0].text(QAccessible.Text.Name) == " ".join(words.split())
    assert marks.visible()[[m.start for m in marks.visible()].index(start)].focused
    assert reader.accessibleDescription().startswith(f"Link: {now[0].text(QAccessible.Text.Name)}")
    qtbot.keyClick(reader, Qt.Key.Key_Escape)
    assert not any(c.state().focused for c in links)
    assert not reader.accessibleDescription().startswith("Link")


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What screen readers were asked to say."""
    said: list[str] = []
    original = QAccessible.updateAccessibility

    def listen(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            said.append(event.message())
        original(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", listen)
    return said


def test_arriving_results_and_did_you_mean_are_announced(
    qtbot: QtBot, window: MainWindow, heard: list[str]
) -> None:
    wait_for_answer(qtbot, window, "gleevec")
    assert any(re.match(r"\d+ sections? found\. (imatinib|Gleevec)", h, re.I) for h in heard), heard
    # Read by screen readers that do not take announcements: the search box says it.
    assert window.search_field.accessibleDescription() == heard[-1]
    panel = window.search
    offered = dataclasses.replace(panel.result, message=None, did_you_mean="imatinib")
    panel.show_result(panel.serial, offered)
    assert heard[-1].startswith("Did you mean imatinib?")


def test_an_opened_definition_and_a_saved_handout_are_announced(
    qtbot: QtBot, window: MainWindow, heard: list[str], tmp_path: Path
) -> None:
    window.open_location(Location(GIST))
    entry = window.session.glossary.lookup("imatinib")
    window.popup.show_entry(entry)
    assert heard[-1] == f"{entry.term}: {entry.definition}"
    assert window.popup.button.accessibleDescription() == heard[-1]  # read with its button
    window.popup.hide()
    window.show_handout()
    dialog = window.handout_dialog
    qtbot.addWidget(dialog)
    assert dialog.save(tmp_path / "handout.pdf")
    assert re.match(r"Saved handout\.pdf: \d+ pages?", heard[-1])


def test_results_read_heading_place_and_snippet(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_answer(qtbot, window, "gleevec")
    hit = window.search.hits()[0]
    face = accessible(window.search.list)
    names = [face.child(i).text(QAccessible.Text.Name) for i in range(face.childCount())]
    said = next(n for n in names if n.startswith(hit.heading))
    assert f"In {hit.title}" in said
    snippet_words = re.sub(r"<[^>]+>", "", hit.snippet).split()[:4]
    assert " ".join(snippet_words) in said
