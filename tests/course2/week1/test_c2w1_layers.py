"""Dense layer, activations, dropout and initialisation (course2/week1)."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course2.week1 import activations, initialization, regularization
from course2.week1.layers import Dense, Layer, dense_backward, dense_forward


def _built_dense(rng, units=4, n_prev=3, **kwargs) -> Dense:
    layer = Dense(units, **kwargs)
    layer.build((n_prev,), rng)
    layer.params["W"] += rng.normal(0, 0.3, layer.params["W"].shape)
    layer.params["b"] += rng.normal(0, 0.3, layer.params["b"].shape)   # non-zero biases
    return layer


def test_dense_follows_the_layer_protocol(rng):
    layer = _built_dense(rng)
    assert isinstance(layer, Layer)
    assert layer.params["W"].shape == (4, 3) and layer.params["b"].shape == (4, 1)
    assert layer.regularized == ("W",) and layer.buffers == {}
    assert layer.config()["units"] == 4


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear", "softmax"])
@pytest.mark.parametrize("keep_prob", [1.0, 0.7])
def test_dense_backward_matches_numerical_gradients(rng, activation, keep_prob):
    layer = _built_dense(rng, activation=activation, keep_prob=keep_prob)
    A_prev = rng.normal(size=(3, 6))
    dA = rng.normal(size=(4, 6))                      # random upstream gradient
    seed = 11

    def f():  # sum(A * dA) / m, so that the analytic grads (which divide by m) match
        out = layer.forward(A_prev, True, np.random.default_rng(seed))
        return float(np.sum(out * dA)) / A_prev.shape[1]

    f()
    dA_prev = layer.backward(dA)
    report = gradcheck.check_gradients(f, {**layer.params, "A_prev": A_prev},
                                       {**layer.grads, "A_prev": dA_prev / A_prev.shape[1]})
    assert report.max_relative_error < 1e-7, str(report)


def test_softmax_backward_equals_the_full_jacobian(rng):
    Z = rng.normal(size=(4, 5))
    dA = rng.normal(size=(4, 5))
    A, cache = activations.softmax_forward(Z)
    dZ = activations.softmax_backward(dA, cache)
    for j in range(5):
        a = A[:, j]
        J = np.diag(a) - np.outer(a, a)               # (4, 4), symmetric
        np.testing.assert_allclose(dZ[:, j], J.T @ dA[:, j], atol=1e-14)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)


def test_softmax_is_stable_for_large_logits():
    A, _ = activations.softmax_forward(np.array([[1000.0, -1000.0], [1001.0, -999.0]]))
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A[:, 0], [1 / (1 + np.e), np.e / (1 + np.e)])


def test_dropout_masks_differ_between_steps_but_repeat_for_a_seed(rng):
    layer = _built_dense(rng, units=50, keep_prob=0.5)
    X = rng.normal(size=(3, 40))
    step_rng = np.random.default_rng(3)
    first = layer.forward(X, True, step_rng)
    second = layer.forward(X, True, step_rng)
    assert not np.array_equal(first != 0, second != 0)                 # a new mask every step
    again = layer.forward(X, True, np.random.default_rng(3))
    np.testing.assert_array_equal(first, again)                        # same seed, same mask


def test_inverted_dropout_keeps_the_expected_activation(rng):
    A = np.ones((200, 500))
    out, cache = regularization.dropout_forward(A, 0.8, rng)
    assert abs(cache.mask.mean() - 0.8) < 0.01
    assert set(np.unique(out)) == {0.0, 1.25}
    assert abs(out.mean() - 1.0) < 0.01
    np.testing.assert_array_equal(regularization.dropout_backward(np.ones_like(A), cache), out)


def test_evaluation_uses_no_dropout(rng):
    layer = _built_dense(rng, keep_prob=0.5)
    plain = Dense(4, keep_prob=1.0)
    plain.build((3,), rng)
    plain.params = {k: v.copy() for k, v in layer.params.items()}
    X = rng.normal(size=(3, 10))
    eval_a = layer.forward(X, False, np.random.default_rng(1))
    eval_b = layer.forward(X, False, np.random.default_rng(2))
    np.testing.assert_array_equal(eval_a, eval_b)
    np.testing.assert_array_equal(eval_a, plain.forward(X, True, None))
    assert layer.cache.dropout is None


def test_dense_pure_pair_shapes(rng):
    W, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 1))
    A, cache = dense_forward(rng.normal(size=(3, 7)), W, b, "tanh")
    assert A.shape == (2, 7) and cache.dropout is None
    dA_prev, dW, db = dense_backward(rng.normal(size=(2, 7)), cache, "tanh")
    assert (dA_prev.shape, dW.shape, db.shape) == ((3, 7), (2, 3), (2, 1))


@pytest.mark.parametrize("keep_prob", [0.0, -0.1, 1.5, float("nan"), "0.5", True])
def test_keep_prob_outside_0_1_is_rejected(keep_prob):
    with pytest.raises(ValueError, match="keep_prob must be in"):
        Dense(3, keep_prob=keep_prob)


def test_unknown_activation_and_init_are_rejected():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*relu"):
        Dense(3, activation="swish")
    with pytest.raises(ValueError, match="unknown initialisation 'glorot'"):
        Dense(3, init="glorot")
    with pytest.raises(ValueError, match="units must be an integer"):
        Dense(0)


def test_dense_rejects_wrong_input_shape(rng):
    layer = _built_dense(rng)
    with pytest.raises(ValueError, match=r"expects input of shape \(3, m\), got \(2, 5\)"):
        layer.forward(np.zeros((2, 5)), False)
    with pytest.raises(ValueError, match="Flatten"):
        Dense(3).build((4, 4, 3), rng)


def test_dropout_in_training_needs_a_generator(rng):
    layer = _built_dense(rng, keep_prob=0.5)
    with pytest.raises(ValueError, match="np.random.Generator"):
        layer.forward(np.zeros((3, 2)), True, None)


@pytest.mark.parametrize("scheme,expected_std", [
    ("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(1 / 400)), ("large_random", 10.0),
    ("small_random", 0.01)])
def test_initialisation_scales(rng, scheme, expected_std):
    W = initialization.initialize_weights(scheme, 300, 400, rng)
    assert W.shape == (300, 400)
    assert abs(W.std() / expected_std - 1) < 0.02


def test_zeros_initialisation_gives_identical_units(rng):
    params = initialization.initialize_network([2, 4, 1], "zeros", rng)
    assert set(params) == {"W1", "b1", "W2", "b2"}
    assert not params["W1"].any() and params["b2"].shape == (1, 1)
    with pytest.raises(ValueError, match="unknown initialisation"):
        initialization.initialize_network([2, 1], "ones", rng)
