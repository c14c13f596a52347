"""Synonyms applied at query time: brand and generic names, lay and clinical words,
abbreviations, British and American spellings."""

from __future__ import annotations

from pathlib import Path

from index.glossary import normalize_term
from index.model import Problem
from index.paths import resource
from index.yamlfile import read_yaml


class Synonyms:
    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [[normalize_term(w) for w in g if normalize_term(w)] for g in groups]
        self._index: dict[str, set[str]] = {}
        for group in self.groups:
            for word in group:
                self._index.setdefault(word, set()).update(group)
        self.longest = max((len(w.split()) for w in self._index), default=1)

    def alternatives(self, phrase: str) -> list[str]:
        """The phrase first, then every other way of saying it."""
        key = normalize_term(phrase)
        others = sorted(self._index.get(key, set()) - {key})
        return [key, *others]

    def known(self, phrase: str) -> bool:
        return normalize_term(phrase) in self._index


def load_synonyms(path: Path | None = None) -> tuple[Synonyms, list[Problem]]:
    path = path or resource("synonyms.yaml")
    problems: list[Problem] = []
    data = read_yaml(path, problems)
    groups = data.get("groups") if isinstance(data, dict) else None
    if data is not None and not isinstance(groups, list):
        problems.append(Problem(path, "expected 'groups:' with a list of word lists", "ignored"))
        groups = []
    valid = []
    for number, group in enumerate(groups or [], 1):
        if isinstance(group, list) and len(group) >= 2 and all(isinstance(w, str) for w in group):
            valid.append(group)
        else:
            problems.append(
                Problem(path, f"group {number} is not a list of two or more words", "group skipped")
            )
    return Synonyms(valid), problems
