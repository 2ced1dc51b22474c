"""The Keras LSTM text generator: windows, file errors, sampling, and a smoke run."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from course5.week1 import generate_text, text_generator
from course5.week1.default_text import DEFAULT_TEXT
from course5.week1.vocab import Vocabulary


def test_windows_and_their_next_character():
    vocab = Vocabulary.from_text("abcdefg")
    w = text_generator.make_windows(vocab.encode("abcdefg"), seq_len=3, step=2)
    assert [vocab.decode(x) for x in w.X] == ["abc", "cde"]
    assert vocab.decode(w.y) == "df"
    assert w.X.dtype == np.int32
    with pytest.raises(ValueError, match="at least 8"):
        text_generator.make_windows(vocab.encode("abcdefg"), seq_len=7, step=1)
    with pytest.raises(ValueError, match="step must be a positive integer"):
        text_generator.make_windows(vocab.encode("abcdefg"), seq_len=2, step=0)


def test_split_keeps_the_end_for_held_out():
    ix = np.arange(100)
    train, held = text_generator.split_text(ix, 0.1, seq_len=5)
    assert len(train) == 90 and held[0] == 90
    train, held = text_generator.split_text(ix, 0.03, seq_len=5)   # 3 chars: too few
    assert len(train) == 100 and len(held) == 0


def test_default_text_is_the_verse_the_readme_describes():
    """README: fourteen short poems, about 5,000 characters, 33 symbols (chance 1/33)."""
    assert 4000 < len(DEFAULT_TEXT) < 8000
    poems = DEFAULT_TEXT.strip("\n").split("\n\n")
    assert len(poems) == 14 and all(p.count("\n") >= 4 for p in poems)
    assert Vocabulary.from_text(DEFAULT_TEXT.lower()).size == 33


def test_read_text_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="was not found"):
        text_generator.read_text(tmp_path / "missing.txt")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 au lait".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        text_generator.read_text(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="is empty"):
        text_generator.read_text(empty)
    good = tmp_path / "ok.txt"
    good.write_text("Ünïcode Text", encoding="utf-8")
    assert text_generator.read_text(good) == "ünïcode text"
    assert text_generator.read_text(good, lower=False) == "Ünïcode Text"


@pytest.fixture(scope="module")
def tiny_model():
    vocab = Vocabulary.from_text("abc ")
    model = text_generator.build_model(vocab.size, units=4)
    return model, vocab


def test_model_maps_windows_of_any_length_to_logits(tiny_model):
    model, vocab = tiny_model
    for T in (1, 5):
        out = np.asarray(model(np.zeros((2, T), dtype=np.int32)))
        assert out.shape == (2, vocab.size)


def test_sampler_continues_the_seed_and_checks_it(tiny_model, rng):
    model, vocab = tiny_model
    sampler = text_generator.TextSampler(model, vocab, seq_len=3)
    text = sampler.generate("ab", 10, 0.8, rng)
    assert text.startswith("ab") and len(text) == 12 and set(text) <= set("abc ")
    with pytest.raises(ValueError, match=r"'z' \(U\+007A\) at position 1"):
        sampler.generate("az", 5, 1.0, rng)
    with pytest.raises(ValueError, match="temperature"):
        sampler.generate("ab", 5, -1.0, rng)
    with pytest.raises(ValueError, match="at least one character"):
        sampler.generate("", 5, 1.0, rng)


def _check_quick_metrics(metrics: dict, out) -> None:
    assert math.isfinite(metrics["train_accuracy"]) and math.isfinite(metrics["test_accuracy"])
    assert metrics["train_accuracy"] > 1.0 / metrics["vocab_size"]
    assert metrics["train_loss_per_char"] < metrics["uniform_baseline_per_char"]
    assert (out / "loss_curve.png").stat().st_size > 1000


def test_generate_text_quick_run_on_the_built_in_text(tmp_path, capsys):
    """The default run's path (no --text); the seed is lower-cased like the text."""
    out = tmp_path / "out"
    metrics = generate_text.main(["--quick", "--out", str(out), "--seed-text", "The "])
    printed = capsys.readouterr().out
    assert "text: the built-in verse" in printed and "--- temperature 0.5 ---" in printed
    assert metrics["data"] == "synthetic" and metrics["text_file"] is None
    assert metrics["vocab_size"] == 33
    _check_quick_metrics(metrics, out)
    assert metrics["samples"]["0.5"].startswith("the ")
    assert json.loads((out / "metrics.json").read_text())["data"] == "synthetic"


def test_generate_text_quick_run_on_a_user_file_keeping_case(tmp_path):
    corpus = tmp_path / "corpus.txt"
    capitalised = "\n".join(line.capitalize() for line in DEFAULT_TEXT[:2500].splitlines())
    corpus.write_text(capitalised, encoding="utf-8")
    out = tmp_path / "out"
    metrics = generate_text.main(["--quick", "--text", str(corpus), "--out", str(out),
                                  "--keep-case", "--seed-text", "The "])
    assert metrics["data"] == "user" and metrics["text_file"] == str(corpus)
    _check_quick_metrics(metrics, out)
    assert metrics["samples"]["0.5"].startswith("The ")
    assert json.loads((out / "metrics.json").read_text())["data"] == "user"


def test_seed_text_follows_the_case_of_the_text():
    args = generate_text.parse_args(["--seed-text", "The Öak "])
    assert generate_text.seed_text_for(args, "ignored", 4) == "the öak "
    args = generate_text.parse_args(["--seed-text", "The Öak ", "--keep-case"])
    assert generate_text.seed_text_for(args, "ignored", 4) == "The Öak "
    args = generate_text.parse_args([])
    assert generate_text.seed_text_for(args, "the start of it", 4) == "the "


def test_generate_text_help_and_bad_input(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        generate_text.main(["--help"])
    assert exit_info.value.code == 0
    assert "--text" in capsys.readouterr().out
    with pytest.raises(FileNotFoundError, match="was not found"):
        generate_text.main(["--quick", "--text", str(tmp_path / "nope.txt"),
                            "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="--temperature must be a positive number"):
        generate_text.main(["--quick", "--temperature", "0", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="--learning-rate must be a positive number"):
        generate_text.main(["--quick", "--learning-rate", "0", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="--length must be >= 0"):
        generate_text.main(["--quick", "--length", "-1", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="--seed-text must contain"):
        generate_text.main(["--quick", "--seed-text", "", "--out", str(tmp_path)])
    # --keep-case keeps the seed's capital, which the (lower-case) built-in text lacks: the
    # error comes before any training, so nothing is written
    with pytest.raises(ValueError, match=r"'T' \(U\+0054\) at position 0"):
        generate_text.main(["--quick", "--keep-case", "--seed-text", "The ",
                            "--out", str(tmp_path / "none")])
    assert not (tmp_path / "none" / "metrics.json").exists()
    assert not (tmp_path / "none" / "loss_curve.png").exists()
