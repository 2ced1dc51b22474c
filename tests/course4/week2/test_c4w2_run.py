"""run.py: the --quick smoke run (synthetic SIGNS stand-in), the course-data run, bad arguments."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from common.testing import require_course_files
from course4.week2 import run


def _check_outputs(metrics, out, arch):
    for name in ("curves.png", "predictions.png", "metrics.json", f"{arch}.npz"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["data"] == metrics["data"]
    assert saved["test_accuracy"] == pytest.approx(metrics["test_accuracy"])
    for key in ("train_accuracy", "test_accuracy", "final_loss", "twin_max_abs_diff"):
        assert math.isfinite(metrics[key]), key


def test_quick_run_trains_beats_chance_and_writes_outputs(tmp_path):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)])
    _check_outputs(metrics, tmp_path, "resnet_tiny")
    assert metrics["data"] == "synthetic" and metrics["arch"] == "resnet_tiny"
    assert metrics["test_accuracy"] > 1 / 6 + 0.15          # 6 classes: chance is 1/6
    assert metrics["train_accuracy"] > 1 / 6 + 0.15
    assert metrics["history"]["loss"][-1] < metrics["history"]["loss"][0]
    assert metrics["twin_max_abs_diff"] < 1e-5              # the Keras twin agrees
    assert metrics["params"]["total"] == 21_766
    assert set(metrics["moving_stats"]) == {"train_accuracy", "test_accuracy"}

    # the saved weights reproduce the run's model
    from course4.week2.batchnorm import BNConfig
    from course4.week2.resnet_lowlevel import LowLevelResNet

    hp = metrics["hyperparameters"]
    model = LowLevelResNet("resnet_tiny", rng=np.random.default_rng(0),
                           bn_config=BNConfig(hp["bn_momentum"], hp["bn_epsilon"]))
    model.load(tmp_path / "resnet_tiny.npz")
    assert model.count_params() == metrics["params"]


@pytest.mark.slow
@require_course_files("train_signs.h5", "test_signs.h5")
def test_quick_run_on_the_course_signs_files(tmp_path):
    metrics = run.main(["--quick", "--data", "course", "--out", str(tmp_path)])
    _check_outputs(metrics, tmp_path, "resnet_tiny")
    assert metrics["data"] == "course"
    assert metrics["test_accuracy"] > 1 / 6 + 0.1         # above chance after 5 short epochs


def test_unknown_architecture_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"unknown architecture 'resnet18'; choose one of \["):
        run.main(["--arch", "resnet18", "--out", str(tmp_path)])


@pytest.mark.parametrize("flag, value", [("--epochs", "0"), ("--learning-rate", "-1"),
                                         ("--batch-size", "0")])
def test_bad_hyperparameters_are_clear_errors(tmp_path, flag, value):
    with pytest.raises(ValueError, match=flag):
        run.main([flag, value, "--out", str(tmp_path)])


def test_presets_and_flags_pick_the_hyperparameters():
    parse = run.build_parser().parse_args
    assert run.choose_hyperparameters(parse([])) == run.DEFAULT
    assert run.choose_hyperparameters(parse(["--quick"])) == run.QUICK
    big = run.choose_hyperparameters(parse(["--arch", "resnet50"]))
    assert big.arch == "resnet50" and big.bn_momentum == 0.99
    mixed = run.choose_hyperparameters(parse(["--quick", "--arch", "resnet_mini", "--epochs", "2"]))
    assert (mixed.arch, mixed.epochs, mixed.train_limit) == ("resnet_mini", 2, run.QUICK.train_limit)


def test_help_describes_the_week(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "Residual networks" in text and "--arch" in text and "--bn-momentum" in text
