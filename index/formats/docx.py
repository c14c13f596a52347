"""Word documents (.docx): headings and lists from their styles, tables, properties.

The file is opened with python-docx (which reads its XML with lxml, entities
never expanded) after the zip itself has been checked: a file that would
inflate to far more than it holds (a zip bomb), or has too many parts, is
refused before anything is inflated. Macros (`vbaProject.bin`) are never run
and outside links (templates, linked pictures and objects) never opened: the
file loads and the problem list says they were left out. Headers, footers,
footnotes and comments are not the document's text and are not read.

Headings are paragraphs with an outline level, or a heading style (`Heading 1`
...); `Title` names the document. Documents typed without heading styles get
their headings from their form: short lines in bold, in a larger font, or in
capitals. List items are numbered or bulleted paragraphs, or paragraphs
typed as "• item", nested by their list level.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

from index.formats import Parsed, Source
from index.formats.blocks import Inline, ListCollector, Outline, title_from_name
from index.formats.markup import squash_spaces
from index.formats.zipcheck import zip_refusal
from index.model import Problem, Severity

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .docx, or an old .doc
_BULLET = re.compile(r"^\s*[•◦▪▫●○■□‣⁃∙·\-–*](?:\s+|$)")
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
_LIST_STYLE = re.compile(r"^list(?:\s+(?:bullet|number|paragraph|continue))?(?:\s+(\d))?$", re.I)
_SENTENCE_END = re.compile(r"[.,;:!]['\"’”)]*$")
_HYPERLINK = "relationships/hyperlink"


def parse(source: Source) -> Parsed:
    path = source.path
    data = source.data
    if data.startswith(_OLE_MAGIC):
        return _refused(source, "password-protected, or an old .doc file, not .docx", "skipped")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return _refused(
            source, "not a Word .docx file (damaged, or another kind of file)", "skipped"
        )
    with archive:
        refusal = check_archive(archive)
        if refusal:
            return _refused(source, refusal, "skipped")
        problems = _warnings(source, archive)
        # Without this part python-docx makes up properties ("Word Document", today).
        has_properties = any(n.lower().endswith("core.xml") for n in archive.namelist())
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return _refused(source, f"not a readable Word document ({exc})", "skipped")
    except Exception as exc:  # python-docx's XML errors
        if "entit" in str(exc).lower():  # libxml2 refuses to expand entities
            return _refused(source, "the document's XML declares entities", "skipped")
        return _refused(source, f"the document's XML is damaged ({type(exc).__name__})", "skipped")
    reader = _Reader(document)
    blocks = reader.blocks()
    fields = _fields(document) if has_properties else {}
    title, outline = _build(blocks, fields.get("title"))
    fields.pop("title", None)
    title = title or title_from_name(path)
    return Parsed(outline.sections(title or ""), fields, title=title or None, problems=problems)


def check_archive(archive: zipfile.ZipFile) -> str | None:
    """Why this zip is refused before inflating it (see zipcheck), or None."""
    refusal = zip_refusal(archive, "a Word document")
    if refusal:
        return refusal
    names = set(archive.namelist())
    if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
        return "a zip file, but not a Word document (no word/document.xml)"
    return None


def _refused(source: Source, message: str, action: str) -> Parsed:
    return Parsed([], problems=[Problem(source.path, message, action)])


def _warnings(source: Source, archive: zipfile.ZipFile) -> list[Problem]:
    """Macros and outside links: never run or opened, said so."""
    from lxml import etree

    problems = []
    names = archive.namelist()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        problems.append(
            Problem(
                source.path,
                "the document holds macros",
                "never run; the text loads",
                severity=Severity.WARNING,
            )
        )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    outside = 0
    for name in names:
        if not name.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(archive.read(name), parser=parser)
        except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile):
            continue
        for rel in root:
            if (rel.get("TargetMode") or "").lower() == "external" and not (
                rel.get("Type") or ""
            ).endswith(_HYPERLINK):
                outside += 1
    if outside:
        problems.append(
            Problem(
                source.path,
                f"the document links to {outside} outside file(s) or address(es) "
                "(a template, pictures or objects)",
                "never opened; the text loads",
                severity=Severity.WARNING,
            )
        )
    return problems


def _fields(document: Any) -> dict[str, Any]:
    props = document.core_properties
    fields: dict[str, Any] = {}
    if squash_spaces(props.title or ""):
        fields["title"] = squash_spaces(props.title)
    author = squash_spaces(props.author or "")
    if author:
        fields["source"] = author
    language = (props.language or "").strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", language):
        fields["language"] = language
    description = squash_spaces(props.subject or "") or squash_spaces(props.comments or "")
    if description:
        fields["description"] = description
    for key, value in (("created", props.created), ("modified", props.modified)):
        if value is not None:
            fields[key] = value.date().isoformat()
    return fields


# -- reading the body ------------------------------------------------------------------


@dataclass
class _Para:
    """One paragraph of the body, as read."""

    inline: Inline
    style_level: int | None  # outline level from the style or paragraph (1 = top)
    title_style: bool
    list_level: int | None
    ordered: bool
    bold: bool
    size: float
    table: list[list[Inline]] | None = None

    @property
    def text(self) -> str:
        return self.inline.plain()


@dataclass
class _Style:
    name: str
    outline: int | None
    num_id: str | None
    ilvl: int
    bold: bool | None
    size: float | None


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.part = document.part
        self.styles = self._styles()
        self.formats = self._numbering()
        default = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
        self.default_size = _half_points(default) or 10.0

    def _styles(self) -> dict[str, _Style]:
        raw: dict[str, Any] = {}
        for style in self.document.styles.element.iterfind(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if style_id:
                raw[style_id] = style
        resolved: dict[str, _Style] = {}

        def resolve(style_id: str, seen: frozenset[str]) -> _Style:
            if style_id in resolved:
                return resolved[style_id]
            element = raw[style_id]
            based = element.find(f"{W}basedOn")
            base_id = based.get(f"{W}val") if based is not None else None
            base = (
                resolve(base_id, seen | {style_id})
                if base_id in raw and base_id not in seen
                else _Style("", None, None, 0, None, None)
            )
            name_element = element.find(f"{W}name")
            name = name_element.get(f"{W}val") if name_element is not None else style_id
            ppr = element.find(f"{W}pPr")
            rpr = element.find(f"{W}rPr")
            outline = _outline_level(ppr)
            num_id, ilvl = _num(ppr)
            own_bold = _flag(rpr, "b")
            own_size = _half_points(rpr.find(f"{W}sz")) if rpr is not None else None
            heading = _HEADING_STYLE.match(name or "")
            if outline is None and heading:
                outline = int(heading.group(1))
            info = _Style(
                name=name or style_id,
                outline=outline if outline is not None else base.outline,
                num_id=num_id if num_id is not None else base.num_id,
                ilvl=ilvl if num_id is not None else base.ilvl,
                bold=own_bold if own_bold is not None else base.bold,
                size=own_size or base.size,
            )
            resolved[style_id] = info
            return info

        for style_id in raw:
            resolve(style_id, frozenset())
        return resolved

    def _numbering(self) -> dict[tuple[str, int], bool]:
        """(numId, level) -> ordered?"""
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract: dict[str, dict[int, bool]] = {}
        for item in numbering.iterfind(f"{W}abstractNum"):
            levels = {}
            for lvl in item.iterfind(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                value = fmt.get(f"{W}val") if fmt is not None else "decimal"
                levels[_int(lvl.get(f"{W}ilvl"))] = value not in ("bullet", "none")
            abstract[item.get(f"{W}abstractNumId") or ""] = levels
        found: dict[tuple[str, int], bool] = {}
        for num in numbering.iterfind(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            levels = abstract.get(ref.get(f"{W}val") or "" if ref is not None else "", {})
            for level, ordered in levels.items():
                found[(num.get(f"{W}numId") or "", level)] = ordered
        return found

    def blocks(self) -> list[_Para]:
        out: list[_Para] = []
        self._container(self.document.element.body, out, 0)
        return out

    def _container(self, element: Any, out: list[_Para], depth: int) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}p":
                para = self._paragraph(child)
                if para is not None:
                    out.append(para)
                if depth < 20:
                    for box in _text_boxes(child):
                        self._container(box, out, depth + 1)
            elif tag == f"{W}tbl":
                self._table(child, out, depth)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml") and depth < 50:
                self._container(child, out, depth + 1)

    def _table(self, table: Any, out: list[_Para], depth: int) -> None:
        rows: list[list[Any]] = []
        for row in table.iterfind(f"{W}tr"):
            cells = [c for c in row if c.tag in (f"{W}tc", f"{W}sdt")]
            rows.append(cells)
        single_cell = all(len(r) <= 1 for r in rows)
        if single_cell and depth < 20:  # a box around text, not a table of values
            for row in rows:
                for cell in row:
                    self._container(cell, out, depth + 1)
            return
        grid: list[list[Inline]] = []
        for row in rows:
            line = []
            for cell in row:
                inline = Inline()
                for p in cell.iter(f"{W}p"):
                    inline.text(" ")
                    self._runs(p, inline)
                line.append(inline)
            grid.append(line)
        out.append(_Para(Inline(), None, False, None, False, False, 0.0, table=grid))

    def _paragraph(self, p: Any) -> _Para | None:
        inline = Inline()
        self._runs(p, inline)
        if inline.empty:
            return None
        ppr = p.find(f"{W}pPr")
        style_ref = ppr.find(f"{W}pStyle") if ppr is not None else None
        style = self.styles.get(style_ref.get(f"{W}val") or "" if style_ref is not None else "")
        if style is None:
            style = self.styles.get(_default_paragraph_style(self.document) or "") or _Style(
                "Normal", None, None, 0, None, None
            )
        outline = _outline_level(ppr)
        if outline is None:
            outline = style.outline
        if outline is not None and not 1 <= outline <= 9:
            outline = None  # level 9 is body text
        num_id, ilvl = _num(ppr)
        if num_id is None:
            num_id, ilvl = style.num_id, style.ilvl
        list_level: int | None = None
        ordered = False
        named = _LIST_STYLE.match(style.name or "")
        # "List Bullet 2": the style's number is the depth (its own numbering starts at 0)
        named_level = int(named.group(1)) - 1 if named and named.group(1) else 0
        if num_id not in (None, "0") and outline is None:
            list_level = max(ilvl, named_level)
            ordered = self.formats.get((num_id or "", ilvl), False)
        elif outline is None and named:
            list_level = named_level
            ordered = "number" in style.name.lower()
        if list_level is None and outline is None and _BULLET.match(inline.plain()):
            stripped = Inline()
            stripped.text(_BULLET.sub("", inline.plain(), count=1))
            stripped.refs = inline.refs
            if stripped.empty:
                return None  # a bullet with nothing after it
            inline = stripped
            list_level = 0
        bold, size = self._look(p, style)
        return _Para(
            inline=inline,
            style_level=outline,
            title_style=(style.name or "").lower() == "title",
            list_level=list_level,
            ordered=ordered,
            bold=bold,
            size=size,
        )

    def _look(self, p: Any, style: _Style) -> tuple[bool, float]:
        """Whether all of the paragraph's text is bold, and its main font size."""
        sizes: Counter[float] = Counter()
        bold_all = True
        for run in p.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iterfind(f"{W}t"))
            if not text.strip():
                continue
            rpr = run.find(f"{W}rPr")
            bold = _flag(rpr, "b")
            character = rpr.find(f"{W}rStyle") if rpr is not None and bold is None else None
            if character is not None and character.get(f"{W}val") in self.styles:
                bold = self.styles[character.get(f"{W}val")].bold  # e.g. "Strong"
            if not (bold if bold is not None else bool(style.bold)):
                bold_all = False
            size = (_half_points(rpr.find(f"{W}sz")) if rpr is not None else None) or style.size
            sizes[size or self.default_size] += len(text)
        size = sizes.most_common(1)[0][0] if sizes else self.default_size
        return bold_all and bool(sizes), size

    def _runs(self, element: Any, out: Inline, depth: int = 0) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}r":
                out.text(_run_text(child))
            elif tag == f"{W}hyperlink":
                inner = Inline()
                self._runs(child, inner, depth + 1)
                out.link(inner, self._target(child.get(f"{R}id")))
            elif (
                tag
                in (
                    f"{W}ins",
                    f"{W}smartTag",
                    f"{W}customXml",
                    f"{W}sdt",
                    f"{W}sdtContent",
                    f"{W}fldSimple",
                    f"{W}bdo",
                    f"{W}dir",
                    f"{MC}AlternateContent",
                    f"{MC}Choice",
                )
                and depth < 50
            ):
                self._runs(child, out, depth + 1)

    def _target(self, rel_id: str | None) -> str:
        """The address of an outside hyperlink (kept as a link only if it is a web or
        mail address; see blocks.Inline.link)."""
        if not rel_id:
            return ""
        rel = self.part.rels.get(rel_id)
        if rel is None or not rel.is_external:
            return ""
        return str(rel.target_ref)


