"""Flesch-Kincaid grade level with our own syllable counter (no word lists).

grade = 0.39 * words per sentence + 11.8 * syllables per word - 15.59

Syllables are counted as groups of vowels, with the usual English corrections
(a silent final e, "-le", "-ed" and "-es" endings). It is an estimate, as every
syllable counter is; on the glossary's words it is close enough to hold a limit.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    word = word.casefold().replace("’", "'").split("'")[0]
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    count = len(_VOWELS.findall(word))
    # A silent final e ("make", "cause"), but not "-le" after a consonant ("table").
    if word.endswith("e") and not re.search(r"([^aeiouy]le|[^g]ue)$", word):
        count -= 1
    # "-ed" is its own syllable only after t or d ("wanted", "added").
    if word.endswith("ed") and not re.search(r"[td]ed$", word) and len(word) > 4:
        count -= 1
    # "-es" is its own syllable only after s, x, z, ch, sh, ge, ce ("boxes").
    if word.endswith("es") and not re.search(r"(s|x|z|ch|sh|g|c)es$", word) and len(word) > 4:
        count -= 1
    # Vowel pairs said as two syllables ("ia" in "bacteria", "io" in "radio", "neo"),
    # but not in "-tion", "-sion", "-cial", "-gion" ("radiation", "special").
    count += len(re.findall(r"[^aeiou](ia|io|iu|ua|uo)", word))
    count -= len(re.findall(r"[tscg]i(on|an|al)", word))
    count += len(re.findall(r"(^|[^aeiou])neo|eing$", word))
    return max(count, 1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text)))


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text` (one or more sentences)."""
    found = words(text)
    if not found:
        return 0.0
    per_sentence = len(found) / sentence_count(text)
    per_word = sum(syllables(w) for w in found) / len(found)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
