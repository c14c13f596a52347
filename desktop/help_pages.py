"""The pages of Help (F1) and About: how to use OncoRef, what it holds, and the
licences of everything it ships (resources/licenses/, see
packaging/collect_licenses.py). desktop.help makes the menu; this module is
imported when a page is first opened."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import reader_css
from index import __version__
from index.paths import cache_dir, data_dir, resource

if TYPE_CHECKING:
    from index.session import Session

LICENCE_SCHEME = "licence:"


@dataclass
class Component:
    """A third-party part shipped with the program, and its licence texts."""

    name: str
    version: str
    license: str
    homepage: str = ""
    files: list[str] = field(default_factory=list)
    note: str = ""


def components() -> tuple[list[Component], str | None]:
    """What resources/licenses/components.yaml lists, or why it cannot be read."""
    import yaml

    path = resource("licenses", "components.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return [], f"{path}: cannot be read ({error})"
    found = []
    items = data.get("components") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        files = item.get("files")
        found.append(
            Component(
                name=item["name"],
                version=str(item.get("version", "")),
                license=str(item.get("license", "")),
                homepage=str(item.get("homepage", "") or ""),
                files=[f for f in files if isinstance(f, str)] if isinstance(files, list) else [],
                note=str(item.get("note", "") or ""),
            )
        )
    return found, None if found else f"{path}: lists no components"


def licence_text(name: str) -> str | None:
    """A licence text shipped in resources/licenses (only a plain file name there)."""
    if Path(name).name != name or not name.endswith(".txt"):
        return None
    try:
        return resource("licenses", name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# -- the help page ---------------------------------------------------------------------


def _shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    rows = []
    seen = set()
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        name = action.text().replace("&", "").replace("…", "")
        if keys and name not in seen:
            seen.add(name)
            rows.append((name, " or ".join(keys)))
    return rows


def help_html(actions: list[QAction], settings_file: str = "", system_file: str = "") -> str:
    """The built-in help, in plain words; the shortcuts are read from the window's
    own actions so that the list is never wrong."""
    shortcuts = "".join(
        f"<tr><td>{escape(name)}</td><td><b>{escape(keys)}</b></td></tr>"
        for name, keys in _shortcut_rows(actions)
    )
    where = [
        ("Bookmarks and recently read", str(data_dir())),
        ("The search index (made again if deleted)", str(cache_dir())),
    ]
    if settings_file:
        where.append(("Your settings", settings_file))
    if system_file:
        where.append(("Settings for everyone on this computer (set by IT)", system_file))
    places = "".join(
        f"<tr><td>{escape(what)}</td><td><code>{escape(path)}</code></td></tr>"
        for what, path in where
    )
    return f"""
<h1>OncoRef help</h1>
<p>OncoRef is a library of cancer information that works without the internet.
It gives information, not medical advice.</p>
<p><a href="#finding">Finding things</a> · <a href="#search">Search tips</a> ·
<a href="#glossary">Medical words</a> · <a href="#handouts">Printing a handout</a> ·
<a href="#bookmarks">Bookmarks and history</a> · <a href="#adding">Adding documents</a> ·
<a href="#shared">Shared computers</a> · <a href="#keys">Keyboard shortcuts</a> ·
<a href="#data">Where your data is kept</a></p>

<h2><a name="finding"></a>Finding things</h2>
<ul>
<li><b>Home</b> (Alt+Home) lists every document by cancer type, and says what the
library does not cover.</li>
<li><b>Contents</b> (Alt+1) shows cancer types, then documents, then their sections.
Type in the box above it to narrow the list.</li>
<li><b>Search</b> (Ctrl+K) looks through every section of every document as you type.
Click a result to open it; the words you looked for are marked in yellow.</li>
<li><b>Find in page</b> (Ctrl+F) looks only in the page you are reading.</li>
<li><b>Back</b> and <b>Forward</b> (Alt+Left, Alt+Right) work like a web browser.</li>
</ul>