def _text_boxes(paragraph: Any) -> list[Any]:
    """The text boxes anchored in a paragraph (leaflets put text in them), each once:
    a box is stored twice, as a drawing and as an older VML fallback."""
    boxes = []
    for box in paragraph.iter(f"{W}txbxContent"):
        ancestors = list(box.iterancestors())
        inner = ancestors[: ancestors.index(paragraph)] if paragraph in ancestors else ancestors
        if any(a.tag in (f"{MC}Fallback", f"{W}txbxContent") for a in inner):
            continue  # the fallback copy, or a box inside a box (read with its box)
        boxes.append(box)
    return boxes


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for node in run:
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag in (f"{W}tab", f"{W}br", f"{W}cr", f"{W}ptab"):
            parts.append(" ")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _default_paragraph_style(document: Any) -> str | None:
    for style in document.styles.element.iterfind(f"{W}style"):
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
            return str(style.get(f"{W}styleId"))
    return None


def _outline_level(ppr: Any) -> int | None:
    if ppr is None:
        return None
    element = ppr.find(f"{W}outlineLvl")
    if element is None:
        return None
    return _int(element.get(f"{W}val"), 9) + 1


def _num(ppr: Any) -> tuple[str | None, int]:
    if ppr is None:
        return None, 0
    numpr = ppr.find(f"{W}numPr")
    if numpr is None:
        return None, 0
    num = numpr.find(f"{W}numId")
    level = numpr.find(f"{W}ilvl")
    num_id = num.get(f"{W}val") if num is not None else None
    return num_id, _int(level.get(f"{W}val") if level is not None else "0")


