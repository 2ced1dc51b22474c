"""course2/week1/run.py: smoke test, the initialisation lesson, and the course's figures on data.mat."""
from __future__ import annotations

import json
import math

import pytest

from common import datasets
from common.testing import require_course_files
from course2.week1 import run


def test_quick_run_with_the_keras_twin_writes_figures_and_metrics(tmp_path):
    metrics = run.main(["--quick", "--keras", "--data", "synthetic", "--out", str(tmp_path)])
    for name in ("init_boundaries.png", "init_costs.png", "regularization_boundaries.png",
                 "regularization_costs.png", "gradient_check.png", "metrics.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["data"] == "synthetic" and saved["init_data"] == "synthetic"
    for name in ("init_he", "reg_dropout", "reg_l2_dropout", "keras_l2_dropout"):
        for split in ("train_accuracy", "test_accuracy"):
            assert math.isfinite(saved[name][split]) and saved[name][split] > 0.6, (name, split)
    assert saved["init_zeros"]["train_accuracy"] == pytest.approx(0.5)       # symmetry never breaks
    assert saved["gradient_check"]["correct_backward"] <= 1e-7
    assert saved["gradient_check"]["backward_with_bug"] > 1e-2
    assert metrics["init_he"] == saved["init_he"]


def test_help_works(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
    assert "--keras" in capsys.readouterr().out


@pytest.mark.slow
def test_initialisation_lesson_on_circles():
    metrics, _, costs, _ = run.compare_initialisations(run.Config(), seed=3)
    assert metrics["init_zeros"]["train_accuracy"] == pytest.approx(0.5)
    assert metrics["init_zeros"]["final_cost"] == pytest.approx(math.log(2), abs=1e-6)
    assert metrics["init_he"]["train_accuracy"] > 0.9 and metrics["init_he"]["test_accuracy"] > 0.9
    large = metrics["init_large_random"]
    assert large["first_cost"] > 50                          # a saturated sigmoid: a huge cost
    assert large["cost_increases"] > 100                     # unstable descent
    assert large["train_accuracy"] < metrics["init_he"]["train_accuracy"] - 0.05   # and slow


@pytest.mark.slow
@require_course_files("data.mat")
def test_regularisation_on_the_course_data_matches_the_course():
    data = datasets.load_football_file()
    metrics, _, _ = run.compare_regularisation(run.Config(), data, seed=3,
                                               variants=("none", "l2", "dropout"))
    none, l2, dropout = (metrics[f"reg_{n}"] for n in ("none", "l2", "dropout"))
    assert l2["test_accuracy"] > none["test_accuracy"]
    assert dropout["test_accuracy"] > none["test_accuracy"]
    course = {"none": (0.948, 0.915), "l2": (0.938, 0.93), "dropout": (0.929, 0.95)}
    for name, (train, test) in course.items():
        assert metrics[f"reg_{name}"]["train_accuracy"] == pytest.approx(train, abs=0.035), name
        assert metrics[f"reg_{name}"]["test_accuracy"] == pytest.approx(test, abs=0.035), name


@pytest.mark.slow
def test_regularisation_lesson_on_the_football_stand_in():
    data = datasets.load_football("synthetic", seed=0)[0]
    metrics, _, _ = run.compare_regularisation(run.Config(), data, seed=3,
                                               variants=("none", "l2", "dropout"))
    none, l2, dropout = (metrics[f"reg_{n}"] for n in ("none", "l2", "dropout"))
    assert none["train_accuracy"] > none["test_accuracy"] + 0.05           # it overfits
    assert l2["test_accuracy"] > none["test_accuracy"] + 0.03
    assert dropout["test_accuracy"] > none["test_accuracy"] + 0.03
