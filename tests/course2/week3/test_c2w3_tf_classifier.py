"""The TensorFlow-from-scratch softmax classifier, and its numpy-engine twin on the same weights."""
from __future__ import annotations

import numpy as np
import pytest

from common.runner import import_tensorflow
from course2.week3 import tf_classifier as tc

tf = import_tensorflow()


def _batch(rng, m=32, n_x=12288, n_y=6):
    X = rng.uniform(0.0, 1.0, (n_x, m))
    y = rng.integers(0, n_y, m)
    return X, tc.one_hot(y, n_y)


def test_initialisation_shapes_glorot_scale_and_reproducibility():
    p = tc.initialize_parameters(np.random.default_rng(3))
    assert [tuple(v.shape) for v in p.values()] == [(25, 12288), (25, 1), (12, 25), (12, 1), (6, 12), (6, 1)]
    assert all(isinstance(v, tf.Variable) for v in p.values())
    w1 = p["W1"].numpy()
    # truncated normal with std sqrt(2 / (fan_in + fan_out))
    assert np.std(w1) == pytest.approx(np.sqrt(2.0 / (12288 + 25)), rel=0.05)
    assert np.all(p["b1"].numpy() == 0)
    again = tc.initialize_parameters(np.random.default_rng(3))
    np.testing.assert_array_equal(w1, again["W1"].numpy())
    other = tc.initialize_parameters(np.random.default_rng(4))
    assert not np.allclose(w1, other["W1"].numpy())


def test_forward_returns_logits_and_cost_matches_numpy_formula(rng):
    p = tc.initialize_parameters(rng, (10, 7, 5, 4), dtype="float64")
    X, Y = _batch(rng, m=9, n_x=10, n_y=4)
    logits = tc.forward(p, tf.constant(X.T)).numpy()                   # (4, 9)
    w = tc.to_numpy(p)
    A1 = np.maximum(0, w["W1"] @ X + w["b1"])
    A2 = np.maximum(0, w["W2"] @ A1 + w["b2"])
    Z3 = w["W3"] @ A2 + w["b3"]
    np.testing.assert_allclose(logits, Z3, atol=1e-12)
    log_softmax = Z3 - Z3.max(0) - np.log(np.exp(Z3 - Z3.max(0)).sum(0))
    expected = -np.mean(np.sum(Y * log_softmax, axis=0))
    assert float(tc.compute_cost(tf.constant(Z3), tf.constant(Y.T))) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("fuse_output", [True, False])
def test_numpy_engine_twin_same_forward_cost_and_gradients(rng, fuse_output):
    p = tc.initialize_parameters(rng, dtype="float64")              # [12288, 25, 12, 6]
    for l in (1, 2, 3):                                             # non-zero biases
        p[f"b{l}"].assign(rng.normal(0, 0.1, p[f"b{l}"].shape))
    X, Y = _batch(rng)
    twin = tc.numpy_twin(p, fuse_output=fuse_output)
    AL = twin.forward(X, training=True)
    logits = tc.forward(p, tf.constant(X.T)).numpy()
    np.testing.assert_allclose(twin.layers[-1].logits, logits, atol=1e-11)
    np.testing.assert_allclose(AL, tf.nn.softmax(logits, axis=0).numpy(), atol=1e-12)
    cost, grads = twin.loss_and_grads(X, Y)
    tf_cost, tf_grads = tc.cost_and_gradients(p, X, Y)
    assert cost == pytest.approx(tf_cost, abs=1e-12)
    for l in (1, 2, 3):
        np.testing.assert_allclose(grads[f"layer{l - 1}.W"], tf_grads[f"dW{l}"], atol=1e-12)
        np.testing.assert_allclose(grads[f"layer{l - 1}.b"], tf_grads[f"db{l}"], atol=1e-12)


def test_adam_steps_follow_the_same_trajectory_in_both(rng):
    """Same weights, same batches, Adam -> the same weights after a few steps.

    Keras' epsilon sits outside the bias correction (a tiny epsilon removes the difference),
    and Keras computes its Adam step from float32 hyperparameters even for float64 variables,
    so each step of size ~learning_rate agrees to ~1e-5 of itself, not to rounding."""
    p = tc.initialize_parameters(rng, (20, 8, 6, 3), dtype="float64")
    start = tc.to_numpy(p)
    twin = tc.numpy_twin(p, learning_rate=1e-2, epsilon=1e-12)
    step = tc.make_train_step(p, tf.keras.optimizers.Adam(learning_rate=1e-2, epsilon=1e-12))
    for _ in range(5):
        X, Y = _batch(rng, m=16, n_x=20, n_y=3)
        tf_cost = float(step(tf.constant(X.T), tf.constant(Y.T)))
        np_cost = twin.train_step(X, Y, rng, 1e-2)
        assert np_cost == pytest.approx(tf_cost, abs=1e-5)
    w = tc.to_numpy(p)
    for l in (1, 2, 3):
        assert np.abs(w[f"W{l}"] - start[f"W{l}"]).max() > 1e-2      # the weights did move
        np.testing.assert_allclose(twin.layers[l - 1].params["W"], w[f"W{l}"], atol=2e-6)
        np.testing.assert_allclose(twin.layers[l - 1].params["b"], w[f"b{l}"], atol=2e-6)


