"""run.py (numpy language model) end to end: smoke run, flags, bad input."""
from __future__ import annotations

import json
import math

import pytest

from common.testing import require_course_files
from course5.week1 import blas_threads
from course5.week1 import run


def test_quick_run_writes_metrics_and_figure(tmp_path, capsys):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert metrics["data"] == "synthetic"
    assert "samples:" in out and "temperature 0.5:" in out
    for key in ("train_accuracy", "test_accuracy", "train_loss_per_char", "test_loss_per_char"):
        assert math.isfinite(metrics[key]), key
    # above chance: better than 1/27 accuracy and below the uniform loss ln 27
    assert metrics["train_accuracy"] > 1 / 27 and metrics["test_accuracy"] > 1 / 27
    assert metrics["train_loss_per_char"] < metrics["uniform_baseline_per_char"] - 0.3
    assert (tmp_path / "loss_curve.png").stat().st_size > 1000
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["test_accuracy"] == pytest.approx(metrics["test_accuracy"])
    assert set(saved["samples"]) == {"0.5", "1.0", "1.5"}


def test_quick_lstm_per_example_with_norm_clipping_and_prefix(tmp_path):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path), "--cell",
                        "lstm", "--batch-size", "1", "--optimizer", "sgd", "--learning-rate",
                        "0.05", "--clip", "norm", "--prefix", "ka", "--iterations", "300"])
    assert metrics["cell"] == "lstm" and metrics["batch_size"] == 1
    assert all(s.startswith("ka") for group in metrics["samples"].values() for s in group)
    assert metrics["train_loss_per_char"] < metrics["uniform_baseline_per_char"]


def test_run_restores_blas_threads(tmp_path):
    before = blas_threads.get_blas_threads()
    run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path), "--iterations", "5"])
    assert blas_threads.get_blas_threads() == before


def test_help_describes_the_week(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "Course 5" in out and "--clip" in out and "--cell" in out


@pytest.mark.parametrize("argv, match", [
    (["--iterations", "0"], "--iterations must be >= 1"),
    (["--learning-rate", "-1"], "learning_rate"),
    (["--temperature", "0"], "temperature"),
    (["--prefix", "k9"], "not in the vocabulary"),
])
def test_bad_flags_are_clear_errors(tmp_path, argv, match):
    with pytest.raises(ValueError, match=match):
        run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)] + argv)


@require_course_files("dinos.txt")
def test_quick_run_on_the_course_names(tmp_path):
    metrics = run.main(["--quick", "--data", "course", "--out", str(tmp_path)])
    assert metrics["data"] == "course"
    assert metrics["uniform_baseline_per_char"] == pytest.approx(math.log(27))
    assert metrics["train_loss_per_char"] < math.log(27) - 0.3
