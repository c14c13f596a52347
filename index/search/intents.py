"""What kind of answer a question asks for, and which sections say they give it.

A question such as "how is it treated?" or "what is the outlook?" asks for a
kind of answer. Documents say which kind a section gives in its heading
("Treatment Options", "Possible side effects", "Signs and symptoms of ...").
At index time each section is tagged with the kinds its own heading names, and
the kinds its enclosing headings name; at query time the kinds the question
asks for are read from its cue words, and sections tagged with one rank higher.

The lexicon below is ordinary English as any cancer leaflet uses it (words,
not whole headings), so it applies to any library's own headings.
"""

from __future__ import annotations

import re

from whoosh.lang.porter import stem

# kind: (cue words and phrases in a question, words and phrases in a heading)
LEXICON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "symptoms": (
        ("symptom", "symptoms", "sign", "signs", "warning sign", "feel", "feeling", "notice"),
        ("symptom", "sign"),
    ),
    "causes": (
        (
            "cause",
            "causes",
            "caused",
            "causing",
            "why",
            "risk",
            "risks",
            "who gets",
            "inherited",
            "hereditary",
            "run in families",
            "runs in families",
        ),
        ("cause", "risk", "inherited", "inheritance", "hereditary", "genetic"),
    ),
    "prevention": (
        ("prevent", "prevented", "prevention", "avoid", "lower my risk", "reduce my risk"),
        ("prevent", "prevention", "prevented"),
    ),
    "diagnosis": (
        (
            "diagnose",
            "diagnosed",
            "diagnosis",
            "test",
            "tests",
            "tested",
            "detect",
            "detected",
            "scan",
            "scans",
            "biopsy",
            "exam",
            "check for",
        ),
        ("diagnosis", "diagnose", "test", "detect", "exam", "examine", "biopsy", "scan"),
    ),
    "stages": (
        ("stage", "stages", "staging", "staged", "how advanced", "spread", "spreads", "spreading"),
        ("stage", "staging", "spread"),
    ),
    "treatment": (
        ("treat", "treated", "treating", "treatment", "treatments", "options", "managed"),
        (
            "treat",
            "treatment",
            "therapy",
            "surgery",
            "chemotherapy",
            "radiotherapy",
            "immunotherapy",
            "radiation",
            "ablation",
            "embolization",
            "transplant",
        ),
    ),
    "side effects": (
        ("side effect", "side effects", "adverse", "after effects", "late effects", "toxicity"),
        ("side effect", "adverse", "late effect"),
    ),
    "outlook": (
        (
            "outlook",
            "prognosis",
            "survival",
            "survive",
            "life expectancy",
            "how long",
            "chance of recovery",
            "curable",
            "cured",
            "cure",
        ),
        ("prognosis", "outlook", "survival", "chance of recovery"),
    ),
    "recurrence": (
        (
            "recur",
            "recurs",
            "recurred",
            "recurrence",
            "recurrent",
            "come back",
            "comes back",
            "came back",
            "coming back",
            "returned",
            "relapse",
            "relapsed",
        ),
        ("recur", "recurrence", "recurrent", "come back", "relapse", "returned"),
    ),
    "clinical trials": (
        ("trial", "trials", "research", "study", "studies", "experimental", "new treatments"),
        ("trial", "research", "new types of treatment"),
    ),
}

_WORD = re.compile(r"[a-z0-9]+")


def _stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.casefold())]


def _compile(patterns: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [tuple(_stems(p)) for p in patterns]


_CUES = {kind: _compile(cues) for kind, (cues, _) in LEXICON.items()}
_HEADINGS = {kind: _compile(words) for kind, (_, words) in LEXICON.items()}


def _contains_run(words: list[str], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(tuple(words[i : i + n]) == run for i in range(len(words) - n + 1))


def query_intents(text: str) -> frozenset[str]:
    """The kinds of answer a question asks for, from its cue words (in order in the text)."""
    words = _stems(text)
    return frozenset(
        kind for kind, cues in _CUES.items() if any(_contains_run(words, c) for c in cues)
    )


def heading_intents(heading: str) -> list[str]:
    """The kinds of answer a section's heading says it gives (its words in any order)."""
    words = set(_stems(heading))
    kinds = [
        kind
        for kind, patterns in _HEADINGS.items()
        if any(all(w in words for w in p) for p in patterns)
    ]
    if "side effects" in kinds and "causes" in kinds:
        kinds.remove("causes")  # "Treatment may cause side effects" is not about causes
    return kinds


HEADING_STEMS = frozenset(w for patterns in _HEADINGS.values() for p in patterns for w in p)


def is_heading_word(word: str) -> bool:
    """Whether a heading word says what kind of answer its section gives."""
    return any(stem(w) in HEADING_STEMS for w in _WORD.findall(word.casefold()))
