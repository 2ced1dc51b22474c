"""Convolution: loop == vectorised, gradient checks, TensorFlow's conv2d as the oracle."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course4.week1 import conv
from course4.week1 import padding as padmod

# (input shape, filter (f_h, f_w, n_C), stride, padding): odd sizes, strides, asymmetric pads
CASES = [
    ((3, 8, 9, 2), (3, 2, 5), 2, ((1, 0), (2, 1))),
    ((2, 5, 5, 3), (3, 3, 4), 1, "same"),
    ((2, 7, 7, 1), (3, 3, 2), 2, "valid"),
    ((1, 9, 7, 4), (5, 3, 3), 1, ((2, 0), (0, 3))),
    ((2, 6, 6, 3), (4, 4, 2), 1, "same"),            # even filter: 1 pad above, 2 below
    ((2, 7, 5, 2), (3, 3, 3), 2, "same"),            # stride 2 'same': TensorFlow's split
    ((1, 6, 6, 2), (2, 2, 3), 1, 1),                 # symmetric int pad
    ((2, 4, 5, 3), (1, 1, 2), 1, (0, 2)),            # 1x1 filter, (p_h, p_w)
]


def _make(rng, shape, fshape, dtype=np.float64):
    A = rng.standard_normal(shape).astype(dtype)
    W = rng.standard_normal((fshape[0], fshape[1], shape[3], fshape[2])).astype(dtype)
    b = rng.standard_normal(fshape[2]).astype(dtype)
    return A, W, b


@pytest.mark.parametrize("shape,fshape,stride,padding", CASES)
def test_loop_equals_vectorised(rng, shape, fshape, stride, padding):
    A, W, b = _make(rng, shape, fshape)
    Z_loop, cache_loop = conv.conv_forward_loop(A, W, b, stride, padding)
    Z_vec, cache_vec = conv.conv_forward(A, W, b, stride, padding)
    np.testing.assert_allclose(Z_vec, Z_loop, rtol=0, atol=1e-10)
    dZ = rng.standard_normal(Z_loop.shape)
    g_loop = conv.conv_backward_loop(dZ, cache_loop)
    g_vec = conv.conv_backward(dZ, cache_vec)
    for name, a, b_ in zip(("dA_prev", "dW", "db"), g_vec, g_loop):
        assert a.shape == b_.shape, name
        np.testing.assert_allclose(a, b_, rtol=0, atol=1e-10, err_msg=name)


def test_output_shape_matches_lecture_formula(rng):
    A, W, b = _make(rng, (2, 11, 10, 3), (3, 2, 4))
    Z, _ = conv.conv_forward(A, W, b, stride=2, padding=((1, 1), (2, 0)))
    assert Z.shape == (2, (11 + 2 - 3) // 2 + 1, (10 + 2 - 2) // 2 + 1, 4)


def test_same_padding_keeps_size_and_splits_like_tensorflow():
    assert padmod.resolve_padding("same", 4, 2, 64, 8, 1) == padmod.Pads(1, 2, 0, 1)
    assert padmod.resolve_padding("SAME", 3, 3, 7, 5, 2) == padmod.Pads(1, 1, 1, 1)
    assert padmod.resolve_padding(((0, 3), (2, 1)), 3, 3, 7, 5, 1) == padmod.Pads(0, 3, 2, 1)


def test_chunked_forward_and_backward_equal_one_chunk(rng, monkeypatch):
    A, W, b = _make(rng, (7, 6, 6, 3), (3, 3, 4))
    Z_one, cache = conv.conv_forward(A, W, b, 2, "same")
    dZ = rng.standard_normal(Z_one.shape)
    g_one = conv.conv_backward(dZ, cache)
    monkeypatch.setattr(conv, "CHUNK_BYTES", 1)        # one example per chunk
    Z_many, cache = conv.conv_forward(A, W, b, 2, "same")
    g_many = conv.conv_backward(dZ, cache)
    np.testing.assert_allclose(Z_many, Z_one, atol=1e-12)
    for a, b_ in zip(g_many, g_one):
        np.testing.assert_allclose(a, b_, atol=1e-12)


def test_input_grad_false_skips_only_dA_prev(rng):
    A, W, b = _make(rng, (2, 5, 5, 2), (2, 2, 3))
    Z, cache = conv.conv_forward(A, W, b, 1, "same")
    dZ = rng.standard_normal(Z.shape)
    full = conv.conv_backward(dZ, cache)
    part = conv.conv_backward(dZ, cache, input_grad=False)
    assert part.dA_prev is None
    np.testing.assert_allclose(part.dW, full.dW)
    np.testing.assert_allclose(part.db, full.db)


def test_float32_stays_float32(rng):
    A, W, b = _make(rng, (2, 6, 6, 3), (3, 3, 2), np.float32)
    Z, cache = conv.conv_forward(A, W, b, 1, "same")
    g = conv.conv_backward(rng.standard_normal(Z.shape).astype(np.float32), cache)
    assert Z.dtype == g.dA_prev.dtype == g.dW.dtype == g.db.dtype == np.float32


@pytest.mark.parametrize("shape,fshape,stride,padding", [CASES[0], CASES[4]])
def test_gradient_check(rng, shape, fshape, stride, padding):
    A, W, b = _make(rng, shape, fshape)
    Z, cache = conv.conv_forward(A, W, b, stride, padding)
    G = rng.standard_normal(Z.shape)                   # J = sum(G * Z): dJ/dZ = G

    def cost():
        return float(np.sum(G * conv.conv_forward(A, W, b, stride, padding)[0]))

    g = conv.conv_backward(G, cache)
    report = gradcheck.check_gradients(cost, {"A_prev": A, "W": W, "b": b},
                                       {"A_prev": g.dA_prev, "W": g.dW, "b": g.db})
    assert report.max_relative_error < 1e-7, str(report)


def _tf_pads(pads: padmod.Pads):
    return [[0, 0], [pads.top, pads.bottom], [pads.left, pads.right], [0, 0]]


@pytest.mark.parametrize("shape,fshape,stride,padding", CASES)
def test_matches_tensorflow_conv2d(tf, rng, shape, fshape, stride, padding):
    A, W, b = _make(rng, shape, fshape)
    Z, cache = conv.conv_forward(A, W, b, stride, padding)
    G = rng.standard_normal(Z.shape)
    tA, tW, tb = (tf.Variable(x) for x in (A, W, b))
    tf_padding = padding.upper() if isinstance(padding, str) else _tf_pads(cache.pads)
    with tf.GradientTape() as tape:
        tZ = tf.nn.conv2d(tA, tW, strides=stride, padding=tf_padding) + tb
        J = tf.reduce_sum(tZ * G)
    dA, dW, db = tape.gradient(J, [tA, tW, tb])
    np.testing.assert_allclose(Z, tZ.numpy(), rtol=0, atol=1e-6)
    g = conv.conv_backward(G, cache)
    np.testing.assert_allclose(g.dA_prev, dA.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(g.dW, dW.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(g.db, db.numpy(), rtol=0, atol=1e-6)
