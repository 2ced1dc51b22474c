"""Course 1 week 4: the L-layer network in numpy and Keras."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck, runner
from course1.week4 import deep_network as dn
from course1.week4 import keras_deep, layers

DIMS = [5, 4, 3, 1]


def random_parameters(rng, dims=DIMS):
    """Non-trivial weights and non-zero biases."""
    p = dn.initialize_parameters(dims, rng, scale=0.8)
    for l in range(1, len(dims)):
        p[f"b{l}"] = rng.normal(scale=0.3, size=p[f"b{l}"].shape)
    return p


@pytest.fixture
def problem(rng):
    X = rng.normal(size=(DIMS[0], 12))
    Y = rng.integers(0, 2, size=(1, 12))
    return X, Y, random_parameters(rng)


# --- initialisation ----------------------------------------------------------------------
def test_initialisation_shapes_and_zero_biases():
    p = dn.initialize_parameters([6, 4, 3, 1], np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {"W1": (4, 6), "b1": (4, 1), "W2": (3, 4),
                                                  "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    assert not any(p[f"b{l}"].any() for l in (1, 2, 3))


@pytest.mark.parametrize("scale, std", [("xavier", 1 / np.sqrt(400)), ("he", np.sqrt(2 / 400)),
                                        (0.01, 0.01)])
def test_initialisation_scales(scale, std):
    W = dn.initialize_parameters([400, 300, 1], np.random.default_rng(0), scale)["W1"]
    assert W.std() == pytest.approx(std, rel=0.02)  # 120,000 draws: the sample std is close


@pytest.mark.parametrize("dims, scale, match", [
    ([5], "xavier", "at least two entries"),
    ([5, 0, 1], "xavier", "whole numbers >= 1"),
    ([5, 3, 2], "xavier", "output layer must have 1 unit"),
    ([5, 3, 1], "glorot", "scale must be"),
    ([5, 3, 1], -0.1, "scale must be"),
])
def test_bad_initialisation_requests_are_rejected(dims, scale, match):
    with pytest.raises(ValueError, match=match):
        dn.initialize_parameters(dims, np.random.default_rng(0), scale)


# --- forward, cost, backward -------------------------------------------------------------
def test_forward_shapes_and_caches(problem):
    X, _, p = problem
    AL, caches = dn.model_forward(X, p)
    assert AL.shape == (1, 12) and np.all((AL > 0) & (AL < 1))
    assert [c.activation_name for c in caches] == ["relu", "relu", "sigmoid"]
    assert [c.activation.A.shape for c in caches] == [(4, 12), (3, 12), (1, 12)]


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_whole_network_gradient_check(hidden, problem):
    X, Y, p = problem

    def cost() -> float:
        return dn.compute_cost(dn.model_forward(X, p, hidden)[1], Y)

    AL, caches = dn.model_forward(X, p, hidden)
    grads = dn.model_backward(AL, Y, caches)
    report = gradcheck.check_gradients(cost, p, {k: grads["d" + k] for k in p})
    assert report.max_relative_error < 1e-7, str(report)


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_whole_network_gradients_equal_tensorflow_autodiff(hidden, problem):
    X, Y, p = problem
    AL, caches = dn.model_forward(X, p, hidden)
    ours = dn.model_backward(AL, Y, caches)
    model = keras_deep.build_model(DIMS, hidden)
    keras_deep.set_parameters(model, p)
    theirs = keras_deep.gradients(model, X, Y)
    assert set(ours) == set(theirs)
    for name in ours:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-10, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(keras_deep.predict_proba(model, X), AL, rtol=1e-12)


def test_a_one_layer_network_is_week_2s_logistic_regression(problem):
    from course1.week2 import logistic_regression as lr

    X, Y, _ = problem
    p = random_parameters(np.random.default_rng(5), dims=[DIMS[0], 1])
    AL, caches = dn.model_forward(X, p)
    grads = dn.model_backward(AL, Y, caches)
    A, cache = lr.forward(X, p["W1"].T, float(p["b1"][0, 0]))
    reference = lr.backward(Y, cache)
    np.testing.assert_allclose(AL, A, rtol=1e-14)
    np.testing.assert_allclose(grads["dW1"], reference.dw.T, rtol=1e-12)
    assert grads["db1"][0, 0] == pytest.approx(reference.db, rel=1e-12)


def test_the_lectures_dAL_path_gives_the_same_dZL(problem):
    X, Y, p = problem
    AL, caches = dn.model_forward(X, p)
    np.testing.assert_allclose(dn.cost_backward_through_sigmoid(AL, Y, caches[-1]),
                               dn.cost_backward(AL, Y), rtol=1e-10)


def test_the_fused_output_gradient_survives_saturation():
    """Where A[L] rounds to exactly 1, Y / A[L] - (1 - Y) / (1 - A[L]) divides by zero."""
    Z = np.array([[40.0, -3.0]])
    A, cache = layers.dense_forward(np.eye(2), np.diag(Z[0]), np.zeros((2, 1)), "sigmoid")
    AL, Y = A.diagonal()[None, :], np.array([[0, 1]])
    dense = layers.DenseCache(cache.linear, layers.ActivationCache(Z, AL), "sigmoid")
    with np.errstate(divide="ignore", invalid="ignore"):
        lecture = dn.cost_backward_through_sigmoid(AL, Y, dense)
    assert not np.isfinite(lecture[0, 0])
    np.testing.assert_allclose(dn.cost_backward(AL, Y), [[0.5, (AL[0, 1] - 1) / 2]])


def test_cost_matches_the_probability_form(problem, rng):
    X, Y, _ = problem
    p = dn.initialize_parameters(DIMS, rng)  # moderate probabilities: log(1 - A) is accurate
    AL, caches = dn.model_forward(X, p)
    expected = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    assert dn.compute_cost(caches, Y) == pytest.approx(expected, rel=1e-12)


def test_update_returns_new_arrays(problem):
    X, Y, p = problem
    grads = dn.model_backward(*dn.model_forward(X, p)[:1], Y, dn.model_forward(X, p)[1])
    new = dn.update_parameters(p, grads, 0.1)
    np.testing.assert_allclose(new["W2"], p["W2"] - 0.1 * grads["dW2"])
    assert not np.shares_memory(new["W2"], p["W2"])


# --- training: numpy and Keras walk together ---------------------------------------------
def test_keras_training_follows_the_numpy_steps(problem):
    X, Y, p = problem
    numpy_run = dn.gradient_descent(X, Y, p, learning_rate=0.3, num_iterations=40, record_every=5)
    model = keras_deep.build_model(DIMS)
    keras_deep.set_parameters(model, p)
    keras_deep.compile_for_gradient_descent(model, 0.3)
    costs = keras_deep.train_full_batch(model, X, Y, 40, record_every=5)
    np.testing.assert_allclose(costs, numpy_run.costs, rtol=1e-12)
    trained = keras_deep.get_parameters(model)
    for name, value in numpy_run.parameters.items():
        np.testing.assert_allclose(trained[name], value, rtol=1e-10, atol=1e-13, err_msg=name)


def test_keras_model_layout_and_initialiser():
    model = keras_deep.build_model([50, 20, 7, 5, 1])
    assert model.count_params() == 50 * 20 + 20 + 20 * 7 + 7 + 7 * 5 + 5 + 5 + 1
    p = keras_deep.get_parameters(model)
    assert p["W1"].shape == (20, 50) and p["b3"].shape == (5, 1)
    # the course's N(0, 1) / sqrt(n_prev) as a Keras initialiser
    big = keras_deep.build_model([400, 300, 1])
    assert keras_deep.get_parameters(big)["W1"].std() == pytest.approx(1 / np.sqrt(400), rel=0.02)


def test_training_lowers_the_cost_and_learns(rng):
    X = rng.normal(size=(4, 200))
    Y = ((X[0] ** 2 + X[1] ** 2) < 1.2).astype(np.int64)[None, :]   # a disc: not linear
    result = dn.fit(X, Y, [4, 8, 4, 1], rng, learning_rate=0.5, num_iterations=600)
    assert result.costs[-1] < 0.5 * result.costs[0]
    assert np.mean(dn.predict(X, result.parameters) == Y) > 0.9


# --- bad input ---------------------------------------------------------------------------
def test_layer_dims_must_start_with_the_features_of_X(problem):
    X, Y, _ = problem
    with pytest.raises(ValueError, match=r"layer_dims\[0\] = 12288 must equal .* 5"):
        dn.fit(X, Y, [12288, 7, 1], np.random.default_rng(0))


def test_mismatched_X_and_Y_are_rejected(problem):
    X, Y, p = problem
    with pytest.raises(ValueError, match=r"\(1, 12\)"):
        dn.gradient_descent(X, Y.ravel(), p, 0.1, 3)
    with pytest.raises(ValueError, match=r"\(1, 12\).*got shape \(1, 11\)"):
        dn.gradient_descent(X, Y[:, :11], p, 0.1, 3)


def test_parameters_that_do_not_chain_are_rejected(problem):
    X, _, p = problem
    with pytest.raises(ValueError, match=r"W2 must have shape \(n_2, 4\)"):
        dn.model_forward(X, dict(p, W2=np.zeros((3, 5))))
    with pytest.raises(ValueError, match="must hold W1, b1, ..., WL, bL"):
        dn.model_forward(X, {"W1": p["W1"]})


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0.0}, "learning_rate must be a positive number"),
    ({"learning_rate": -0.0075}, "learning_rate must be a positive number"),
    ({"num_iterations": 0}, "num_iterations must be a whole number"),
    ({"hidden_activation": "softmax"}, "activation must be one of"),
])
def test_bad_hyperparameters_are_rejected(problem, kwargs, match):
    X, Y, p = problem
    args = {"learning_rate": 0.1, "num_iterations": 3}
    with pytest.raises(ValueError, match=match):
        dn.gradient_descent(X, Y, p, **{**args, **kwargs})


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_diverging_run_stops_with_the_iteration(problem):
    X, Y, p = problem
    with pytest.raises(runner.NonFiniteLossError, match=r"became (inf|nan) at iteration \d"):
        dn.gradient_descent(X, Y, p, learning_rate=1e300, num_iterations=20)
