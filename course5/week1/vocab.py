"""Characters <-> indices, and names -> padded one-hot batches for the language model.

Lecture: "Language Model and Sequence Generation". A name is a sequence of characters closed
by an end token (the newline, index 0, like <EOS>); the model sees x<1> = 0 (nothing yet) and
then each character, and learns to predict the next one:

    name "rex":   x<1..4> = [0, "r", "e", "x"]     y<1..4> = ["r", "e", "x", "\\n"]

A mini-batch stacks names of different lengths: shorter ones are padded at the end and a mask
says which positions count, so the loss and its gradient are exactly those of the names alone
(the recurrence is causal: padding after a name cannot change what came before it).
"""
from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

import numpy as np

END = "\n"


class Vocabulary:
    """An ordered set of single characters; index i <-> ``chars[i]``."""

    def __init__(self, chars: Sequence[str]) -> None:
        chars = tuple(chars)
        if not chars:
            raise ValueError("a vocabulary needs at least one character, got none")
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise ValueError(f"vocabulary entries must be single characters, got {bad[:5]}")
        if len(set(chars)) != len(chars):
            raise ValueError("vocabulary characters must be distinct")
        self.chars = chars
        self.char_to_ix = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_names(cls, names: Iterable[str]) -> "Vocabulary":
        """The end token (index 0) then every character of ``names``, sorted (course order:
        "\\n", "a", ..., "z" for the dinosaur names)."""
        names = check_names(names)
        return cls((END,) + tuple(sorted(set("".join(names)))))

    @classmethod
    def from_text(cls, text: str) -> "Vocabulary":
        """Every distinct character of ``text``, sorted."""
        if not text:
            raise ValueError("cannot build a vocabulary from an empty text")
        return cls(tuple(sorted(set(text))))

    @property
    def size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"Vocabulary({self.size} symbols: {''.join(self.chars)!r})"

    def encode(self, text: str) -> np.ndarray:
        """``text`` -> (len(text),) int64 indices; a character outside the vocabulary is a
        ``ValueError`` naming it and its position."""
        try:
            return np.array([self.char_to_ix[c] for c in text], dtype=np.int64)
        except KeyError:
            for pos, c in enumerate(text):
                if c not in self.char_to_ix:
                    raise ValueError(
                        f"character {c!r} (U+{ord(c):04X}) at position {pos} of {text[:40]!r} is "
                        f"not in the vocabulary ({self.size} symbols: "
                        f"{''.join(self.chars)!r})") from None
            raise  # pragma: no cover

    def decode(self, indices: Iterable[int]) -> str:
        """Indices -> string; an index outside [0, size) is a ``ValueError``."""
        out = []
        for i in indices:
            i = int(i)
            if not 0 <= i < self.size:
                raise ValueError(f"index {i} is outside the vocabulary [0, {self.size})")
            out.append(self.chars[i])
        return "".join(out)


def check_names(names: Iterable[str]) -> list[str]:
    """A non-empty list of non-empty, single-line strings (else a ``ValueError``)."""
    names = list(names)
    if not names:
        raise ValueError("the corpus is empty: expected at least one name (one per line)")
    for k, name in enumerate(names):
        if not isinstance(name, str) or not name:
            raise ValueError(f"name {k} must be a non-empty string, got {name!r}")
        if END in name:
            raise ValueError(f"name {k} ({name!r}) contains a newline, the end token; "
                             f"give one name per list entry")
    return names


class Batch(NamedTuple):
    """Padded names in the course layout.

    X: (V, m, T) one-hot inputs (x<1> = 0)    Y: (m, T) int64 targets    mask: (m, T) bool
    with T = longest name + 1 (the end token).
    """

    X: np.ndarray
    Y: np.ndarray
    mask: np.ndarray


def make_batch(names: Sequence[str], vocab: Vocabulary, dtype: np.dtype = np.float64) -> Batch:
    """Encode and pad ``names`` (each character must be in ``vocab``)."""
    names = check_names(names)
    encoded = [vocab.encode(n) for n in names]
    m, T = len(names), max(len(e) for e in encoded) + 1
    X = np.zeros((vocab.size, m, T), dtype=dtype)
    Y = np.zeros((m, T), dtype=np.int64)
    mask = np.zeros((m, T), dtype=bool)
    end = vocab.char_to_ix[END]
    for k, e in enumerate(encoded):
        n = len(e)
        X[e, k, np.arange(1, n + 1)] = 1.0           # x<t+1> = one_hot(char t)
        Y[k, :n] = e
        Y[k, n] = end
        mask[k, :n + 1] = True
    return Batch(X, Y, mask)
