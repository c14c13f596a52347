"""The Search tab shows what a reader needs to weigh a result: who says it, and
when the library has nothing about what they asked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app import make_application
from desktop.search_panel import SearchPanel
from index.model import SearchHit, SearchResult


def hit(doc: str, source: str, kind: str) -> SearchHit:
    return SearchHit(doc, "A title", "s", "A heading", ["A heading"], 1.0, "text", source, kind)


def test_each_result_names_its_source_and_the_blog_is_labelled(qtbot: QtBot) -> None:
    make_application()
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.serial = 1
    result = SearchResult(
        "tumours",
        [
            hit("nci", "NCI", "government"),
            hit("blog", "Ronny Allan (patient advocate blog)", "patient's view"),
        ],
    )
    panel.show_result(1, result)
    labels = [panel.list.itemWidget(panel.list.item(r)).text() for r in range(2)]
    assert "NCI · government" in labels[0]
    assert "a patient's view, not medical advice" in labels[1].replace("&#x27;", "'")
    spoken = panel.list.item(1).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "patient's view" in spoken


def test_a_notice_is_shown_above_the_results(qtbot: QtBot) -> None:
    make_application()
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.serial = 1
    notice = "The library has no document about breast cancer. These sections mention it."
    panel.show_result(
        1, SearchResult("breast cancer", [hit("nci", "NCI", "government")], notice=notice)
    )
    text = panel.message.text()
    assert text.index("no document about breast cancer") < text.index("1 section found")
