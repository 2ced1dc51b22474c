"""numpy LSTM: step-by-step cell == fused sequence version; gradients checked in float64."""
from __future__ import annotations

import numpy as np
import pytest

from common.gradcheck import check_gradients
from course5.week1 import lstm


@pytest.fixture
def setup(rng):
    n_x, n_a, m, T = 3, 5, 4, 6
    params = lstm.init_params(n_x, n_a, rng)
    for g in lstm.GATES:
        params["b" + g] = rng.standard_normal((n_a, 1))   # non-zero, different biases
    x = rng.standard_normal((n_x, m, T))
    a0 = rng.standard_normal((n_a, m))
    c0 = rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T))
    return params, x, a0, c0, da


def test_sigmoid_is_stable_and_exact():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 1000.0])
    with np.errstate(all="raise"):
        s = lstm.sigmoid(z)
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-z[1:-1])), rtol=1e-12, atol=1e-16)
    assert s[0] == 0.0 and s[-1] == 1.0
    assert lstm.sigmoid(z.astype(np.float32)).dtype == np.float32


def test_cell_matches_the_equations(setup):
    params, x, a0, c0, _ = setup
    xt = x[:, :, 0]
    a1, c1, cache = lstm.lstm_cell_forward(xt, a0, c0, params)
    concat = np.vstack([a0, xt])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    f = sig(params["Wf"] @ concat + params["bf"])
    i = sig(params["Wi"] @ concat + params["bi"])
    cc = np.tanh(params["Wc"] @ concat + params["bc"])
    o = sig(params["Wo"] @ concat + params["bo"])
    np.testing.assert_allclose(c1, f * c0 + i * cc, atol=1e-14)
    np.testing.assert_allclose(a1, o * np.tanh(f * c0 + i * cc), atol=1e-14)


def test_sequence_equals_stepwise_forward_and_backward(setup):
    params, x, a0, c0, da = setup
    a, cache = lstm.lstm_forward(x, a0, params, c0)
    a_slow, c_slow, caches = lstm.lstm_forward_stepwise(x, a0, params, c0)
    np.testing.assert_allclose(a, a_slow, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.transpose(cache.C[1:], (1, 2, 0)), c_slow, rtol=0, atol=1e-10)
    fast = lstm.lstm_backward(da, cache)
    slow = lstm.lstm_backward_stepwise(da, caches)
    assert set(fast) == set(slow) == {"dx", "da0", "dc0"} | {"d" + k for k in lstm.PARAM_KEYS}
    for k in fast:
        assert fast[k].shape == slow[k].shape, k
        np.testing.assert_allclose(fast[k], slow[k], rtol=0, atol=1e-10, err_msg=k)


def test_default_c0_is_zero(setup):
    params, x, a0, c0, _ = setup
    a_default, _ = lstm.lstm_forward(x, a0, params)
    a_zero, _ = lstm.lstm_forward(x, a0, params, np.zeros_like(c0))
    np.testing.assert_array_equal(a_default, a_zero)


def test_gradient_check_float64(setup):
    params, x, a0, c0, da = setup
    a, cache = lstm.lstm_forward(x, a0, params, c0)
    g = lstm.lstm_backward(da, cache)

    def loss():
        return float(np.sum(lstm.lstm_forward(x, a0, params, c0)[0] * da))

    analytic = {k: g["d" + k] for k in lstm.PARAM_KEYS}
    analytic.update(x=g["dx"], a0=g["da0"], c0=g["dc0"])
    report = check_gradients(loss, {**params, "x": x, "a0": a0, "c0": c0}, analytic)
    assert report.max_relative_error <= 1e-7, str(report)


def test_cell_backward_gradient_check_including_dc_next(setup, rng):
    params, x, a0, c0, da = setup
    xt = x[:, :, 0].copy()
    dc_next = rng.standard_normal(a0.shape)
    _, _, cache = lstm.lstm_cell_forward(xt, a0, c0, params)
    g = lstm.lstm_cell_backward(da[:, :, 0], dc_next, cache)

    def loss():
        a1, c1, _ = lstm.lstm_cell_forward(xt, a0, c0, params)
        return float(np.sum(a1 * da[:, :, 0]) + np.sum(c1 * dc_next))

    analytic = {k: g["d" + k] for k in lstm.PARAM_KEYS}
    analytic.update(xt=g["dxt"], a_prev=g["da_prev"], c_prev=g["dc_prev"])
    report = check_gradients(loss, {**params, "xt": xt, "a_prev": a0, "c_prev": c0}, analytic)
    assert report.max_relative_error <= 1e-7, str(report)


def test_stack_and_unstack_are_inverse(setup):
    params = setup[0]
    Wa, Wx, b = lstm.stack_params(params)
    assert Wa.shape == (20, 5) and Wx.shape == (20, 3) and b.shape == (20, 1)
    back = lstm.unstack_grads(Wa, Wx, b)
    for k in lstm.PARAM_KEYS:
        np.testing.assert_array_equal(back["d" + k], params[k])


def test_float32_stays_float32(setup):
    params, x, a0, c0, da = setup
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    f32 = np.float32
    a32, cache = lstm.lstm_forward(x.astype(f32), a0.astype(f32), p32, c0.astype(f32))
    g32 = lstm.lstm_backward(da.astype(f32), cache)
    a64, cache64 = lstm.lstm_forward(x, a0, params, c0)
    g64 = lstm.lstm_backward(da, cache64)
    assert a32.dtype == f32 and all(v.dtype == f32 for v in g32.values())
    np.testing.assert_allclose(a32, a64, atol=1e-5)
    np.testing.assert_allclose(g32["dWf"], g64["dWf"], atol=1e-4)


def test_shape_errors(setup):
    params, x, a0, c0, da = setup
    with pytest.raises(ValueError, match="Keras layout"):
        lstm.lstm_forward(np.transpose(x, (1, 2, 0)), a0, params)
    with pytest.raises(ValueError, match=r"c0 must have shape \(n_a, m\) = \(5, 4\)"):
        lstm.lstm_forward(x, a0, params, c0[:, :2])
    bad = dict(params, Wo=np.zeros((5, 7)))
    with pytest.raises(ValueError, match=r"Wo must have shape \(5, 8\), got \(5, 7\)"):
        lstm.lstm_forward(x, a0, bad)
    _, cache = lstm.lstm_forward(x, a0, params)
    with pytest.raises(ValueError, match=r"da must have shape \(5, 4, 6\)"):
        lstm.lstm_backward(da.transpose(1, 0, 2), cache)
    with pytest.raises(ValueError, match="xt must have shape"):
        lstm.lstm_cell_forward(x[:2, :, 0], a0, c0, params)
