"""Text about a document rather than about the disease: how to cite it, who may
reuse it, where its other versions are, pictures and web pages that a printed
handout does not have.

A handout leaves such sections out unless a person picks them, and leaves such
sentences out of the sections it prints. The patterns are named so that a test
or a reader can see which rule matched; they describe kinds of text, not files.
"""

from __future__ import annotations

import re

from index.model import Document, Section, SectionKind

# Headings of sections about the document itself (matched without case).
ABOUT_THE_DOCUMENT_HEADINGS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "about this summary": r"^about (this|the) (\w+ )?(summary|page|article|booklet)\b",
        "about the publisher's database": r"^about (pdq|this (site|website))$",
        "purpose of this summary": r"^purpose of this (summary|page|article)$",
        "reviewers and updates": r"^(reviewers|editorial board)s?( and updates)?$",
        "permission to use": r"^permission to (use|reprint|copy)\b",
        "how to cite": r"^(how to cite|citing|citation)\b",
        "contact the publisher": r"^contact us\b",
        "more to read elsewhere": (
            r"^(to )?learn more( about\b|$)|^(for )?more information$"
            r"|^related (pages|links|resources)$"
        ),
        "reviewers and references": r"^(expert|medical) review\b|^references$",
    }.items()
}

# Text that only a section about the document has.
ABOUT_THE_DOCUMENT_TEXT: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "citation template": r"<\s*MM\s*/\s*DD\s*/\s*YYYY\s*>",
        "how to cite": r"\bthe best way to cite this\b",
    }.items()
}

# Sentences (and short paragraphs) that point at something a handout does not
# have: another version, a picture or animation, a web page.
POINTER_SENTENCES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "other version": r"^go to (the )?(health professional|patient) version\.?$",
        "animation or video": r"^this (animation|video|slideshow|infographic) (shows|explains)\b",
        "figure": r"^(see )?(figure|the (drawing|picture|image|diagram) (above|below))\b",
        "visit our page": r"\bvisit our\b.*\b(page|website|site)\.$",
        "find out more": r"^find out more about\b",
        "for more information, see": (
            r"^for more information( (about|on) [^,]+)?, see\b(?!.*\bsection\.$)"
        ),
        "more information can be found": r"^more information about .* can be found (in|on|at)\b",
    }.items()
}

# A caption left where a picture was: the picture is not printed, so neither is it.
_FIGURE_CAPTION = re.compile(
    r"\s*(?<!\*)\*(?:drawing|picture|photo(?:graph)?|image|diagram|illustration|figure|"
    r"chart|graph|map|scan) (?:of|showing|shows)\b[^*]*\*(?!\*)",
    re.I,
)
_LINK = re.compile(r"!?\[([^\]]*)\]\((?:<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[*]*[A-Z])")
_LEADS_TO_LIST = re.compile(r"(see the following|visit|these pages|the following (pages|links)):$")


def plain(markdown: str) -> str:
    """Markdown as the words a reader sees (links as their text, no emphasis marks)."""
    text = _LINK.sub(r"\1", markdown)
    return " ".join(text.replace("*", "").replace("\\", "").split())


def heading_rule(section: Section) -> str | None:
    """The name of the rule saying a section is about the document, by its own
    heading or text (not its parents'); None when it is about the disease."""
    heading = plain(section.heading).strip(" .:")
    for name, pattern in ABOUT_THE_DOCUMENT_HEADINGS.items():
        if pattern.search(heading):
            return name
    for name, pattern in ABOUT_THE_DOCUMENT_TEXT.items():
        if pattern.search(section.body):
            return name
    return None


def pointer_rule(sentence: str) -> str | None:
    """The name of the rule saying a sentence only points elsewhere, or None."""
    text = plain(sentence).strip()
    for name, pattern in POINTER_SENTENCES.items():
        if pattern.search(text):
            return name
    return None


def without_pointers(markdown: str) -> str:
    """A section body without the sentences that point at what a handout lacks
    (and without a list of links that such a sentence introduces)."""
    blocks = re.split(r"\n{2,}", markdown.strip())
    kept: list[str] = []
    skip_list = False
    for block in blocks:
        is_list = bool(re.match(r"^\s*([-*+]|\d+[.)])\s", block))
        if skip_list and is_list:
            continue
        skip_list = False
        if is_list:
            kept.append(block)
            continue
        block = _FIGURE_CAPTION.sub("", block)
        sentences = _SENTENCE_END.split(block.strip())
        if _LEADS_TO_LIST.search(plain(sentences[-1]).rstrip()) and pointer_like(sentences[-1]):
            sentences = sentences[:-1]
            skip_list = True
        sentences = [s for s in sentences if pointer_rule(s) is None]
        text = " ".join(s.strip() for s in sentences if s.strip())
        if text:
            kept.append(text)
    return "\n\n".join(kept)


def pointer_like(sentence: str) -> bool:
    """'For more information ..., see the following:' and the like."""
    return bool(re.match(r"^for (more|general)\b|^more information\b", plain(sentence), re.I))


def _own_rule(section: Section, leaf: bool) -> str | None:
    if section.kind is SectionKind.COMMENTS:
        return "readers' comments"
    rule = heading_rule(section)
    if rule is not None:
        return rule
    if leaf and section.body.strip() and not without_pointers(section.body).strip():
        return "only points elsewhere"
    return None


def _own_rules(doc: Document) -> dict[str, str]:
    """Sections left out by their own heading, text or kind, with the rule's name."""
    parents = {s.parent for s in doc.sections}
    rules = {s.id: _own_rule(s, s.id not in parents) for s in doc.sections}
    return {k: v for k, v in rules.items() if v is not None}


def extra_sections(doc: Document) -> dict[str, str]:
    """Sections a handout leaves out unless picked, with why: about the document
    (by its own heading or text, or inside such a section), only pointers to what
    a handout lacks, or readers' comments."""
    own = _own_rules(doc)
    extra: dict[str, str] = {}
    for section in doc.sections:
        rule = extra.get(section.parent or "") or own.get(section.id)
        if rule is not None:
            extra[section.id] = rule
    return extra


def own_extra_ids(doc: Document) -> set[str]:
    """Sections left out by their own nature, whatever their parents are."""
    return set(_own_rules(doc))


def usual_sections(doc: Document) -> list[str]:
    """The top-level sections a handout of the whole document starts from."""
    extra = extra_sections(doc)
    return [s.id for s in doc.sections if s.parent is None and s.id not in extra]
