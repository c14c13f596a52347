"""The contents tree at the size of a big clinic library: rows, finding, filtering."""

from __future__ import annotations

import pytest

from index.contents import (
    Node,
    Superseded,
    View,
    build_contents,
    build_tree,
    filter_tree,
    first_document,
)
from tests.index.contents_helpers import big_library


def shown(view: View) -> list[Node]:
    """Every node of the view, walking the rows as a tree view does."""
    nodes: list[Node] = []

    def walk(node: Node) -> None:
        for child in view.children(node):
            nodes.append(child)
            walk(child)

    walk(view.root)
    return nodes


def assert_rows_and_parents_agree(view: View) -> None:
    for node in shown(view):
        assert node.parent is not None
        assert view.children(node.parent)[view.row(node)] is node


def test_rows_parents_and_finding_agree_on_a_tree_of_two_thousand_documents() -> None:
    library, taxonomy = big_library(2000)
    tree = build_contents(library, taxonomy)
    view = View(tree)
    nodes = shown(view)
    assert len(nodes) == 6 + 2000 * 7 + 1  # types, documents and their sections, one deep
    assert_rows_and_parents_agree(view)
    for doc in library.documents:
        found = tree.find(doc.id)
        assert found is not None and found.label == doc.title
        for section in doc.sections:
            node = tree.find(doc.id, section.id)
            assert node is not None and node.label == section.heading
    assert tree.find("clinic/no-such-leaflet") is None


def test_a_filter_keeps_the_matches_what_is_above_them_and_all_below_them() -> None:
    library, taxonomy = big_library(300)
    tree = build_contents(library, taxonomy)
    view = filter_tree(tree, "ZANUBRUTINIB")  # any case
    labels = [n.label for n in shown(view)]
    assert labels == [
        "Breast cancer",
        "Leaflet 00007",
        "Treatment",
        "Side effects",
        "Living with it",
        "Zanubrutinib and your heart",
    ]
    assert [m.key for m in view.matches] == [("clinic/leaflet-00007", "deep")]
    assert_rows_and_parents_agree(view)

    by_type = filter_tree(tree, "melanoma")  # a type keeps its documents and sections
    assert [n.label for n in by_type.children(by_type.root)] == ["Melanoma"]
    assert len(shown(by_type)) == 1 + 50 * 7
    assert_rows_and_parents_agree(by_type)

    headings = filter_tree(tree, "side eff")
    assert len(headings.matches) == 300
    assert_rows_and_parents_agree(headings)
    assert tree.root.children[0].children[0].children[0].label == "What is it"  # unchanged


def test_a_filtered_view_finds_only_what_it_shows() -> None:
    library, taxonomy = big_library(60)
    tree = build_contents(library, taxonomy)
    view = filter_tree(tree, "zanubrutinib")
    in_view = {id(n) for n in shown(view)}
    assert in_view == {id(n) for n in tree.root.walk() if n is not tree.root and view.shows(n)}
    assert view.find("clinic/leaflet-00007", "deep") is not None
    assert view.find("clinic/leaflet-00007", "s3") is not None  # on the way to the match
    assert view.find("clinic/leaflet-00007", "s0") is None
    assert view.find("clinic/leaflet-00008") is None
    assert shown(filter_tree(tree, "no such words")) == []


def test_a_filter_stops_when_a_newer_one_is_wanted() -> None:
    library, taxonomy = big_library(1000)
    tree = build_contents(library, taxonomy)
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    with pytest.raises(Superseded):
        filter_tree(tree, "side", stop)
    assert len(asked) == 1  # it stopped at the first time it asked


def test_the_first_document_is_the_top_of_the_tree() -> None:
    library, taxonomy = big_library(40)
    top = build_tree(library, taxonomy).children[0].children[0]
    assert first_document(library, taxonomy) == top.doc == "clinic/leaflet-00001"
    empty = type(library)(library.roots, [])
    assert first_document(empty, taxonomy) is None


def plain_filter(tree_root: Node, needle: str) -> tuple[list[Node], list[Node]]:
    """What a filter must show and match, worked out the slow, obvious way: a node
    stays if it matches, is below a match, or has a match below it."""
    needle = needle.casefold()
    matches = [n for n in tree_root.walk() if n is not tree_root and needle in n.label.casefold()]
    kept: list[Node] = []

    def visit(node: Node, below_match: bool) -> bool:
        here = below_match or needle in node.label.casefold()
        stays = False
        for child in node.children:
            at = len(kept)
            kept.append(child)
            if visit(child, here):
                stays = True
            else:
                del kept[at:]
        return here or stays

    visit(tree_root, False)
    return kept, matches


@pytest.mark.parametrize(
    "text", ["zanubrutinib", "side eff", "leaflet 0001", "E", "cancer", "ts", "z", "nothing at all"]
)
def test_a_filter_shows_and_matches_what_the_plain_rule_says(text: str) -> None:
    library, taxonomy = big_library(400)
    tree = build_contents(library, taxonomy)
    view = filter_tree(tree, text)
    kept, matches = plain_filter(tree.root, text)
    assert shown(view) == kept
    assert view.matches == matches
    assert_rows_and_parents_agree(view)
    assert {id(n) for n in kept} == {
        id(n) for n in tree.root.walk() if n is not tree.root and view.shows(n)
    }
