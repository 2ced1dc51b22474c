"""Pooling: loop == vectorised (tiling, overlapping and gapped windows), ties, gradient
checks, TensorFlow's max_pool2d / avg_pool2d as the oracle."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course4.week1 import pool

# (input shape, window, stride): tiling (f == s), overlapping (s < f), gapped (s > f)
CASES = [
    ((3, 8, 9, 2), 2, 1),
    ((2, 5, 7, 3), 3, 2),
    ((2, 6, 6, 1), 2, 2),
    ((1, 9, 7, 4), 1, 2),
    ((2, 7, 7, 3), 2, 5),
    ((2, 16, 8, 3), 8, 8),
]


@pytest.mark.parametrize("mode", pool.MODES)
@pytest.mark.parametrize("shape,window,stride", CASES)
def test_loop_equals_vectorised(rng, shape, window, stride, mode):
    A = rng.standard_normal(shape)
    out_loop, cache_loop = pool.pool_forward_loop(A, window, stride, mode)
    out_vec, cache_vec = pool.pool_forward(A, window, stride, mode)
    np.testing.assert_allclose(out_vec, out_loop, rtol=0, atol=1e-10)
    dA = rng.standard_normal(out_loop.shape)
    np.testing.assert_allclose(pool.pool_backward(dA, cache_vec),
                               pool.pool_backward_loop(dA, cache_loop), rtol=0, atol=1e-10)


def test_max_gradient_goes_to_the_first_maximum_on_ties():
    A = np.zeros((1, 4, 4, 1))
    A[0, 1, 0, 0] = A[0, 0, 1, 0] = 5.0          # two equal maxima in the first 2x2 window
    dA = np.ones((1, 2, 2, 1))
    for fwd, bwd in ((pool.pool_forward, pool.pool_backward),
                     (pool.pool_forward_loop, pool.pool_backward_loop)):
        _, cache = fwd(A, 2, 2, "max")
        d = bwd(dA, cache)
        assert d[0, 0, 1, 0] == 1.0 and d[0, 1, 0, 0] == 0.0      # row-major first: (0, 1)
        assert d.sum() == 4.0


def test_average_spreads_evenly():
    _, cache = pool.pool_forward(np.ones((1, 4, 4, 2)), 2, 2, "average")
    d = pool.pool_backward(np.full((1, 2, 2, 2), 4.0), cache)
    np.testing.assert_allclose(d, 1.0)


def test_stride_defaults_to_window(rng):
    A = rng.standard_normal((2, 6, 6, 2))
    np.testing.assert_allclose(pool.pool_forward(A, 3)[0], pool.pool_forward(A, 3, 3)[0])


@pytest.mark.parametrize("mode", pool.MODES)
@pytest.mark.parametrize("shape,window,stride", [CASES[1], CASES[2]])
def test_gradient_check(rng, shape, window, stride, mode):
    A = rng.standard_normal(shape)
    out, cache = pool.pool_forward(A, window, stride, mode)
    G = rng.standard_normal(out.shape)

    def cost():
        return float(np.sum(G * pool.pool_forward(A, window, stride, mode)[0]))

    report = gradcheck.check_gradients(cost, {"A_prev": A}, {"A_prev": pool.pool_backward(G, cache)})
    assert report.max_relative_error < 1e-7, str(report)


@pytest.mark.parametrize("mode", pool.MODES)
@pytest.mark.parametrize("shape,window,stride", CASES)
def test_matches_tensorflow(tf, rng, shape, window, stride, mode):
    A = rng.standard_normal(shape)
    out, cache = pool.pool_forward(A, window, stride, mode)
    G = rng.standard_normal(out.shape)
    tA = tf.Variable(A)
    op = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    with tf.GradientTape() as tape:
        t_out = op(tA, ksize=window, strides=stride, padding="VALID")
        J = tf.reduce_sum(t_out * G)
    np.testing.assert_allclose(out, t_out.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(pool.pool_backward(G, cache), tape.gradient(J, tA).numpy(),
                               rtol=0, atol=1e-6)
