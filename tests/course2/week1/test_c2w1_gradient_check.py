"""Gradient checking in vector form, and catching backward_with_bug (course2/week1)."""
from __future__ import annotations

import numpy as np
import pytest

from course2.week1 import gradient_check as gc
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel


def _model(rng, keep_prob=0.8, l2_lambda=0.7):
    model = DNNModel([Dense(5, "relu", keep_prob), Dense(3, "relu", keep_prob), Dense(1, "sigmoid")],
                     BinaryCrossEntropy(), l2_lambda=l2_lambda)
    model.build((2,), rng)
    for p in model.parameters().values():
        p += rng.normal(0, 0.1, p.shape)
    return model


def test_parameters_round_trip_through_one_vector(rng):
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=(3, 1)), "W2": rng.normal(size=(1, 3))}
    theta, layout = gc.parameters_to_vector(params)
    assert theta.shape == (12,) and layout[0] == ("W1", (3, 2))
    back = gc.vector_to_parameters(theta, layout)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])
    np.testing.assert_array_equal(gc.gradients_to_vector(params, layout), theta)
    with pytest.raises(ValueError, match=r"theta must have shape \(12,\)"):
        gc.vector_to_parameters(theta[:-1], layout)


def test_gradient_check_of_a_known_function():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    theta = np.array([0.5, -1.0])
    layout = [("x", (2,))]
    result = gc.gradient_check(lambda t: 0.5 * t @ A @ t, theta, A @ theta, layout)
    assert result.difference < 1e-9 and result.passed()
    wrong = gc.gradient_check(lambda t: 0.5 * t @ A @ t, theta, 2 * A @ theta, layout)
    assert wrong.difference == pytest.approx(1 / 3, rel=1e-6)        # |2g - g| / (|2g| + |g|)


def test_the_whole_network_passes_and_the_buggy_backward_is_caught(rng):
    model = _model(rng)
    X = rng.normal(size=(2, 15))
    Y = (rng.random((1, 15)) > 0.5).astype(np.float64)
    before = {k: v.copy() for k, v in model.parameters().items()}
    good = gc.check_model(model, X, Y, seed=4)
    assert good.difference <= 1e-7, good.per_parameter
    bad = gc.check_model(model, X, Y, seed=4, backward=gc.backward_with_bug)
    assert bad.difference > 1e-2
    assert all(bad.per_parameter[f"layer{i}.b"] > 1e-2 for i in range(3))    # located in db
    assert all(bad.per_parameter[f"layer{i}.W"] < 1e-7 for i in range(3))
    for k, v in model.parameters().items():                                # parameters restored
        np.testing.assert_array_equal(v, before[k])


def test_the_model_never_uses_the_teaching_function():
    import inspect

    from course2.week1 import model as model_module

    assert "backward_with_bug" not in inspect.getsource(model_module)
