"""DNNModel: whole-network gradients with L2 and dropout, costs, training, errors, .npz weights."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck, runner, synthetic2d
from course2.week1 import regularization
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy, CategoricalCrossEntropy, get_loss
from course2.week1.model import DNNModel, full_batch
from course2.week1.optimizers import GradientDescent


def _model(rng, l2_lambda=0.7, keep_prob=0.8, fuse_output=True, n_x=3, seed_perturb=True):
    model = DNNModel([Dense(6, "relu", keep_prob), Dense(4, "tanh", keep_prob), Dense(1, "sigmoid")],
                     BinaryCrossEntropy(), GradientDescent(0.1), l2_lambda=l2_lambda,
                     fuse_output=fuse_output)
    model.build((n_x,), rng)
    if seed_perturb:
        for p in model.parameters().values():
            p += rng.normal(0, 0.2, p.shape)                 # non-zero biases too
    return model


def _data(rng, n_x=3, m=12):
    return rng.normal(size=(n_x, m)), (rng.random((1, m)) > 0.5).astype(np.float64)


@pytest.mark.parametrize("fuse_output", [True, False])
def test_whole_network_gradient_check_with_l2_and_a_fixed_dropout_mask(rng, fuse_output):
    model = _model(rng, fuse_output=fuse_output)
    X, Y = _data(rng)

    def f():  # the same masks every call: a fresh generator with the same seed
        return model.compute_cost(model.forward(X, True, np.random.default_rng(42)), Y)

    _, grads = model.loss_and_grads(X, Y, np.random.default_rng(42))
    grads = {k: v.copy() for k, v in grads.items()}
    report = gradcheck.check_gradients(f, model.parameters(), grads)
    assert report.max_relative_error <= 1e-7, str(report)
    assert any(layer.cache.dropout is not None for layer in model.layers)


def test_fused_and_lecture_paths_agree(rng):
    X, Y = _data(rng)
    fused = _model(np.random.default_rng(5), fuse_output=True)
    plain = _model(np.random.default_rng(5), fuse_output=False)
    c1, g1 = fused.loss_and_grads(X, Y, np.random.default_rng(1))
    c2, g2 = plain.loss_and_grads(X, Y, np.random.default_rng(1))
    assert c1 == pytest.approx(c2, rel=1e-12)
    for k in g1:
        np.testing.assert_allclose(g1[k], g2[k], rtol=1e-9, atol=1e-12)


def test_saturated_sigmoid_still_gives_a_finite_cost_and_gradient(rng):
    model = DNNModel([Dense(5, "relu", init="large_random"), Dense(1, "sigmoid", init="large_random")],
                     BinaryCrossEntropy(), GradientDescent(0.01))
    model.build((2,), rng)
    X = rng.normal(size=(2, 50)) * 3
    Y = (rng.random((1, 50)) > 0.5).astype(np.float64)
    cost, grads = model.loss_and_grads(X, Y, rng)
    assert np.isfinite(cost) and cost > 10                       # huge, but finite
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        lecture = BinaryCrossEntropy().forward(model.forward(X), Y)
    assert not np.isfinite(lecture)                              # log(0) in the probability form


def test_cost_includes_the_l2_term(rng):
    model = _model(rng, keep_prob=1.0, l2_lambda=0.0)
    X, Y = _data(rng)
    plain = model.compute_cost(model.forward(X), Y)
    model.l2_lambda = 0.7
    with_l2 = model.compute_cost(model.forward(X), Y)
    squares = sum(np.sum(layer.params["W"] ** 2) for layer in model.layers)
    assert with_l2 - plain == pytest.approx(0.7 / (2 * 12) * squares, rel=1e-12)
    assert regularization.l2_cost([np.ones((2, 2))], 0.0, 5) == 0.0


def test_categorical_cross_entropy_with_softmax_output(rng):
    model = DNNModel([Dense(5, "relu"), Dense(3, "softmax")], CategoricalCrossEntropy(),
                     GradientDescent(0.5), l2_lambda=0.1)
    model.build((2,), rng)
    for p in model.parameters().values():
        p += rng.normal(0, 0.2, p.shape)
    X = rng.normal(size=(2, 9))
    Y = np.eye(3)[:, rng.integers(0, 3, 9)]                      # (3, 9) one-hot
    _, grads = model.loss_and_grads(X, Y)
    grads = {k: v.copy() for k, v in grads.items()}
    report = gradcheck.check_gradients(lambda: model.compute_cost(model.forward(X), Y),
                                       model.parameters(), grads)
    assert report.max_relative_error <= 1e-7, str(report)
    probs = model.forward(X)
    assert CategoricalCrossEntropy().forward(probs, Y) == pytest.approx(
        CategoricalCrossEntropy().forward_from_logits(model.layers[-1].logits, Y), rel=1e-12)
    assert model.predict(X).shape == (1, 9)
    assert 0.0 <= model.evaluate(X, Y) <= 1.0


def test_fit_learns_circles_and_records_history():
    X, Y = synthetic2d.circles(200, seed=4)
    model = DNNModel([Dense(10, "relu"), Dense(5, "relu"), Dense(1, "sigmoid")],
                     BinaryCrossEntropy(), GradientDescent(0.1))
    history = model.fit(X, Y, 1500, np.random.default_rng(0), progress=False)
    assert len(history.costs) == 1500 and history.steps == 1500
    assert history.costs[-1] < 0.5 * history.costs[0]
    assert model.evaluate(X, Y) > 0.9
    assert history.learning_rates == [0.1] * 1500


def test_fit_accepts_a_custom_batch_iterator_and_schedule(rng):
    X, Y = _data(rng, m=10)
    seen = []

    def halves(X, Y, mini_batch_size, rng, batch_axis):
        seen.append(mini_batch_size)
        yield X[:, :5], Y[:, :5]
        yield X[:, 5:], Y[:, 5:]

    model = _model(rng)
    history = model.fit(X, Y, 3, rng, mini_batch_size=5, batch_iterator=halves,
                        schedule=lambda lr0, epoch: lr0 / (1 + epoch), progress=False)
    assert seen == [5, 5, 5] and history.steps == 6
    assert history.learning_rates == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert list(full_batch(X, Y, None, None))[0][0] is X


def test_save_and_load_round_trip(rng, tmp_path):
    model = _model(rng)
    X, Y = _data(rng)
    model.fit(X, Y, 5, rng, progress=False)
    path = model.save(tmp_path / "weights.npz")
    with np.load(path, allow_pickle=False) as data:                 # no pickle inside
        assert "layer0.param.W" in data.files and "__config__" in data.files
    fresh = DNNModel([Dense(6, "relu", 0.8), Dense(4, "tanh", 0.8), Dense(1, "sigmoid")],
                     BinaryCrossEntropy(), GradientDescent(0.1))
    fresh.load_weights(path)
    for k, v in model.parameters().items():
        np.testing.assert_array_equal(fresh.parameters()[k], v)
    np.testing.assert_array_equal(fresh.predict_proba(X), model.predict_proba(X))
    assert not list(tmp_path.glob(".*.tmp"))                        # written whole


def test_load_rejects_a_different_architecture(rng, tmp_path):
    model = _model(rng)
    path = model.save(tmp_path / "w.npz")
    other = DNNModel([Dense(7, "relu"), Dense(1, "sigmoid")], BinaryCrossEntropy())
    with pytest.raises(ValueError, match="does not match this model's layers"):
        other.load_weights(path)
    wider = DNNModel([Dense(7, "relu"), Dense(4, "tanh"), Dense(1, "sigmoid")], BinaryCrossEntropy())
    with pytest.raises(ValueError, match=r"layer0.param.W has shape \(6, 3\)"):
        wider.load_weights(path)
    with pytest.raises(FileNotFoundError, match="no weights file"):
        model.load_weights(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match=".npz"):
        model.save(tmp_path / "weights.pkl")


def test_mismatched_shapes_are_rejected(rng):
    model = _model(rng)
    with pytest.raises(ValueError, match=r"same number of examples.*X \(3, 10\) and Y \(1, 9\)"):
        model.fit(np.zeros((3, 10)), np.zeros((1, 9)), 1, rng)
    with pytest.raises(ValueError, match=r"Y must have shape \(n_y, m\)"):
        model.fit(np.zeros((3, 10)), np.zeros(10), 1, rng)
    with pytest.raises(ValueError, match=r"built for examples of shape \(3,\)"):
        model.forward(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="same shape"):
        BinaryCrossEntropy().forward(np.full((1, 4), 0.5), np.zeros((2, 2)))


@pytest.mark.parametrize("l2_lambda", [-0.1, float("inf"), "0.7"])
def test_bad_lambda_is_rejected(l2_lambda):
    with pytest.raises(ValueError, match="l2_lambda must be a finite number >= 0"):
        DNNModel([Dense(1, "sigmoid")], BinaryCrossEntropy(), l2_lambda=l2_lambda)


def test_unknown_optimizer_loss_and_bad_run_settings_are_rejected(rng):
    with pytest.raises(ValueError, match="get_optimizer"):
        DNNModel([Dense(1, "sigmoid")], BinaryCrossEntropy(), optimizer="adam")
    with pytest.raises(ValueError, match="unknown optimizer"):
        DNNModel([Dense(1, "sigmoid")], BinaryCrossEntropy(), optimizer=object())
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="not a layer"):
        DNNModel([Dense(1), "dense"], BinaryCrossEntropy())
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        GradientDescent(-1.0)
    model = _model(rng)
    X, Y = _data(rng)
    with pytest.raises(ValueError, match="epochs must be an integer"):
        model.fit(X, Y, 0, rng)
    with pytest.raises(ValueError, match="batch_iterator"):
        model.fit(X, Y, 1, rng, mini_batch_size=4)
    with pytest.raises(ValueError, match="np.random.Generator"):
        model.fit(X, Y, 1, 7)
    with pytest.raises(ValueError, match="no weights yet"):
        DNNModel([Dense(1, "sigmoid")], BinaryCrossEntropy()).predict(X)


def test_a_diverging_loss_stops_with_the_iteration_and_a_hint(rng):
    X, Y = synthetic2d.circles(100, seed=2)
    model = DNNModel([Dense(10, "relu", init="large_random"), Dense(10, "relu", init="large_random"),
                      Dense(1, "linear", init="large_random")],
                     BinaryCrossEntropy(), GradientDescent(1e6))   # linear output: the lecture's log form
    with pytest.raises(runner.NonFiniteLossError, match=r"at iteration \d+.*lower the learning rate"):
        with np.errstate(all="ignore"):
            model.fit(X * 100, Y, 50, rng, progress=False)
