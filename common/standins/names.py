"""Invented names from syllable rules: the stand-in for the course's ``dinos.txt``.

The character-level language model of course 5 week 1 learns to spell names one letter at a
time. Without the course's file it trains on these: words built from a few "families" of
sound rules, each with its own onsets, vowels, codas and endings, so there is real structure
to learn (which letters follow which, how long a name runs, which endings close it):

    name   = prefix? syllable{1..3} ending
    syllable = onset vowel coda?        e.g.  "thal", "ri", "gor"
    ending   = family suffix             e.g.  "wen", "saurus", "ax"

Every name is lower-case a-z only (no spaces, hyphens or accents), 3 to 20 letters, and the
list holds no duplicates. The same ``seed`` always gives the same names, in sorted order (the
course's file is alphabetical too; training code shuffles).

    >>> names = make_names(seed=0)
    >>> len(names), names[:3]                       # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np


class Family(NamedTuple):
    """One style of names: the parts and how likely each is."""

    onsets: tuple[str, ...]
    vowels: tuple[str, ...]
    codas: tuple[str, ...]
    endings: tuple[str, ...]
    coda_prob: float          # chance that a syllable closes with a consonant
    syllables: tuple[float, ...]  # probabilities of 1, 2, 3 syllables before the ending
    prefixes: tuple[str, ...] = ()
    prefix_prob: float = 0.0


# Four families: "saurian" (like the course's dinosaurs), "elven", "stone" (hard consonants),
# "river" (soft, vowel-rich). The parts are invented; any resemblance to real names is chance.
FAMILIES: dict[str, Family] = {
    "saurian": Family(
        onsets=("b", "br", "c", "d", "g", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t",
                "tr", "v", "z", "ch", "ph", "qu"),
        vowels=("a", "a", "o", "o", "e", "i", "u", "ae", "io"),
        codas=("n", "r", "s", "l", "x", "nt", "rd"),
        endings=("saurus", "saurus", "saurus", "odon", "raptor", "ceratops", "don", "mimus",
                 "tops", "venator", "suchus", "lophus", "nykus", "titan"),
        coda_prob=0.3, syllables=(0.25, 0.5, 0.25),
        prefixes=("micro", "mega", "proto", "neo", "pseudo"), prefix_prob=0.12),
    "elven": Family(
        onsets=("l", "th", "f", "gl", "n", "s", "el", "r", "v", "m", "ar", "c"),
        vowels=("a", "e", "i", "ae", "ie", "ia", "o", "y"),
        codas=("l", "n", "r", "th", "nd"),
        endings=("wen", "iel", "ion", "las", "dil", "riel", "neth", "ara", "ith", "wyn"),
        coda_prob=0.25, syllables=(0.45, 0.45, 0.10)),
    "stone": Family(
        onsets=("b", "d", "g", "gr", "k", "kr", "th", "dr", "br", "h", "m", "t"),
        vowels=("a", "o", "u", "u", "i", "oi"),
        codas=("r", "k", "n", "m", "rk", "ld", "g"),
        endings=("in", "ur", "im", "ak", "grim", "dur", "bek", "rok", "ax"),
        coda_prob=0.55, syllables=(0.55, 0.40, 0.05)),
    "river": Family(
        onsets=("m", "n", "l", "s", "sh", "w", "y", "h", "k", "t", "j"),
        vowels=("a", "a", "i", "o", "u", "ai", "ei", "ou"),
        codas=("n", "h", "l"),
        endings=("a", "ani", "ina", "olu", "ea", "imi", "ana", "e"),
        coda_prob=0.15, syllables=(0.2, 0.5, 0.3)),
}
FAMILY_WEIGHTS: dict[str, float] = {"saurian": 0.45, "elven": 0.2, "stone": 0.2, "river": 0.15}

MIN_LENGTH, MAX_LENGTH = 3, 20


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def make_name(rng: np.random.Generator, family: Family) -> str:
    """One name from one family's rules (may repeat across calls; ``make_names`` deduplicates)."""
    parts = []
    if family.prefixes and rng.random() < family.prefix_prob:
        parts.append(_pick(rng, family.prefixes))
    n_syllables = 1 + int(rng.choice(len(family.syllables), p=family.syllables))
    for _ in range(n_syllables):
        parts.append(_pick(rng, family.onsets) + _pick(rng, family.vowels))
        if rng.random() < family.coda_prob:
            parts.append(_pick(rng, family.codas))
    ending = _pick(rng, family.endings)
    word = "".join(parts)
    # Avoid three equal letters in a row and a doubled vowel where syllable and ending meet.
    if word[-1] in "aeiouy" and ending[0] in "aeiouy":
        word = word[:-1]
    return word + ending


def make_names(seed: int = 0, n: int = 1536) -> list[str]:
    """``n`` distinct invented names (default 1,536, the size of ``dinos.txt``), sorted.

    Returns a list of lower-case a-z strings, 3 to 20 letters each; deterministic by ``seed``.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer number of names, got {n!r}")
    if n > 50_000:
        raise ValueError(f"n={n} is more names than the syllable rules can make distinct; "
                         f"use n <= 50000")
    rng = np.random.default_rng(seed)
    keys = list(FAMILY_WEIGHTS)
    weights = np.array([FAMILY_WEIGHTS[k] for k in keys])
    names: set[str] = set()
    attempts = 0
    while len(names) < n:
        attempts += 1
        if attempts > 50 * n:  # pragma: no cover - the rules make far more than 50k names
            raise RuntimeError(f"could only make {len(names)} distinct names of {n} requested")
        family = FAMILIES[keys[int(rng.choice(len(keys), p=weights))]]
        name = make_name(rng, family)
        if MIN_LENGTH <= len(name) <= MAX_LENGTH and not _has_triple(name):
            names.add(name)
    return sorted(names)


def _has_triple(word: str) -> bool:
    return any(word[i] == word[i + 1] == word[i + 2] for i in range(len(word) - 2))
