"""course2/week2/run.py: smoke test (with the Keras mapping) and the course's comparison."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from common import synthetic2d
from course2.week2 import run


def test_quick_run_writes_figures_and_metrics(tmp_path):
    metrics = run.main(["--quick", "--keras", "--out", str(tmp_path)])
    for name in ("decision_boundaries.png", "cost_curves.png", "metrics.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["data"] == "synthetic"
    for key in ("gd", "momentum", "adam", "gd_decay", "momentum_decay", "adam_decay"):
        assert math.isfinite(saved[key]["final_cost"]) and 0.5 <= saved[key]["train_accuracy"] <= 1
    assert saved["adam"]["train_accuracy"] > 0.7 and saved["adam_decay"]["test_accuracy"] > 0.7
    assert all(r["mapped"] <= 1e-6 < r["naive"] for r in saved["keras_mapping"].values())
    assert metrics["adam"] == saved["adam"]


@pytest.mark.slow
def test_the_course_comparison_adam_beats_gd_and_decay_rescues_gd():
    cfg = run.Config()
    train = synthetic2d.moons(cfg.m_train, noise=0.2, seed=3)
    test = synthetic2d.moons(cfg.m_test, noise=0.2, seed=4)
    results = {}
    for key, name, lr, decay in (("gd", "gd", cfg.learning_rate, False), ("adam", "adam", cfg.learning_rate, False),
                                 ("gd_decay", "gd", cfg.decay_learning_rate, True)):
        from course2.week2 import mini_batches, schedules
        model = run.make_model(cfg, run.make_optimizer(name, lr, cfg))
        model.fit(*train, cfg.epochs, np.random.default_rng(1), mini_batch_size=cfg.mini_batch_size,
                  batch_iterator=mini_batches.random_mini_batches,
                  schedule=schedules.StepDecay(cfg.decay_rate, cfg.time_interval) if decay else None,
                  progress=False)
        results[key] = model.evaluate(*train)
    assert results["gd"] < 0.88                       # the course: 79.7%
    assert results["adam"] > 0.93                     # the course: 94%
    assert results["gd_decay"] > 0.93                 # the course: about 94-95%


@pytest.mark.parametrize("show", [False, True])
def test_only_show_makes_the_script_show_its_figures(tmp_path, monkeypatch, show):
    """run.py decides: plt.show() once, with the saved figures still open, only with --show."""
    import matplotlib.pyplot as plt

    from common import runner

    open_at_show = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: open_at_show.append(len(plt.get_fignums())))
    plt.close("all")
    try:
        run.main(["--quick", "--out", str(tmp_path)] + (["--show"] if show else []))
        if show:
            figures = len(list(tmp_path.glob("*.png")))         # each saved figure, still open
            assert open_at_show == [figures] and figures >= 2, open_at_show
        else:
            assert open_at_show == [] and plt.get_fignums() == []
    finally:
        runner._KEEP_FIGURES_OPEN = False
        plt.close("all")
