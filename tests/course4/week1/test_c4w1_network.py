"""The layers inside the engine: protocol, shapes, the course network (fused == separate ==
loops, Jacobian softmax == shortcut), a whole-network gradient check and TensorFlow parity."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course2.week1 import layers as engine_layers
from course2.week2 import optimizers
from course4.week1 import conv, layers, network


def _batch(rng, m=2, dtype=np.float64):
    X = rng.random((m, 64, 64, 3)).astype(dtype)
    Y = network.one_hot(rng.integers(0, 6, m), 6, dtype=dtype)
    return X, Y


@pytest.mark.parametrize("layer", [
    layers.Conv2D(3, 2), layers.ConvReLUMaxPool(3, 2, pool_size=2), layers.ReLU(),
    layers.MaxPool2D(2), layers.AveragePool2D(2, 1), layers.Flatten(), layers.Softmax()])
def test_layers_follow_the_engine_protocol(layer):
    assert isinstance(layer, engine_layers.Layer)
    assert isinstance(layer.config(), dict) and layer.config()["class"]


def test_build_shapes_of_the_course_network(rng):
    model = network.build_model(rng, dtype=np.float64)
    assert model.output_shape == (6,)
    shapes = {k: v.shape for k, v in model.parameters().items()}
    assert shapes == {"layer0.W": (4, 4, 3, 8), "layer0.b": (8,), "layer1.W": (2, 2, 8, 16),
                      "layer1.b": (16,), "layer3.W": (6, 64), "layer3.b": (6, 1)}
    assert [layer.build((8, 8, 8), rng) for layer in (layers.Conv2D(16, 2, padding="same"),
                                                      layers.MaxPool2D(4))] == [(8, 8, 16), (2, 2, 8)]


def test_conv_layer_divides_parameter_gradients_by_m(rng):
    layer = layers.Conv2D(4, 3, stride=2, padding="same")
    layer.build((7, 7, 2), rng)
    A = rng.standard_normal((5, 7, 7, 2))
    Z = layer.forward(A, True, rng)
    dZ = rng.standard_normal(Z.shape)
    dA_prev = layer.backward(dZ)
    _, cache = conv.conv_forward(A, layer.params["W"], layer.params["b"], 2, "same")
    g = conv.conv_backward(dZ, cache)
    np.testing.assert_allclose(layer.grads["W"], g.dW / 5)
    np.testing.assert_allclose(layer.grads["b"], g.db / 5)
    np.testing.assert_allclose(dA_prev, g.dA_prev)                  # no 1/m on dA_prev


def _grads(model, X, Y):
    cost, grads = model.loss_and_grads(X, Y)
    return cost, {k.split(".")[-1] + str(i): v for i, (k, v) in enumerate(grads.items())}


def test_fused_separate_and_loop_networks_agree(rng):
    X, Y = _batch(rng, m=1)
    results = []
    for options in ({"fused": True}, {"fused": False}, {"fused": False, "implementation": "loop"}):
        model = network.build_model(np.random.default_rng(5), dtype=np.float64, **options)
        results.append(_grads(model, X, Y))
    (c0, g0), *rest = results
    for c, g in rest:
        assert c == pytest.approx(c0, abs=1e-12)
        for k in g0:
            np.testing.assert_allclose(g[k], g0[k], rtol=0, atol=1e-10, err_msg=k)


def test_jacobian_softmax_network_equals_the_shortcut(rng):
    X, Y = _batch(rng, m=3)
    short = network.build_model(np.random.default_rng(2), dtype=np.float64)
    jac = network.build_model(np.random.default_rng(2), dtype=np.float64, jacobian=True)
    c_s, g_s = short.loss_and_grads(X, Y)
    assert short._fused()                                           # A - Y path taken
    c_j, g_j = jac.loss_and_grads(X, Y)
    assert not jac._fused()                                         # -Y / A through J taken
    assert c_j == pytest.approx(c_s, abs=1e-12)
    for k in g_s:
        np.testing.assert_allclose(g_j[k], g_s[k], rtol=0, atol=1e-12, err_msg=k)


def test_whole_network_gradient_check(rng):
    X, Y = _batch(rng, m=2)
    model = network.build_model(np.random.default_rng(3), dtype=np.float64)
    _, analytic = model.loss_and_grads(X, Y)
    analytic = {k: v.copy() for k, v in analytic.items()}

    def cost():
        return model.compute_cost(model.forward(X, False), Y)

    report = gradcheck.check_gradients(cost, model.parameters(), analytic)
    assert report.max_relative_error < 1e-7, str(report)


def test_whole_network_matches_tensorflow(tf, rng):
    X, Y = _batch(rng, m=4)
    model = network.build_model(np.random.default_rng(4), dtype=np.float64)
    cost, grads = model.loss_and_grads(X, Y)
    p = {k: tf.Variable(v) for k, v in model.parameters().items()}
    with tf.GradientTape() as tape:
        a = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(X, p["layer0.W"], 1, "SAME") + p["layer0.b"]), 8, 8, "VALID")
        a = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(a, p["layer1.W"], 1, "SAME") + p["layer1.b"]), 4, 4, "VALID")
        flat = tf.reshape(a, (4, -1))                                   # Keras' Flatten order
        logits = flat @ tf.transpose(p["layer3.W"]) + tf.transpose(p["layer3.b"])
        J = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y.T, logits=logits))
    tf_grads = tape.gradient(J, list(p.values()))
    assert cost == pytest.approx(float(J), abs=1e-6)
    np.testing.assert_allclose(model.predict_proba(X), tf.nn.softmax(logits).numpy().T, atol=1e-6)
    for (k, g), tg in zip(grads.items(), tf_grads):
        np.testing.assert_allclose(g, tg.numpy(), rtol=0, atol=1e-6, err_msg=k)


def test_float32_training_steps_lower_the_cost(rng):
    X, Y = _batch(rng, m=32, dtype=np.float32)
    model = network.build_model(np.random.default_rng(0), optimizers.Adam(0.01))
    costs = [model.train_step(X, Y, rng, 0.01) for _ in range(15)]
    assert all(v.dtype == np.float32 for v in model.parameters().values())
    assert all(v.dtype == np.float32 for v in model.gradients().values())
    assert np.isfinite(costs).all() and costs[-1] < costs[0]


def test_save_and_load_round_trip(rng, tmp_path):
    X, _ = _batch(rng, m=3, dtype=np.float32)
    model = network.build_model(np.random.default_rng(0))
    path = model.save(tmp_path / "c4w1.npz")
    other = network.build_model(np.random.default_rng(99))
    other.load_weights(path)
    np.testing.assert_allclose(other.predict_proba(X), model.predict_proba(X), atol=1e-6)


def test_standardize_uses_training_statistics(rng):
    X = (rng.random((10, 4, 4, 3)) * [1.0, 2.0, 0.5] + [0.2, 0.0, 0.7]).astype(np.float32)
    mean, std = network.channel_statistics(X)
    assert mean.shape == std.shape == (3,) and mean.dtype == np.float32
    Z = network.standardize(X, mean, std)
    np.testing.assert_allclose(Z.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=(0, 1, 2)), 1, atol=1e-4)
    constant = np.ones((2, 3, 3, 1), dtype=np.float32)
    assert np.isfinite(network.standardize(constant, *network.channel_statistics(constant))).all()


def test_input_helpers_reject_bad_shapes_and_labels():
    with pytest.raises(ValueError, match=r"\(m, n_H, n_W, n_C\), got \(64, 64, 3\)"):
        network.images_to_inputs(np.zeros((64, 64, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 6\), got values in \[0, 6\]"):
        network.one_hot(np.array([0, 6]), 6)
    np.testing.assert_array_equal(network.one_hot(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]])
