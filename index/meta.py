"""Document metadata: YAML front matter and `NAME.meta.yaml` sidecars.

Every field is checked; a bad value is reported with file, line and field, and
the document still loads with that field left empty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from index.model import Metadata, Problem, Severity
from index.yamlfile import fast_loader, structure_problem, yaml_reason

SafeLoader = fast_loader()

REVIEW_FREQUENCIES = {
    "monthly": 31,
    "quarterly": 92,
    "semiannual": 183,
    "semiannually": 183,
    "biannual": 183,
    "half-yearly": 183,
    "yearly": 366,
    "annual": 366,
    "annually": 366,
    "biennial": 731,
}

_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M
)


class MetaReport:
    """Collects problems for one file, with the line offset of the YAML in it.

    Fields may come from two files (a document and its sidecar): `field_paths`
    says which file a field came from, so its problems name that file."""

    def __init__(
        self, path: Path, line_offset: int = 0, field_paths: dict[str, Path] | None = None
    ) -> None:
        self.path = path
        self.line_offset = line_offset
        self.field_paths = field_paths or {}
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        action: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        if line is not None:
            line += self.line_offset
        path = self.field_paths.get(field, self.path) if field else self.path
        self.problems.append(Problem(path, message, action, line, field, severity))


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (yaml text or None, body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def parse_yaml_mapping(yaml_text: str, report: MetaReport) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse YAML that must be a mapping. Returns (values, line of each key)."""
    try:
        refused = structure_problem(yaml_text)
        if refused is not None:
            report.add(f"metadata {refused[0]}", line=refused[1], action="metadata ignored")
            return {}, {}
        node = yaml.compose(yaml_text, Loader=SafeLoader)
    except yaml.YAMLError as fast_error:
        reason, line = yaml_reason(yaml_text, fast_error)
        report.add(f"metadata is not valid YAML: {reason}", line=line, action="metadata ignored")
        return {}, {}
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        kind = {"ScalarNode": "a single value", "SequenceNode": "a list"}.get(
            type(node).__name__, "not a mapping"
        )
        report.add(
            f"metadata must be 'field: value' lines, but it is {kind}",
            line=node.start_mark.line + 1,
            action="metadata ignored",
        )
        return {}, {}
    loader = SafeLoader("")
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                report.add(
                    f"field name {_shown(key)} is not text", line=line, action="field ignored"
                )
                continue
            if key in values:
                report.add(
                    "field appears twice",
                    line=line,
                    field=key,
                    action="the last value is used",
                    severity=Severity.WARNING,
                )
            values[key] = loader.construct_object(value_node, deep=True)
            lines[key] = line
    except yaml.YAMLError as exc:
        report.add(f"metadata value cannot be read: {exc}", action="metadata ignored")
        return {}, {}
    finally:
        loader.dispose()
    return values, lines


def _shown(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: cut short, so a huge one cannot swamp it."""
    if isinstance(value, list | dict) and len(value) > limit:
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | dt.date):
        return str(value)
    return None


def _as_text_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def build_metadata(
    values: dict[str, Any],
    lines: dict[str, int],
    report: MetaReport,
    *,
    fallback_title: str,
) -> Metadata:
    """Check each known field and build Metadata; unknown fields go to `extra`."""
    meta = Metadata(title="")

    def check(key: str, convert: Callable[[Any], Any], expected: str) -> Any:
        if key not in values or values[key] is None:
            return None
        converted = convert(values[key])
        if converted is None:
            report.add(
                f"expected {expected}, found {_shown(values[key])}",
                line=lines.get(key),
                field=key,
                action="field ignored",
            )
        return converted

    text_fields = {
        "audienceLevel": "audience",
        "citation": "citation",
        "language": "language",
        "license": "license",
        "source": "source",
        "sourceType": "source_type",
        "status": "status",
        "version": "version",
    }
    for key, attr in text_fields.items():
        value = check(key, _as_text, "text")
        if value is not None:
            setattr(meta, attr, value)

    title = check("title", _as_text, "text")
    if title:
        meta.title = title
    else:
        if "title" not in values:
            report.add("no title", field="title", action=f"using '{fallback_title}'")
        elif title == "":
            report.add(
                "title is empty",
                line=lines.get("title"),
                field="title",
                action=f"using '{fallback_title}'",
            )
        meta.title = fallback_title

    types = check("cancerTypes", _as_text_list, "a list of cancer types")
    if types is not None:
        meta.cancer_types = types
    tags = check("tags", _as_text_list, "a list of tags")
    if tags is not None:
        meta.tags = tags

    reviewed = check("lastReviewed", _as_date, "a date like 2025-12-30")
    if reviewed is not None:
        meta.last_reviewed = reviewed

    frequency = check("reviewFrequency", _as_text, "text")
    if frequency:
        if frequency.lower() in REVIEW_FREQUENCIES:
            meta.review_frequency = frequency.lower()
        else:
            report.add(
                f"unknown review frequency {_shown(frequency)}; use one of "
                + ", ".join(sorted(set(REVIEW_FREQUENCIES))),
                line=lines.get("reviewFrequency"),
                field="reviewFrequency",
                action="field ignored",
            )

    url = check("url", _as_text, "an address")
    if url:
        if re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            meta.url = url
        else:
            report.add(
                f"not a web address: {_shown(url)}",
                line=lines.get("url"),
                field="url",
                action="field ignored",
            )

    known = set(text_fields) | {
        "title",
        "cancerTypes",
        "tags",
        "lastReviewed",
        "reviewFrequency",
        "url",
    }
    meta.extra = {k: v for k, v in values.items() if k not in known}
    return meta


def review_overdue(meta: Metadata, today: dt.date | None = None) -> bool:
    """True when the last review is older than the review frequency allows."""
    if meta.last_reviewed is None or meta.review_frequency not in REVIEW_FREQUENCIES:
        return False
    today = today or dt.date.today()
    return (today - meta.last_reviewed).days > REVIEW_FREQUENCIES[meta.review_frequency]
