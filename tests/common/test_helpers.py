"""gradcheck, runner, progress, plotting and the 2-D toy sets."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from common import gradcheck, plotting, progress, runner, synthetic2d


# ----------------------------------------------------------------------------- gradcheck
def test_relative_error_basics():
    a = np.array([1.0, 2.0])
    assert gradcheck.relative_error(a, a) == 0.0
    assert gradcheck.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert gradcheck.relative_error(a, -a) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shapes differ"):
        gradcheck.relative_error(a, np.ones(3))


def test_numerical_gradient_of_a_known_function(rng):
    W = rng.normal(size=(3, 4))
    x = rng.normal(size=(4, 1))
    f = lambda: float(np.sum(np.tanh(W @ x)))  # noqa: E731
    analytic = (1 - np.tanh(W @ x) ** 2) @ x.T            # (3, 1) @ (1, 4) -> (3, 4)
    report = gradcheck.check_gradients(f, {"W": W}, {"W": analytic})
    assert report.max_relative_error < 1e-8
    assert "W" in str(report)


def test_check_gradients_catches_a_wrong_gradient(rng):
    W = rng.normal(size=(2, 2))
    f = lambda: float(np.sum(W ** 3))  # noqa: E731
    wrong = 2 * W ** 2  # should be 3 W^2
    report = gradcheck.check_gradients(f, {"W": W}, {"W": wrong})
    assert report.max_relative_error > 0.1
    assert report.params[0].max_abs_diff > 0


def test_numerical_gradient_restores_parameters_and_needs_float64(rng):
    W = rng.normal(size=(2, 3))
    before = W.copy()
    gradcheck.numerical_gradient(lambda: float(np.sum(W ** 2)), W)
    np.testing.assert_array_equal(W, before)
    with pytest.raises(ValueError, match="float64"):
        gradcheck.numerical_gradient(lambda: 0.0, W.astype(np.float32))


def test_check_gradients_shape_and_key_errors(rng):
    W = rng.normal(size=(2, 2))
    with pytest.raises(KeyError):
        gradcheck.check_gradients(lambda: 0.0, {"W": W}, {})
    with pytest.raises(ValueError, match="shape"):
        gradcheck.check_gradients(lambda: 0.0, {"W": W}, {"W": np.zeros(3)})


# ----------------------------------------------------------------------------- runner
def test_parser_has_the_shared_flags(tmp_path):
    args = runner.make_parser("doc").parse_args(["--quick", "--seed", "3", "--out", str(tmp_path)])
    assert args.quick and args.seed == 3 and args.out == tmp_path and args.data == "auto"
    with pytest.raises(SystemExit):
        runner.make_parser("doc").parse_args(["--data", "sometimes"])


def test_prepare_creates_output_folder(tmp_path, capsys):
    args = runner.make_parser("doc").parse_args(["--out", str(tmp_path / "a" / "b")])
    out = runner.prepare(args, "course0/week0")
    assert out.is_dir()
    assert "versions:" in capsys.readouterr().out


def test_metrics_written_whole_as_json(tmp_path):
    path = runner.save_metrics({"acc": np.float64(0.5), "curve": np.arange(3), "data": "synthetic"},
                               tmp_path / "metrics.json")
    assert json.loads(path.read_text()) == {"acc": 0.5, "curve": [0, 1, 2], "data": "synthetic"}
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temp file left behind


def test_interrupted_write_leaves_nothing(tmp_path):
    with pytest.raises(TypeError):
        runner.save_metrics({"bad": object()}, tmp_path / "metrics.json")
    assert list(tmp_path.iterdir()) == []


def test_save_figure_writes_png(tmp_path):
    fig = plotting.cost_curves({"a": [3, 2, 1]})
    path = runner.save_figure(fig, tmp_path / "cost.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_seed_everything_gives_repeatable_generators():
    a = runner.seed_everything(7).normal(size=3)
    b = runner.seed_everything(7).normal(size=3)
    np.testing.assert_array_equal(a, b)


def test_check_finite_and_positive():
    assert runner.check_finite(1.5, 3) == 1.5
    with pytest.raises(runner.NonFiniteLossError, match="iteration 12.*Hint"):
        runner.check_finite(float("nan"), 12)
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        runner.check_positive("learning_rate", 0)
    with pytest.raises(ValueError):
        runner.check_positive("learning_rate", float("inf"))


# ----------------------------------------------------------------------------- progress
def test_progress_prints_final_line():
    stream = io.StringIO()
    bar = progress.Progress(total=3, label="demo", interval=1e9, stream=stream)
    for step in range(1, 4):
        bar.update(step, cost=1.0 / step)
    lines = stream.getvalue().strip().splitlines()
    assert lines[-1].startswith("demo: 3/3") and "cost 0.3333" in lines[-1]
    with pytest.raises(ValueError):
        progress.Progress(total=0)


# ----------------------------------------------------------------------------- 2-D sets
@pytest.mark.parametrize("make", [synthetic2d.flower, synthetic2d.circles, synthetic2d.moons,
                                  synthetic2d.blobs, synthetic2d.gaussian_quantiles])
def test_2d_sets_layout_and_determinism(make):
    X, Y = make()
    X2, Y2 = make()
    assert X.shape[0] == 2 and Y.shape == (1, X.shape[1]) and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1}
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, make(seed=99)[0])


def test_flower_is_not_linearly_separable():
    X, Y = synthetic2d.flower()
    # the best least-squares linear classifier stays far from perfect
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T            # (m, 3)
    w, *_ = np.linalg.lstsq(A, 2.0 * Y.ravel() - 1.0, rcond=None)
    accuracy = np.mean((A @ w > 0) == (Y.ravel() == 1))
    assert accuracy < 0.7


def test_2d_set_errors():
    with pytest.raises(ValueError, match="m must be"):
        synthetic2d.moons(m=1)
    with pytest.raises(ValueError, match="factor"):
        synthetic2d.circles(factor=1.5)


# ----------------------------------------------------------------------------- plotting
def test_plotting_returns_figures():
    X, Y = synthetic2d.moons(m=40)
    fig = plotting.decision_boundaries([("sign", lambda P: (P[0] > 0).astype(int))] * 3, X, Y, ncols=2)
    assert len(fig.axes) == 4  # 3 panels + 1 blank
    fig = plotting.image_grid(np.zeros((5, 8, 8, 3), np.uint8), titles=list("abcde"), ncols=3)
    assert len(fig.axes) == 6
    with pytest.raises(ValueError):
        plotting.decision_boundary(lambda P: P[0], np.zeros((3, 4)), np.zeros((1, 4)))
    import matplotlib.pyplot as plt

    plt.close("all")


def test_save_figure_closes_figures_unless_show_was_given(tmp_path):
    import argparse

    import matplotlib.pyplot as plt

    try:
        runner.prepare(argparse.Namespace(show=False, out=tmp_path), "x")
        fig = plt.figure()
        runner.save_figure(fig, tmp_path / "a.png")
        assert not plt.fignum_exists(fig.number)
        runner.prepare(argparse.Namespace(show=True, out=tmp_path), "x")
        fig = plt.figure()
        runner.save_figure(fig, tmp_path / "b.png")
        assert plt.fignum_exists(fig.number), "--show must keep the saved figure open"
        runner.save_figure(fig, tmp_path / "c.png", close=True)
        assert not plt.fignum_exists(fig.number)
    finally:
        runner._KEEP_FIGURES_OPEN = False
        plt.close("all")


def test_atomic_write_gives_the_usual_permissions(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        path = runner.save_metrics({"x": 1}, tmp_path / "metrics.json")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


# ----------------------------------------------------------------------------- Keras NaN stop
def test_keras_fit_stops_at_the_first_nonfinite_batch_with_epoch_batch_and_hint():
    runner.import_tensorflow()
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.ones((8, 2), dtype=np.float32)
    y = np.ones((8, 1), dtype=np.float32)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0,
              callbacks=[runner.stop_on_nonfinite_loss()])          # finite: no error
    x[5, 0] = np.nan                                                  # in the second batch
    guard = runner.stop_on_nonfinite_loss("lower --learning-rate")
    with pytest.raises(runner.NonFiniteLossError,
                       match=r"nan at epoch 1, batch 2; training stopped\. "
                             r"Hint: lower --learning-rate\."):
        model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[guard])
