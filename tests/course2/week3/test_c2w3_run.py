"""Smoke tests of course2/week3/run.py: --quick runs write their figures and metrics."""
from __future__ import annotations

import json

import numpy as np
import pytest

from course2.week3 import run

BN_FIGURES = ("bn_costs.png", "bn_activation_scales.png", "bn_boundaries.png")
SEARCH_FILES = ("search_scatter.png", "search_best_boundary.png", "search_results.csv", "search_results.json")
TF_FIGURES = ("tf_costs.png", "tf_predictions.png")


def test_quick_run_all_parts(tmp_path):
    metrics = run.main(["--quick", "--data", "synthetic", "--out", str(tmp_path)])
    for name in BN_FIGURES + SEARCH_FILES + TF_FIGURES + ("metrics.json",):
        assert (tmp_path / name).stat().st_size > 0, name
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["data"] == "synthetic" and set(saved["seconds"]) == {"bn", "search", "tf"}

    bn = metrics["bn"]
    for name in ("plain_he", "bn_he", "bn_small_init"):
        assert bn[name]["train_accuracy"] > 0.6 and np.isfinite(bn[name]["final_cost"])
    assert bn["bn_small_init"]["test_accuracy"] > bn["plain_small_init"]["test_accuracy"]

    search = metrics["search"]
    assert search["n_trials"] == 6
    assert search["best_retrained"]["test_accuracy"] > 0.6           # chance is 0.5
    rows = (tmp_path / "search_results.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 6

    tf_part = metrics["tf"]
    assert tf_part["twin_check"]["max_abs_diff_gradients"] < 1e-10
    assert tf_part["twin_check"]["max_abs_diff_logits"] < 1e-10
    assert tf_part["tf_from_scratch"]["train_accuracy"] > 0.25          # chance is 1/6
    assert tf_part["inputs"] == "standardised"
    assert np.isfinite(tf_part["tf_from_scratch"]["final_cost"])


def test_quick_search_part_is_reproducible(tmp_path):
    a = run.main(["--quick", "--part", "search", "--trials", "3", "--out", str(tmp_path / "a")])
    b = run.main(["--quick", "--part", "search", "--trials", "3", "--out", str(tmp_path / "b")])
    assert a["search"]["best_config"] == b["search"]["best_config"]
    assert (tmp_path / "a" / "search_results.json").read_text().count("learning_rate") == 3
    assert a["data"] == "synthetic" and "bn" not in a and not (tmp_path / "a" / "bn_costs.png").exists()


def test_help_and_bad_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run.main(["--help"])
    assert exit_info.value.code == 0
    assert "--part" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        run.main(["--part", "everything"])
    with pytest.raises(SystemExit):
        run.main(["--trials", "0"])
    assert "--trials must be >= 1" in capsys.readouterr().err
