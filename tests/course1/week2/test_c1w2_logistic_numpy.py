"""Course 1 week 2, numpy logistic regression: pieces, gradients, training, errors."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck, runner
from course1.week2 import logistic_regression as lr


def make_data(rng: np.random.Generator, n_x: int = 6, m: int = 40):
    """Overlapping classes, so the optimum has finite weights. X: (n_x, m), Y: (1, m)."""
    X = rng.normal(size=(n_x, m))
    true_w = rng.normal(size=(n_x, 1))
    Y = (true_w.T @ X + rng.normal(scale=1.5, size=(1, m)) > 0).astype(np.int64)
    return X, Y


# --- sigmoid and the cost ------------------------------------------------------------------
def test_sigmoid_known_values_and_symmetry():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(lr.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert lr.sigmoid(np.array(0.0)) == 0.5
    np.testing.assert_allclose(lr.sigmoid(-z), 1 - lr.sigmoid(z), rtol=1e-14)


def test_sigmoid_does_not_overflow_for_large_inputs():
    with np.errstate(over="raise"):  # the naive 1 / (1 + exp(-z)) overflows at z = -1000
        s = lr.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 1.0])


def test_cost_from_logits_equals_the_lecture_formula(rng):
    Z = rng.normal(scale=3, size=(1, 30))
    Y = rng.integers(0, 2, size=(1, 30))
    expected = -np.mean(Y * np.log(lr.sigmoid(Z)) + (1 - Y) * np.log(1 - lr.sigmoid(Z)))
    assert lr.cost_from_logits(Z, Y) == pytest.approx(expected, rel=1e-12)
    assert lr.cross_entropy(lr.sigmoid(Z), Y) == pytest.approx(expected, rel=1e-12)


def test_cost_from_logits_stays_finite_where_probabilities_saturate():
    Z = np.array([[40.0, -40.0]])  # sigmoid rounds to exactly 1.0 and ~4e-18
    Y = np.array([[0, 1]])         # both confidently wrong: the loss is ~40 each
    assert lr.cross_entropy(lr.sigmoid(Z), Y) == np.inf  # log(1 - 1.0)
    assert lr.cost_from_logits(Z, Y) == pytest.approx(40.0, rel=1e-12)


def test_cost_of_zero_weights_is_log_two():
    X = np.ones((3, 5))
    Y = np.array([[0, 1, 1, 0, 1]])
    w, b = lr.zero_parameters(3)
    _, cache = lr.forward(X, w, b)
    assert lr.cost_from_logits(cache.Z, Y) == pytest.approx(np.log(2), rel=1e-15)


# --- forward and backward ----------------------------------------------------------------
def test_forward_by_hand():
    X = np.array([[1.0, -1.0], [2.0, 0.5]])  # (n_x=2, m=2)
    w = np.array([[0.5], [-1.0]])
    A, cache = lr.forward(X, w, 0.25)
    np.testing.assert_allclose(cache.Z, [[0.5 - 2.0 + 0.25, -0.5 - 0.5 + 0.25]])
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-cache.Z)))
    assert A.shape == (1, 2)


def test_backward_passes_the_numerical_gradient_check(rng):
    X, Y = make_data(rng)
    w = rng.normal(size=(X.shape[0], 1))
    b = np.array(0.3)  # a 0-d array, so the check can perturb it in place

    def cost() -> float:
        return lr.cost_from_logits(lr.forward(X, w, float(b))[1].Z, Y)

    grads = lr.backward(Y, lr.forward(X, w, float(b))[1])
    report = gradcheck.check_gradients(cost, {"w": w, "b": b},
                                       {"w": grads.dw, "b": np.array(grads.db)})
    assert report.max_relative_error < 1e-7, str(report)


def test_backward_equals_tensorflow_autodiff(rng):
    tf = runner.import_tensorflow()
    X, Y = make_data(rng)
    w = rng.normal(size=(X.shape[0], 1))
    b = -0.4
    grads = lr.backward(Y, lr.forward(X, w, b)[1])

    w_tf = tf.Variable(w)
    b_tf = tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        Z = tf.transpose(w_tf) @ X + b_tf  # (1, m)
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=Y.astype(float), logits=Z)
        J = tf.reduce_mean(losses)
    dw_tf, db_tf = tape.gradient(J, [w_tf, b_tf])
    assert float(J) == pytest.approx(lr.cost_from_logits(lr.forward(X, w, b)[1].Z, Y), rel=1e-12)
    np.testing.assert_allclose(grads.dw, dw_tf.numpy(), rtol=1e-10, atol=1e-14)
    assert grads.db == pytest.approx(float(db_tf), rel=1e-10)


# --- training and prediction -------------------------------------------------------------
def test_gradient_descent_lowers_the_cost_and_learns(rng):
    X, Y = make_data(rng, m=200)
    result = lr.fit(X, Y, learning_rate=0.5, num_iterations=300, record_every=50)
    assert result.costs.shape == (6,)
    assert result.costs[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(result.costs) < 0)
    assert lr.accuracy(lr.predict(X, result.w, result.b), Y) > 0.8


def test_gradient_descent_steps_are_the_update_rule(rng):
    X, Y = make_data(rng)
    w0 = rng.normal(size=(X.shape[0], 1))
    one = lr.gradient_descent(X, Y, w0, 0.1, learning_rate=0.3, num_iterations=1)
    grads = lr.backward(Y, lr.forward(X, w0, 0.1)[1])
    np.testing.assert_allclose(one.w, w0 - 0.3 * grads.dw, rtol=1e-15)
    assert one.b == pytest.approx(0.1 - 0.3 * grads.db, rel=1e-15)
    assert not np.shares_memory(one.w, w0)  # the caller's weights are untouched


def test_predict_thresholds_the_probability():
    X = np.array([[-3.0, -0.1, 0.1, 3.0]])
    w = np.array([[1.0]])
    np.testing.assert_array_equal(lr.predict(X, w, 0.0), [[0, 0, 1, 1]])
    np.testing.assert_array_equal(lr.predict(X, w, 0.0, threshold=0.99), [[0, 0, 0, 0]])
    assert lr.accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 1, 1, 1]])) == 0.75


# --- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize("X, match", [
    (np.zeros(5), r"shape \(n_x, m\)"),
    (np.zeros((3, 8, 8, 3), dtype=np.uint8), "flatten_images"),
    (np.zeros((4, 0)), "no examples"),
    (np.full((2, 3), np.nan), "NaN"),
])
def test_bad_X_is_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        lr.fit(X, np.zeros((1, 3)), 0.1, 10)


@pytest.mark.parametrize("Y, match", [
    (np.zeros(6), r"shape \(1, m\) = \(1, 6\).*reshape"),          # a flat label vector
    (np.zeros((1, 5)), r"\(1, 6\).*got shape \(1, 5\)"),          # X and Y disagree on m
    (np.zeros((6, 1)), r"\(1, 6\)"),                               # examples in rows
    (np.array([[0, 1, 2, 0, 1, 0]]), "0 or 1"),                    # not binary
])
def test_bad_Y_is_rejected(Y, match):
    with pytest.raises(ValueError, match=match):
        lr.fit(np.zeros((2, 6)), Y, 0.1, 10)


@pytest.mark.parametrize("rate", [0, -0.01, float("nan"), float("inf")])
def test_non_positive_learning_rate_is_rejected(rate):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        lr.fit(np.zeros((2, 4)), np.zeros((1, 4)), rate, 10)


@pytest.mark.parametrize("iterations", [0, -3, 2.5, True])
def test_bad_iteration_count_is_rejected(iterations):
    with pytest.raises(ValueError, match="num_iterations must be a whole number >= 1"):
        lr.fit(np.zeros((2, 4)), np.zeros((1, 4)), 0.1, iterations)


def test_weights_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match=r"w must have shape \(n_x, 1\) = \(3, 1\)"):
        lr.forward(np.zeros((3, 4)), np.zeros((1, 3)), 0.0)
    with pytest.raises(ValueError, match="3 features"):
        lr.predict(np.zeros((4, 2)), np.zeros((3, 1)), 0.0)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_a_diverging_run_stops_with_the_iteration():
    X = np.array([[1e300, -1e300]])  # logits overflow to +-inf after one step
    with pytest.raises(runner.NonFiniteLossError, match="iteration 1"):
        lr.fit(X, np.array([[1, 0]]), learning_rate=1e10, num_iterations=5)
