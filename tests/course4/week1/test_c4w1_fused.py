"""The fused CONV -> ReLU -> MAXPOOL equals the three separate operations (values and all
gradients), passes a gradient check, and matches TensorFlow."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course4.week1 import conv, fused, pool

CASES = [
    ((3, 8, 8, 2), (3, 3, 5), 1, "same", 2),
    ((2, 10, 12, 3), (2, 2, 4), 1, ((0, 1), (1, 0)), 2),
    ((2, 16, 16, 3), (4, 4, 8), 1, "same", 8),
    ((2, 9, 9, 2), (3, 3, 3), 2, "same", 5),        # conv stride 2 (im2col path), pool 5/5
]


def _make(rng, shape, fshape):
    A = rng.standard_normal(shape)
    W = rng.standard_normal((fshape[0], fshape[1], shape[3], fshape[2]))
    b = rng.standard_normal(fshape[2]) * 0.5
    b[0] = -3.0 * np.abs(W[..., 0]).sum()          # channel 0: every window all-negative
    return A, W, b


def _separate(A, W, b, stride, padding, f_p):
    Z, conv_cache = conv.conv_forward(A, W, b, stride, padding)
    R = np.maximum(Z, 0)
    P, pool_cache = pool.pool_forward(R, f_p, f_p, "max")

    def backward(dP):
        dZ = pool.pool_backward(dP, pool_cache) * (Z > 0)
        return conv.conv_backward(dZ, conv_cache)

    return P, backward


@pytest.mark.parametrize("shape,fshape,stride,padding,f_p", CASES)
def test_fused_equals_separate_layers(rng, shape, fshape, stride, padding, f_p):
    A, W, b = _make(rng, shape, fshape)
    P_sep, backward = _separate(A, W, b, stride, padding, f_p)
    P, cache = fused.conv_relu_maxpool_forward(A, W, b, stride, padding, f_p)
    np.testing.assert_allclose(P, P_sep, rtol=0, atol=1e-12)
    assert (P == 0).any() and (P > 0).any()        # both ReLU branches are exercised
    dP = rng.standard_normal(P.shape)
    g = fused.conv_relu_maxpool_backward(dP, cache)
    g_sep = backward(dP)
    for name, a, b_ in zip(("dA_prev", "dW", "db"), g, g_sep):
        np.testing.assert_allclose(a, b_, rtol=0, atol=1e-10, err_msg=name)
    assert fused.conv_relu_maxpool_backward(dP, cache, input_grad=False).dA_prev is None


def test_gradient_check(rng):
    A, W, b = _make(rng, *CASES[0][:2])
    P, cache = fused.conv_relu_maxpool_forward(A, W, b, 1, "same", 2)
    G = rng.standard_normal(P.shape)

    def cost():
        return float(np.sum(G * fused.conv_relu_maxpool_forward(A, W, b, 1, "same", 2)[0]))

    g = fused.conv_relu_maxpool_backward(G, cache)
    report = gradcheck.check_gradients(cost, {"A_prev": A, "W": W, "b": b},
                                       {"A_prev": g.dA_prev, "W": g.dW, "b": g.db})
    assert report.max_relative_error < 1e-7, str(report)


def test_matches_tensorflow(tf, rng):
    A, W, b = _make(rng, *CASES[2][:2])
    P, cache = fused.conv_relu_maxpool_forward(A, W, b, 1, "same", 8)
    G = rng.standard_normal(P.shape)
    tA, tW, tb = (tf.Variable(x) for x in (A, W, b))
    with tf.GradientTape() as tape:
        tP = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(tA, tW, 1, "SAME") + tb), 8, 8, "VALID")
        J = tf.reduce_sum(tP * G)
    grads = tape.gradient(J, [tA, tW, tb])
    np.testing.assert_allclose(P, tP.numpy(), rtol=0, atol=1e-6)
    for mine, theirs in zip(fused.conv_relu_maxpool_backward(G, cache), grads):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=0, atol=1e-6)


def test_pool_must_tile_the_conv_output(rng):
    A, W, b = _make(rng, (1, 6, 6, 1), (3, 3, 1))
    with pytest.raises(ValueError, match="does not tile"):
        fused.conv_relu_maxpool_forward(A, W, b, 1, "same", 4)
