"""Cancer types: canonical names, aliases, and the groups the sidebar tree shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.glossary import normalize_term
from index.model import Problem
from index.paths import resource
from index.yamlfile import read_yaml


@dataclass(frozen=True)
class CancerType:
    """A cancer type as documents name it and as people read it."""

    id: str  # lower-case canonical name, what documents and filters use
    name: str  # for people
    group: str


class Taxonomy:
    def __init__(self, types: list[CancerType], aliases: dict[str, str], other_group: str) -> None:
        self.types = {t.id: t for t in types}
        self._aliases = aliases
        self.other_group = other_group

    def canonical(self, name: str) -> str:
        """The canonical id for a name or alias; unknown names stay as they are (normalized)."""
        key = normalize_term(name)
        return self._aliases.get(key, key)

    def known(self, name: str) -> str | None:
        """The canonical id of a name or alias the taxonomy lists, else None."""
        return self._aliases.get(normalize_term(name))

    def describe(self, name: str) -> CancerType:
        key = self.canonical(name)
        known = self.types.get(key)
        return known or CancerType(key, key[:1].upper() + key[1:], self.other_group)


def load_taxonomy(path: Path | None = None) -> tuple[Taxonomy, list[Problem]]:
    path = path or resource("taxonomy.yaml")
    problems: list[Problem] = []
    data = read_yaml(path, problems)
    types: list[CancerType] = []
    aliases: dict[str, str] = {}
    other = "Other cancer types"
    if isinstance(data, dict):
        other = str(data.get("other_group") or other)
        for number, item in enumerate(data.get("types") or [], 1):
            if not (isinstance(item, dict) and item.get("id") and item.get("name")):
                problems.append(Problem(path, f"type {number} needs an id and a name", "skipped"))
                continue
            type_id = normalize_term(str(item["id"]))
            types.append(CancerType(type_id, str(item["name"]), str(item.get("group") or other)))
            for alias in [item["id"], item["name"], *(item.get("aliases") or [])]:
                aliases.setdefault(normalize_term(str(alias)), type_id)
    elif data is not None:
        problems.append(Problem(path, "expected 'types:' with a list of cancer types", "ignored"))
    return Taxonomy(types, aliases, other), problems
