"""What kind of source a document comes from, so a reader can weigh what it says.

The kind is read from the document's `sourceType` (e.g. "02_nci_core",
"03_charity", "05_patient_blog") and, where that says nothing we know, from the
name in `source`.
"""

from __future__ import annotations

import re

GOVERNMENT = "government"
CHARITY = "cancer charity"
PROFESSIONAL = "professional body"
CLINIC = "clinic"
PATIENT = "patient's view"
OTHER = "other"

# Words of a sourceType code, first match wins (a "patient_charity" is a charity).
_TYPE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (GOVERNMENT, frozenset({"nci", "nih", "nhs", "cdc", "gov", "government", "federal", "agency"})),
    (CHARITY, frozenset({"charity", "charities", "nonprofit", "foundation"})),
    (
        PROFESSIONAL,
        frozenset({"professional", "guideline", "guidelines", "college", "association"}),
    ),
    (CLINIC, frozenset({"clinic", "clinics", "hospital", "local", "institution"})),
    (PATIENT, frozenset({"patient", "blog", "personal", "advocate", "forum", "story"})),
)
# Patterns in the source's name, for documents without a sourceType we know.
_NAME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (PATIENT, re.compile(r"\bblog\b|patient advocate|patient'?s (?:view|story)", re.I)),
    (
        GOVERNMENT,
        re.compile(
            r"\b(?:NCI|NIH|NHS|CDC)\b|national cancer institute|cancer\.gov|department of health",
            re.I,
        ),
    ),
    (
        CHARITY,
        re.compile(r"cancer society|cancer research uk|macmillan|cancer council|charity", re.I),
    ),
    (PROFESSIONAL, re.compile(r"\bcollege of\b|\bsociety of\b|association|\bASCO\b|\bESMO\b")),
    (CLINIC, re.compile(r"\bclinic\b|hospital|health centre|health center|cancer centre", re.I)),
)


def source_kind(source_type: str, source: str = "") -> str:
    """One of government, cancer charity, professional body, clinic, patient's view, other."""
    words = set(re.split(r"[^a-z]+", source_type.casefold()))
    for kind, known in _TYPE_WORDS:
        if words & known:
            return kind
    for kind, pattern in _NAME_PATTERNS:
        if pattern.search(source):
            return kind
    return OTHER


def kind_label(kind: str) -> str:
    """The kind as a reader sees it beside a source's name ("" for other)."""
    if kind == PATIENT:
        return "a patient's view, not medical advice"
    return "" if kind == OTHER else kind


# How much a source's kind counts in ranking: a mild prior, so that when a
# patient's blog and a reviewed source say the same thing the reviewed one comes
# first, while a section that answers the question clearly better still wins.
RANK_WEIGHT = {
    GOVERNMENT: 1.0,
    CHARITY: 1.0,
    PROFESSIONAL: 1.0,
    CLINIC: 1.0,
    OTHER: 0.95,
    PATIENT: 0.9,
}
