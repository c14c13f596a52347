"""Reading our own YAML resources so that a broken file is a Problem, not a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from index.model import Problem


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """The parsed file, or None (with a problem recorded) when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, f"cannot read: {exc}", "ignored"))
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or "invalid YAML"
        problems.append(Problem(path, f"not valid YAML: {reason}", "ignored", line=line))
        return None
