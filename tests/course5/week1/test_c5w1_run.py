"""run.py (numpy language model) end to end: smoke run, flags, bad input."""
from __future__ import annotations

import json
import math
import re

import pytest

from common.testing import require_course_files
from common import blas_threads
from course5.week1 import run, training


def test_quick_run_writes_metrics_and_figure(tmp_path, capsys):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert metrics["data"] == "synthetic"
    assert "samples:" in out and "temperature 0.5:" in out
    # progress on the training loop: a line at most every 2 s, and the last one at the end
    steps = re.findall(r"^train rnn: (\d+)/150 \[", out, flags=re.M)
    assert steps and steps[-1] == "150"
    assert len(steps) <= 2 + metrics["runtime_s"] / 2
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


def test_run_trains_on_one_blas_thread_then_restores_the_count(tmp_path, monkeypatch):
    if blas_threads.get_blas_threads() is None:
        pytest.skip("numpy's BLAS is not a reachable OpenBLAS (e.g. macOS Accelerate or MKL): "
                    "run.py cannot pin it, and there is nothing to restore")
    seen = []
    real_train = training.train

    def spy(*args, **kwargs):
        seen.append(blas_threads.get_blas_threads())
        return real_train(*args, **kwargs)

    monkeypatch.setattr(training, "train", spy)
    original = blas_threads.set_blas_threads(2)    # the suite runs on 1: start from 2
    try:
        run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path), "--iterations", "5"])
        assert seen == [1]                          # training ran on one thread
        assert blas_threads.get_blas_threads() == 2
    finally:
        blas_threads.set_blas_threads(original)


def test_help_describes_the_week(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "Course 5" in out and "--clip" in out and "--cell" in out


@pytest.mark.parametrize("argv, match", [
    (["--iterations", "0"], "--iterations must be >= 1, got 0"),
    (["--hidden", "0"], "--hidden must be >= 1, got 0"),
    (["--batch-size", "0"], "--batch-size must be >= 1, got 0"),
    (["--learning-rate", "-1"], "--learning-rate must be a positive number"),
    (["--clip-threshold", "0"], "--clip-threshold must be a positive number"),
    (["--temperature", "0"], "--temperature must be a positive number"),
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
