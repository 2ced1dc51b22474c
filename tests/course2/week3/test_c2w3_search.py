"""Random hyperparameter search: log-scale sampling, reproducibility, the results table, the
figure, bad search spaces, and a real (short) search in the numpy engine."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from common import runner, synthetic2d
from course2.week3 import hyperparameter_search as hs


def test_log_uniform_spreads_samples_evenly_over_decades():
    rng = np.random.default_rng(0)
    d = hs.LogUniform(-4, -1)
    x = np.array([d.sample(rng) for _ in range(6000)])
    assert x.min() >= 1e-4 and x.max() <= 1e-1
    per_decade = [np.mean((x >= 10.0 ** k) & (x < 10.0 ** (k + 1))) for k in (-4, -3, -2)]
    np.testing.assert_allclose(per_decade, 1 / 3, atol=0.03)
    # a linear-scale draw over the same range would put ~90% in the top decade
    assert np.mean(rng.uniform(1e-4, 1e-1, 6000) >= 1e-2) > 0.85


def test_one_minus_log_uniform_for_beta():
    rng = np.random.default_rng(1)
    d = hs.OneMinusLogUniform(-3, -1)
    beta = np.array([d.sample(rng) for _ in range(4000)])
    assert beta.min() >= 0.9 and beta.max() <= 0.999
    assert np.mean(beta < 0.99) == pytest.approx(0.5, abs=0.04)   # 0.9..0.99 as likely as 0.99..0.999
    assert d.bounds() == pytest.approx((0.9, 0.999))


def test_uniform_and_int_uniform_bounds():
    rng = np.random.default_rng(2)
    ints = {hs.IntUniform(1, 3).sample(rng) for _ in range(200)}
    assert ints == {1, 2, 3}                                       # inclusive
    u = [hs.Uniform(0.6, 1.0).sample(rng) for _ in range(200)]
    assert 0.6 <= min(u) and max(u) <= 1.0
    assert str(hs.LogUniform(-4, -1)) == "10^U(-4, -1)"


@pytest.mark.parametrize("make", [lambda: hs.LogUniform(-1, -4), lambda: hs.LogUniform(-2, -2),
                                  lambda: hs.OneMinusLogUniform(-1, -3), lambda: hs.Uniform(1.0, 0.6),
                                  lambda: hs.IntUniform(48, 4)])
def test_low_not_below_high_is_rejected(make):
    with pytest.raises(ValueError, match="needs low < high, got low=.* >= high="):
        make()


def test_other_bad_distributions_are_rejected():
    with pytest.raises(ValueError, match="high <= 0"):
        hs.OneMinusLogUniform(-3, 0.5)
    with pytest.raises(ValueError, match="must be an integer"):
        hs.IntUniform(1.5, 3)
    with pytest.raises(ValueError, match="finite number"):
        hs.LogUniform(float("nan"), 0)


def test_bad_search_spaces_are_rejected():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="empty"):
        hs.sample_configs({}, 3, rng)
    with pytest.raises(ValueError, match="unknown hyperparameter 'lr'"):
        hs.sample_configs({"lr": hs.LogUniform(-4, -1)}, 3, rng)
    with pytest.raises(ValueError, match=r"keep_prob: the distribution covers \[0.5, 1.2\], but 0 < keep_prob <= 1"):
        hs.sample_configs({"keep_prob": hs.Uniform(0.5, 1.2)}, 3, rng)
    with pytest.raises(ValueError, match="beta: .* 0 <= beta < 1"):
        hs.sample_configs({"beta": hs.Uniform(0.5, 1.0)}, 3, rng)
    with pytest.raises(ValueError, match="learning_rate: .* learning_rate > 0"):
        hs.sample_configs({"learning_rate": hs.Uniform(0.0, 0.1)}, 3, rng)
    with pytest.raises(ValueError, match="expected a LogUniform"):
        hs.sample_configs({"learning_rate": (1e-4, 1e-1)}, 3, rng)
    with pytest.raises(ValueError, match="n_trials must be a positive integer"):
        hs.sample_configs(hs.default_space(), 0, rng)


def test_sampling_is_reproducible_from_the_seed():
    a = hs.sample_configs(hs.default_space(), 5, np.random.default_rng(7))
    b = hs.sample_configs(hs.default_space(), 5, np.random.default_rng(7))
    c = hs.sample_configs(hs.default_space(), 5, np.random.default_rng(8))
    assert a == b and a != c
    assert all(isinstance(cfg["hidden_units"], int) for cfg in a)


def _fake_train(config, rng):
    """Accuracy peaks at learning rate 1e-2, plus noise from the trial's own generator."""
    score = 1.0 - 0.1 * abs(math.log10(config["learning_rate"]) + 2) + 0.01 * rng.uniform()
    return {"val_accuracy": score, "train_accuracy": score, "final_cost": 1 - score}


