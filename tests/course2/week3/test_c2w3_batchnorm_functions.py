"""Batch norm pure functions: staged vs compact backward, gradient checks, running averages,
inference mode, and the errors for bad input."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course2.week3 import batchnorm as bn


def _inputs(rng, n=4, m=7):
    Z = rng.normal(1.5, 2.0, (n, m))            # non-zero mean, non-unit variance
    gamma = rng.uniform(0.5, 2.0, (n, 1))       # gamma != 1
    beta = rng.normal(0.0, 1.0, (n, 1))         # beta != 0
    return Z, gamma, beta


def test_forward_normalises_each_unit_over_the_examples(rng):
    Z, gamma, beta = _inputs(rng)
    ones, zeros = np.ones_like(gamma), np.zeros_like(beta)
    out, cache = bn.batchnorm_forward(Z, ones, zeros, eps=0.0 + 1e-12)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(cache.mu[:, 0], Z.mean(axis=1), atol=1e-12)
    np.testing.assert_allclose(cache.var[:, 0], Z.var(axis=1), atol=1e-12)   # biased (ddof=0)


def test_forward_then_scale_and_shift(rng):
    Z, gamma, beta = _inputs(rng)
    out, cache = bn.batchnorm_forward(Z, gamma, beta)
    expected = gamma * (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, keepdims=True) + 1e-5) + beta
    np.testing.assert_allclose(out, expected, atol=1e-12)
    # gamma = sqrt(var + eps), beta = mu undo the normalisation (the lecture's remark)
    undo, _ = bn.batchnorm_forward(Z, cache.sqrtvar, cache.mu)
    np.testing.assert_allclose(undo, Z, atol=1e-12)


def test_compact_backward_equals_staged_backward(rng):
    Z, gamma, beta = _inputs(rng, n=5, m=9)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    dout = rng.normal(size=Z.shape)
    staged = bn.batchnorm_backward(dout, cache)
    compact = bn.batchnorm_backward_compact(dout, cache)
    for a, b in zip(staged, compact):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backward", [bn.batchnorm_backward, bn.batchnorm_backward_compact])
def test_training_backward_gradient_check(rng, backward):
    Z, gamma, beta = _inputs(rng, n=3, m=6)
    G = rng.normal(size=Z.shape)                # random upstream gradient: J = sum(G * out)

    def J():
        return float(np.sum(G * bn.batchnorm_forward(Z, gamma, beta)[0]))

    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    grads = backward(G, cache)
    report = gradcheck.check_gradients(J, {"Z": Z, "gamma": gamma, "beta": beta},
                                       {"Z": grads.dZ, "gamma": grads.dgamma, "beta": grads.dbeta})
    assert report.max_relative_error < 1e-7, str(report)


def test_dZ_sums_to_zero_over_the_batch(rng):
    # shifting every example of a unit by the same amount does not change the output
    Z, gamma, beta = _inputs(rng)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    dZ = bn.batchnorm_backward(rng.normal(size=Z.shape), cache).dZ
    np.testing.assert_allclose(dZ.sum(axis=1), 0.0, atol=1e-12)


def test_inference_forward_uses_running_statistics(rng):
    Z, gamma, beta = _inputs(rng)
    rm, rv = rng.normal(size=(4, 1)), rng.uniform(0.5, 3.0, (4, 1))
    out, _ = bn.batchnorm_inference_forward(Z, gamma, beta, rm, rv, eps=1e-3)
    np.testing.assert_allclose(out, gamma * (Z - rm) / np.sqrt(rv + 1e-3) + beta, atol=1e-12)
    # each example is normalised on its own: one column gives the same answer as the batch
    one, _ = bn.batchnorm_inference_forward(Z[:, 2:3], gamma, beta, rm, rv, eps=1e-3)
    np.testing.assert_allclose(one, out[:, 2:3], atol=1e-12)


def test_inference_backward_gradient_check(rng):
    Z, gamma, beta = _inputs(rng, n=3, m=5)
    rm, rv = rng.normal(size=(3, 1)), rng.uniform(0.5, 3.0, (3, 1))
    G = rng.normal(size=Z.shape)

    def J():
        return float(np.sum(G * bn.batchnorm_inference_forward(Z, gamma, beta, rm, rv)[0]))

    _, cache = bn.batchnorm_inference_forward(Z, gamma, beta, rm, rv)
    g = bn.batchnorm_inference_backward(G, cache)
    report = gradcheck.check_gradients(J, {"Z": Z, "gamma": gamma, "beta": beta},
                                       {"Z": g.dZ, "gamma": g.dgamma, "beta": g.dbeta})
    assert report.max_relative_error < 1e-7, str(report)


def test_running_average_converges_to_population_statistics(rng):
    n = 3
    rm, rv = np.zeros((n, 1)), np.ones((n, 1))
    true_mean, true_std = np.array([[2.0], [-1.0], [0.5]]), np.array([[3.0], [0.5], [1.0]])
    for _ in range(300):
        Z = true_mean + true_std * rng.normal(size=(n, 256))
        _, cache = bn.batchnorm_forward(Z, np.ones((n, 1)), np.zeros((n, 1)))
        rm, rv = bn.update_running_stats(rm, rv, cache.mu, cache.var, momentum=0.9)
    np.testing.assert_allclose(rm, true_mean, atol=0.1)
    np.testing.assert_allclose(rv, true_std ** 2, rtol=0.05)


def test_running_update_rule_and_unbiased_option():
    rm, rv = np.zeros((2, 1)), np.ones((2, 1))
    mu, var = np.array([[1.0], [2.0]]), np.array([[4.0], [9.0]])
    new_m, new_v = bn.update_running_stats(rm, rv, mu, var, momentum=0.8)
    np.testing.assert_allclose(new_m, 0.2 * mu)
    np.testing.assert_allclose(new_v, 0.8 + 0.2 * var)
    _, unbiased_v = bn.update_running_stats(rm, rv, mu, var, momentum=0.8, m=5, unbiased=True)
    np.testing.assert_allclose(unbiased_v, 0.8 + 0.2 * var * 5 / 4)
    with pytest.raises(ValueError, match="m >= 2"):
        bn.update_running_stats(rm, rv, mu, var, momentum=0.8, m=1, unbiased=True)


def test_momentum_mapping_helpers():
    assert bn.keras_momentum(0.99) == 0.99
    assert bn.torch_momentum(0.9) == pytest.approx(0.1)


@pytest.mark.parametrize("eps", [0.0, -1e-5, float("nan"), float("inf"), "1e-5", None, True])
def test_invalid_eps_is_rejected(rng, eps):
    Z, gamma, beta = _inputs(rng)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        bn.batchnorm_forward(Z, gamma, beta, eps=eps)


@pytest.mark.parametrize("momentum", [1.0, -0.1, 1.5, float("nan"), "0.9", None])
def test_invalid_momentum_is_rejected(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        bn.check_momentum(momentum)
    with pytest.raises(ValueError, match="momentum"):
        bn.update_running_stats(np.zeros((2, 1)), np.ones((2, 1)), np.zeros((2, 1)),
                                np.ones((2, 1)), momentum=momentum)


def test_mismatched_shapes_are_rejected(rng):
    Z, gamma, beta = _inputs(rng, n=4, m=7)
    with pytest.raises(ValueError, match=r"gamma must have shape \(4, 1\).*got \(3, 1\)"):
        bn.batchnorm_forward(Z, gamma[:3], beta)
    with pytest.raises(ValueError, match=r"beta must have shape \(4, 1\).*got \(4,\)"):
        bn.batchnorm_forward(Z, gamma, beta[:, 0])
    with pytest.raises(ValueError, match=r"shape \(n, m\).*got \(4, 7, 1\)"):
        bn.batchnorm_forward(Z[..., None], gamma, beta)
    with pytest.raises(ValueError, match="at least one example"):
        bn.batchnorm_forward(Z[:, :0], gamma, beta)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    for backward in (bn.batchnorm_backward, bn.batchnorm_backward_compact):
        with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(4, 7\), got \(7, 4\)"):
            backward(np.ones((7, 4)), cache)
    with pytest.raises(ValueError, match=r"running_var must have shape \(4, 1\)"):
        bn.batchnorm_inference_forward(Z, gamma, beta, np.zeros((4, 1)), np.ones((5, 1)))
    with pytest.raises(ValueError, match="running_var must be >= 0"):
        bn.batchnorm_inference_forward(Z, gamma, beta, np.zeros((4, 1)), -np.ones((4, 1)))
    with pytest.raises(ValueError, match="one \\(n, 1\\) shape"):
        bn.update_running_stats(np.zeros((4, 1)), np.ones((4, 1)), np.zeros((3, 1)), np.ones((3, 1)))