def _flag(rpr: Any, name: str) -> bool | None:
    if rpr is None:
        return None
    element = rpr.find(f"{W}{name}")
    if element is None:
        return None
    return (element.get(f"{W}val") or "true").lower() not in ("0", "false", "off", "none")


def _half_points(element: Any) -> float | None:
    if element is None:
        return None
    value = _int(element.get(f"{W}val"), 0)
    return value / 2 if value > 0 else None


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


# -- from paragraphs to sections -------------------------------------------------------


def _build(paras: list[_Para], core_title: str | None) -> tuple[str | None, Outline]:
    """The title and the outline. Headings come from styles; a document that uses no
    heading style gets them from the paragraphs' form. The title the reader sees (a
    `Title` paragraph, the large lines it starts with, or its only top heading
    when it starts with it) wins over the one in the file's properties."""
    styled = any(p.style_level is not None for p in paras)
    levels: dict[int, int | None] = {}
    title: str | None = None
    title_lines: set[int] = set()
    if styled:
        last = 1
        for i, p in enumerate(paras):
            levels[i] = p.style_level
            if p.style_level is not None:
                last = p.style_level
            elif i + 1 < len(paras) and _bold_line(p):
                levels[i] = last + 1  # a bold line in a styled document heads what follows
    else:
        levels = _form_headings(paras)
    styled_title = next((i for i, p in enumerate(paras) if p.title_style), None)
    if styled_title is not None:
        title_lines.add(styled_title)
        title = paras[styled_title].text
        levels[styled_title] = None
    elif not styled:
        lines = _title_lines(paras, levels)
        if lines:
            title_lines.update(lines)
            title = " ".join(paras[i].text for i in lines)
    if title is None:
        first = next((i for i, p in enumerate(paras) if p.table is None), None)
        if first is not None and levels.get(first) is not None:
            top = levels[first]
            others = [lvl for i, lvl in levels.items() if i != first and lvl is not None]
            if all(top is not None and lvl > top for lvl in others):
                title = paras[first].text  # a document that starts with its only top heading
    title = title or core_title
    outline = Outline()
    items = ListCollector()
    for i, p in enumerate(paras):
        if i in title_lines:
            continue
        level = levels.get(i)
        if p.list_level is not None and level is None:
            items.add(p.list_level, p.inline, p.ordered)
            continue
        items.flush(outline)
        if p.table is not None:
            outline.table(p.table)
        elif level is not None:
            outline.heading(level, p.text)
        else:
            outline.paragraph(p.inline)
    items.flush(outline)
    return title, outline


