"""Batch norm against TensorFlow: autodiff of the same formula, and keras.layers.BatchNormalization
in training and inference mode, with the momentum/axis/epsilon conventions mapped."""
from __future__ import annotations

import numpy as np
import pytest

from common.runner import import_tensorflow
from course2.week3 import batchnorm as bn

tf = import_tensorflow()
import keras  # noqa: E402


def _inputs(rng, n=4, m=8):
    Z = rng.normal(1.5, 2.0, (n, m))
    gamma = rng.uniform(0.5, 2.0, (n, 1))
    beta = rng.normal(0.0, 1.0, (n, 1))
    return Z, gamma, beta


def _keras_bn(n, gamma, beta, running_mean, running_var, momentum, eps, axis=-1):
    layer = keras.layers.BatchNormalization(axis=axis, momentum=momentum, epsilon=eps, dtype="float64")
    layer.build((None, n) if axis in (-1, 1) else (n, None))
    layer.set_weights([gamma[:, 0], beta[:, 0], running_mean[:, 0], running_var[:, 0]])
    return layer


def test_gradients_equal_tensorflow_autodiff(rng):
    Z, gamma, beta = _inputs(rng)
    G = rng.normal(size=Z.shape)
    z, g, b = (tf.Variable(a) for a in (Z, gamma, beta))
    with tf.GradientTape() as tape:
        mu, var = tf.nn.moments(z, axes=[1], keepdims=True)          # (n, 1) each, biased var
        out = g * (z - mu) / tf.sqrt(var + 1e-5) + b
        J = tf.reduce_sum(G * out)
    dz, dg, db = tape.gradient(J, [z, g, b])
    ours_out, cache = bn.batchnorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(ours_out, out.numpy(), atol=1e-12)
    for backward in (bn.batchnorm_backward, bn.batchnorm_backward_compact):
        grads = backward(G, cache)
        np.testing.assert_allclose(grads.dZ, dz.numpy(), atol=1e-10)
        np.testing.assert_allclose(grads.dgamma, dg.numpy(), atol=1e-10)
        np.testing.assert_allclose(grads.dbeta, db.numpy(), atol=1e-10)


@pytest.mark.parametrize("momentum", [0.9, 0.6])
def test_training_mode_and_moving_statistics_equal_keras(rng, momentum):
    n = 4
    _, gamma, beta = _inputs(rng, n)
    rm, rv = np.zeros((n, 1)), np.ones((n, 1))     # Keras' initial moving mean and variance
    # Keras takes (m, n) data; axis=-1 names the feature axis it KEEPS (it averages over axis 0)
    layer = _keras_bn(n, gamma, beta, rm, rv, momentum=bn.keras_momentum(momentum), eps=1e-5)
    for step in range(4):
        Z = rng.normal(step, 1.0 + step, (n, 6))
        out, cache = bn.batchnorm_forward(Z, gamma, beta, eps=1e-5)
        rm, rv = bn.update_running_stats(rm, rv, cache.mu, cache.var, momentum=momentum)
        k_out = layer(Z.T, training=True).numpy().T                  # (m, n) -> (n, m)
        np.testing.assert_allclose(out, k_out, atol=1e-10)
        np.testing.assert_allclose(rm[:, 0], layer.moving_mean.numpy(), atol=1e-12)
        np.testing.assert_allclose(rv[:, 0], layer.moving_variance.numpy(), atol=1e-12)


def test_keras_moving_variance_is_the_biased_one(rng):
    # with m = 3 examples the unbiased variance is 1.5x the biased one: easy to tell apart
    n, m = 3, 3
    _, gamma, beta = _inputs(rng, n)
    Z = rng.normal(size=(n, m))
    rm, rv = np.zeros((n, 1)), np.ones((n, 1))
    layer = _keras_bn(n, gamma, beta, rm, rv, momentum=0.5, eps=1e-5)
    layer(Z.T, training=True)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    _, biased = bn.update_running_stats(rm, rv, cache.mu, cache.var, momentum=0.5)
    _, unbiased = bn.update_running_stats(rm, rv, cache.mu, cache.var, momentum=0.5, m=m, unbiased=True)
    np.testing.assert_allclose(layer.moving_variance.numpy(), biased[:, 0], atol=1e-12)
    assert not np.allclose(layer.moving_variance.numpy(), unbiased[:, 0])


def test_the_other_momentum_convention_would_not_match(rng):
    n = 3
    _, gamma, beta = _inputs(rng, n)
    Z = rng.normal(2.0, 1.0, (n, 5))
    layer = _keras_bn(n, gamma, beta, np.zeros((n, 1)), np.ones((n, 1)), momentum=0.9, eps=1e-5)
    layer(Z.T, training=True)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    wrong, _ = bn.update_running_stats(np.zeros((n, 1)), np.ones((n, 1)), cache.mu, cache.var,
                                       momentum=bn.torch_momentum(0.9))
    assert not np.allclose(layer.moving_mean.numpy(), wrong[:, 0], atol=1e-3)


def test_inference_mode_equals_keras(rng):
    n = 5
    Z, gamma, beta = _inputs(rng, n, m=9)
    rm, rv = rng.normal(size=(n, 1)), rng.uniform(0.3, 2.0, (n, 1))
    layer = _keras_bn(n, gamma, beta, rm, rv, momentum=0.99, eps=1e-3)   # Keras' default epsilon
    out, _ = bn.batchnorm_inference_forward(Z, gamma, beta, rm, rv, eps=1e-3)
    np.testing.assert_allclose(out, layer(Z.T, training=False).numpy().T, atol=1e-12)
    # the course layout directly: (n, m) data with axis=0 as the kept feature axis
    layer0 = _keras_bn(n, gamma, beta, rm, rv, momentum=0.99, eps=1e-3, axis=0)
    np.testing.assert_allclose(out, layer0(Z, training=False).numpy(), atol=1e-12)


def test_training_gradients_equal_keras_layer(rng):
    n = 4
    Z, gamma, beta = _inputs(rng, n, m=10)
    G = rng.normal(size=Z.shape)
    layer = _keras_bn(n, gamma, beta, np.zeros((n, 1)), np.ones((n, 1)), momentum=0.9, eps=1e-5)
    x = tf.constant(Z.T)                                              # (m, n)
    with tf.GradientTape() as tape:
        tape.watch(x)
        J = tf.reduce_sum(G.T * layer(x, training=True))
    dx, dgamma, dbeta = tape.gradient(J, [x, layer.gamma, layer.beta])
    _, cache = bn.batchnorm_forward(Z, gamma, beta, eps=1e-5)
    grads = bn.batchnorm_backward(G, cache)
    np.testing.assert_allclose(grads.dZ, dx.numpy().T, atol=1e-10)
    np.testing.assert_allclose(grads.dgamma[:, 0], dgamma.numpy(), atol=1e-10)
    np.testing.assert_allclose(grads.dbeta[:, 0], dbeta.numpy(), atol=1e-10)
