"""The window, driven the way a person would: clicks, typing, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QHelpEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QToolTip,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.app import make_application
from desktop.contents import DOC_ROLE, SECTION_ROLE, ContentsModel
from desktop.reader import text_fragments
from desktop.settings import Settings
from desktop.window import Location, MainWindow
from index.contents import build_contents, filter_tree
from index.model import SearchResult
from index.session import Session
from tests.conftest import write

GIST = "acs-treating-gist"
NCI = "nci-small-intestine-cancer-treatment"


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("window-index")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def open_window(qtbot: QtBot, settings: Settings, index_dir: Path, **kwargs) -> MainWindow:  # type: ignore[no-untyped-def]
    make_application()
    window = MainWindow(index_dir=index_dir, settings=settings, **kwargs)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=20000):
        window.show()
    qtbot.waitUntil(lambda: window.searchable, timeout=20000)  # search is ready
    return window


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, shared_index: Path) -> MainWindow:
    return open_window(qtbot, settings, shared_index)


def tree_rows(window: MainWindow) -> list[tuple[str, str | None, str | None]]:
    """(label, doc, section) of every visible row, top to bottom, once the tree asked
    for (made and filtered on a thread of its own) is on screen."""
    from PySide6.QtTest import QTest

    for _ in range(2000):
        if not window.contents.busy:
            break
        QTest.qWait(10)
    rows = []
    model = window.contents.model

    def walk(parent) -> None:  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            rows.append((index.data(), index.data(DOC_ROLE), index.data(SECTION_ROLE)))
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return rows


def click_tree(qtbot: QtBot, window: MainWindow, doc: str, section: str | None) -> None:
    tree = window.contents.tree
    index = window.contents.model.find(doc, section)
    assert index.isValid()
    tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    rect = tree.visualRect(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def top_block_text(window: MainWindow) -> str:
    return window.reader.cursorForPosition(QPoint(5, 5)).block().text()


def test_the_contents_model_is_a_proper_qt_model(qtmodeltester, bundled_session: Session) -> None:  # type: ignore[no-untyped-def]
    model = ContentsModel()
    tree = build_contents(bundled_session.library, bundled_session.taxonomy)
    model.set_tree(tree)
    qtmodeltester.check(model)
    model.set_view(filter_tree(tree, "ablation"))  # cut down: rows of its own
    qtmodeltester.check(model)


def test_tree_lists_types_then_documents_then_sections(window: MainWindow) -> None:
    rows = tree_rows(window)
    types = [label for label, doc, _ in rows if doc is None]
    assert "Gastrointestinal stromal tumour (GIST)" in types
    assert "Small intestine cancer" in types
    gist_type = rows.index(("Gastrointestinal stromal tumour (GIST)", None, None))
    assert rows[gist_type + 1][1] == GIST and rows[gist_type + 1][2] is None
    assert rows[gist_type + 2][1] == GIST and rows[gist_type + 2][2] is not None


def test_filter_narrows_the_tree(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.contents.filter, "ablation")
    qtbot.waitUntil(lambda: not window.contents.busy)
    rows = tree_rows(window)
    sections = [label for label, _, section in rows if section]
    assert "Possible side effects of ablation" in sections
    assert "Imatinib (Gleevec)" not in sections
    assert {doc for _, doc, _ in rows if doc} == {GIST}


def test_clicking_a_section_opens_it_at_the_top(qtbot: QtBot, window: MainWindow) -> None:
    section = next(
        s for s in window.session.library.get(GIST).sections if s.heading == "Embolization"
    )
    click_tree(qtbot, window, GIST, section.id)
    assert window.shown_doc == GIST
    assert window.windowTitle().startswith("Treating Gastrointestinal Stromal Tumors")
    qtbot.waitUntil(lambda: top_block_text(window) == "Embolization")
    assert window.reader.current_section() == section.id


def test_scrolling_the_reader_follows_in_the_tree(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(NCI))
    target = window.session.library.get(NCI).sections[12]
    window.reader.scroll_to_section(target.id)
    tree = window.contents.tree
    qtbot.waitUntil(lambda: tree.currentIndex().data(SECTION_ROLE) == target.id)


def test_typing_a_search_shows_results_and_enter_opens_the_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClicks(window.search_field, "gleevec")
    qtbot.waitUntil(lambda: bool(window.search.result and window.search.hits()))
    assert window.sidebar.currentIndex() == 1 and window.search.isVisible()
    hits = window.search.hits()
    assert hits[0].doc == GIST
    assert window.search.card.isVisible() and "imatinib" in window.search.card.text()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.shown_doc == GIST
    marked = {m.cursor.selectedText().casefold() for m in window.reader.extraSelections()}
    assert marked & {"gleevec", "imatinib"}


def test_an_opened_result_highlights_the_words_of_the_query_that_found_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.search_field_set("gleevec")
    qtbot.waitUntil(lambda: bool(window.search.result and window.search.hits()))
    window.search_field.setText("surgery")  # typed on, but not yet searched
    window.search.open_current()
    marked = {m.cursor.selectedText().casefold() for m in window.reader.extraSelections()}
    assert marked & {"gleevec", "imatinib"} and "surgery" not in marked


def test_clicking_a_result_opens_its_section(qtbot: QtBot, window: MainWindow) -> None:
    window.search_field_set("blocked bowel stent")
    qtbot.waitUntil(lambda: bool(window.search.hits()))
    hit = window.search.hits()[0]
    rect = window.search.list.visualRect(window.search.list.model().index(0, 0))
    qtbot.mouseClick(window.search.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (window.shown_doc, window.reader.current_section()) == (hit.doc, hit.section)


def test_rows_past_the_first_get_their_snippets_after_the_answer(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop.worker import FIRST_SNIPPETS

    sent: set[int] = set()
    window.worker.snippets.connect(lambda _serial, made: sent.update(made))
    window.search_field_set("cancer treatment")
    qtbot.waitUntil(lambda: len(window.search.hits()) > 20, timeout=20000)
    rows = len(window.search.hits())
    qtbot.waitUntil(lambda: sent >= set(range(FIRST_SNIPPETS, rows)), timeout=20000)
    # The worker is done with this search: the same search made at once, to compare.
    assert window.worker.session is not None
    eager = window.worker.session.search("cancer treatment", snippets=40).hits
    assert sum(1 for h in eager[FIRST_SNIPPETS:] if h.snippet) > 20
    shown = window.search.hits
    qtbot.waitUntil(lambda: [h.snippet for h in shown()] == [h.snippet for h in eager])
    row = window.search.list.model().index(30, 0)
    said = row.data(Qt.ItemDataRole.AccessibleTextRole)
    assert " ".join(eager[30].snippet.replace("<b>", "").replace("</b>", "").split()[:3]) in said


def test_a_newer_keystroke_supersedes_older_queries(qtbot: QtBot, window: MainWindow) -> None:
    answered: list[int] = []
    window.worker.results.connect(lambda serial, _: answered.append(serial))
    for text in ["i", "im", "ima", "imat", "imatinib"]:
        window.search.set_query(text, at_once=True)
    qtbot.waitUntil(lambda: window.search.shown_serial == window.search.serial)
    assert window.search.result.query == "imatinib"
    assert answered[-1] == window.search.serial
    before = window.search.hits()
    window.search.show_result(window.search.serial - 3, SearchResult("im", []))  # late, stale
    assert window.search.hits() == before and window.search.result.query == "imatinib"


def test_an_empty_or_useless_query_explains_itself(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_answer(qtbot, window, "the of and")
    assert window.search.message.isVisible() and "for example" in window.search.message.text()
    assert window.search.hits() == []
    window.search_field_set("")
    assert "Type a word" in window.search.message.text()


def test_a_misspelling_offers_did_you_mean(qtbot: QtBot, window: MainWindow) -> None:
    wait_for_answer(qtbot, window, "imatinb resistance")
    assert "imatinib" in window.search.message.text()


def test_filter_by_cancer_type(qtbot: QtBot, window: MainWindow) -> None:
    combo: QComboBox = window.search.types
    combo.setCurrentIndex(combo.findText("Gastrointestinal stromal tumour (GIST)"))
    wait_for_answer(qtbot, window, "surgery")
    assert {h.doc for h in window.search.hits()} == {GIST}


def wait_for_answer(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search_field_set(text)
    qtbot.waitUntil(lambda: bool(window.search.result and window.search.result.query == text))


def term_position(window: MainWindow, href: str) -> int:
    for _, fragment in text_fragments(window.reader.document()):
        if fragment.charFormat().anchorHref() == href:
            return fragment.position()
    raise AssertionError(f"{href} is not in the document")


def test_clicking_a_term_opens_its_definition(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(NCI))
    position = term_position(window, "glossary:organ")
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(position + 1)
    window.reader.setTextCursor(cursor)
    window.reader.ensureCursorVisible()
    point = window.reader.cursorRect(cursor).center()
    asked: list[QPoint] = []
    window.reader.link_activated.connect(lambda _href, where: asked.append(where))
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(window.popup.isVisible)
    assert window.popup.entry.term == "organ"
    # The popup is asked for just under the word that was clicked.
    under = window.reader.viewport().mapToGlobal(window.reader.cursorRect().bottomLeft())
    assert asked == [under]
    assert "special job" in window.popup.text.text()
    qtbot.mouseClick(window.popup.button, Qt.MouseButton.LeftButton)
    assert window.sidebar.currentIndex() == 2 and window.glossary_panel.isVisible()
    assert window.glossary_panel.list.currentItem().text() == "organ"


def test_terms_read_as_words_with_a_dotted_underline(window: MainWindow) -> None:
    """Both kinds of term (one NCI links, one we marked) look the same: text coloured,
    underlined with dots in the link colour; a web link stays a link."""
    from PySide6.QtGui import QPalette, QTextCharFormat

    window.open_location(Location(NCI))
    palette = window.reader.palette()
    links = [
        fragment.charFormat()
        for _, fragment in text_fragments(window.reader.document())
        if fragment.charFormat().isAnchor()
    ]
    terms = [f for f in links if f.anchorHref().startswith("glossary:")]
    assert len(terms) > 100
    for fmt in terms:
        assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
        assert fmt.foreground().color() == palette.color(QPalette.ColorRole.Text)
        assert fmt.underlineColor() == palette.color(QPalette.ColorRole.Link)
    web = [f for f in links if f.anchorHref().startswith("https://")]
    assert web and all(f.underlineStyle() != QTextCharFormat.UnderlineStyle.DotLine for f in web)


def test_a_term_opens_from_the_keyboard_and_shows_a_tooltip(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_location(Location("ronny-allan-small-intestine-nets"))
    reader = window.reader
    reader.setFocus()
    reader.moveCursor(QTextCursor.MoveOperation.Start)
    for _ in range(30):  # Tab from link to link, as a keyboard user does
        qtbot.keyClick(reader, Qt.Key.Key_Tab)
        if reader.textCursor().charFormat().anchorHref() == "glossary:carcinoid":
            break
    assert reader.textCursor().charFormat().anchorHref() == "glossary:carcinoid"
    qtbot.keyClick(reader, Qt.Key.Key_Return)
    qtbot.waitUntil(window.popup.isVisible)
    assert window.popup.entry.term == "carcinoid"
    window.popup.hide()

    cursor = QTextCursor(reader.document())
    cursor.setPosition(term_position(window, "glossary:multifocal") + 1)
    point = reader.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, reader.viewport().mapToGlobal(point))
    reader.viewportEvent(event)
    assert "more than one tumour" in QToolTip.text()


def test_back_and_forward_across_documents_and_sections(qtbot: QtBot, window: MainWindow) -> None:
    gist = window.session.library.get(GIST)
    window.open_location(Location(NCI))
    window.open_location(Location(GIST, gist.sections[5].id))
    window.open_location(Location(GIST, gist.sections[20].id))
    assert window.back_action.isEnabled() and not window.forward_action.isEnabled()
    window.back_action.trigger()
    assert (window.shown_doc, window.reader.current_section()) == (GIST, gist.sections[5].id)
    window.back_action.trigger()
    assert window.shown_doc == NCI
    window.forward_action.trigger()
    window.forward_action.trigger()
    assert (window.shown_doc, window.reader.current_section()) == (GIST, gist.sections[20].id)
    assert not window.forward_action.isEnabled()
    assert QKeySequence(QKeySequence.StandardKey.Back) in window.back_action.shortcuts()


def test_find_in_page_counts_and_steps_through_matches(qtbot: QtBot, window: MainWindow) -> None:
    window.open_location(Location(GIST))
    expected = window.reader.toPlainText().casefold().count("sunitinib")
    window.find_action.trigger()
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "sunitinib")
    assert window.find_bar.count.text() == f"1 of {expected}"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.find_bar.count.text() == f"2 of {expected}"
    assert window.reader.textCursor().block().text().casefold().count("sunitinib") >= 1
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.find_bar.count.text() == f"1 of {expected}"
    qtbot.keyClicks(window.find_bar.field, "zzz")
    assert window.find_bar.count.text() == "No matches"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_a_library_folder_with_a_good_and_a_broken_document(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "clinic"
    write(
        folder / "port-care.md",
        "---\ntitle: Caring for your port\ncancerTypes: [Stomach cancer]\n---\n"
        "# Flushing\n\nThe nurse flushes the port with saline every four weeks.\n",
    )
    write(folder / "scan.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    window = open_window(qtbot, settings, tmp_path / "index")
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        window.show_settings()
        window.settings_dialog.add_folder(folder)
    labels = [label for label, _, _ in tree_rows(window)]
    assert "Caring for your port" in labels and "Stomach cancer" in labels
    assert window.problems_button.isVisible()
    qtbot.mouseClick(window.problems_button, Qt.MouseButton.LeftButton)
    assert window.problems_dialog.isVisible()
    rows = window.problems_dialog.rows()
    assert any(f.endswith("scan.md") and "binary" in p for f, p in rows)
    qtbot.waitUntil(lambda: window.search.ready)
    window.search_field_set("saline")
    qtbot.waitUntil(lambda: bool(window.search.hits()), timeout=20000)
    assert window.search.hits()[0].title == "Caring for your port"

    # A new file in the folder shows up without a restart.
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        write(folder / "diet.md", "---\ntitle: Eating after surgery\n---\nSmall meals.\n")
    assert "Eating after surgery" in [label for label, _, _ in tree_rows(window)]
    assert QSettings(settings.store.fileName(), QSettings.Format.IniFormat).value(
        "library/folders", []
    ) in ([str(folder)], str(folder))


def test_edits_to_a_document_with_an_upper_case_suffix_are_picked_up(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "clinic"
    diet = write(folder / "Diet.MD", "---\ntitle: Eating well\n---\nSmall meals.\n")
    settings.folders = [folder]
    window = open_window(qtbot, settings, tmp_path / "index", watch_delay_ms=50)
    assert "Eating well" in [label for label, _, _ in tree_rows(window)]
    assert str(diet) in window.watcher.watched()
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        write(diet, "---\ntitle: Eating well after surgery\n---\nSmall meals, often.\n")
    assert "Eating well after surgery" in [label for label, _, _ in tree_rows(window)]


def test_the_library_is_kept_from_the_collector_and_a_reload_lets_go_of_the_old_one(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    import gc
    import weakref

    folder = tmp_path / "clinic"
    diet = write(folder / "diet.md", "---\ntitle: Eating well\n---\nSmall meals.\n")
    settings.folders = [folder]
    window = open_window(qtbot, settings, tmp_path / "index", watch_delay_ms=50)
    assert window.session is not None
    old = window.session.library.get("diet")
    assert old is not None and gc.is_tracked(old.meta)
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # the objects made until the library was searchable
    gone = weakref.ref(old)
    del old
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        write(diet, "---\ntitle: Eating well after surgery\n---\nSmall meals, often.\n")
    qtbot.waitUntil(lambda: gone() is None, timeout=20000)
    assert window.session.library.get("diet").title == "Eating well after surgery"


def test_size_zoom_and_last_section_are_remembered(
    qtbot: QtBot, settings: Settings, shared_index: Path
) -> None:
    window = open_window(qtbot, settings, shared_index)
    section = window.session.library.get(GIST).sections[30]
    window.open_location(Location(GIST, section.id))
    window.zoom_in_action.trigger()
    window.zoom_in_action.trigger()
    window.resize(700, 500)  # the offscreen screen is 800 x 600
    window.close()
    again = open_window(qtbot, settings, shared_index)
    assert again.reading.zoom == 2
    assert again.size().width() == 700
    assert (again.shown_doc, again.reader.current_section()) == (GIST, section.id)


def test_links_never_reach_the_network_unless_clicked(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        "desktop.window.QDesktopServices.openUrl", lambda url: opened.append(url.toString())
    )
    window.open_location(Location(NCI))
    assert window.reader.loadResource(2, "https://nci-media.cancer.gov/x.jpg").isEmpty()
    assert opened == []
    window._link("https://www.cancer.gov/", QPoint(0, 0))
    assert opened == ["https://www.cancer.gov/"]


def test_the_note_and_accessible_names_are_there(window: MainWindow) -> None:
    assert window.disclaimer.isVisible() and "not medical advice" in window.disclaimer.text()
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QComboBox | QAbstractItemView) and widget.isVisible():
            assert widget.accessibleName(), widget
    assert window.reader.accessibleName() == "Document"


def test_the_window_has_the_oncoref_icon_in_every_size(window: MainWindow) -> None:
    icon = window.windowIcon()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(16, 16), (48, 48), (256, 256)} <= sizes
    # Drawn from our files, not a blank placeholder: the middle of the icon is the book.
    image = icon.pixmap(64, 64).toImage()
    assert image.pixelColor(32, 40).lightness() > 200  # a white page
    assert image.pixelColor(4, 32).alpha() > 0 and image.pixelColor(0, 0).alpha() == 0


def test_toolbar_and_menu_icons_are_drawn_and_stand_out_in_light_and_dark(
    window: MainWindow,
) -> None:
    from desktop.theme import dark_palette, light_palette

    actions = {
        "back": window.back_action,
        "forward": window.forward_action,
        "home": window.home_action,
        "settings": window.settings_action,
        "problems": window.problems_action,
    }
    backgrounds = [p.color(p.ColorRole.Window) for p in (light_palette(), dark_palette())]
    for name, action in actions.items():
        icon = action.icon()
        sizes = {s.width() for s in icon.availableSizes()}
        assert {16, 24, 32, 48} <= sizes, name
        image = icon.pixmap(24, 24).toImage()
        drawn = [
            image.pixelColor(x, y)
            for x in range(24)
            for y in range(24)
            if image.pixelColor(x, y).alpha() == 255
        ]
        assert len(drawn) > 20, f"{name}: almost nothing is drawn"
        # The strongest colour of the icon differs from both window colours.
        ink = min(drawn, key=lambda c: abs(c.lightness() - 128))
        for background in backgrounds:
            assert abs(ink.lightness() - background.lightness()) > 60, (name, background.name())


def test_the_search_and_glossary_tabs_are_complete_when_first_opened(
    qtbot: QtBot, window: MainWindow
) -> None:
    tabs = window.sidebar.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    assert window.search.isVisible() and window.search.ready
    assert "Type in the search box" in window.search.message.text()
    types = [window.search.types.itemText(i) for i in range(window.search.types.count())]
    assert types[0] == "All cancer types" and "Small intestine cancer" in types
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(2).center())
    assert window.glossary_panel.isVisible()
    assert len(window.glossary_panel.visible_terms()) == len(window.session.glossary)
    window.show_tab(1)  # Alt+2: the keyboard lands in the panel
    assert window.search.isAncestorOf(QApplication.focusWidget())


def test_the_glossary_tab_lists_and_filters_every_entry(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.glossary_panel
    assert panel.visible_terms()[:2] == sorted(panel.visible_terms(), key=str.casefold)[:2]
    assert len(panel.visible_terms()) == len(window.session.glossary)
    qtbot.keyClicks(panel.filter, "gleevec")
    assert panel.visible_terms() == ["imatinib"]
    assert "Gleevec" in panel.card.toPlainText()


def test_disabled_actions_look_disabled_in_both_palettes() -> None:
    from PySide6.QtGui import QPalette

    from desktop.theme import dark_palette, light_palette

    for palette in (light_palette(), dark_palette()):
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
            enabled = palette.color(QPalette.ColorGroup.Active, role)
            disabled = palette.color(QPalette.ColorGroup.Disabled, role)
            assert abs(enabled.lightness() - disabled.lightness()) > 60


def test_the_reader_keeps_a_centred_column_of_readable_width(qtbot: QtBot) -> None:
    from desktop.reader import READING_COLUMN_CHARS, Reader

    make_application()
    reader = Reader()
    qtbot.addWidget(reader)
    reader.resize(1200, 500)
    reader.show()
    reader.show_html("<p>" + "A long line of text to read. " * 200 + "</p>")
    column = reader.fontMetrics().averageCharWidth() * READING_COLUMN_CHARS

    def margins() -> tuple[float, float]:
        fmt = reader.document().rootFrame().frameFormat()
        return fmt.leftMargin(), fmt.rightMargin()

    left, right = margins()
    assert left == right
    # What is left beside the column is shared out equally.
    assert abs(reader.viewport().width() - 2 * left - column) <= 2
    reader.resize(400, 500)  # narrower than the column: a small margin, no column
    qtbot.waitUntil(lambda: margins() == (12, 12))
    reader.resize(1000, 500)
    qtbot.waitUntil(lambda: margins()[0] > 12)
    assert abs(reader.viewport().width() - 2 * margins()[0] - column) <= 2


def test_search_results_wrap_to_the_width_of_the_sidebar(qtbot: QtBot, window: MainWindow) -> None:
    window.search_field_set("imatinib side effects")
    qtbot.waitUntil(lambda: len(window.search.hits()) > 2)
    results = window.search.list

    def widths_and_heights() -> list[tuple[int, int]]:
        rows = [results.visualRect(results.model().index(r, 0)) for r in range(len(hits))]
        return [(rect.width(), rect.height()) for rect in rows]

    hits = window.search.hits()
    wide = widths_and_heights()
    assert {w for w, _ in wide} == {results.viewport().width() - 2 * results.spacing()}
    window.splitter.setSizes([220, 900])
    qtbot.waitUntil(
        lambda: widths_and_heights()[0][0] == results.viewport().width() - 2 * results.spacing()
    )
    narrow = widths_and_heights()
    assert narrow[0][0] < wide[0][0]
    assert sum(h for _, h in narrow) > sum(h for _, h in wide)  # more lines each


def test_closing_while_the_index_is_being_built_stops_it_and_exits_cleanly(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from index.search import store

    folder = tmp_path / "clinic"
    for n in range(80):
        write(folder / f"leaflet-{n}.md", f"---\ntitle: Leaflet {n}\n---\n# Part\n\nText {n}.\n")
    real = store.entries_for

    def slow(document, taxonomy):  # type: ignore[no-untyped-def]
        time.sleep(0.1)  # 80 documents: 8 s of indexing
        return real(document, taxonomy)

    monkeypatch.setattr(store, "entries_for", slow)
    settings.folders = [folder]
    make_application()
    window = MainWindow(index_dir=tmp_path / "index", settings=settings, bundled=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=20000):
        window.show()
    qtbot.wait(500)  # indexing has started
    assert not window.searchable
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 3
    assert window.worker_thread.isFinished()
    assert not list(tmp_path.glob("index.tmp-*"))  # the half-built index was removed


def test_a_clinic_folder_deleted_and_made_again_is_followed(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "clinic"
    write(folder / "diet.md", "---\ntitle: Eating well\n---\nSmall meals.\n")
    settings.folders = [folder]
    window = open_window(qtbot, settings, tmp_path / "index", watch_delay_ms=50)
    assert "Eating well" in [label for label, _, _ in tree_rows(window)]
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        shutil.rmtree(folder)
    assert "Eating well" not in [label for label, _, _ in tree_rows(window)]
    assert any("not found" in p.message for p in window.session.problems)
    # The folder above is watched once the worker has listed what to watch.
    qtbot.waitUntil(lambda: str(tmp_path) in window.watcher.watched(), timeout=20000)
    with qtbot.waitSignal(window.library_changed, timeout=20000):
        write(folder / "diet.md", "---\ntitle: Eating well again\n---\nSmall meals.\n")
    qtbot.waitUntil(
        lambda: "Eating well again" in [label for label, _, _ in tree_rows(window)], timeout=20000
    )


def test_garbage_in_the_settings_file_never_stops_the_window(
    qtbot: QtBot, tmp_path: Path, shared_index: Path
) -> None:
    path = write(
        tmp_path / "settings.ini",
        "[reader]\nzoom=12345678901234567890123\nlast=@Invalid()\n"
        "[window]\ntab=abc\ngeometry=not bytes\nsplitter=1.5\n"
        "[library]\nfolders=12\n[handout]\nlarge_print=maybe\n",
    )
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    window = open_window(qtbot, settings, shared_index)
    assert window.is_ready and window.reading.zoom == 0
    assert window.sidebar.currentIndex() == 0
    assert not settings.large_print
