"""The contents tree: cancer types, then documents, then their sections (no Qt).

The window's Contents tab and the home page show it; a first start opens the
document at its top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from index.model import Document, Library, Section
from index.taxonomy import Taxonomy

OTHER_DOCUMENTS = "Other documents"


class NodeKind(Enum):
    ROOT = "root"
    TYPE = "type"  # a cancer type
    DOCUMENT = "document"
    SECTION = "section"


@dataclass(eq=False)
class Node:
    """A row of the tree: a cancer type, a document or a section."""

    label: str
    kind: NodeKind = NodeKind.ROOT
    parent: Node | None = None
    doc: str | None = None
    section: str | None = None
    tooltip: str = ""
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


def build_tree(library: Library, taxonomy: Taxonomy) -> Node:
    """Types A-Z (documents without one last), documents by title, sections in order."""
    root = Node("")
    by_type: dict[str, list[Document]] = {}
    for doc in library.documents:
        primary = doc.meta.cancer_types[0] if doc.meta.cancer_types else ""
        name = taxonomy.describe(primary).name if primary else OTHER_DOCUMENTS
        by_type.setdefault(name, []).append(doc)
    for name in sorted(by_type, key=lambda n: (n == OTHER_DOCUMENTS, n.casefold())):
        type_node = root.add(Node(name, NodeKind.TYPE))
        for doc in sorted(by_type[name], key=lambda d: d.title.casefold()):
            also = [taxonomy.describe(t).name for t in doc.meta.cancer_types[1:]]
            tip = doc.meta.source + (f"\nAlso about: {', '.join(also)}" if also else "")
            doc_node = type_node.add(
                Node(doc.title, NodeKind.DOCUMENT, doc=doc.id, tooltip=tip.strip())
            )
            _add_sections(doc_node, doc)
    return root


def first_document(library: Library, taxonomy: Taxonomy) -> str | None:
    """The document at the top of the tree: what a first start shows."""
    types = build_tree(library, taxonomy).children
    return types[0].children[0].doc if types and types[0].children else None


def _add_sections(doc_node: Node, doc: Document) -> None:
    nodes: dict[str | None, Node] = {None: doc_node}
    for section in doc.sections:
        parent = nodes.get(section.parent, doc_node)
        nodes[section.id] = parent.add(_section_node(doc, section))


def _section_node(doc: Document, section: Section) -> Node:
    return Node(section.heading, NodeKind.SECTION, doc=doc.id, section=section.id)
