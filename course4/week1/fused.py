"""The fast path for CONV -> ReLU -> MAXPOOL when the pool window equals its stride.

The course network's blocks are exactly this (CONV 4x4 'same' -> ReLU -> MAXPOOL 8/8, then
CONV 2x2 'same' -> ReLU -> MAXPOOL 4/4). Three facts make one fused operation much cheaper than
three separate ones, with IDENTICAL values and gradients (a test shows it):

1. ReLU and the bias commute with the max:  max(relu(Z + b)) = relu(max(Z) + b), since both
   are increasing. So the forward pools the raw conv output Z = cols @ W chunk by chunk, while
   the chunk is still in the CPU cache, and keeps only the pooled values P (1/f_p^2 of Z) and
   the argmax of every window: the full (m, n_H, n_W, n_C) activation is never stored.
2. Max pooling sends each window's gradient to one position, and ReLU keeps it only when the
   max was positive. So dZ is zero except at m * n_Hp * n_Wp * n_C known positions:

       dZ[i, h*, w*, c] = dA[i, ph, pw, c] * (P[i, ph, pw, c] + b[c] > 0)

   and dW needs only the input windows at those positions (a gather), not the whole im2col
   matrix: dW[:, :, :, c] = sum over (i, ph, pw) of dZ[i, h*, w*, c] * window(i, h*, w*).
3. When the input gradient is wanted (any block but the first), dZ is scattered back to its
   dense shape and goes through the convolution's col2im; the first block skips it.

If ReLU ties at zero matter: an all-negative window gives relu = 0 everywhere; the separate
layers send the gradient to the first zero, where ReLU's derivative (0 at 0, as in TensorFlow)
stops it, and the fused version sends nothing: the same zeros.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course4.week1 import conv, pool
from course4.week1 import padding as padmod


class ConvReluPoolCache(NamedTuple):
    conv: conv.ConvCache      # padded input, W, stride, pads, conv output size (n_H, n_W)
    pool: int                 # f_p, the pool window (= its stride)
    argmax: np.ndarray        # (m, n_Hp, n_Wp, n_C) index r * f_p + q of each window's max
    Z_max: np.ndarray         # (m, n_Hp, n_Wp, n_C) max of Z + b over each window (pre-ReLU)


def check_pool_tiles(out_hw: tuple[int, int], pool_size) -> tuple[int, tuple[int, int]]:
    """The pool window (= stride) must tile the conv output; returns (f_p, (n_Hp, n_Wp))."""
    if not isinstance(pool_size, (int, np.integer)) or isinstance(pool_size, bool) or pool_size < 1:
        raise ValueError(f"pool window must be a positive int, got {pool_size!r}")
    f_p = int(pool_size)
    n_H, n_W = out_hw
    pooled = padmod.output_shape(n_H, n_W, f_p, f_p, f_p, padmod.Pads(0, 0, 0, 0))
    return f_p, pooled


def conv_relu_maxpool_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1,
                              padding="valid", pool_size: int = 2
                              ) -> tuple[np.ndarray, ConvReluPoolCache]:
    """A = maxpool_{f_p / f_p}(relu(conv(A_prev, W) + b)), computed chunk by chunk.

    A_prev: (m, n_H_prev, n_W_prev, n_C_prev)   W: (f_h, f_w, n_C_prev, n_C)   b: (n_C,)
    Returns A: (m, n_H / f_p, n_W / f_p, n_C) and a ConvReluPoolCache.
    """
    stride, pads, out_hw = conv.check_conv_args(A_prev, W, b, stride, padding)
    f_p, (n_Hp, n_Wp) = check_pool_tiles(out_hw, pool_size)
    f_h, f_w, n_C_prev, n_C = W.shape
    n_H, n_W = out_hw
    m = A_prev.shape[0]
    A_pad = padmod.pad_images(A_prev, pads)
    dtype = np.result_type(A_prev, W, b)
    W_mat = W.reshape(f_h * f_w * n_C_prev, n_C).astype(dtype, copy=False)   # (K, n_C)
    rows = n_H * n_W
    step = conv.chunk_size(m, rows, W_mat.shape[0], A_pad.dtype.itemsize)
    Z_max = np.empty((m, n_Hp, n_Wp, n_C), dtype=dtype)
    argmax = np.empty((m, n_Hp, n_Wp, n_C), dtype=np.intp)
    for s in range(0, m, step):
        e = min(m, s + step)
        if stride == 1:                                            # row-wise im2col
            Z = conv.conv_stride1(A_pad[s:e], W_mat, f_h, f_w, out_hw)
        else:
            Z = conv.im2col(A_pad[s:e], f_h, f_w, stride, out_hw) @ W_mat  # ((e-s)*rows, n_C)
        Z = Z.reshape(e - s, n_H, n_W, n_C)                        # this chunk's conv, no bias
        Z_max[s:e], argmax[s:e] = pool.tile_argmax(Z, f_p)         # (e-s, n_Hp, n_Wp, n_C)
    Z_max += b.astype(dtype, copy=False)                           # max(Z) + b = max(Z + b)
    A = np.maximum(Z_max, 0)                                       # relu(max) = max(relu)
    return A, ConvReluPoolCache(conv.ConvCache(A_pad, W, stride, pads, out_hw), f_p, argmax, Z_max)


def conv_relu_maxpool_backward(dA: np.ndarray, cache: ConvReluPoolCache,
                               input_grad: bool = True) -> conv.ConvGrads:
    """Gradients of the fused block. dA: (m, n_Hp, n_Wp, n_C).

    Returns ConvGrads(dA_prev (m, n_H_prev, n_W_prev, n_C_prev) or None with
    ``input_grad=False``, dW (f_h, f_w, n_C_prev, n_C), db (n_C,)).
    """
    if not isinstance(dA, np.ndarray) or dA.shape != cache.Z_max.shape:
        got = dA.shape if isinstance(dA, np.ndarray) else type(dA).__name__
        raise ValueError(f"dA must have the block's output shape {cache.Z_max.shape}, got {got}")
    cc = cache.conv
    f_h, f_w, n_C_prev, n_C = cc.W.shape
    f_p = cache.pool
    m, n_Hp, n_Wp, _ = dA.shape
    dZ_at_max = dA * (cache.Z_max > 0)                             # (m, n_Hp, n_Wp, n_C), ReLU'
    db = dZ_at_max.sum(axis=(0, 1, 2))                             # (n_C,)
    # where each window's max sits in the conv output
    r, q = np.divmod(cache.argmax, f_p)                            # (m, n_Hp, n_Wp, n_C) each
    h_star = np.arange(n_Hp)[None, :, None, None] * f_p + r        # (m, n_Hp, n_Wp, n_C)
    w_star = np.arange(n_Wp)[None, None, :, None] * f_p + q        # (m, n_Hp, n_Wp, n_C)
    s = cc.stride
    windows = sliding_window_view(cc.A_pad, (f_h, f_w), axis=(1, 2))   # (m, H', W', n_C_prev, f_h, f_w), a view
    windows = windows[:, ::s, ::s].transpose(0, 1, 2, 4, 5, 3)     # (m, >= n_H, >= n_W, f_h, f_w, n_C_prev)
    example = np.arange(m)[:, None, None, None]                    # (m, 1, 1, 1)
    # the gather (a copy): (m, n_Hp, n_Wp, n_C, f_h, f_w, n_C_prev)
    patches = windows[example, h_star, w_star]
    K = f_h * f_w * n_C_prev
    patches = patches.reshape(-1, n_C, K)                          # (m*n_Hp*n_Wp, n_C, K)
    dW_mat = np.einsum("rck,rc->kc", patches, dZ_at_max.reshape(-1, n_C))   # (K, n_C)
    dW = dW_mat.reshape(f_h, f_w, n_C_prev, n_C)                   # W's shape
    dA_prev = None
    if input_grad:
        dZ = pool.tile_scatter(dZ_at_max, cache.argmax, f_p)       # (m, n_H, n_W, n_C), dense
        dA_prev = conv.conv_backward(dZ, cc, input_grad=True, weight_grad=False).dA_prev
    return conv.ConvGrads(dA_prev, dW, db)
