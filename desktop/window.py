"""The main window: sidebar (Contents, Search, Glossary), reader, toolbar, status bar."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.contents import ContentsPanel
from desktop.history import Location
from desktop.reading import ReadingPane
from desktop.settings import Settings
from desktop.status import StatusArea
from desktop.theme import shipped_icon
from desktop.watcher import LibraryWatcher
from desktop.worker import SHOWN_WAIT_S, SessionWorker, WorkerThread
from index.model import GLOSSARY_SCHEME

# The core's loaders and renderer are imported where used: the worker thread has
# usually imported them already, and the window shows sooner without them. So are
# the Search and Glossary tabs and the definition popup, made when first needed.
if TYPE_CHECKING:
    from desktop.glossary_views import DefinitionPopup, GlossaryPanel
    from desktop.handout_dialog import HandoutDialog
    from desktop.library_dialogs import ProblemsDialog, SettingsDialog
    from desktop.search_panel import SearchPanel
    from index.model import Document, QueryTerms, SearchHit
    from index.render.document import DocumentRenderer
    from index.session import Session

# How long the library folders must be quiet before they are read again.
WATCH_DELAY_MS = 400


class MainWindow(QMainWindow):
    ready = Signal()  # the library is shown and the first page rendered
    library_changed = Signal()  # a (re)loaded library is on screen
    open_library = Signal(list, str)  # to the worker: folders, the document to show first
    prepare_search = Signal()  # to the worker: index the library just shown

    def __init__(
        self,
        extra_libraries: list[Path] | None = None,
        bundled: bool = True,
        index_dir: Path | None = None,
        settings: Settings | None = None,
        watch_delay_ms: int = WATCH_DELAY_MS,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.extra_libraries = [Path(p) for p in extra_libraries or []]
        self.session: Session | None = None  # the library on screen
        self.searchable = False  # its index is ready
        self.is_ready = False

        # The worker starts reading the library first; the widgets are built meanwhile.
        self.worker = SessionWorker(bundled, index_dir)
        self.worker.wait_for_shown = SHOWN_WAIT_S
        self.worker_thread = WorkerThread(self.worker, self)
        self.open_library.connect(self.worker.open)
        self.prepare_search.connect(self.worker.prepare_search)
        self.worker.opened.connect(self._opened)
        self.worker.indexed.connect(self._indexed)
        self.worker.progress.connect(self._progress)
        self.worker.failed.connect(self._failed)
        self.worker.watching.connect(self._watch)
        self.worker_thread.start()
        self.open_library.emit(self.library_folders(), self.settings.last_read[0] or "")

        self.setWindowTitle("OncoRef")
        self.setAccessibleName("OncoRef")
        self._build_widgets()
        self._build_actions()
        self._build_keyboard()
        from desktop import bookmarks, handout_sets, help  # Ctrl+D and Bookmarks; F1 and Help

        self.places = bookmarks.install(self)
        self.handout_sets = handout_sets.install(self)  # File ▸ Handout sets
        self.help = help.install(self)
        self._restore_layout()
        self.status.busy("Opening the library…")

        self.watcher = LibraryWatcher(watch_delay_ms, self)
        self.watcher.changed.connect(self.reload_library)

    # -- building ---------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.contents = ContentsPanel(self)
        self.contents.open_requested.connect(lambda d, s: self.open_location(Location(d, s)))
        self._search: SearchPanel | None = None
        self._glossary_panel: GlossaryPanel | None = None
        self._popup: DefinitionPopup | None = None

        self.sidebar = QTabWidget(self)
        self.sidebar.setAccessibleName("Sidebar")
        self.sidebar.addTab(self.contents, "&Contents")
        self._search_page = _Page()
        self._glossary_page = _Page()
        self.sidebar.addTab(self._search_page, "&Search")
        self.sidebar.addTab(self._glossary_page, "&Glossary")
        self.sidebar.setDocumentMode(True)
        self.sidebar.currentChanged.connect(self._tab_shown)

        self.reading = ReadingPane(self.settings, self)
        self.reading.shown.connect(self._shown)
        self.reading.text_size_changed.connect(self._fit_sidebar)
        self.reader = self.reading.reader
        self.reader.link_activated.connect(self._link)
        self.reader.term_tooltip.connect(self._term_tooltip)
        self.find_bar = self.reading.find_bar
        self.disclaimer = self.reading.disclaimer

        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.reading)
        self.splitter.setStretchFactor(1, 1)
        self._fit_sidebar()
        self.splitter.setSizes([self.sidebar.minimumWidth() * 3 // 2, 760])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.status = StatusArea(self.statusBar())
        self.problems_button = self.status.problems_button
        self.problems_button.clicked.connect(self.show_problems)
        # Dialogs are made (and their module imported) when first opened.
        self.problems_dialog: ProblemsDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.handout_dialog: HandoutDialog | None = None

        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText("Search, e.g. gleevec side effects")
        self.search_field.setAccessibleName("Search")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(260)
        self.search_field.textEdited.connect(self._typed)
        self.search_field.returnPressed.connect(lambda: self.search.open_current())

    # The Search and Glossary tabs and the popup are made when first needed: together
    # with their modules they would add ~10 ms to every start.

    @property
    def search(self) -> SearchPanel:
        if self._search is None:
            from desktop.search_panel import SearchPanel

            panel = self._search = SearchPanel()
            self._search_page.hold(panel)
            panel.open_requested.connect(self._open_hit)
            panel.define_requested.connect(self.show_in_glossary)
            panel.did_you_mean_clicked.connect(self.search_field_set)
            panel.search_requested.connect(self.worker.search)
            panel.superseded.connect(self.worker.supersede, Qt.ConnectionType.DirectConnection)
            self.worker.results.connect(panel.show_result)
            self.worker.snippets.connect(panel.set_snippets)
            panel.shown.connect(self.worker.shown, Qt.ConnectionType.DirectConnection)
            if self.session is not None:
                self._set_search_types(panel, self.session)
            panel.set_ready(self.searchable)
            panel.describes = self.search_field
        return self._search

    @property
    def glossary_panel(self) -> GlossaryPanel:
        if self._glossary_panel is None:
            from desktop.glossary_views import GlossaryPanel

            self._glossary_panel = GlossaryPanel()
            self._glossary_page.hold(self._glossary_panel)
            if self.session is not None:
                self._glossary_panel.set_glossary(self.session.glossary)
        return self._glossary_panel

    @property
    def popup(self) -> DefinitionPopup:
        if self._popup is None:
            from desktop.glossary_views import DefinitionPopup

            assert self.session is not None  # only a term in an open document shows it
            self._popup = DefinitionPopup(self.session.glossary, self)
            self._popup.open_in_glossary.connect(self.show_in_glossary)
        return self._popup

    def _tab_shown(self, number: int) -> None:
        if number == 1:
            self.search  # noqa: B018  (made now)
        elif number == 2:
            self.glossary_panel  # noqa: B018

    def _action(self, text: str, slot, keys=None, tip: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        action.triggered.connect(slot)
        if keys is not None:
            action.setShortcuts(keys if isinstance(keys, list) else [QKeySequence(keys)])
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(
            f"{tip or text.replace('&', '')}" + (f" ({shortcut})" if shortcut else "")
        )
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        reading = self.reading
        self.back_action = self._action("&Back", reading.back, std.Back)
        self.forward_action = self._action("&Forward", reading.forward, std.Forward)
        self.home_action = self._action("&Home", reading.go_home, "Alt+Home", "The library")
        self.print_action = self._action(
            "&Print a handout…", self.show_handout, std.Print, "Print chosen sections for a patient"
        )
        self.print_action.setEnabled(False)
        self.zoom_in_action = self._action(
            "Zoom &in", lambda: reading.set_zoom(reading.zoom + 1), std.ZoomIn
        )
        self.zoom_out_action = self._action(
            "Zoom &out", lambda: reading.set_zoom(reading.zoom - 1), std.ZoomOut
        )
        self.zoom_reset_action = self._action("&Actual size", lambda: reading.set_zoom(0), "Ctrl+0")
        self.find_action = self._action("&Find in page…", self.find_bar.open, std.Find)
        self.find_next_action = self._action("Find &next", self.find_bar.next, std.FindNext)
        self.find_previous_action = self._action(
            "Find pre&vious", self.find_bar.previous, std.FindPrevious
        )
        self.search_action = self._action("&Search…", self.focus_search, ["Ctrl+K", "Ctrl+L"])
        self.settings_action = self._action("&Settings…", self.show_settings, std.Preferences)
        self.problems_action = self._action("P&roblems…", self.show_problems)
        self.quit_action = self._action("&Quit", self.close, std.Quit)
        tab_actions = []
        for number, name in enumerate(["Contents", "Search", "Glossary"]):
            tab_actions.append(
                self._action(
                    f"Show {name}", lambda _=False, n=number: self.show_tab(n), f"Alt+{number + 1}"
                )
            )
        self.back_action.setEnabled(False)
        self.forward_action.setEnabled(False)
        for action, icon in [
            (self.back_action, "back"),
            (self.forward_action, "forward"),
            (self.home_action, "home"),
            (self.settings_action, "settings"),
            (self.problems_action, "problems"),
        ]:
            action.setIcon(shipped_icon(icon, "icons/actions"))

        toolbar = self.toolbar = self.addToolBar("Navigation")
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        toolbar.setAccessibleName("Toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.back_action, self.forward_action, self.home_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addWidget(self.search_field)
        toolbar.addSeparator()
        for action in (self.zoom_out_action, self.zoom_in_action, self.print_action):
            toolbar.addAction(action)
        self.zoom_out_action.setIconText("A−")
        self.zoom_in_action.setIconText("A+")

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        for action in (self.print_action, self.settings_action, self.problems_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu("&Edit")
        for action in (
            self.find_action,
            self.find_next_action,
            self.find_previous_action,
            self.search_action,
        ):
            edit_menu.addAction(action)
        view_menu = menus.addMenu("&View")
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in tab_actions:
            view_menu.addAction(action)
        go_menu = menus.addMenu("&Go")
        for action in (self.back_action, self.forward_action, self.home_action):
            go_menu.addAction(action)

    def _build_keyboard(self) -> None:
        """F6 and Ctrl+Tab go round the sidebar, the search box and the reader; Tab
        goes search box, sidebar tabs, contents filter, contents, reader."""
        from desktop.access import FocusRegions, FocusRing, name_clear_buttons

        FocusRing.install()

        self.regions = FocusRegions(
            self,
            [
                (self.sidebar, lambda: self.sidebar.currentWidget() or self.sidebar),
                (self.search_field, lambda: self.search_field),
                (self.reading, lambda: self.reader),
            ],
        )
        chain = [self.search_field, self.sidebar.tabBar(), self.contents.filter]
        for first, second in zip(chain, [*chain[1:], self.contents.tree], strict=True):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self.contents.tree, self.reader)
        for edit in (self.search_field, self.contents.filter, self.find_bar.field):
            name_clear_buttons(edit)
        # The toolbar's own children only: a search of the whole window makes a Python
        # object for every widget in it (a few milliseconds of start-up).
        more = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:
            more.setAccessibleName("More tools")
        for action in (self.zoom_out_action, self.zoom_in_action):  # "A−", "A+" say it
            button = self.toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", ""))

    def _fit_sidebar(self) -> None:
        """The sidebar is never narrower than its tabs' names, at any text size."""
        tabs = self.sidebar.tabBar().sizeHint().width()
        self.sidebar.setMinimumWidth(max(tabs + 8, self.fontMetrics().averageCharWidth() * 30))

    def _restore_layout(self) -> None:
        geometry = self.settings.geometry
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            from desktop.access import fit_widget

            fit_widget(self, QSize(1180, 780))
        splitter = self.settings.splitter
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        self.show_tab(self.settings.tab, focus=False)

    # -- the library ------------------------------------------------------------

    def library_folders(self) -> list[Path]:
        """Folders from the command line, then those added in Settings."""
        folders = list(self.extra_libraries)
        for folder in self.settings.folders:
            if folder not in folders:
                folders.append(folder)
        return folders

    def set_library_folders(self, folders: list[Path]) -> None:
        self.settings.folders = folders
        self.reload_library()

    def reload_library(self) -> None:
        self.status.busy("Reading the library…")
        self.open_library.emit(self.library_folders(), self.shown_doc or "")

    def _opened(self, session: Session, pages: dict[str, str]) -> None:
        first = self.session is None
        self.session = session
        self.contents.set_library(session.library, session.taxonomy)
        if self._glossary_panel is not None:
            self._glossary_panel.set_glossary(session.glossary)
        if self._popup is not None:
            self._popup.glossary = session.glossary
        if self._search is not None:
            self._set_search_types(self._search, session)
        if self.problems_dialog is not None:
            self.problems_dialog.set_problems(session.problems)
        self.status.show_problems(session.problems)
        self.reading.set_session(session)
        documents = session.library.documents
        sections = sum(len(d.sections) for d in documents)
        self.status.show_library(len(documents), sections)
        if first:
            self.open_location(self._start_location(session))
            self.is_ready = True
            self.ready.emit()
        self.library_changed.emit()
        # Once the events already queued (the first paint, a close) have run.
        QTimer.singleShot(0, self.prepare_search.emit)

    def _set_search_types(self, panel: SearchPanel, session: Session) -> None:
        panel.set_types(
            session.taxonomy,
            [d.meta.cancer_types[0] for d in session.library.documents if d.meta.cancer_types],
        )

    def _indexed(self, session: Session) -> None:
        # The worker has let go of the earlier reading, if there was one.
        _settle_memory(first=not self.searchable)
        self.searchable = True
        self.status.done()
        if self._search is not None:
            self._search.set_ready(True)

    def _start_location(self, session: Session) -> Location:
        doc, section = self.settings.last_read
        if doc and session.library.get(doc):
            return Location(doc, section)
        return Location(session.first_document())

    # Slots of the window (a QObject on this thread): the worker's signals are queued here.
    def _progress(self, message: str) -> None:
        self.status.busy(message)

    def _failed(self, message: str) -> None:
        self.status.failed(message)

    def _watch(self, paths: list[str], seen: dict[str, tuple[int, int]]) -> None:
        self.watcher.watch(paths, seen)

    def show_problems(self) -> None:
        if self.problems_dialog is None:
            from desktop.library_dialogs import ProblemsDialog

            self.problems_dialog = ProblemsDialog(self)
            self.problems_dialog.set_problems(self.session.problems if self.session else [])
        self.problems_dialog.show()
        self.problems_dialog.raise_()

    def show_handout(self) -> None:
        doc = self.reading.document()
        if doc is None:
            return
        from desktop.handout_dialog import HandoutDialog

        self.handout_dialog = HandoutDialog(
            doc, self.renderer(), self.reader.current_section(), self.settings, self
        )
        self.handout_dialog.show()
        self.handout_dialog.raise_()

    def show_settings(self) -> None:
        if self.settings_dialog is None:
            from desktop.library_dialogs import SettingsDialog

            self.settings_dialog = SettingsDialog(self.library_folders(), self.settings, self)
            self.settings_dialog.folders_changed.connect(self.set_library_folders)
        self.settings_dialog.show()
        self.settings_dialog.raise_()

    # -- reading ----------------------------------------------------------------

    @property
    def shown_doc(self) -> str | None:
        return self.reading.shown_doc

    def here(self) -> Location:
        return self.reading.here()

    def open_location(
        self, location: Location, record: bool = True, highlight: Sequence[str] = ()
    ) -> None:
        self.reading.open(location, record, highlight)

    def renderer(self) -> DocumentRenderer:
        """The open library's renderer (for handouts)."""
        assert self.session is not None
        return self.session.renderer()

    def _shown(self, location: Location, doc: Document | None) -> None:
        """The reader moved: the contents, title and actions follow."""
        self.print_action.setEnabled(doc is not None)
        if doc is not None:
            self.contents.show_current(doc.id, location.section)
            self.setWindowTitle(f"{doc.title} — OncoRef")
        else:
            self.setWindowTitle("OncoRef")
        self.back_action.setEnabled(self.reading.history.can_go_back())
        self.forward_action.setEnabled(self.reading.history.can_go_forward())

    # -- links, terms, search -----------------------------------------------------

    def _link(self, href: str, where: QPoint) -> None:
        from index.render.document import entry_for_href

        if href.startswith(GLOSSARY_SCHEME) and self.session is not None:
            entry = entry_for_href(self.session.glossary, href)
            if entry is not None:
                self.popup.show_entry(entry, where)
        elif href.startswith("doc:"):
            doc, _, section = href[4:].partition("#")
            self.reading.go(Location(doc, section or None))
        elif href.startswith(("https://", "http://", "mailto:")):
            QDesktopServices.openUrl(QUrl(href))  # the system browser, only on a click
        elif href.startswith("#"):
            self.reader.scroll_to_section(href[1:])

    def _term_tooltip(self, href: str, where: QPoint) -> None:
        from html import escape

        from index.render.document import entry_for_href

        entry = entry_for_href(self.session.glossary, href) if self.session else None
        if entry is not None:
            QToolTip.showText(
                where,
                f"<b>{escape(entry.term)}</b><br>{escape(entry.definition)}"
                "<br><i>Click for more</i>",
                self.reader,
            )

    def _typed(self, text: str) -> None:
        if text.strip():
            self.show_tab(1, focus=False)
        self.search.set_query(text)

    def search_field_set(self, text: str) -> None:
        self.search_field.setText(text)
        self._typed(text)

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def _open_hit(self, hit: SearchHit, terms: QueryTerms) -> None:
        """Open a result with the words of the query that found it highlighted."""
        if self.session is None:
            return
        from index.search.searcher import matching_words

        doc = self.session.library.get(hit.doc)
        section = doc.section(hit.section) if doc else None
        words: list[str] = []
        if section is not None:
            words = matching_words(section.heading + "\n" + section.text, terms)
        self.reading.go(Location(hit.doc, hit.section), highlight=words)
        self.reader.setFocus()

    def show_in_glossary(self, term: str) -> None:
        self.show_tab(2)
        self.glossary_panel.select(term)

    def show_tab(self, number: int, focus: bool = True) -> None:
        self.sidebar.setCurrentIndex(max(0, min(number, self.sidebar.count() - 1)))
        if focus and self.sidebar.currentWidget() is not None:
            self.sidebar.currentWidget().setFocus()

    # -- closing ----------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.splitter = self.splitter.saveState()
        self.settings.tab = self.sidebar.currentIndex()
        from desktop.bookmarks import on_close

        on_close(self)  # bookmarks: on a shared computer, history is removed
        self.settings.sync()
        self.watcher.stop()
        self.worker_thread.stop()
        super().closeEvent(event)


class _Page(QWidget):
    """A sidebar tab whose panel is made when first needed."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, panel: QWidget) -> None:
        self._layout.addWidget(panel)
        self.setFocusProxy(panel)
        panel.show()  # at once, as a tab being opened (a layout would show it later)


def _settle_memory(first: bool) -> None:
    """Keep the collector off the library's objects. A library of thousands of
    documents is a million objects, and Python's full collection pass over them
    (every so many searches) held the window for up to 80 ms; frozen, they are
    never scanned (they are still freed when no longer used). After a reload,
    the earlier reading is collected once, with whatever cycles it held."""
    if not first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
