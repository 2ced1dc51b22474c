"""The Keras twin equals the numpy model (same weights, dropout off): cost and TF-autodiff
gradients; Dense backward vs tf.GradientTape per layer, with a fixed dropout mask."""
from __future__ import annotations

import numpy as np
import pytest

from common import runner
from course2.week1 import keras_twin
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel

tf = runner.import_tensorflow()


def _model(rng, l2_lambda):
    model = DNNModel([Dense(6, "relu", 0.86), Dense(3, "tanh", 0.86), Dense(1, "sigmoid")],
                     BinaryCrossEntropy(), l2_lambda=l2_lambda)
    model.build((2,), rng)
    for p in model.parameters().values():
        p += rng.normal(0, 0.2, p.shape)
    return model


@pytest.mark.parametrize("l2_lambda", [0.0, 0.625])      # 0.625 / (2 * 20) = 2**-6, exact in float32
def test_same_weights_dropout_off_same_cost_and_gradients(rng, l2_lambda):
    model = _model(rng, l2_lambda)
    X = rng.normal(size=(2, 20))
    Y = (rng.random((1, 20)) > 0.5).astype(np.float64)
    cost, grads = model.loss_and_grads(X, Y, training=False)
    twin = keras_twin.build_keras_twin(model, m_train=20)
    assert sum(isinstance(layer, tf.keras.layers.Dropout) for layer in twin.layers) == 2
    k_cost, k_grads = keras_twin.keras_cost_and_grads(twin, X, Y, training=False)
    assert k_cost == pytest.approx(cost, rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(k_grads[name], g, rtol=1e-10, atol=1e-13, err_msg=name)


def test_l2_mapping_is_lambda_over_2m(rng):
    assert keras_twin.keras_l2_factor(0.7, 211) == pytest.approx(0.7 / 422)
    model = _model(rng, 0.7)
    twin = keras_twin.build_keras_twin(model, m_train=211)
    twin(np.zeros((1, 2)), training=False)
    penalty = float(tf.add_n(twin.losses))
    expected = 0.7 / (2 * 211) * sum(np.sum(layer.params["W"] ** 2) for layer in model.layers)
    assert penalty == pytest.approx(expected, rel=1e-6)          # Keras' float32 factor: ~1e-8


def test_weights_copy_both_ways(rng):
    model = _model(rng, 0.0)
    twin = keras_twin.build_keras_twin(model, 10)
    other = _model(np.random.default_rng(99), 0.0)
    keras_twin.copy_weights_from_keras(twin, other)
    for k, v in model.parameters().items():
        np.testing.assert_array_equal(other.parameters()[k], v)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softmax"])
def test_dense_backward_matches_tf_autodiff_with_a_dropout_mask(rng, activation):
    layer = Dense(4, activation, keep_prob=0.7)
    layer.build((3,), rng)
    layer.params["b"] += rng.normal(0, 0.3, (4, 1))
    A_prev = rng.normal(size=(3, 8))
    dA = rng.normal(size=(4, 8))
    A = layer.forward(A_prev, True, np.random.default_rng(2))
    mask = layer.cache.dropout.mask.astype(np.float64)
    dA_prev = layer.backward(dA)
    W, b, Ap = (tf.Variable(v) for v in (layer.params["W"], layer.params["b"], A_prev))
    act = {"relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid,
           "softmax": lambda z: tf.nn.softmax(z, axis=0)}[activation]
    with tf.GradientTape() as tape:
        out = act(W @ Ap + b) * mask / 0.7                       # (4, 8)
        objective = tf.reduce_sum(out * dA)
    gW, gb, gA = tape.gradient(objective, [W, b, Ap])
    np.testing.assert_allclose(A, out.numpy(), atol=1e-12)
    m = A_prev.shape[1]                                          # layers divide param grads by m
    np.testing.assert_allclose(layer.grads["W"], gW.numpy() / m, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], gb.numpy() / m, atol=1e-12)
    np.testing.assert_allclose(dA_prev, gA.numpy(), atol=1e-12)


def test_binary_cross_entropy_matches_keras_from_logits(rng):
    import keras

    Z = rng.normal(size=(1, 30)) * 5
    Y = (rng.random((1, 30)) > 0.5).astype(np.float64)
    ours = BinaryCrossEntropy().forward_from_logits(Z, Y)
    theirs = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")(Y.T, Z.T)
    assert ours == pytest.approx(float(theirs), rel=1e-12)
