"""Course 1 week 2: numpy, Keras Sequential and Keras Functional walk the same path.

Same zero start, full-batch plain gradient descent (SGD without momentum, batch = m), the mean
cross-entropy from logits: after N steps the weights agree to <= 1e-5 relative (the issue's
bound); in float64 with an exact float64 learning rate they agree to rounding (~1e-15).
"""
from __future__ import annotations

import numpy as np
import pytest

from common import runner
from course1.week2 import keras_logistic as kl
from course1.week2 import logistic_regression as lr

BUILDERS = {"sequential": kl.build_sequential, "functional": kl.build_functional}
STEPS = 25
RATE = 0.2


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 60))                                   # (n_x, m)
    Y = (X[:1] - 0.5 * X[1:2] + rng.normal(size=(1, 60)) > 0).astype(np.int64)  # (1, m)
    return X, Y


@pytest.fixture(scope="module")
def numpy_run(data):
    X, Y = data
    return lr.fit(X, Y, RATE, STEPS, record_every=1)


def relative(a, b) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("api", sorted(BUILDERS))
def test_compiled_loop_gives_the_numpy_weights(api, data, numpy_run):
    X, Y = data
    model = BUILDERS[api](X.shape[0])
    kl.compile_for_gradient_descent(model, RATE)
    costs = kl.train_full_batch(model, X, Y, STEPS, record_every=1)
    w, b = kl.get_parameters(model)
    theta, theta_np = np.vstack([w, [[b]]]), np.vstack([numpy_run.w, [[numpy_run.b]]])
    assert relative(theta, theta_np) <= 1e-10
    np.testing.assert_allclose(costs, numpy_run.costs, rtol=1e-12)


@pytest.mark.parametrize("api", sorted(BUILDERS))
def test_keras_fit_with_one_batch_gives_the_numpy_weights(api, data, numpy_run):
    X, Y = data
    steps = 5
    reference = lr.fit(X, Y, RATE, steps, record_every=1)
    model = BUILDERS[api](X.shape[0])
    kl.compile_for_gradient_descent(model, RATE)
    losses = kl.fit_full_batch(model, X, Y, steps)
    w, b = kl.get_parameters(model)
    assert relative(np.vstack([w, [[b]]]), np.vstack([reference.w, [[reference.b]]])) <= 1e-10
    # the weights are float64-exact; fit's logged loss goes through a float32 Mean metric
    np.testing.assert_allclose(losses, reference.costs, rtol=1e-6)


def test_a_float_learning_rate_would_be_rounded_to_float32():
    """Why ``ExactLearningRate``: Keras stores a float learning rate in float32."""
    import keras

    plain = keras.optimizers.SGD(learning_rate=0.005)
    assert float(plain.learning_rate.numpy()) != 0.005                      # 0.004999999888...
    assert float(kl.ExactLearningRate(0.005)(0).numpy()) == 0.005


def test_the_two_apis_build_the_same_network():
    seq, fun = kl.build_sequential(5), kl.build_functional(5)
    for model in (seq, fun):
        assert model.count_params() == 6                      # 5 weights + 1 bias
        assert tuple(model.outputs[0].shape) == (None, 1)     # logits, one per example
        w, b = kl.get_parameters(model)
        assert np.all(w == 0) and b == 0.0                    # the course's zero start


def test_predictions_match_numpy_on_the_same_weights(data):
    X, _ = data
    rng = np.random.default_rng(3)
    w, b = rng.normal(size=(X.shape[0], 1)), 0.7
    model = kl.build_functional(X.shape[0])
    model.get_layer("logit").set_weights([w, np.array([b])])
    np.testing.assert_allclose(kl.predict_proba(model, X), lr.predict_proba(X, w, b), rtol=1e-12)
    np.testing.assert_array_equal(kl.predict(model, X), lr.predict(X, w, b))


def test_probability_loss_is_clipped_at_epsilon_but_logit_loss_is_exact():
    """Why the models output logits: BinaryCrossentropy on probabilities clips them."""
    tf = runner.import_tensorflow()
    import keras

    eps = keras.config.epsilon()
    z = tf.Variable([[40.0], [-3.0]], dtype=tf.float64)   # one confidently wrong, one fine
    y = tf.constant([[0.0], [0.0]], dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        p = tf.sigmoid(z)
        # an "opaque" copy of the probabilities, the way they arrive from a saved model or a
        # custom layer: Keras cannot find the logits behind it, so it must clip
        p_plain = tf.identity(p)
        clipped = keras.losses.binary_crossentropy(y, p_plain)            # (2,)
        exact = keras.losses.binary_crossentropy(y, z, from_logits=True)  # (2,)
    # the clipped loss caps the wrong example at -log(eps) ~ 16.1; the true loss is ~40
    assert float(clipped[0]) == pytest.approx(-np.log(eps), rel=1e-6)
    assert float(exact[0]) == pytest.approx(lr.cost_from_logits(np.array([[40.0]]),
                                                                 np.array([[0]])), rel=1e-12)
    # and its gradient is exactly zero: the example has stopped teaching the model
    assert tape.gradient(clipped, z).numpy()[0, 0] == 0.0
    g = tape.gradient(exact, z).numpy()
    assert g[0, 0] == pytest.approx(1.0, rel=1e-12)         # sigmoid(40) - 0
    assert g[1, 0] == pytest.approx(lr.sigmoid(-3.0), rel=1e-12)


def test_training_an_uncompiled_model_is_an_error(data):
    X, Y = data
    with pytest.raises(ValueError, match="compile the model first"):
        kl.train_full_batch(kl.build_sequential(X.shape[0]), X, Y, 3)


@pytest.mark.parametrize("bad, match", [
    ("transposed", r"must have 12 features"),
    ("labels", r"\(1, 60\)"),
    ("iterations", "whole number"),
])
def test_keras_path_checks_its_inputs(data, bad, match):
    X, Y = data
    model = kl.build_sequential(X.shape[0])
    kl.compile_for_gradient_descent(model, 0.1)
    args = {"transposed": (X.T, Y.T, 3), "labels": (X, Y[:, :-1], 3),
            "iterations": (X, Y, 0)}[bad]
    with pytest.raises(ValueError, match=match):
        kl.train_full_batch(model, *args)


def test_keras_rejects_a_non_positive_learning_rate():
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        kl.compile_for_gradient_descent(kl.build_sequential(3), -0.1)
