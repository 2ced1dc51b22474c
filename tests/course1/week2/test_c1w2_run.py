"""Course 1 week 2: the run script (smoke test) and the course's published numbers."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from common import datasets
from common.testing import require_course_files
from course1.week2 import logistic_regression as lr
from course1.week2 import run

MODELS = ("numpy", "keras_sequential", "keras_functional")
FIGURES = ("cost.png", "learning_rates.png", "misclassified.png")


def check_outputs(metrics: dict, out) -> None:
    for name in MODELS:
        for key in ("train_accuracy", "test_accuracy", "final_cost"):
            assert math.isfinite(metrics[name][key]), (name, key)
        # above chance: better than always answering the training set's majority class
        assert metrics[name]["train_accuracy"] > metrics["majority_baseline"]["train_accuracy"]
        # and on the test split better than a coin (its majority class is the other one)
        assert metrics[name]["test_accuracy"] > 0.5
    for name in MODELS[1:]:  # the Keras models end where the numpy one does
        assert metrics[name]["relative_weight_difference_to_numpy"] < 1e-5
    for figure in FIGURES:
        assert (out / figure).stat().st_size > 1000, figure
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["data"] == metrics["data"] in ("course", "synthetic")
    assert saved["numpy"]["test_accuracy"] == metrics["numpy"]["test_accuracy"]


def test_quick_run_writes_figures_and_metrics(tmp_path):
    metrics = run.main(["--quick", "--out", str(tmp_path)])
    check_outputs(metrics, tmp_path)


def test_quick_run_on_the_synthetic_stand_in(tmp_path):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)])
    assert metrics["data"] == "synthetic"
    check_outputs(metrics, tmp_path)


def test_run_rejects_a_non_positive_learning_rate(tmp_path):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        run.main(["--quick", "--data", "synthetic", "--learning-rate", "0", "--out", str(tmp_path)])


@pytest.mark.slow
@require_course_files("train_catvnoncat.h5", "test_catvnoncat.h5")
def test_course_data_at_course_settings_gives_the_course_accuracies():
    """The course: 2,000 iterations at lr 0.005 from zero -> train 99.04%, test 70%."""
    data = datasets.load_image_h5("train_catvnoncat.h5", "test_catvnoncat.h5")
    X, X_test = datasets.flatten_images(data.train_x), datasets.flatten_images(data.test_x)
    Y, Y_test = data.train_y.reshape(1, -1), data.test_y.reshape(1, -1)
    result = lr.fit(X, Y, learning_rate=0.005, num_iterations=2000)
    assert result.costs[0] == pytest.approx(np.log(2))
    assert result.costs[-1] == pytest.approx(0.1409, abs=2e-3)  # cost at iteration 1,900
    assert lr.accuracy(lr.predict(X, result.w, result.b), Y) >= 0.98
    test_accuracy = lr.accuracy(lr.predict(X_test, result.w, result.b), Y_test)
    assert test_accuracy == pytest.approx(0.70, abs=0.021)
