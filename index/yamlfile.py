"""Reading our own YAML resources so that a broken file is a Problem, not a crash."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.model import Problem

# PyYAML is imported when a file is read: a start from the snapshot reads none.
if TYPE_CHECKING:
    import yaml


def fast_loader() -> type[yaml.SafeLoader]:
    """libyaml's loader when PyYAML has it (about ten times faster), else the pure-Python
    one. Errors are re-read with the pure-Python loader: it points at the line a person
    would (see yaml_error)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_error(text: str, fast_error: yaml.YAMLError) -> yaml.YAMLError:
    """The error the pure-Python loader reports for `text` (its lines are more exact)."""
    import yaml

    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return exc
    return fast_error


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """The parsed file, or None (with a problem recorded) when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, f"cannot read: {exc}", "ignored"))
        return None
    import yaml

    try:
        return yaml.load(text, Loader=fast_loader())
    except yaml.YAMLError as fast_error:
        error = yaml_error(text, fast_error)
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or "invalid YAML"
        problems.append(Problem(path, f"not valid YAML: {reason}", "ignored", line=line))
        return None