def test_run_search_is_reproducible_and_trials_are_independent():
    space = hs.default_space()
    r1 = hs.run_search(space, 6, _fake_train, np.random.default_rng(3), verbose=False)
    r2 = hs.run_search(space, 6, _fake_train, np.random.default_rng(3), verbose=False)
    assert [r.val_accuracy for r in r1] == [r.val_accuracy for r in r2]
    # the first trials do not depend on how many trials follow them
    r3 = hs.run_search(space, 3, _fake_train, np.random.default_rng(3), verbose=False)
    assert [r.val_accuracy for r in r3] == [r.val_accuracy for r in r1[:3]]
    best = hs.best_result(r1)
    assert best.val_accuracy == max(r.val_accuracy for r in r1)


def test_a_diverging_trial_is_recorded_not_dropped():
    def train(config, rng):
        if config["learning_rate"] > 0.01:
            runner.check_finite(float("nan"), 7)
        return {"val_accuracy": 0.8, "train_accuracy": 0.9, "final_cost": 0.3}

    results = hs.run_search({"learning_rate": hs.LogUniform(-4, -1)}, 12, train,
                            np.random.default_rng(0), verbose=False)
    diverged = [r for r in results if r.config["learning_rate"] > 0.01]
    assert diverged and all(r.val_accuracy == 0.0 and math.isinf(r.final_cost) for r in diverged)
    assert len(results) == 12


def test_best_result_ties_and_empty():
    mk = lambda i, acc, cost: hs.TrialResult(i, {}, acc, acc, cost, 0.0)   # noqa: E731
    assert hs.best_result([mk(0, 0.9, 0.3), mk(1, 0.9, 0.2), mk(2, 0.8, 0.1)]).trial == 1
    with pytest.raises(ValueError, match="no trial results"):
        hs.best_result([])


def test_results_table_csv_json_and_figure(tmp_path):
    space = {"learning_rate": hs.LogUniform(-4, -1), "beta": hs.OneMinusLogUniform(-3, -1),
             "l2_lambda": hs.LogUniform(-4, 0), "keep_prob": hs.Uniform(0.6, 1.0)}
    results = hs.run_search(space, 5, _fake_train, np.random.default_rng(1), verbose=False)
    results[2] = hs.TrialResult(2, results[2].config, 0.0, 0.0, math.inf, 0.1)   # a diverged trial
    rows = hs.read_results_csv(hs.write_results_csv(results, tmp_path / "r.csv"))
    assert len(rows) == 5 and list(rows[0])[:5] == ["trial", "learning_rate", "beta", "l2_lambda", "keep_prob"]
    assert float(rows[1]["learning_rate"]) == pytest.approx(results[1].config["learning_rate"])
    data = json.loads((hs.write_results_json(results, tmp_path / "r.json")).read_text())
    assert data[2]["final_cost"] is None and data[0]["val_accuracy"] == results[0].val_accuracy
    fig = hs.scatter_figure(results, space)
    assert len(fig.axes) == 4                                       # two panels, two colour bars
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_ylabel() == "1 - beta"
    assert fig.axes[2].get_yscale() == "linear"                     # keep_prob on a linear axis
    with pytest.raises(ValueError, match="none of the plotted pairs"):
        hs.scatter_figure(results, {"hidden_units": hs.IntUniform(4, 48)})
    with pytest.raises(ValueError, match="no trial results to write"):
        hs.write_results_csv([], tmp_path / "empty.csv")


def test_split_points_and_errors():
    X, Y = synthetic2d.circles(m=100, seed=1)
    s = hs.split_points(X, Y, (0.5, 0.25), rng=np.random.default_rng(0))
    assert (s.train_X.shape, s.val_X.shape, s.test_X.shape) == ((2, 50), (2, 25), (2, 25))
    together = np.sort(np.hstack([s.train_X, s.val_X, s.test_X]), axis=1)
    np.testing.assert_array_equal(together, np.sort(X, axis=1))
    with pytest.raises(ValueError, match="fractions"):
        hs.split_points(X, Y, (0.8, 0.3))
    with pytest.raises(ValueError, match="same m"):
        hs.split_points(X, Y[:, :50])


@pytest.mark.slow
def test_a_short_engine_search_finds_the_learning_rate_that_works():
    X, Y = synthetic2d.circles(m=400, noise=0.1, factor=0.5, seed=2)
    split = hs.split_points(X, Y, (0.5, 0.25), rng=np.random.default_rng(0))
    space = {"learning_rate": hs.LogUniform(-4, -1), "beta": hs.OneMinusLogUniform(-3, -1)}
    results = hs.run_search(space, 8, hs.engine_train_fn(split, epochs=60, mini_batch_size=32),
                            np.random.default_rng(5), verbose=False)
    best = hs.best_result(results)
    assert best.val_accuracy > 0.85
    assert best.config["learning_rate"] > 3e-3
    slow = [r.val_accuracy for r in results if r.config["learning_rate"] < 3e-4]
    assert not slow or max(slow) < best.val_accuracy - 0.1
    metrics, model = hs.train_engine_trial(best.config, split, 60, 32, np.random.default_rng(1))
    assert model.evaluate(split.test_X, split.test_Y) > 0.8
