"""Course 1 week 4: each building block's backward is the exact derivative of its forward.

Oracles: float64 centred differences (common.gradcheck) and TensorFlow autodiff, both on the
same non-trivial inputs with a random upstream gradient dout: the backward must return the
gradient of sum(dout * forward(...)).
"""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck, runner
from course1.week4 import layers

tf = runner.import_tensorflow()

TF_ACTIVATIONS = {"sigmoid": tf.sigmoid, "relu": tf.nn.relu, "tanh": tf.tanh}


@pytest.fixture
def block(rng):
    """A_prev (4, 6), W (3, 4), b (3, 1) with non-zero biases, and dout (3, 6)."""
    A_prev = rng.normal(size=(4, 6))
    W = rng.normal(size=(3, 4))
    b = rng.normal(size=(3, 1))
    dout = rng.normal(size=(3, 6))
    # keep every pre-activation away from relu's kink, where the derivative jumps
    Z = W @ A_prev + b
    b_shift = np.where(np.abs(Z).min(axis=1, keepdims=True) < 0.05, 0.1, 0.0)
    return A_prev, W, b + b_shift, dout


def test_linear_forward_by_hand():
    Z, cache = layers.linear_forward(np.array([[1.0, 2.0], [3.0, 4.0]]),
                                     np.array([[1.0, -1.0]]), np.array([[0.5]]))
    np.testing.assert_allclose(Z, [[1 - 3 + 0.5, 2 - 4 + 0.5]])
    assert isinstance(cache, layers.LinearCache) and cache.W.shape == (1, 2)


def test_linear_backward_passes_the_gradient_check(block):
    A_prev, W, b, dout = block

    def f() -> float:
        return float(np.sum(dout * layers.linear_forward(A_prev, W, b)[0]))

    dA_prev, dW, db = layers.linear_backward(dout, layers.linear_forward(A_prev, W, b)[1])
    report = gradcheck.check_gradients(f, {"A_prev": A_prev, "W": W, "b": b},
                                       {"A_prev": dA_prev, "W": dW, "b": db})
    assert report.max_relative_error < 1e-7, str(report)


@pytest.mark.parametrize("activation", sorted(layers.ACTIVATIONS))
def test_activation_backward_passes_the_gradient_check(activation, block, rng):
    forward, backward = layers.ACTIVATIONS[activation]
    Z = block[1] @ block[0] + block[2]  # (3, 6), away from 0
    dout = block[3]

    def f() -> float:
        return float(np.sum(dout * forward(Z)[0]))

    dZ = backward(dout, forward(Z)[1])
    report = gradcheck.check_gradients(f, {"Z": Z}, {"Z": dZ})
    assert report.max_relative_error < 1e-7, str(report)


@pytest.mark.parametrize("activation", sorted(layers.ACTIVATIONS))
def test_dense_backward_passes_the_gradient_check(activation, block):
    A_prev, W, b, dout = block

    def f() -> float:
        return float(np.sum(dout * layers.dense_forward(A_prev, W, b, activation)[0]))

    dA_prev, dW, db = layers.dense_backward(dout, layers.dense_forward(A_prev, W, b, activation)[1])
    report = gradcheck.check_gradients(f, {"A_prev": A_prev, "W": W, "b": b},
                                       {"A_prev": dA_prev, "W": dW, "b": db})
    assert report.max_relative_error < 1e-7, str(report)


@pytest.mark.parametrize("activation", sorted(layers.ACTIVATIONS))
def test_dense_backward_equals_tensorflow_autodiff(activation, block):
    A_prev, W, b, dout = block
    A, cache = layers.dense_forward(A_prev, W, b, activation)
    ours = layers.dense_backward(dout, cache)
    variables = [tf.Variable(A_prev), tf.Variable(W), tf.Variable(b)]
    with tf.GradientTape() as tape:
        A_tf = TF_ACTIVATIONS[activation](variables[1] @ variables[0] + variables[2])
    theirs = tape.gradient(A_tf, variables, output_gradients=tf.constant(dout))
    np.testing.assert_allclose(A, A_tf.numpy(), rtol=1e-12)
    for name, mine, tf_grad in zip(("dA_prev", "dW", "db"), ours, theirs):
        np.testing.assert_allclose(mine, tf_grad.numpy(), rtol=1e-10, atol=1e-14, err_msg=name)


def test_relu_derivative_at_zero_is_zero_like_tensorflow():
    Z = np.array([[-1.0, 0.0, 2.0]])
    dZ = layers.relu_backward(np.ones_like(Z), layers.relu_forward(Z)[1])
    z = tf.Variable(Z)
    with tf.GradientTape() as tape:
        a = tf.nn.relu(z)
    np.testing.assert_array_equal(dZ, [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(dZ, tape.gradient(a, z).numpy())


def test_activations_are_stable_for_large_inputs():
    Z = np.array([[-800.0, 800.0]])
    with np.errstate(over="raise"):
        for activation in layers.ACTIVATIONS:
            A, cache = layers.ACTIVATIONS[activation][0](Z)
            assert np.all(np.isfinite(A))
            assert np.all(np.isfinite(layers.ACTIVATIONS[activation][1](np.ones_like(Z), cache)))


def test_the_first_layer_shortcut_gives_the_same_parameter_gradients(block):
    A_prev, W, b, dout = block
    cache = layers.linear_forward(A_prev, W, b)[1]
    _, dW, db = layers.linear_backward(dout, cache)
    dW_only, db_only = layers.linear_parameter_gradients(dout, cache)
    np.testing.assert_array_equal(dW, dW_only)
    np.testing.assert_array_equal(db, db_only)


# --- bad input ---------------------------------------------------------------------------
def test_linear_forward_names_mismatched_shapes():
    with pytest.raises(ValueError, match=r"W \(3, 5\) must have shape \(n, n_prev\).*\(4, 2\)"):
        layers.linear_forward(np.zeros((4, 2)), np.zeros((3, 5)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"b must have shape \(n, 1\) = \(3, 1\)"):
        layers.linear_forward(np.zeros((4, 2)), np.zeros((3, 4)), np.zeros(3))


def test_linear_backward_names_a_wrong_upstream_shape(block):
    A_prev, W, b, _ = block
    cache = layers.linear_forward(A_prev, W, b)[1]
    with pytest.raises(ValueError, match=r"dZ must have the shape of Z, \(3, 6\)"):
        layers.linear_backward(np.zeros((6, 3)), cache)


def test_unknown_activation_is_rejected(block):
    A_prev, W, b, _ = block
    with pytest.raises(ValueError, match="activation must be one of"):
        layers.dense_forward(A_prev, W, b, "softmax")
