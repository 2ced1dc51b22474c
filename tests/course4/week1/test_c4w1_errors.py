"""Bad input gets a ValueError that names what was expected and what came."""
from __future__ import annotations

import numpy as np
import pytest

from course4.week1 import conv, fused, layers, pool, softmax
from course4.week1 import padding as padmod

A = np.zeros((2, 6, 6, 3))
W = np.zeros((3, 3, 3, 4))
b = np.zeros(4)


@pytest.mark.parametrize("fn", [conv.conv_forward, conv.conv_forward_loop])
@pytest.mark.parametrize("args,match", [
    ((np.zeros((6, 6, 3)), W, b), r"A_prev must be a 4-D array \(m, n_H, n_W, n_C\), got shape \(6, 6, 3\)"),
    ((A, np.zeros((3, 3, 4)), b), r"W must be a 4-D array"),
    ((A, np.zeros((3, 3, 2, 4)), b), r"W has 2 input channels .* A_prev has 3"),
    ((A, W, np.zeros((1, 1, 1, 4))), r"b must have shape \(n_C,\) = \(4,\), got \(1, 1, 1, 4\)"),
    ((A, np.zeros((7, 7, 3, 4)), b), r"7-wide filter/window is larger than the padded input along height \(6 \+ 0 \+ 0 = 6\)"),
])
def test_conv_shape_errors(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


def test_filter_larger_than_padded_input_passes_with_enough_padding():
    Z, _ = conv.conv_forward(A, np.zeros((7, 7, 3, 4)), b, 1, 1)     # 6 + 1 + 1 = 8 >= 7
    assert Z.shape == (2, 2, 2, 4)


@pytest.mark.parametrize("padding", ["full", "SAMEISH", -1, (1, 2, 3), ((1, 2), (3,)), 1.5, None, (1, -1)])
def test_unknown_or_negative_padding(padding):
    with pytest.raises(ValueError, match="padding"):
        conv.conv_forward(A, W, b, 1, padding)


@pytest.mark.parametrize("stride", [0, -1, 1.5, True, "2"])
def test_bad_stride(stride):
    with pytest.raises(ValueError, match="stride must be a positive int"):
        conv.conv_forward(A, W, b, stride, "valid")


def test_stride_that_does_not_tile_is_an_error_with_a_fix():
    # (6 - 3) = 3 is not a multiple of 2: the floor formula would drop the last row and column
    with pytest.raises(ValueError, match=r"stride 2 does not tile the input along height.*"
                                         r"Pad 1 more after \(e.g. height pads \(0, 1\)\)"):
        conv.conv_forward(A, W, b, 2, "valid")
    Z, _ = conv.conv_forward(A, W, b, 2, ((0, 1), (0, 1)))           # the suggested fix works
    assert Z.shape == (2, 3, 3, 4)


def test_same_with_stride_larger_than_filter_that_leaves_rows_is_an_error():
    with pytest.raises(ValueError, match="does not tile"):
        conv.conv_forward(A, np.zeros((1, 1, 3, 4)), b, 4, "same")   # TF would drop rows


def test_backward_rejects_wrong_dZ_shape():
    Z, cache = conv.conv_forward(A, W, b, 1, "same")
    with pytest.raises(ValueError, match=r"dZ must have the output's shape .* \(2, 6, 6, 4\), got \(2, 6, 6, 3\)"):
        conv.conv_backward(np.zeros((2, 6, 6, 3)), cache)


@pytest.mark.parametrize("fn", [pool.pool_forward, pool.pool_forward_loop])
def test_pool_errors(fn):
    with pytest.raises(ValueError, match="unknown pooling mode 'min'; expected one of"):
        fn(A, 2, 2, "min")
    with pytest.raises(ValueError, match="pool window must be a positive int"):
        fn(A, 0, 1, "max")
    with pytest.raises(ValueError, match="larger than the padded input"):
        fn(A, 7, 1, "max")
    with pytest.raises(ValueError, match="stride 3 does not tile"):
        fn(A, 2, 3, "average")
    with pytest.raises(ValueError, match="4-D array"):
        fn(np.zeros((6, 6)), 2, 2, "max")


def test_pool_backward_rejects_wrong_shape():
    _, cache = pool.pool_forward(A, 2, 2, "max")
    with pytest.raises(ValueError, match=r"pool output's shape \(2, 3, 3, 3\)"):
        pool.pool_backward(np.zeros((2, 3, 3, 4)), cache)


def test_layer_constructor_errors():
    with pytest.raises(ValueError, match="unknown padding 'full'"):
        layers.Conv2D(4, 3, padding="full")
    with pytest.raises(ValueError, match="filters must be a positive int"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="unknown implementation 'fast'"):
        layers.Conv2D(4, 3, implementation="fast")
    with pytest.raises(ValueError, match="unknown pooling mode 'sum'"):
        layers.Pool2D(2, mode="sum")
    with pytest.raises(ValueError, match="unknown initialisation 'lecun'"):
        layers.Conv2D(4, 3, init="lecun")


def test_layer_build_and_forward_errors(rng):
    with pytest.raises(ValueError, match="does not tile"):
        layers.ConvReLUMaxPool(4, 3, padding="same", pool_size=4).build((6, 6, 3), rng)
    layer = layers.Conv2D(4, 3)
    layer.build((6, 6, 3), rng)
    with pytest.raises(ValueError, match=r"built for inputs \(m, 6, 6, 3\), got \(2, 6, 6, 2\)"):
        layer.forward(np.zeros((2, 6, 6, 2)), True, rng)
    with pytest.raises(ValueError, match=r"expects images \(n_H, n_W, n_C\)"):
        layers.MaxPool2D(2).build((36,), rng)
    with pytest.raises(RuntimeError, match="before forward"):
        layers.Flatten().backward(np.zeros((3, 2)))


def test_fused_and_softmax_backward_shape_errors():
    P, cache = fused.conv_relu_maxpool_forward(A, W, b, 1, "same", 2)
    with pytest.raises(ValueError, match=r"block's output shape \(2, 3, 3, 4\)"):
        fused.conv_relu_maxpool_backward(np.zeros((2, 3, 3, 3)), cache)
    _, sm_cache = softmax.softmax_forward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"softmax output's shape \(3, 2\)"):
        softmax.softmax_backward_jacobian(np.zeros((2, 3)), sm_cache)


def test_padding_helpers_direct():
    assert padmod.resolve_padding(2, 3, 3, 5, 5, 1) == padmod.Pads(2, 2, 2, 2)
    assert padmod.resolve_padding((1, 0), 3, 3, 5, 5, 1) == padmod.Pads(1, 1, 0, 0)
    with pytest.raises(ValueError, match="non-negative"):
        padmod.resolve_padding(((0, -1), (0, 0)), 3, 3, 5, 5, 1)