<h2><a name="search"></a>Search tips</h2>
<ul>
<li>Type the words you would say: <i>gleevec side effects</i>, <i>surgery recovery</i>.</li>
<li>Brand names, short names and spellings are understood: <i>Gleevec</i> finds
imatinib, <i>small bowel</i> finds small intestine, <i>tumor</i> finds tumour.</li>
<li>A spelling mistake gets a <b>Did you mean</b> suggestion.</li>
<li>Put words in quotes for an exact phrase: <i>"side effects"</i>.</li>
<li>Put a minus before a word to leave it out: <i>surgery -radiation</i>.</li>
<li>Choose a cancer type above the results to see only that type.</li>
</ul>

<h2><a name="glossary"></a>Medical words</h2>
<p>Words with a dotted line under them are explained in plain language. Point at one
to see a short meaning, or click it (or reach it with Tab and press Enter) for more.
The <b>Glossary</b> tab (Alt+3) lists every word A to Z; type to narrow it.</p>

<h2><a name="handouts"></a>Printing a handout</h2>
<ol>
<li>Open the document you want to give.</li>
<li>Press <b>Ctrl+P</b> (or File ▸ Print a handout).</li>
<li>Tick the sections to include. Choose large print if it helps, and whether to add
"Words to know".</li>
<li>If you like, type notes for this patient and their next appointment: they are
printed on the first page and never kept. Tick "Your questions" for a page to write
questions on.</li>
<li>Choose the paper (A4 or US Letter), then print it, or save it as a PDF file.</li>
</ol>
<p>Your clinic's name and phone number, set in <b>Settings</b>, are printed on
every handout. <b>Save as a set</b> keeps the sections you ticked under a name; next
time choose it in <b>File ▸ Handout sets</b> and click Print. If your clinic turns on
the log of handouts given (in Settings), <b>File ▸ Handouts given</b> lists each
handout printed or saved, with no patient names.</p>

<h2><a name="bookmarks"></a>Bookmarks and history</h2>
<p>Press <b>Ctrl+D</b> to bookmark the section you are reading. The <b>Bookmarks</b>
tab (Alt+4) and menu list your bookmarks and the last 20 sections you read. Select a
bookmark to rename it (F2) or remove it (Delete). <b>Export</b> saves your bookmarks
to a file; <b>Import</b> adds them on another computer. <b>Bookmarks ▸ Clear
history</b> forgets the sections you read and the way back; your bookmarks stay.</p>

<h2><a name="adding"></a>Adding documents and library packs</h2>
<ul>
<li><b>Your own documents:</b> open <b>Settings</b> and click <b>Add folder</b>.
OncoRef reads Markdown files (.md) and text files (.txt) with a NAME.meta.yaml file
beside them. Changes to the folder show up while OncoRef is open.</li>
<li><b>Library packs:</b> a pack (a file ending in .oncopack, for example on a USB
stick) brings new or updated documents from a publisher your clinic trusts. Open
<b>Settings</b>, click <b>Library updates</b> and choose the file: OncoRef shows who made
it and what it changes before it installs it. You can roll a pack back or remove it there.
(IT people can also use <code>oncoref pack install FILE</code>.)</li>
<li>If a file cannot be read, the <b>Problems</b> button in the status bar says which
file and why. Everything else still loads.</li>
<li>The command line (<code>oncoref list</code>, <code>oncoref search</code>, ...) reads
the same folders. Type <code>oncoref --help</code> to learn more.</li>
</ul>

<h2><a name="shared"></a>Shared computers</h2>
<p>On a computer many people use, turn on <b>Shared computer</b> in Settings. Then
OncoRef keeps nothing personal after it closes: no history, no bookmarks, no last
page read. Your IT person can turn it on for everyone on the computer.</p>

