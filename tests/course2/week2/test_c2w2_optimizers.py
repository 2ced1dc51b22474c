"""Momentum, RMSprop, Adam: the update formulas, per-parameter state, errors, use in DNNModel."""
from __future__ import annotations

import numpy as np
import pytest

from common import synthetic2d
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel
from course2.week2 import mini_batches, optimizers


def _steps(opt, param, grads, learning_rate=None):
    param = param.copy()
    state = opt.init_state(param)
    for g in grads:
        opt.update(param, g, state, opt.learning_rate if learning_rate is None else learning_rate)
    return param, state


def test_momentum_is_an_exponentially_weighted_average_of_gradients(rng):
    W0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(4)]
    W, state = _steps(optimizers.Momentum(0.1, beta=0.9), W0, grads)
    v = np.zeros_like(W0)
    expected = W0.copy()
    for g in grads:
        v = 0.9 * v + 0.1 * g
        expected -= 0.1 * v
    np.testing.assert_allclose(W, expected, rtol=1e-14)
    np.testing.assert_allclose(state.v, v, rtol=1e-14)


def test_momentum_with_beta_zero_is_gradient_descent(rng):
    W0 = rng.normal(size=(2, 2))
    grads = [rng.normal(size=(2, 2)) for _ in range(3)]
    a, _ = _steps(optimizers.Momentum(0.05, beta=0.0), W0, grads)
    b, _ = _steps(optimizers.GradientDescent(0.05), W0, grads)
    np.testing.assert_allclose(a, b, rtol=1e-15)


def test_rmsprop_divides_by_the_root_mean_square(rng):
    W0 = rng.normal(size=(4, 1))
    grads = [rng.normal(size=(4, 1)) for _ in range(3)]
    W, state = _steps(optimizers.RMSprop(0.01, beta2=0.9, epsilon=1e-8), W0, grads)
    s = np.zeros_like(W0)
    expected = W0.copy()
    for g in grads:
        s = 0.9 * s + 0.1 * g ** 2
        expected -= 0.01 * g / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(W, expected, rtol=1e-14)


def test_adam_with_bias_correction(rng):
    W0 = rng.normal(size=(3, 3))
    grads = [rng.normal(size=(3, 3)) for _ in range(5)]
    W, state = _steps(optimizers.Adam(0.01, 0.9, 0.999, 1e-8), W0, grads)
    v, s, expected = np.zeros_like(W0), np.zeros_like(W0), W0.copy()
    for t, g in enumerate(grads, start=1):
        v = 0.9 * v + 0.1 * g
        s = 0.999 * s + 0.001 * g ** 2
        expected -= 0.01 * (v / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
    np.testing.assert_allclose(W, expected, rtol=1e-13)
    assert state.t == 5


def test_adams_first_step_is_learning_rate_times_the_sign(rng):
    """Bias correction makes v_hat = g and s_hat = g**2 at t = 1: a step of lr * sign(g)."""
    W0 = rng.normal(size=(5, 1))
    g = rng.normal(size=(5, 1))
    W, _ = _steps(optimizers.Adam(0.01, epsilon=1e-12), W0, [g])
    np.testing.assert_allclose(W0 - W, 0.01 * np.sign(g), rtol=1e-9)


def test_each_parameter_keeps_its_own_state(rng):
    model = DNNModel([Dense(3, "relu"), Dense(1, "sigmoid")], BinaryCrossEntropy(), optimizers.Adam(0.01))
    X = rng.normal(size=(2, 10))
    Y = (rng.random((1, 10)) > 0.5).astype(float)
    model.fit(X, Y, 3, rng, progress=False)
    assert set(model.optimizer_states) == {(0, "W"), (0, "b"), (1, "W"), (1, "b")}
    state = model.optimizer_states[(0, "W")]
    assert isinstance(state, optimizers.AdamState) and state.t == 3 and state.v.shape == (3, 2)


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_every_optimizer_trains_the_engine(name):
    X, Y = synthetic2d.moons(200, seed=5)
    lr = {"gd": 0.5, "momentum": 0.5, "rmsprop": 0.01, "adam": 0.01}[name]
    model = DNNModel([Dense(8, "relu"), Dense(1, "sigmoid")], BinaryCrossEntropy(),
                     optimizers.get_optimizer(name, learning_rate=lr))
    history = model.fit(X, Y, 60, np.random.default_rng(0), mini_batch_size=32,
                        batch_iterator=mini_batches.random_mini_batches, progress=False)
    assert history.costs[-1] < 0.75 * history.costs[0]
    assert model.evaluate(X, Y) > 0.8


def test_unknown_optimizer_and_bad_hyperparameters_are_rejected():
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'.*adam"):
        optimizers.get_optimizer("adagrad")
    with pytest.raises(ValueError, match=r"beta must be in \[0, 1\)"):
        optimizers.Momentum(0.1, beta=1.0)
    with pytest.raises(ValueError, match="beta2 must be in"):
        optimizers.Adam(beta2=-0.1)
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        optimizers.RMSprop(learning_rate=0.0)
    with pytest.raises(ValueError, match="epsilon must be a positive"):
        optimizers.Adam(epsilon=-1e-8)
