"""The built-in stand-in for dinos.txt: invented names from syllable rules."""
from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from common import datasets
from common.standins import names as names_mod
from common.testing import require_course_files


def test_names_are_lowercase_letters_distinct_and_sorted():
    names = names_mod.make_names(seed=0)
    assert len(names) == 1536
    assert all(re.fullmatch(r"[a-z]{3,20}", n) for n in names)
    assert len(set(names)) == len(names)
    assert names == sorted(names)
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")


def test_deterministic_by_seed_and_different_across_seeds():
    assert names_mod.make_names(seed=3) == names_mod.make_names(seed=3)
    assert names_mod.make_names(seed=3) != names_mod.make_names(seed=4)


def test_size_can_be_chosen_and_is_checked():
    assert len(names_mod.make_names(seed=1, n=300)) == 300
    with pytest.raises(ValueError, match="positive integer"):
        names_mod.make_names(seed=1, n=0)


def test_names_have_learnable_structure():
    """Which letter comes next is much more predictable than letter frequencies alone:
    the conditional entropy given the previous letter is well below the unigram entropy."""
    names = names_mod.make_names(seed=0)
    text = "".join("^" + n + "$" for n in names)
    unigram = Counter(c for c in text if c != "^")
    total = sum(unigram.values())
    h1 = -sum(c / total * math.log(c / total) for c in unigram.values())
    pairs = Counter(zip(text, text[1:]))
    pairs = {k: v for k, v in pairs.items() if k[1] != "^"}
    firsts = Counter()
    for (a, _), v in pairs.items():
        firsts[a] += v
    n_pairs = sum(pairs.values())
    h2 = -sum(v / n_pairs * math.log(v / firsts[a]) for (a, _), v in pairs.items())
    assert h1 < math.log(27)
    assert h2 < h1 - 0.5, (h1, h2)
    # and the families' endings are there to be learnt
    assert sum(n.endswith("saurus") for n in names) > 100


def test_load_names_synthetic_uses_the_standin(capsys):
    names, source = datasets.load_names("synthetic", seed=2)
    assert source == "synthetic"
    assert names == names_mod.make_names(seed=2)
    assert "synthetic" in capsys.readouterr().out


@require_course_files("dinos.txt")
def test_load_names_course_file():
    names, source = datasets.load_names("course")
    assert source == "course"
    assert len(names) == 1536
    assert set("".join(names)) <= set("abcdefghijklmnopqrstuvwxyz")
