"""Synonyms applied at query time: brand and generic names, lay and clinical words,
abbreviations, British and American spellings."""

from __future__ import annotations

from pathlib import Path

from index.glossary import normalize_term
from index.model import Problem
from index.paths import resource
from index.yamlfile import read_yaml


class Synonyms:
    """Groups of words that mean the same thing. A word written with capitals in a group
    ("NET", "GP") is an abbreviation that is also an everyday word: it stands for the
    group only when typed in capitals, and other words of the group never expand to it."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [[normalize_term(w) for w in g if normalize_term(w)] for g in groups]
        self._index: dict[str, set[str]] = {}
        self._exact: dict[str, set[str]] = {}
        for group in groups:
            plain = {normalize_term(w) for w in group if w == w.casefold() and normalize_term(w)}
            for word in group:
                if word != word.casefold():
                    self._exact.setdefault(" ".join(word.split()), set()).update(plain)
                elif normalize_term(word):
                    self._index.setdefault(normalize_term(word), set()).update(plain)
        keys = [*self._index, *self._exact]
        self.longest = max((len(w.split()) for w in keys), default=1)

    def alternatives(self, phrase: str, typed: str = "") -> list[str]:
        """The phrase first, then every other way of saying it (`typed`: the phrase as
        typed, with its capitals)."""
        key = normalize_term(phrase)
        others = set(self._index.get(key, set()))
        others |= self._exact.get(" ".join(typed.split()), set())
        return [key, *sorted(others - {key})]

    def known(self, phrase: str, typed: str = "") -> bool:
        return normalize_term(phrase) in self._index or " ".join(typed.split()) in self._exact


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