<h2><a name="keys"></a>Keyboard shortcuts</h2>
<table cellspacing="0" cellpadding="3">{shortcuts}
<tr><td>Explain the medical word reached with Tab</td><td><b>Enter</b></td></tr>
<tr><td>Next and previous match while finding</td><td><b>Enter</b>, <b>Shift+Enter</b></td></tr>
</table>

<h2><a name="data"></a>Where your data is kept</h2>
<p>OncoRef never sends anything over the internet. It writes only here:</p>
<table cellspacing="0" cellpadding="3">{places}</table>
"""


# -- About ---------------------------------------------------------------------------------


def about_html(session: Session | None) -> str:
    """Version, what the library holds, and the licences of documents and components."""
    from index.coverage import coverage, documents_table_html, summary_html

    parts = [
        "<h1>OncoRef</h1>",
        f"<p>Version {escape(__version__)}. Offline cancer information: a library, search, "
        "a glossary of medical words, and handouts. Information, not medical advice.</p>",
        "<h2>What the library holds</h2>",
    ]
    if session is None:
        parts.append("<p>The library is still being read.</p>")
    else:
        cover = coverage(session.library, session.taxonomy)
        parts.append(summary_html(cover))
        parts.append(
            "<p>Each document keeps its own licence, shown below and at the top of the "
            "document.</p>"
        )
        parts.append(documents_table_html(cover, licence=True))
    parts.append('<h2><a name="software"></a>Software in OncoRef and its licences</h2>')
    found, problem = components()
    if problem:
        parts.append(f"<p>{escape(problem)}</p>")
    if found:
        parts.append(
            "<p>OncoRef is built with these parts. Click a licence to read it.</p>"
            '<table cellspacing="0" cellpadding="3" width="100%">'
            "<tr><th align=left>Part</th><th align=left>Version</th>"
            "<th align=left>Licence</th></tr>"
        )
        for part in found:
            links = ", ".join(
                f'<a href="{LICENCE_SCHEME}{escape(name)}">{escape(_link_text(name))}</a>'
                for name in part.files
            )
            note = f"<br><small>{escape(part.note)}</small>" if part.note else ""
            parts.append(
                f"<tr><td>{escape(part.name)}{note}</td><td>{escape(part.version)}</td>"
                f"<td>{escape(part.license)}<br>{links}</td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)


def _link_text(file: str) -> str:
    """A shared licence by its name (LGPL-3.0); a package's own as "licence text"."""
    stem = file.removesuffix(".txt")
    return stem if "GPL" in stem else "licence text"


class TextDialog(QDialog):
    """A page of rich text (Help, About, a licence) that follows its own links."""

    open_document = Signal(str, object)  # doc id, section id or None

    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.browser = _Browser(self)
        self.browser.setAccessibleName(title)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self._home = html
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.back_button = buttons.addButton("&Back", QDialogButtonBox.ButtonRole.ActionRole)
        self.back_button.clicked.connect(self.show_home)
        self.back_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)
        self.set_html(html)

    def set_html(self, html: str) -> None:
        self._home = html
        self.show_home()

    def show_home(self) -> None:
        self.browser.document().setDefaultStyleSheet(reader_css(self.palette()))
        self.browser.setHtml(self._home)
        self.back_button.hide()

    def show_licence(self, name: str) -> bool:
        text = licence_text(name)
        if text is None:
            return False
        self.browser.setPlainText(text)
        self.back_button.show()
        return True

    def _link(self, url: QUrl) -> None:
        href = url.toString()
        if href.startswith("#"):
            self.browser.scrollToAnchor(href[1:])
        elif href.startswith(LICENCE_SCHEME):
            self.show_licence(href[len(LICENCE_SCHEME) :])
        elif href.startswith("doc:"):
            doc, _, section = href[4:].partition("#")
            self.open_document.emit(doc, section or None)


class _Browser(QTextBrowser):
    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Nothing is ever fetched."""
        return QByteArray()
