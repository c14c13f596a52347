"""A section's body as plain text, as `oncoref show` prints it.

Paragraphs are separated by a blank line; list items are lines starting with
"- " (nested items indented by two spaces per level); table rows are cells
joined by " | ". Links keep only their words.
"""

from __future__ import annotations

from markdown_it.tree import SyntaxTreeNode

from index.formats.markdown import markdown_parser
from index.formats.markup import squash_spaces

# Deeper nesting than this is read as flat text.
_MAX_DEPTH = 40


def plain_text(body: str) -> str:
    tree = SyntaxTreeNode(markdown_parser().parse(body))
    blocks = [_block(node, 0) for node in tree.children]
    return "\n\n".join(b for b in blocks if b)


def _block(node: SyntaxTreeNode, depth: int) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return _inline_of(node)
    if kind in ("bullet_list", "ordered_list"):
        return "\n".join(_list_lines(node, depth))
    if kind in ("fence", "code_block"):
        return node.content.rstrip("\n")
    if kind == "table":
        rows = []
        for part in node.children:
            for row in part.children:
                cells = [_inline_of(cell) for cell in row.children]
                rows.append(" | ".join(c for c in cells if c))
        return "\n".join(r for r in rows if r)
    if kind == "hr":
        return ""
    if depth > _MAX_DEPTH:
        return squash_spaces(_flat(node))
    return "\n\n".join(b for b in (_block(c, depth + 1) for c in node.children) if b)


def _list_lines(node: SyntaxTreeNode, depth: int) -> list[str]:
    lines: list[str] = []
    pad = "  " * depth
    for item in node.children:
        words: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list") and depth < _MAX_DEPTH:
                nested.extend(_list_lines(child, depth + 1))
            else:
                words.append(_block(child, depth + 1).replace("\n", " "))
        text = " ".join(w for w in words if w)
        if text:
            lines.append(f"{pad}- {text}")
        lines.extend(nested)
    return lines


def _inline_of(node: SyntaxTreeNode) -> str:
    return squash_spaces(_flat(node))


def _flat(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    stack = list(reversed(node.children))
    while stack:  # iterative, so deep input cannot exhaust the stack
        child = stack.pop()
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:  # emphasis, links, an image's alt text: their words
            stack.extend(reversed(child.children))
    return "".join(parts)
