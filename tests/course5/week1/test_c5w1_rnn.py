"""numpy RNN: step-by-step cell == fast sequence version; gradients checked in float64."""
from __future__ import annotations

import numpy as np
import pytest

from common.gradcheck import check_gradients
from course5.week1 import rnn


@pytest.fixture
def setup(rng):
    n_x, n_a, m, T = 3, 5, 4, 6
    params = rnn.init_params(n_x, n_a, rng)
    params["ba"] = rng.standard_normal((n_a, 1))          # non-zero bias
    x = rng.standard_normal((n_x, m, T))
    a0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T))                 # random upstream gradient
    return params, x, a0, da


def test_cell_matches_the_equation(setup):
    params, x, a0, _ = setup
    a1, cache = rnn.rnn_cell_forward(x[:, :, 0], a0, params)
    expected = np.tanh(params["Waa"] @ a0 + params["Wax"] @ x[:, :, 0] + params["ba"])
    np.testing.assert_allclose(a1, expected, rtol=0, atol=1e-15)
    assert cache.a_prev is a0


def test_sequence_equals_stepwise_forward_and_backward(setup):
    params, x, a0, da = setup
    a, cache = rnn.rnn_forward(x, a0, params)
    a_slow, caches = rnn.rnn_forward_stepwise(x, a0, params)
    assert a.shape == (5, 4, 6)
    np.testing.assert_allclose(a, a_slow, rtol=0, atol=1e-10)
    fast = rnn.rnn_backward(da, cache)
    slow = rnn.rnn_backward_stepwise(da, caches)
    assert set(fast) == set(slow) == {"dx", "da0", "dWax", "dWaa", "dba"}
    for k in fast:
        assert fast[k].shape == slow[k].shape, k
        np.testing.assert_allclose(fast[k], slow[k], rtol=0, atol=1e-10, err_msg=k)


def test_gradient_check_float64(setup):
    params, x, a0, da = setup
    a, cache = rnn.rnn_forward(x, a0, params)
    g = rnn.rnn_backward(da, cache)

    def loss():
        return float(np.sum(rnn.rnn_forward(x, a0, params)[0] * da))

    report = check_gradients(
        loss, {**params, "x": x, "a0": a0},
        {"Wax": g["dWax"], "Waa": g["dWaa"], "ba": g["dba"], "x": g["dx"], "a0": g["da0"]})
    assert report.max_relative_error <= 1e-7, str(report)


def test_cell_backward_gradient_check(setup):
    params, x, a0, da = setup
    xt = x[:, :, 0].copy()
    a1, cache = rnn.rnn_cell_forward(xt, a0, params)
    g = rnn.rnn_cell_backward(da[:, :, 0], cache)

    def loss():
        return float(np.sum(rnn.rnn_cell_forward(xt, a0, params)[0] * da[:, :, 0]))

    report = check_gradients(loss, {**params, "xt": xt, "a_prev": a0},
                             {"Wax": g["dWax"], "Waa": g["dWaa"], "ba": g["dba"],
                              "xt": g["dxt"], "a_prev": g["da_prev"]})
    assert report.max_relative_error <= 1e-7, str(report)


def test_float32_stays_float32(setup):
    params, x, a0, da = setup
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    a32, cache = rnn.rnn_forward(x.astype(np.float32), a0.astype(np.float32), p32)
    g32 = rnn.rnn_backward(da.astype(np.float32), cache)
    a64, cache64 = rnn.rnn_forward(x, a0, params)
    g64 = rnn.rnn_backward(da, cache64)
    assert a32.dtype == np.float32 and g32["dWaa"].dtype == np.float32
    np.testing.assert_allclose(a32, a64, atol=1e-5)
    np.testing.assert_allclose(g32["dWaa"], g64["dWaa"], atol=1e-4)


def test_single_step_and_single_example(rng):
    params = rnn.init_params(2, 3, rng)
    x = rng.standard_normal((2, 1, 1))
    a, cache = rnn.rnn_forward(x, np.zeros((3, 1)), params)
    assert a.shape == (3, 1, 1)
    g = rnn.rnn_backward(np.ones((3, 1, 1)), cache)
    assert g["dx"].shape == (2, 1, 1)


def test_keras_layout_input_gets_a_hint(setup):
    params, x, a0, _ = setup
    keras_layout = np.transpose(x, (1, 2, 0))             # (m, T, n_x)
    with pytest.raises(ValueError, match=r"Keras layout"):
        rnn.rnn_forward(keras_layout, a0, params)


@pytest.mark.parametrize("bad", ["x2d", "a0", "Waa", "missing", "da"])
def test_shape_errors_name_expected_and_got(setup, bad):
    params, x, a0, da = setup
    params = dict(params)
    if bad == "x2d":
        with pytest.raises(ValueError, match=r"\(n_x, m, T_x\)"):
            rnn.rnn_forward(x[:, :, 0], a0, params)
    elif bad == "a0":
        with pytest.raises(ValueError,
                           match=r"a0 must have shape \(n_a, m\) = \(5, 4\), got \(5, 3\)"):
            rnn.rnn_forward(x, a0[:, :3], params)
    elif bad == "Waa":
        params["Waa"] = np.zeros((5, 4))
        with pytest.raises(ValueError, match=r"Waa must have shape \(5, 5\), got \(5, 4\)"):
            rnn.rnn_forward(x, a0, params)
    elif bad == "missing":
        del params["ba"]
        with pytest.raises(ValueError, match="lack"):
            rnn.rnn_forward(x, a0, params)
    else:
        _, cache = rnn.rnn_forward(x, a0, params)
        with pytest.raises(ValueError, match=r"da must have shape \(5, 4, 6\)"):
            rnn.rnn_backward(da[:, :, :5], cache)