def _bold_line(p: _Para) -> bool:
    """A short line all in bold that does not end like a sentence or a lead-in."""
    text = p.text
    return (
        p.bold
        and p.table is None
        and p.list_level is None
        and not p.title_style
        and 0 < len(text) <= 100
        and len(text.split()) <= 12
        and not _SENTENCE_END.search(text)
    )


def _form_headings(paras: list[_Para]) -> dict[int, int | None]:
    """Headings of a document typed without heading styles: short lines that do not
    end like a sentence and stand out from the body text by being bold, larger, or
    in capitals. Larger type is a higher level."""
    sizes: Counter[float] = Counter()
    for p in paras:
        if p.table is None:
            sizes[p.size] += len(p.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    looks: dict[int, tuple[float, int]] = {}
    for i, p in enumerate(paras):
        if p.table is not None or p.list_level is not None:
            continue
        text = p.text
        words = text.split()
        if not words or len(text) > 120 or len(words) > 15 or _SENTENCE_END.search(text):
            continue
        letters = [c for c in text if c.isalpha()]
        capitals = len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.9
        larger = p.size >= body_size + 1
        if not (larger or p.bold or capitals):
            continue
        if not any(c.isalpha() for c in text):
            continue
        looks[i] = (p.size, (2 if p.bold else 0) + (1 if capitals else 0))
    ranks = sorted(set(looks.values()), reverse=True)
    levels: dict[int, int | None] = {i: None for i in range(len(paras))}
    for i, look in looks.items():
        levels[i] = ranks.index(look) + 1
    # A heading needs text under it: one on the last line is a signature or a date.
    if paras and levels.get(len(paras) - 1) is not None:
        levels[len(paras) - 1] = None
    return levels


def _title_lines(paras: list[_Para], levels: dict[int, int | None]) -> list[int]:
    """The first lines of a document in its largest type, before any body text."""
    lines: list[int] = []
    for i in range(len(paras)):
        level = levels.get(i)
        if level is None:
            break
        if level == 1:
            if lines and i != lines[-1] + 1:
                break
            lines.append(i)
        elif lines:
            break
    if not lines:
        return []
    if any(levels.get(i) == 1 for i in range(lines[-1] + 1, len(paras))):
        return []  # the largest type is used again further on: it heads parts, not the file
    return lines
