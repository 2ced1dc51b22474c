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


# ---------------------------------------------------------------------------------------------
# A whole network: Dense -> BN -> ReLU -> Dense -> BN -> tanh -> Dense(sigmoid), same weights
# ---------------------------------------------------------------------------------------------
def _engine_and_keras_twins(rng, momentum=0.8, eps=1e-5, l2_lambda=0.2):
    from course2.week1.layers import Dense
    from course2.week1.losses import BinaryCrossEntropy
    from course2.week1.model import DNNModel
    from course2.week1.optimizers import GradientDescent
    from course2.week3.activation_layer import Activation

    ours = DNNModel([Dense(5, "linear"), bn.BatchNorm(momentum, eps), Activation("relu"),
                     Dense(4, "linear"), bn.BatchNorm(momentum, eps), Activation("tanh"),
                     Dense(1, "sigmoid")], BinaryCrossEntropy(), GradientDescent(0.1), l2_lambda=l2_lambda)
    ours.build((3,), rng)
    twin = keras.Sequential([keras.Input((3,), dtype="float64")] + [
        keras.layers.Dense(5, dtype="float64"),
        keras.layers.BatchNormalization(momentum=bn.keras_momentum(momentum), epsilon=eps, dtype="float64"),
        keras.layers.Activation("relu", dtype="float64"),
        keras.layers.Dense(4, dtype="float64"),
        keras.layers.BatchNormalization(momentum=bn.keras_momentum(momentum), epsilon=eps, dtype="float64"),
        keras.layers.Activation("tanh", dtype="float64"),
        keras.layers.Dense(1, activation="sigmoid", dtype="float64")])
    for ours_layer, k_layer in zip(ours.layers, twin.layers):
        if isinstance(ours_layer, bn.BatchNorm):
            n = ours_layer.params["gamma"].shape[0]
            for arr, scale in ((ours_layer.params["gamma"], 1.0), (ours_layer.params["beta"], 0.5),
                               (ours_layer.buffers["running_mean"], 0.5)):
                arr[...] = rng.uniform(0.5, 2.0, (n, 1)) if arr is ours_layer.params["gamma"] \
                    else rng.normal(0.0, scale, (n, 1))
            ours_layer.buffers["running_var"][...] = rng.uniform(0.5, 2.0, (n, 1))
            k_layer.set_weights([ours_layer.params["gamma"][:, 0], ours_layer.params["beta"][:, 0],
                                 ours_layer.buffers["running_mean"][:, 0],
                                 ours_layer.buffers["running_var"][:, 0]])
        elif ours_layer.params:
            ours_layer.params["b"][...] = rng.normal(0.0, 0.3, ours_layer.params["b"].shape)
            k_layer.set_weights([ours_layer.params["W"].T, ours_layer.params["b"][:, 0]])  # Keras W: (n_prev, n)
    return ours, twin


@pytest.mark.parametrize("training", [True, False])
def test_bn_network_forward_and_gradients_equal_keras(rng, training):
    ours, twin = _engine_and_keras_twins(rng)
    X = rng.normal(size=(3, 12))
    Y = (rng.uniform(size=(1, 12)) > 0.5).astype(np.float64)
    cost, grads = ours.loss_and_grads(X, Y, training=training)
    x = tf.constant(X.T)                                               # (m, 3)
    with tf.GradientTape() as tape:
        a = twin(x, training=training)                                 # (m, 1)
        bce = tf.reduce_mean(keras.losses.binary_crossentropy(Y.T, a, from_logits=False))
        l2 = sum(tf.reduce_sum(layer.kernel ** 2) for layer in twin.layers
                 if isinstance(layer, keras.layers.Dense))
        J = bce + ours.l2_lambda / (2 * X.shape[1]) * l2
    k_grads = tape.gradient(J, twin.trainable_weights)
    np.testing.assert_allclose(ours.forward(X, training), a.numpy().T, atol=1e-12)
    assert cost == pytest.approx(float(J), abs=1e-6)   # Keras clips probabilities at 1e-7
    k_iter = iter(k_grads)
    for i, layer in enumerate(ours.layers):
        for name in layer.params:
            g = next(k_iter).numpy()
            ours_g = grads[f"layer{i}.{name}"]
            expected = g.T if name == "W" else g.reshape(ours_g.shape)
            np.testing.assert_allclose(ours_g, expected, atol=1e-9, err_msg=f"layer{i}.{name}")


def test_bn_network_moving_statistics_follow_keras_over_several_steps(rng):
    ours, twin = _engine_and_keras_twins(rng, momentum=0.7)
    for step in range(3):
        X = rng.normal(step, 1.0, (3, 9))
        ours.forward(X, True)
        twin(tf.constant(X.T), training=True)
    for ours_layer, k_layer in zip(ours.layers, twin.layers):
        if isinstance(ours_layer, bn.BatchNorm):
            np.testing.assert_allclose(ours_layer.buffers["running_mean"][:, 0],
                                       k_layer.moving_mean.numpy(), atol=1e-12)
            np.testing.assert_allclose(ours_layer.buffers["running_var"][:, 0],
                                       k_layer.moving_variance.numpy(), atol=1e-12)
    X = rng.normal(size=(3, 7))
    np.testing.assert_allclose(ours.predict_proba(X), twin(tf.constant(X.T), training=False).numpy().T,
                               atol=1e-12)
