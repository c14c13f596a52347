"""Who says it, how old it is, and on what terms: a document's provenance as a
patient reads it on screen and on paper.

Metadata values are written for the library's keepers ("public_domain",
"05_patient_blog"); these functions turn them into words for a reader.
"""

from __future__ import annotations

import datetime as dt
import re

from index import sources
from index.model import Metadata

# Said wherever a document has no date of publication or review.
DATE_NOT_STATED = "Date not stated"
DATE_NOT_STATED_NOTE = (
    "This page does not say when it was written or last checked. "
    "Ask your care team whether it is still current."
)

# Said wherever a patient's own writing is shown or printed.
PATIENT_VIEW = "A patient's view, not medical advice"

# The kinds of source (index/sources.py tells them) as a reader sees them named.
SOURCE_KIND_NAMES = {
    sources.GOVERNMENT: "Government health agency",
    sources.CHARITY: "Cancer charity",
    sources.PROFESSIONAL: "Professional body",
    sources.CLINIC: "Clinic",
    sources.PATIENT: "Patient's blog",
    sources.OTHER: "",
}

# Licence values as a reader should see them. Keys are compared without case,
# spaces, hyphens or underscores ("public_domain" = "Public Domain").
LICENCES = {
    "publicdomain": "Public domain",
    "cc0": "No rights reserved (CC0 public domain dedication)",
    "cc010": "No rights reserved (CC0 public domain dedication)",
    "ccby": "Creative Commons Attribution (CC BY)",
    "ccby40": "Creative Commons Attribution 4.0 (CC BY 4.0)",
    "ccbysa40": "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
    "ccbync40": "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)",
    "ccbyncsa40": "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 (CC BY-NC-SA 4.0)",
    "ccbynd40": "Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0)",
    "ccbyncnd40": "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND 4.0)",
    "allrightsreserved": "All rights reserved",
}

# Public bodies whose works are in the public domain, by the names sources use.
PUBLIC_BODIES = {
    "nci": "U.S. National Cancer Institute",
    "national cancer institute": "U.S. National Cancer Institute",
    "nih": "U.S. National Institutes of Health",
    "cdc": "U.S. Centers for Disease Control and Prevention",
    "fda": "U.S. Food and Drug Administration",
}

# Notes for the library's keepers inside a licence value, never shown to a reader:
# "© Canadian Cancer Society; supplied by the product owner for bundling".
_KEEPERS_NOTES = re.compile(
    r"\b(supplied|bundl\w*|with (the )?(product )?owner'?s permission|permission granted)\b", re.I
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)\s*", re.I)


def _key(value: str) -> str:
    return re.sub(r"[\s_\-.]+", "", value.casefold())


def readable_licence(value: str, source: str = "") -> str:
    """A licence value as words a patient can read ("" when there is none)."""
    value = " ".join(value.split())
    if not value:
        return ""
    known = LICENCES.get(_key(value))
    if known == "Public domain":
        body = PUBLIC_BODIES.get(source.strip().casefold())
        return f"Public domain ({body})" if body else known
    if known:
        return known
    parts = [p.strip(" .") for p in re.split(r"[;\n]", value)]
    parts = [p for p in parts if p and not _KEEPERS_NOTES.search(p)]
    if not parts:
        return ""
    owner = parts[0]
    if _COPYRIGHT.match(owner):
        owner = "© " + _COPYRIGHT.sub("", owner).rstrip(" ,")
        rest = [p for p in parts[1:] if _key(p) != "allrightsreserved"]
        return " ".join([owner + ". All rights reserved.", *(p + "." for p in rest)])
    # Unknown: as written, without the underscores of a keyword.
    text = ". ".join(parts).replace("_", " ")
    return text[0].upper() + text[1:]


def source_kind(source_type: str, source: str = "") -> str:
    """What kind of source a document is, named for a reader ("" when not known)."""
    return SOURCE_KIND_NAMES[sources.source_kind(source_type, source)]


def is_patient_view(meta: Metadata) -> bool:
    """A patient's own writing (a blog), as opposed to a health organisation's."""
    return sources.source_kind(meta.source_type, meta.source) == sources.PATIENT


def date_not_stated(meta: Metadata) -> bool:
    return meta.last_reviewed is None


def overdue_note(meta: Metadata, today: dt.date | None = None) -> str:
    """A warning when the last review is older than the document's review plan."""
    from index.meta import review_overdue

    if not review_overdue(meta, today):
        return ""
    return (
        f"This page is past its planned review ({meta.review_frequency}). "
        "Check with your care team that the information is still current."
    )
