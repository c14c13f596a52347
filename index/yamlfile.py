"""Reading YAML so that a broken or hostile file is a Problem, not a crash.

Every YAML text OncoRef reads (front matter, sidecars, our own resources) is
first checked event by event, which takes no recursion and little memory: it
must not nest deeper than MAX_DEPTH, and it must not use aliases (`*name`),
whose expansion can grow without bound ("billion laughs"). Only then is it
composed and constructed, which recurses once per level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.model import Problem

# PyYAML is imported when a file is read: a start from the snapshot reads none.
if TYPE_CHECKING:
    import yaml

# Lists and mappings inside each other; real metadata and resources use three or four.
MAX_DEPTH = 32
# Bytes of YAML in one resource file.
MAX_YAML_BYTES = 5 * 1024 * 1024
# Longer text with an error is not read again by the slow loader for a better line.
MAX_RECHECK_CHARS = 64 * 1024


def fast_loader() -> type[yaml.SafeLoader]:
    """libyaml's loader when PyYAML has it (about ten times faster), else the pure-Python
    one. Errors are re-read with the pure-Python loader: it points at the line a person
    would (see yaml_error)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_error(text: str, fast_error: yaml.YAMLError) -> yaml.YAMLError:
    """The error the pure-Python loader reports for `text` (its lines are more exact)."""
    import yaml

    if len(text) > MAX_RECHECK_CHARS or "nesting depth" in str(fast_error):
        return fast_error  # not worth the pure-Python loader's time (or stack)
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return exc
    except Exception:  # the pure-Python loader recurses: deep text may end here
        return fast_error
    return fast_error


def structure_problem(text: str) -> tuple[str, int | None] | None:
    """Why `text` must not be composed (too deep, or an alias), with the line; else None.

    Raises yaml.YAMLError when the text is not valid YAML."""
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=fast_loader()):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep", _line(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            return "uses an alias (*name); write the value out instead", _line(event)
    return None


def _line(event: yaml.Event) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def yaml_reason(text: str, fast_error: yaml.YAMLError) -> tuple[str, int | None]:
    """What is wrong with YAML `text` that raised `fast_error`, and on which line."""
    exc = yaml_error(text, fast_error)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return str(reason), line


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """The parsed file, or None (with a problem recorded) when it cannot be read."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_YAML_BYTES + 1)
        if len(data) > MAX_YAML_BYTES:
            problems.append(Problem(path, "file is too large to read", "ignored"))
            return None
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, f"cannot read: {exc}", "ignored"))
        return None
    import yaml

    try:
        refused = structure_problem(text)
        if refused is not None:
            problems.append(Problem(path, f"not read: {refused[0]}", "ignored", line=refused[1]))
            return None
        return yaml.load(text, Loader=fast_loader())
    except yaml.YAMLError as fast_error:
        reason, line = yaml_reason(text, fast_error)
        problems.append(Problem(path, f"not valid YAML: {reason}", "ignored", line=line))
        return None