def test_training_learns_separable_classes(rng):
    centers = rng.uniform(0.0, 1.0, (4, 30))
    y = rng.integers(0, 4, 200)
    X = np.clip(centers[y].T + rng.normal(0, 0.3, (30, 200)), 0, 1)    # (30, 200)
    Y = tc.one_hot(y, 4)
    p = tc.initialize_parameters(rng, (30, 16, 8, 4))
    history = tc.train(p, X[:, :150], Y[:, :150], X[:, 150:], Y[:, 150:], rng, epochs=30,
                       learning_rate=1e-2, record_every=10, verbose=False)
    assert len(history.cost) == 30 and len(history.test_accuracy) == 3
    assert history.cost[-1] < 0.5 * history.cost[0]
    assert history.test_accuracy[-1] > 0.9


def test_make_dataset_batches_and_reshuffles(rng):
    X, Y = _batch(rng, m=70, n_x=5, n_y=3)
    ds = tc.make_dataset(X, Y, rng, batch_size=32)
    sizes = [int(x.shape[0]) for x, _ in ds]
    assert sizes == [32, 32, 6]
    first = np.concatenate([x.numpy() for x, _ in ds])
    second = np.concatenate([x.numpy() for x, _ in ds])
    assert not np.array_equal(first, second)                       # a new order every epoch
    np.testing.assert_allclose(np.sort(first, axis=0), np.sort(X.T.astype(np.float32), axis=0))


def test_standardizer_uses_training_statistics(rng):
    X_train = rng.uniform(0.3, 0.9, (5, 40))
    X_train[4] = 0.5                                               # a constant pixel
    scale = tc.fit_standardizer(X_train)
    Z = scale(X_train)
    np.testing.assert_allclose(Z[:4].mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:4].std(axis=1), 1.0, atol=1e-12)
    assert np.all(Z[4] == 0.0)                                     # the floor kept it finite
    X_test = rng.uniform(0.3, 0.9, (5, 7))
    np.testing.assert_allclose(scale(X_test), (X_test - scale.mu) / scale.sigma)
    with pytest.raises(ValueError, match=r"X must have shape \(5, m\), got \(4, 7\)"):
        scale(X_test[:4])
    with pytest.raises(ValueError, match="m >= 2"):
        tc.fit_standardizer(X_train[:, :1])


def test_data_helpers_and_bad_input(rng):
    images = rng.integers(0, 256, (3, 4, 4, 3)).astype(np.uint8)
    X = tc.images_to_columns(images)
    assert X.shape == (48, 3) and X.max() <= 1.0
    np.testing.assert_allclose(X[:, 1], images[1].reshape(-1) / 255.0)
    np.testing.assert_array_equal(tc.one_hot(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]])
    with pytest.raises(ValueError, match=r"labels must be integers in 0..5"):
        tc.one_hot(np.array([0, 6]), 6)
    with pytest.raises(ValueError, match=r"shape \(m, height, width, channels\)"):
        tc.images_to_columns(images[0])
    p = tc.initialize_parameters(rng, (48, 4, 3, 6))
    Y = tc.one_hot(np.array([0, 1, 2]), 6)
    with pytest.raises(ValueError, match=r"X must have shape \(48, m\), got \(47, 3\)"):
        tc.train(p, X[:-1], Y, X, Y, rng, epochs=1)
    with pytest.raises(ValueError, match=r"Y must be one-hot with shape \(6, m\), got \(5, 3\)"):
        tc.train(p, X, Y[:5], X, Y, rng, epochs=1)
    with pytest.raises(ValueError, match="same number of examples"):
        tc.train(p, X, Y[:, :2], X, Y, rng, epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        tc.train(p, X, Y, X, Y, rng, epochs=0)
    with pytest.raises(ValueError, match="layer_dims"):
        tc.initialize_parameters(rng, (48,))
    with pytest.raises(ValueError, match=r"b1 has shape \(3, 1\), the engine layer expects \(4, 1\)"):
        tc.numpy_twin({"W1": np.zeros((4, 48)), "b1": np.zeros((3, 1))})
