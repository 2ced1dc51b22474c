"""Course 1 week 3: the run script (smoke test)."""
from __future__ import annotations

import json
import math

import pytest

from course1.week3 import run

FIGURES = ("flower_boundaries.png", "cost.png", "hidden_sizes.png", "extra_datasets.png")


def test_quick_run_writes_figures_and_metrics(tmp_path):
    metrics = run.main(["--quick", "--out", str(tmp_path)])
    assert metrics["data"] == "synthetic"
    for name in ("logistic_regression", "numpy_network", "tensorflow_network"):
        for key in ("train_accuracy", "test_accuracy"):
            assert math.isfinite(metrics[name][key])
    for name in ("numpy_network", "tensorflow_network"):  # the network beats chance and the line
        assert metrics[name]["train_accuracy"] > 0.75
        assert metrics[name]["test_accuracy"] > 0.75
        assert metrics[name]["train_accuracy"] > metrics["logistic_regression"]["train_accuracy"]
    assert metrics["tensorflow_network"]["max_abs_weight_difference_to_numpy"] < 1e-8
    assert set(metrics["hidden_sizes"]) == {"1", "4", "20"}
    assert set(metrics["extra_datasets"]) == {"noisy_circles", "noisy_moons", "blobs",
                                              "gaussian_quantiles"}
    for figure in FIGURES:
        assert (tmp_path / figure).stat().st_size > 1000, figure
    assert json.loads((tmp_path / "metrics.json").read_text())["numpy_network"] == \
        metrics["numpy_network"]


def test_run_rejects_bad_hyperparameters(tmp_path):
    with pytest.raises(ValueError, match="n_h must be a whole number >= 1"):
        run.main(["--quick", "--hidden-units", "0", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="num_iterations must be a whole number"):
        run.main(["--quick", "--iterations", "-5", "--out", str(tmp_path)])
