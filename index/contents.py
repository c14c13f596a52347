"""The contents tree: cancer types, then documents, then their sections (no Qt).

The window's Contents tab and the home page show it; a first start opens the
document at its top. A library of thousands of documents makes a tree of tens of
thousands of nodes, so each node knows its own row, a tree finds a node by its
key through a dict, and a filter is a view of the tree (nothing copied) found by
one string search over all labels. Nothing here touches Qt: the window builds and
filters trees off its own thread.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from index.model import Document, Library
from index.taxonomy import Taxonomy

OTHER_DOCUMENTS = "Other documents"

# What finds a node: (document id, section id or None) for a document or a section,
# (None, name) for a cancer type.
Key = tuple[str | None, str | None]


class Superseded(Exception):
    """A filter given up for a newer one."""


class NodeKind(Enum):
    ROOT = "root"
    TYPE = "type"  # a cancer type
    DOCUMENT = "document"
    SECTION = "section"


@dataclass(eq=False, repr=False, slots=True)
class Node:
    """A row of the tree: a cancer type, a document or a section."""

    label: str
    kind: NodeKind = NodeKind.ROOT
    parent: Node | None = None
    doc: str | None = None
    section: str | None = None
    tooltip: str = ""
    # Most nodes (sections) have none: no list of their own, which for a library of
    # thousands of documents saves tens of thousands of objects to make and collect.
    children: Sequence[Node] = ()
    position: int = 0  # among its parent's children, set when added
    place: int = 0  # in its tree, in the order shown, set when the tree is searched

    def add(self, child: Node) -> Node:
        child.parent = self
        child.position = len(self.children)
        if isinstance(self.children, list):
            self.children.append(child)
        else:
            self.children = [child]
        return child

    def row(self) -> int:
        return self.position if self.parent else 0

    @property
    def key(self) -> Key:
        return (self.doc, self.section) if self.doc is not None else (None, self.label)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, in the order they are shown."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(eq=False, repr=False)
class Tree:
    """A root node and its nodes by key."""

    root: Node
    nodes: dict[Key, Node] = field(default_factory=dict)
    _labels: _Labels | None = None  # made for the first filter

    def labels(self) -> _Labels:
        if self._labels is None:
            self._labels = _Labels(self.root)
        return self._labels

    def find(self, doc: str, section: str | None = None) -> Node | None:
        """A document (section None) or one of its sections."""
        return self.nodes.get((doc, section))

    def node(self, key: Key) -> Node | None:
        return self.nodes.get(key)

    def _add(self, parent: Node, child: Node) -> Node:
        self.nodes.setdefault(child.key, parent.add(child))
        return child


class _Labels:
    """Every label of a tree in one text, in the order shown, cased for matching:
    a filter is one string search (in C), not a call per node (in Python)."""

    SEPARATOR = "\x00"

    def __init__(self, root: Node) -> None:
        self.order = list(root.walk())
        for place, node in enumerate(self.order):
            node.place = place
        # A node's own and all below it are order[place:ends[place]].
        self.ends = [0] * len(self.order)
        for place in range(len(self.order) - 1, -1, -1):
            children = self.order[place].children
            self.ends[place] = self.ends[children[-1].place] if children else place + 1
        folded = [n.label.casefold().replace(self.SEPARATOR, " ") for n in self.order]
        self.text = self.SEPARATOR.join(folded)
        self.starts = []
        at = 0
        for label in folded:
            self.starts.append(at)
            at += len(label) + 1

    def matching(self, needle: str, stop: Callable[[], bool] | None) -> list[Node]:
        """The nodes whose label holds `needle` (cased for matching), in order."""
        needle = needle.replace(self.SEPARATOR, " ")
        found: list[Node] = []
        if not needle:
            return found
        text, starts, order = self.text, self.starts, self.order
        at = text.find(needle)
        while at != -1:
            place = bisect_right(starts, at) - 1
            found.append(order[place])
            if stop is not None and len(found) % 2000 == 0 and stop():
                raise Superseded
            if place + 1 == len(starts):
                break
            at = text.find(needle, starts[place + 1])  # the next label on
        return found


@dataclass(eq=False, repr=False)
class View:
    """A tree as shown: whole, or cut down to what a filter matches. A node whose
    label matches keeps everything below it; one that does not stays only while
    something below it matches. Nothing is copied (a copy of a big tree costs
    memory and collection time): a node that lost children has the list of those
    kept (`kept`), the children kept by a node that does not match have their rows
    (`rows`), and any other node shows its own children at its own row."""

    tree: Tree
    text: str = ""
    matches: list[Node] = field(default_factory=list)  # in the order they are shown
    kept: dict[int, list[Node]] = field(default_factory=dict)  # by id() of the node
    rows: dict[int, int] = field(default_factory=dict)  # by id() of the node

    @property
    def root(self) -> Node:
        return self.tree.root

    def children(self, node: Node) -> Sequence[Node]:
        return self.kept.get(id(node), node.children)

    def row(self, node: Node) -> int:
        return self.rows.get(id(node), node.position) if node.parent else 0

    def shows(self, node: Node) -> bool:
        """Whether the node is in this view (a node of its tree)."""
        if not self.kept:
            return True
        above = node
        while id(above) not in self.rows:
            if above.parent is None:
                return False
            above = above.parent
        # In a list of those kept, or below a match (which keeps all it has).
        return above is node or id(above) not in self.kept

    def find(self, doc: str, section: str | None = None) -> Node | None:
        """A document (section None) or one of its sections, if shown."""
        node = self.tree.find(doc, section)
        return node if node is not None and self.shows(node) else None

    def node(self, key: Key) -> Node | None:
        node = self.tree.node(key)
        return node if node is not None and self.shows(node) else None


def build_tree(library: Library, taxonomy: Taxonomy) -> Node:
    """Types A-Z (documents without one last), documents by title, sections in order."""
    return build_contents(library, taxonomy).root


def build_contents(library: Library, taxonomy: Taxonomy) -> Tree:
    """The tree of build_tree() with its nodes by key. (The labels a filter searches
    are made by the first filter, or by `Tree.labels()` once the tree is on screen.)"""
    tree = Tree(Node(""))
    by_type = _by_type(library, taxonomy)
    type_name = _type_names(taxonomy)
    for name in sorted(by_type, key=_type_order):
        type_node = tree._add(tree.root, Node(name, NodeKind.TYPE))
        for doc in sorted(by_type[name], key=lambda d: d.title.casefold()):
            also = [type_name(t) for t in doc.meta.cancer_types[1:]]
            tip = doc.meta.source + (f"\nAlso about: {', '.join(also)}" if also else "")
            doc_node = tree._add(
                type_node, Node(doc.title, NodeKind.DOCUMENT, doc=doc.id, tooltip=tip.strip())
            )
            _add_sections(tree.nodes, doc_node, doc)
    return tree


def first_document(library: Library, taxonomy: Taxonomy) -> str | None:
    """The document at the top of the tree: what a first start shows (found without
    building the tree)."""
    by_type = _by_type(library, taxonomy)
    if not by_type:
        return None
    first = min(by_type, key=_type_order)  # the first of equals, as sorted() keeps them
    return min(by_type[first], key=lambda d: d.title.casefold()).id


def filter_tree(tree: Tree, text: str, stop: Callable[[], bool] | None = None) -> View:
    """The view of `tree` that keeps the nodes whose label holds `text` (in any
    case), the nodes above them and everything below them. `tree` is left as it is.
    `stop` is asked now and then and raises Superseded when it says the work is no
    longer wanted."""
    labels = tree.labels()
    if stop is not None and stop():
        raise Superseded
    matches = labels.matching(text.casefold(), stop)
    view = View(tree, text, matches)
    # The kept children of each node that stays without matching, in order: found
    # by climbing from each match that is not below another (matches come in the
    # order shown, so children come in their order too).
    kept: dict[int, tuple[Node, list[Node]]] = {id(tree.root): (tree.root, [])}
    below_match_until = 0
    for match in matches:
        if match.place < below_match_until:
            continue  # kept with the match above it
        below_match_until = labels.ends[match.place]
        child, parent = match, match.parent
        while parent is not None:
            mine = kept.get(id(parent))
            if mine is not None:
                mine[1].append(child)
                break
            kept[id(parent)] = (parent, [child])
            child, parent = parent, parent.parent
    for key, (node, children) in kept.items():
        if len(children) < len(node.children) or node is tree.root:
            view.kept[key] = children
        # Rows even when all are kept: one of them may have lost some of its own.
        view.rows.update((id(child), row) for row, child in enumerate(children))
    return view


def _by_type(library: Library, taxonomy: Taxonomy) -> dict[str, list[Document]]:
    by_type: dict[str, list[Document]] = {}
    name = _type_names(taxonomy)
    for doc in library.documents:
        primary = doc.meta.cancer_types[0] if doc.meta.cancer_types else ""
        by_type.setdefault(name(primary) if primary else OTHER_DOCUMENTS, []).append(doc)
    return by_type


def _type_names(taxonomy: Taxonomy) -> Callable[[str], str]:
    """The taxonomy's name for a cancer type as a document gives it, each worked out
    once (thousands of documents name a few dozen types)."""
    names: dict[str, str] = {}

    def name(given: str) -> str:
        known = names.get(given)
        if known is None:
            known = names[given] = taxonomy.describe(given).name
        return known

    return name


def _type_order(name: str) -> tuple[bool, str]:
    return (name == OTHER_DOCUMENTS, name.casefold())


def _add_sections(nodes: dict[Key, Node], doc_node: Node, doc: Document) -> None:
    # Node.add and Tree._add written out: a large library has tens of thousands of
    # sections, and this is most of the time a tree takes to make.
    doc_id, section_kind = doc.id, NodeKind.SECTION
    placed: dict[str | None, Node] = {None: doc_node}
    for section in doc.sections:
        parent = placed.get(section.parent, doc_node)
        node = Node(section.heading, section_kind, parent, doc_id, section.id)
        children = parent.children
        if isinstance(children, list):
            node.position = len(children)
            children.append(node)
        else:
            parent.children = [node]
        placed[section.id] = node
        nodes.setdefault((doc_id, section.id), node)
