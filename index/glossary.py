"""The glossary: our own plain-language definitions, looked up by term or alias.

Lookup forgives case, hyphens and plurals ("organs" finds "organ"), and the
NCI dictionary ids that NCI documents link to resolve to our entries.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.model import GlossaryEntry, Problem
from index.paths import resource
from index.yamlfile import read_yaml

# Said with every definition we show or print: they are ours, not the documents'.
DEFINITIONS_LABEL = "OncoRef's plain-language definitions"


def definitions_note(source: str = "") -> str:
    """Who wrote the definitions, for a page that also names a document's source."""
    if source:
        return f"These are {DEFINITIONS_LABEL}; they are not from {source}."
    return f"These are {DEFINITIONS_LABEL}."


# Each kind of word, as a person reads it beside the word.
CATEGORIES = {
    "procedure": "Procedure",
    "drug": "Drug",
    "anatomy": "Part of the body",
    "condition": "Condition",
    "test": "Test",
    "treatment": "Treatment",
    "other": "Word",
}


def normalize_term(text: str) -> str:
    text = text.casefold().replace("’", "'")
    text = re.sub(r"[\s\-_/]+", " ", text)
    return re.sub(r"[^\w' ]+", "", text).strip()


def singular_forms(text: str) -> list[str]:
    """The term itself and the singulars its last word could have."""
    forms = [text]
    head, _, last = text.rpartition(" ")
    prefix = head + " " if head else ""
    if len(last) > 3:
        if last.endswith("ies"):
            forms.append(prefix + last[:-3] + "y")
        if last.endswith(("ses", "xes", "zes", "ches", "shes")):
            forms.append(prefix + last[:-2])
        if last.endswith("s") and not last.endswith("ss"):
            forms.append(prefix + last[:-1])
    return forms


class Glossary:
    def __init__(self, entries: list[GlossaryEntry]) -> None:
        self.entries = sorted(entries, key=lambda e: e.term.casefold())
        self._by_name: dict[str, GlossaryEntry] = {}
        self._by_nci: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            for name in [entry.term, *entry.aliases]:
                self._by_name.setdefault(normalize_term(name), entry)
            if entry.nci_id:
                self._by_nci.setdefault(entry.nci_id, entry)

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, text: str) -> GlossaryEntry | None:
        key = normalize_term(text)
        for form in singular_forms(key):
            if form in self._by_name:
                return self._by_name[form]
        return None

    def by_nci_id(self, nci_id: str) -> GlossaryEntry | None:
        return self._by_nci.get(str(nci_id))


def load_glossary(folder: Path | None = None) -> tuple[Glossary, list[Problem]]:
    """Every `*.yaml` file in the glossary folder; bad entries are reported and skipped."""
    folder = folder or resource("glossary")
    problems: list[Problem] = []
    entries: list[GlossaryEntry] = []
    for path in sorted(folder.glob("*.yaml")):
        data = read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(path, "expected a list of entries", "file ignored"))
            continue
        for number, item in enumerate(data, 1):
            entry = _entry(item)
            if isinstance(entry, str):
                problems.append(Problem(path, f"entry {number}: {entry}", "entry skipped"))
            else:
                entries.append(entry)
    return Glossary(entries), problems


def _entry(item: object) -> GlossaryEntry | str:
    if not isinstance(item, dict):
        return "not a mapping"
    term, definition = item.get("term"), item.get("definition")
    if not isinstance(term, str) or not term.strip():
        return "no term"
    if not isinstance(definition, str) or not definition.strip():
        return f"'{term}' has no definition"
    aliases = item.get("aliases") or []
    related = item.get("related") or []
    if not isinstance(aliases, list) or not isinstance(related, list):
        return f"'{term}': aliases and related must be lists"
    category = str(item.get("category") or "other")
    if category not in CATEGORIES:
        return f"'{term}': unknown category '{category}'"
    nci_id = item.get("nci_id")
    return GlossaryEntry(
        term=term.strip(),
        definition=" ".join(definition.split()),
        aliases=[str(a).strip() for a in aliases],
        related=[str(r).strip() for r in related],
        nci_id=str(nci_id) if nci_id is not None else None,
        category=category,
        link_only=item.get("link_only") is True,
    )
