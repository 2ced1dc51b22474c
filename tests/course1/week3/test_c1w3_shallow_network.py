"""Course 1 week 3: the one-hidden-layer network in numpy and TensorFlow."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck, runner, synthetic2d
from course1.week3 import shallow_network as sn


@pytest.fixture
def problem(rng):
    """Non-trivial weights and biases (not the tiny initial ones), 2 inputs, 5 hidden units."""
    X = rng.normal(size=(2, 30))
    Y = (X[0] * X[1] > 0).astype(np.int64)[None, :]                      # (1, 30), XOR-like
    parameters = {"W1": rng.normal(size=(5, 2)), "b1": rng.normal(size=(5, 1)),
                  "W2": rng.normal(size=(1, 5)), "b2": rng.normal(size=(1, 1))}
    return X, Y, parameters


def test_initialisation_shapes_scale_and_zero_biases():
    p = sn.initialize_parameters(2, 4, np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {"W1": (4, 2), "b1": (4, 1), "W2": (1, 4),
                                                  "b2": (1, 1)}
    assert 0 < np.abs(p["W1"]).max() < 0.05 and not p["b1"].any() and not p["b2"].any()
    again = sn.initialize_parameters(2, 4, np.random.default_rng(0))
    np.testing.assert_array_equal(p["W1"], again["W1"])  # the Generator decides, nothing global


def test_forward_by_hand():
    p = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]]),
         "W2": np.array([[2.0]]), "b2": np.array([[-1.0]])}
    X = np.array([[1.0, 0.0], [2.0, 0.0]])                               # two examples
    A2, cache = sn.forward(X, p)
    np.testing.assert_allclose(cache.Z1, [[-0.5, 0.5]])
    np.testing.assert_allclose(cache.Z2, 2 * np.tanh([[-0.5, 0.5]]) - 1)
    np.testing.assert_allclose(A2, 1 / (1 + np.exp(-cache.Z2)))


def test_backward_passes_the_numerical_gradient_check(problem):
    X, Y, p = problem

    def cost() -> float:
        return sn.compute_cost(sn.forward(X, p)[1], Y)

    grads = sn.backward(Y, p, sn.forward(X, p)[1])
    report = gradcheck.check_gradients(cost, p, {k: grads["d" + k] for k in p})
    assert report.max_relative_error < 1e-7, str(report)


def test_backward_equals_tensorflow_autodiff(problem):
    from course1.week3 import tf_shallow

    X, Y, p = problem
    ours = sn.backward(Y, p, sn.forward(X, p)[1])
    theirs = tf_shallow.TFShallowNetwork(p).gradients(X, Y)
    for name in ours:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-10, atol=1e-15, err_msg=name)


def test_tensorflow_training_follows_the_numpy_steps(problem):
    from course1.week3 import tf_shallow

    X, Y, p = problem
    numpy_run = sn.gradient_descent(X, Y, p, learning_rate=0.5, num_iterations=60, record_every=7)
    network = tf_shallow.TFShallowNetwork(p)
    costs = network.train(X, Y, learning_rate=0.5, num_iterations=60, record_every=7)
    np.testing.assert_allclose(costs, numpy_run.costs, rtol=1e-12)
    for name, value in network.parameters().items():
        np.testing.assert_allclose(value, numpy_run.parameters[name], rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(network.predict(X), sn.predict(X, numpy_run.parameters))


def test_gradient_descent_does_not_change_its_starting_point(problem):
    X, Y, p = problem
    before = {k: v.copy() for k, v in p.items()}
    sn.gradient_descent(X, Y, p, 0.5, 5)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


def test_zero_initialisation_keeps_the_hidden_units_identical(problem):
    """Why the weights start random: with W1 = 0 every hidden unit gets the same gradient."""
    X, Y, _ = problem
    zeros = sn.initialize_parameters(2, 4, np.random.default_rng(0), scale=0.0)
    zeros["W2"] = np.full((1, 4), 0.3)  # even with a non-zero (but symmetric) output layer
    W1 = sn.gradient_descent(X, Y, zeros, 0.5, 200).parameters["W1"]
    np.testing.assert_allclose(W1, np.repeat(W1[:1], 4, axis=0), atol=1e-15)
    assert np.abs(W1).max() > 1e-3  # they did move, but all together


@pytest.mark.slow
def test_flower_reaches_88_percent_with_four_hidden_units():
    """The course reports ~90% (10,000 iterations, lr 1.2, randn * 0.01)."""
    X, Y = synthetic2d.flower()
    for seed in (0, 1):
        result = sn.fit(X, Y, n_h=4, rng=np.random.default_rng(seed))
        assert np.mean(sn.predict(X, result.parameters) == Y) >= 0.88, seed
        assert result.costs[-1] < result.costs[0] / 2


# --- bad input ---------------------------------------------------------------------------
def test_mismatched_X_and_Y_are_rejected(problem):
    X, Y, p = problem
    with pytest.raises(ValueError, match=r"\(1, 30\).*got shape \(1, 29\)"):
        sn.gradient_descent(X, Y[:, 1:], p, 0.5, 5)
    with pytest.raises(ValueError, match=r"shape \(n_x, m\)"):
        sn.fit(X[0], Y, 4, np.random.default_rng(0))


def test_parameters_that_do_not_fit_the_input_are_rejected(problem):
    X, Y, p = problem
    with pytest.raises(ValueError, match=r"W1 must have shape \(5, 3\)"):
        sn.forward(np.zeros((3, 4)), p)
    bad = dict(p, b1=np.zeros(5))
    with pytest.raises(ValueError, match=r"b1 must have shape \(5, 1\)"):
        sn.forward(X, bad)


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0.0}, "learning_rate must be a positive number"),
    ({"learning_rate": -1.2}, "learning_rate must be a positive number"),
    ({"num_iterations": 0}, "num_iterations must be a whole number"),
    ({"n_h": 0}, "n_h must be a whole number >= 1"),
])
def test_bad_hyperparameters_are_rejected(problem, kwargs, match):
    X, Y, _ = problem
    args = {"n_h": 3, "rng": np.random.default_rng(0), "learning_rate": 1.0, "num_iterations": 5}
    with pytest.raises(ValueError, match=match):
        sn.fit(X, Y, **{**args, **kwargs})


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_diverging_run_stops_with_the_iteration(problem):
    X, Y, p = problem
    # absurd steps make the output weights ~1e308: the logits, and the cost, overflow
    with pytest.raises(runner.NonFiniteLossError, match=r"became (inf|nan) at iteration \d"):
        sn.gradient_descent(X, Y, p, learning_rate=1e308, num_iterations=10)


def test_tensorflow_version_checks_its_inputs(problem):
    from course1.week3 import tf_shallow

    X, Y, p = problem
    network = tf_shallow.TFShallowNetwork(p)
    with pytest.raises(ValueError, match="must have 2 features"):
        network.train(X.T, Y, 0.5, 5)
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        network.train(X, Y, 0.0, 5)
