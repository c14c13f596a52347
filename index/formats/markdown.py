"""Markdown documents (the NCI format): sections from headings, links made safe.

The body is parsed with markdown-it-py (raw HTML off) and written back out as
safe Markdown: NCI dictionary links become `glossary:nci-NNN` links, other
relative links become plain text, and images become their alt text, so the
reader never has anything to fetch.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.formats import Parsed, Source
from index.formats.markup import (
    DraftSection,
    escape_markdown,
    finish_sections,
    same_text,
    squash_spaces,
)
from index.model import GlossaryRef, Section

_NCI_GLOSSARY = re.compile(r"popDefinition\.aspx\?(?:[^#]*&)?id=(\d+)", re.I)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|svg|webp|bmp|tiff?)(?:[?#].*)?$", re.I)
_SAFE_SCHEMES = {"http", "https", "mailto"}
# Deeper nesting than this is flattened to text, so hostile input cannot recurse forever.
_MAX_DEPTH = 40


class _Node:
    """A node of the parsed Markdown: what markdown_it.tree.SyntaxTreeNode gives, built
    in one pass over the tokens with a fraction of its time and memory."""

    __slots__ = ("attrs", "children", "content", "tag", "type")

    def __init__(self, token: Token | None = None) -> None:
        self.type = token.type.removesuffix("_open") if token else "root"
        self.tag = token.tag if token else ""
        self.attrs = token.attrs if token else {}
        self.content = token.content if token else ""
        self.children: list[_Node] = []


def _tree(tokens: list[Token]) -> _Node:
    root = _Node()
    stack = [root]
    for token in tokens:
        if token.nesting == 1:
            node = _Node(token)
            stack[-1].children.append(node)
            stack.append(node)
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            node = _Node(token)
            if token.children:
                node.children = _tree(token.children).children
            stack[-1].children.append(node)
    return root


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


class _Inline:
    def __init__(self) -> None:
        self.md: list[str] = []
        self.text: list[str] = []
        self.refs: list[GlossaryRef] = []

    def render(self, node: _Node, depth: int = 0) -> None:
        for child in node.children:
            self._node(child, depth + 1)

    def _node(self, node: _Node, depth: int) -> None:
        kind = node.type
        if depth > _MAX_DEPTH:
            self._plain(_node_text(node))
        elif kind == "text":
            self._plain(node.content)
        elif kind in ("softbreak", "hardbreak"):
            self.md.append(" ")
            self.text.append(" ")
        elif kind == "code_inline":
            self.md.append("`" + node.content.replace("`", "'") + "`")
            self.text.append(node.content)
        elif kind in ("em", "strong"):
            mark = "*" if kind == "em" else "**"
            inner = _Inline()
            inner.render(node, depth)
            self.md.append(mark + "".join(inner.md).strip() + mark)
            self.text.extend(inner.text)
            self.refs.extend(inner.refs)
        elif kind == "link":
            self._link(node, depth)
        elif kind == "image":
            alt = squash_spaces(_node_text(node))
            if alt:
                self.md.append("*" + escape_markdown(alt) + "*")
                self.text.append(alt)
        else:
            self.render(node, depth)

    def _plain(self, text: str) -> None:
        self.md.append(escape_markdown(text))
        self.text.append(text)

    def _link(self, node: _Node, depth: int) -> None:
        href = str(node.attrs.get("href", ""))
        inner = _Inline()
        inner.render(node, depth)
        label_md = "".join(inner.md).strip()
        label_text = squash_spaces("".join(inner.text))
        glossary = _NCI_GLOSSARY.search(href)
        scheme = urlsplit(href).scheme.lower() if href else ""
        if glossary and label_md:
            nci_id = glossary.group(1)
            self.md.append(f"[{label_md}](glossary:nci-{nci_id})")
            self.text.extend(inner.text)
            self.refs.append(GlossaryRef(label_text, nci_id))
        elif _IMAGE_FILE.search(href):
            # "Enlarge" links to a remote picture: the picture's alt text follows anyway.
            pass
        elif scheme in _SAFE_SCHEMES and label_md:
            target = href.replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
            self.md.append(f"[{label_md}](<{target}>)")
            self.text.extend(inner.text)
        else:
            self.md.append(label_md)
            self.text.extend(inner.text)
        self.refs.extend(inner.refs)


def _node_text(node: _Node) -> str:
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    parts = []
    stack = list(reversed(node.children))
    while stack:  # iterative, so very deep input cannot exhaust the stack
        child = stack.pop()
        if child.type in ("text", "code_inline", "code_block", "fence"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            stack.extend(reversed(child.children))
    return "".join(parts)


def _inline(node: _Node) -> _Inline:
    out = _Inline()
    for child in node.children:  # paragraph/heading -> inline -> children
        if child.type == "inline":
            out.render(child)
    return out


class _Blocks:
    """Writes block nodes of one section as Markdown and as plain text."""

    def __init__(self, draft: DraftSection) -> None:
        self.draft = draft

    def block(self, node: _Node, depth: int = 0) -> tuple[str, str]:
        kind = node.type
        if depth > _MAX_DEPTH:
            text = squash_spaces(_node_text(node))
            return escape_markdown(text), text
        if kind == "paragraph":
            inline = _inline(node)
            self.draft.refs.extend(inline.refs)
            return "".join(inline.md).strip(), squash_spaces("".join(inline.text))
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, depth)
        if kind == "blockquote":
            parts = [self.block(child, depth + 1) for child in node.children]
            md = "\n\n".join(p[0] for p in parts if p[0])
            quoted = "\n".join(("> " + line) if line else ">" for line in md.splitlines())
            return quoted, "\n".join(p[1] for p in parts)
        if kind in ("fence", "code_block"):
            code = node.content.rstrip("\n")
            fence = "~~~~" if "```" in code else "```"
            return f"{fence}\n{code}\n{fence}", code
        if kind == "hr":
            return "---", ""
        if kind == "table":
            return self._table(node)
        if kind == "heading":  # only reached for headings nested in lists or quotes
            inline = _inline(node)
            return "**" + "".join(inline.md).strip() + "**", squash_spaces("".join(inline.text))
        text = squash_spaces(_node_text(node))
        return escape_markdown(text), text

    def _list(self, node: _Node, depth: int) -> tuple[str, str]:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1) or 1) if ordered else 1
        md_items, text_items = [], []
        for number, item in enumerate(node.children, start):
            marker = f"{number}. " if ordered else "- "
            parts = [self.block(child, depth + 1) for child in item.children]
            body = "\n".join(p[0] for p in parts if p[0]) or ""
            pad = " " * len(marker)
            lines = body.splitlines() or [""]
            md_items.append(marker + lines[0] + "".join("\n" + pad + ln for ln in lines[1:]))
            text_items.append(" ".join(p[1] for p in parts if p[1]))
        return "\n".join(md_items), "\n".join(text_items)

    def _table(self, node: _Node) -> tuple[str, str]:
        rows: list[list[str]] = []
        text_rows: list[str] = []
        for part in node.children:  # thead, tbody
            for row in part.children:
                cells, texts = [], []
                for cell in row.children:
                    inline = _inline(cell)
                    self.draft.refs.extend(inline.refs)
                    cells.append("".join(inline.md).replace("|", "\\|").strip())
                    texts.append(squash_spaces("".join(inline.text)))
                rows.append(cells)
                text_rows.append(" | ".join(texts))
        if not rows:
            return "", ""
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines), "\n".join(text_rows)


def parse(source: Source) -> Parsed:
    """Front matter (YAML between `---` lines) and the sections of the body."""
    from index.meta import MetaReport, parse_yaml_mapping, split_front_matter

    yaml_text, body = split_front_matter(source.text)
    report = MetaReport(source.path, line_offset=1)
    fields, lines = parse_yaml_mapping(yaml_text, report) if yaml_text is not None else ({}, {})
    heading = first_heading(body)
    title = fields.get("title") if isinstance(fields.get("title"), str) else None
    sections = load_markdown_sections(body, (title or heading or "").strip())
    return Parsed(
        sections,
        fields,
        {key: line + 1 for key, line in lines.items()},
        title=heading,
        problems=report.problems,
    )


def first_heading(body: str) -> str | None:
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip() or None
    return None


def load_markdown_sections(body: str, title: str) -> list[Section]:
    """Split a Markdown body into sections at its headings."""
    tree = _tree(markdown_parser().parse(body))
    drafts: list[DraftSection] = []
    current = DraftSection(heading="Introduction", level=1)
    for node in tree.children:
        if node.type == "heading":
            drafts.append(current)
            heading = squash_spaces("".join(_inline(node).text)) or "Untitled section"
            current = DraftSection(heading=heading, level=int(node.tag[1:]))
            continue
        md, text = _Blocks(current).block(node)
        current.add(md, text)
    drafts.append(current)
    return finish_sections(_drop_empty_title_headings(drafts, title))


def _drop_empty_title_headings(drafts: list[DraftSection], title: str) -> list[DraftSection]:
    """Drop the empty lead-in and headings that only repeat the document title."""
    return [
        d
        for i, d in enumerate(drafts)
        if not (
            d.empty and ((i == 0 and d.heading == "Introduction") or same_text(d.heading, title))
        )
    ]
