"""Convolution forward and backward, twice: the lecture's loops and a vectorised im2col version.

Shapes (course layout, channels last):
    A_prev: (m, n_H_prev, n_W_prev, n_C_prev)    W: (f_h, f_w, n_C_prev, n_C)    b: (n_C,)
    Z:      (m, n_H, n_W, n_C)    with n_H = (n_H_prev + pad_top + pad_bottom - f_h) / stride + 1

Forward, for every example i, output position (h, w) and filter c (the lecture's picture):

    Z[i, h, w, c] = sum( A_pad[i, h*s : h*s + f_h, w*s : w*s + f_w, :] * W[:, :, :, c] ) + b[c]

Backward, with dZ = dJ/dZ of the same shape as Z, every window gets its share back:

    dA_pad[i, window(h, w)] += W[:, :, :, c] * dZ[i, h, w, c]
    dW[:, :, :, c]          += A_pad[i, window(h, w)] * dZ[i, h, w, c]
    db[c]                   += dZ[i, h, w, c]

Vectorised ("im2col"): every window, flattened, is one row of a matrix ``cols`` of shape
(m * n_H * n_W, f_h * f_w * n_C_prev), made from ``sliding_window_view`` (a view, no copy) and
copied once into contiguous memory. The whole convolution is then ONE matrix product
``cols @ W_mat`` with W_mat = W.reshape(f_h * f_w * n_C_prev, n_C); the backward is two:
``dW_mat = cols.T @ dZ_mat`` and ``dcols = dZ_mat @ W_mat.T``, and "col2im" adds each row of
dcols back onto the window it came from (a loop over the f_h * f_w filter offsets, each a
strided slice of the whole batch: windows overlap when stride < f, so plain assignment would
lose sums).

With stride 1 the forward uses a thinner variant, ``row_cols``: im2col along the width only,
then one matrix product per filter row (f_h products on a matrix f_h times smaller).

Speed: the cols matrix is large (the course's first layer at batch 64 holds 64 * 64 * 64 rows
of 48 numbers, ~50 MB in float32), so both passes walk the batch in chunks whose cols matrix
fits in the CPU cache (``CHUNK_BYTES``) and never keep cols: the backward rebuilds each chunk
from the (small) padded input. ``conv_backward(..., input_grad=False)`` skips dA_prev, which
the first layer of a network never needs.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course4.week1 import padding as padmod
from course4.week1.padding import Pads

CHUNK_BYTES = 4 << 20   # bytes of one chunk's cols matrix (about the size of an L2/L3 cache)


class ConvCache(NamedTuple):
    """What the backward needs: the padded input, the filters and the geometry."""

    A_pad: np.ndarray    # (m, n_H_prev + top + bottom, n_W_prev + left + right, n_C_prev)
    W: np.ndarray        # (f_h, f_w, n_C_prev, n_C)
    stride: int
    pads: Pads
    out_hw: tuple[int, int]   # (n_H, n_W)


class ConvGrads(NamedTuple):
    dA_prev: np.ndarray | None   # (m, n_H_prev, n_W_prev, n_C_prev); None with input_grad=False
    dW: np.ndarray | None        # (f_h, f_w, n_C_prev, n_C)
    db: np.ndarray | None        # (n_C,)


def check_conv_args(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, stride, padding
                    ) -> tuple[int, Pads, tuple[int, int]]:
    """Validate shapes and geometry; return (stride, pads, (n_H, n_W))."""
    padmod.check_images(A_prev, "A_prev")
    if not isinstance(W, np.ndarray) or W.ndim != 4:
        got = f"shape {W.shape}" if isinstance(W, np.ndarray) else type(W).__name__
        raise ValueError(f"W must be a 4-D array (f_h, f_w, n_C_prev, n_C), got {got}")
    if W.shape[2] != A_prev.shape[3]:
        raise ValueError(f"W has {W.shape[2]} input channels (W.shape = {W.shape}) but A_prev has "
                         f"{A_prev.shape[3]} (A_prev.shape = {A_prev.shape})")
    if not isinstance(b, np.ndarray) or b.shape != (W.shape[3],):
        got = b.shape if isinstance(b, np.ndarray) else type(b).__name__
        raise ValueError(f"b must have shape (n_C,) = ({W.shape[3]},), got {got}")
    stride = padmod.check_stride(stride)
    f_h, f_w = W.shape[:2]
    pads = padmod.resolve_padding(padding, f_h, f_w, A_prev.shape[1], A_prev.shape[2], stride)
    out_hw = padmod.output_shape(A_prev.shape[1], A_prev.shape[2], f_h, f_w, stride, pads)
    return stride, pads, out_hw


def _check_dZ(dZ: np.ndarray, cache: ConvCache) -> None:
    want = (cache.A_pad.shape[0], *cache.out_hw, cache.W.shape[3])
    if not isinstance(dZ, np.ndarray) or dZ.shape != want:
        got = dZ.shape if isinstance(dZ, np.ndarray) else type(dZ).__name__
        raise ValueError(f"dZ must have the output's shape (m, n_H, n_W, n_C) = {want}, got {got}")


# ---------------------------------------------------------------------------------------------
# The loop version: read this one
# ---------------------------------------------------------------------------------------------
def conv_forward_loop(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1,
                      padding="valid") -> tuple[np.ndarray, ConvCache]:
    """Z = conv(A_prev, W) + b with explicit loops over examples, rows, columns and filters.

    A_prev: (m, n_H_prev, n_W_prev, n_C_prev)   W: (f_h, f_w, n_C_prev, n_C)   b: (n_C,)
    Returns Z: (m, n_H, n_W, n_C) and a ConvCache.
    """
    stride, pads, (n_H, n_W) = check_conv_args(A_prev, W, b, stride, padding)
    f_h, f_w, _, n_C = W.shape
    A_pad = padmod.pad_images(A_prev, pads)
    m = A_prev.shape[0]
    Z = np.zeros((m, n_H, n_W, n_C), dtype=np.result_type(A_prev, W, b))
    for i in range(m):                                  # every example
        for h in range(n_H):                            # every output row
            top = h * stride
            for w in range(n_W):                        # every output column
                left = w * stride
                window = A_pad[i, top:top + f_h, left:left + f_w, :]    # (f_h, f_w, n_C_prev)
                for c in range(n_C):                    # every filter
                    Z[i, h, w, c] = np.sum(window * W[:, :, :, c]) + b[c]
    return Z, ConvCache(A_pad, W, stride, pads, (n_H, n_W))


def conv_backward_loop(dZ: np.ndarray, cache: ConvCache, input_grad: bool = True) -> ConvGrads:
    """Gradients of the convolution with the same loops as the forward.

    dZ: (m, n_H, n_W, n_C). Returns ConvGrads(dA_prev (m, n_H_prev, n_W_prev, n_C_prev),
    dW (f_h, f_w, n_C_prev, n_C), db (n_C,)).
    """
    _check_dZ(dZ, cache)
    A_pad, W, stride = cache.A_pad, cache.W, cache.stride
    f_h, f_w, _, n_C = W.shape
    m, n_H, n_W, _ = dZ.shape
    dA_pad = np.zeros_like(A_pad, dtype=np.result_type(dZ, W))
    dW = np.zeros_like(W, dtype=np.result_type(dZ, A_pad))
    db = np.zeros(n_C, dtype=dZ.dtype)
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                window = A_pad[i, top:top + f_h, left:left + f_w, :]    # (f_h, f_w, n_C_prev)
                for c in range(n_C):
                    g = dZ[i, h, w, c]
                    dA_pad[i, top:top + f_h, left:left + f_w, :] += W[:, :, :, c] * g
                    dW[:, :, :, c] += window * g
                    db[c] += g
    dA_prev = padmod.unpad_images(dA_pad, cache.pads).copy() if input_grad else None
    return ConvGrads(dA_prev, dW, db)


# ---------------------------------------------------------------------------------------------
# The vectorised version: im2col + one matrix product per chunk of examples
# ---------------------------------------------------------------------------------------------
def chunk_size(m: int, rows_per_example: int, row_len: int, itemsize: int) -> int:
    """How many examples one chunk holds so that its cols matrix is about CHUNK_BYTES."""
    per_example = max(1, rows_per_example * row_len * itemsize)
    return int(min(m, max(1, CHUNK_BYTES // per_example)))


def im2col(A_pad: np.ndarray, f_h: int, f_w: int, stride: int, out_hw: tuple[int, int],
           out: np.ndarray | None = None) -> np.ndarray:
    """Every (f_h, f_w, n_C_prev) window of A_pad as one row.

    A_pad: (m, H_pad, W_pad, n_C_prev) -> cols: (m * n_H * n_W, f_h * f_w * n_C_prev), rows in
    (example, h, w) order and columns in W's (i, j, c_prev) order, so ``cols @ W.reshape(-1, n_C)``
    is the convolution. ``out`` (optional) is a contiguous buffer of that shape to fill.
    """
    n_H, n_W = out_hw
    m, n_C_prev = A_pad.shape[0], A_pad.shape[3]
    # every window start: (m, H_pad - f_h + 1, W_pad - f_w + 1, n_C_prev, f_h, f_w), a view
    windows = sliding_window_view(A_pad, (f_h, f_w), axis=(1, 2))
    # every stride-th start: (m, n_H, n_W, n_C_prev, f_h, f_w), still a view
    windows = windows[:, :(n_H - 1) * stride + 1:stride, :(n_W - 1) * stride + 1:stride]
    windows = windows.transpose(0, 1, 2, 4, 5, 3)                 # (m, n_H, n_W, f_h, f_w, n_C_prev)
    if out is None:
        out = np.empty((m * n_H * n_W, f_h * f_w * n_C_prev), dtype=A_pad.dtype)
    np.copyto(out.reshape(m, n_H, n_W, f_h, f_w, n_C_prev), windows)  # the one copy
    return out


def row_cols(A_pad: np.ndarray, f_w: int, n_W: int, out: np.ndarray | None = None) -> np.ndarray:
    """"im2col along the width only" for stride 1: every run of f_w pixels of every padded row.

    A_pad: (m, H_pad, W_pad, n_C_prev) -> R: (m, H_pad, n_W, f_w * n_C_prev), columns in W's
    (j, c_prev) order. Output row h of the convolution is then sum_i R[:, h + i] @ W[i], and
    because the rows h + i for h = 0 .. n_H - 1 are consecutive in R, ``R[:, i:i + n_H]`` is
    ONE (m, n_H * n_W, f_w * n_C_prev) matrix per example without any copy: f_h matrix products
    on a matrix f_h times smaller than the full cols (less memory traffic, same arithmetic).
    """
    m, H_pad, _, n_C_prev = A_pad.shape
    runs = sliding_window_view(A_pad, f_w, axis=2)[:, :, :n_W]      # (m, H_pad, n_W, n_C_prev, f_w), a view
    if out is None:
        out = np.empty((m, H_pad, n_W, f_w * n_C_prev), dtype=A_pad.dtype)
    np.copyto(out.reshape(m, H_pad, n_W, f_w, n_C_prev), runs.transpose(0, 1, 2, 4, 3))
    return out


def conv_stride1(A_pad: np.ndarray, W_mat: np.ndarray, f_h: int, f_w: int,
                 out_hw: tuple[int, int], out: np.ndarray | None = None) -> np.ndarray:
    """Z without bias for stride 1 through ``row_cols``: (m, H_pad, W_pad, n_C_prev) ->
    (m, n_H * n_W, n_C). W_mat: (f_h * f_w * n_C_prev, n_C), W's own order."""
    n_H, n_W = out_hw
    m = A_pad.shape[0]
    K_w = f_w * A_pad.shape[3]
    R = row_cols(A_pad, f_w, n_W)                                    # (m, H_pad, n_W, K_w)
    if out is None:
        out = np.empty((m, n_H * n_W, W_mat.shape[1]), dtype=np.result_type(A_pad, W_mat))
    np.matmul(R[:, :n_H].reshape(m, n_H * n_W, K_w), W_mat[:K_w], out=out)   # filter row i = 0
    for i in range(1, f_h):
        out += R[:, i:i + n_H].reshape(m, n_H * n_W, K_w) @ W_mat[i * K_w:(i + 1) * K_w]  # (m, n_H*n_W, n_C)
    return out


def col2im_add(dcols: np.ndarray, dA_pad: np.ndarray, f_h: int, f_w: int, stride: int,
               out_hw: tuple[int, int]) -> None:
    """Add every row of dcols back onto its window of dA_pad (in place).

    dcols: (m * n_H * n_W, f_h * f_w * n_C_prev)   dA_pad: (m, H_pad, W_pad, n_C_prev)
    """
    n_H, n_W = out_hw
    m, n_C_prev = dA_pad.shape[0], dA_pad.shape[3]
    d6 = dcols.reshape(m, n_H, n_W, f_h, f_w, n_C_prev)           # (m, n_H, n_W, f_h, f_w, n_C_prev)
    for i in range(f_h):            # loop over filter offsets only; each covers the whole batch
        for j in range(f_w):
            dA_pad[:, i:i + (n_H - 1) * stride + 1:stride,
                   j:j + (n_W - 1) * stride + 1:stride, :] += d6[:, :, :, i, j, :]  # (m, n_H, n_W, n_C_prev)


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1,
                 padding="valid") -> tuple[np.ndarray, ConvCache]:
    """Vectorised convolution (im2col and a matrix product per chunk of examples).

    A_prev: (m, n_H_prev, n_W_prev, n_C_prev)   W: (f_h, f_w, n_C_prev, n_C)   b: (n_C,)
    Returns Z: (m, n_H, n_W, n_C) and a ConvCache (the same as ``conv_forward_loop``'s).
    """
    stride, pads, out_hw = check_conv_args(A_prev, W, b, stride, padding)
    f_h, f_w, n_C_prev, n_C = W.shape
    n_H, n_W = out_hw
    m = A_prev.shape[0]
    A_pad = padmod.pad_images(A_prev, pads)
    dtype = np.result_type(A_prev, W, b)
    W_mat = W.reshape(f_h * f_w * n_C_prev, n_C).astype(dtype, copy=False)  # (K, n_C)
    Z = np.empty((m, n_H, n_W, n_C), dtype=dtype)
    Z_mat = Z.reshape(m * n_H * n_W, n_C)                          # (m*n_H*n_W, n_C), a view
    rows = n_H * n_W
    step = chunk_size(m, rows, W_mat.shape[0], A_pad.dtype.itemsize)
    for s in range(0, m, step):
        e = min(m, s + step)
        if stride == 1:                                            # row-wise im2col (see row_cols)
            conv_stride1(A_pad[s:e], W_mat, f_h, f_w, out_hw, out=Z[s:e].reshape(e - s, rows, n_C))
        else:
            cols = im2col(A_pad[s:e], f_h, f_w, stride, out_hw)     # ((e-s)*rows, K)
            np.matmul(cols, W_mat, out=Z_mat[s * rows:e * rows])
    Z += b.astype(dtype, copy=False)
    return Z, ConvCache(A_pad, W, stride, pads, out_hw)


def conv_backward(dZ: np.ndarray, cache: ConvCache, input_grad: bool = True,
                  weight_grad: bool = True) -> ConvGrads:
    """Vectorised gradients: dW = cols.T @ dZ, dcols = dZ @ W.T then col2im, chunk by chunk.

    dZ: (m, n_H, n_W, n_C). Returns ConvGrads(dA_prev, dW, db) with the shapes of
    ``conv_backward_loop``; dA_prev is None with ``input_grad=False``, dW and db are None with
    ``weight_grad=False`` (the fused layer computes them its own way).
    """
    _check_dZ(dZ, cache)
    A_pad, W, stride = cache.A_pad, cache.W, cache.stride
    f_h, f_w, n_C_prev, n_C = W.shape
    m, n_H, n_W, _ = dZ.shape
    rows = n_H * n_W
    K = f_h * f_w * n_C_prev
    dtype = np.result_type(dZ, A_pad, W)
    dZ_mat = dZ.reshape(m * rows, n_C)                             # (m*n_H*n_W, n_C)
    W_mat_T = np.ascontiguousarray(W.reshape(K, n_C).T, dtype=dtype)  # (n_C, K)
    dW_mat = np.zeros((K, n_C), dtype=dtype)
    dA_pad = np.zeros(A_pad.shape, dtype=dtype) if input_grad else None
    step = chunk_size(m, rows, K, A_pad.dtype.itemsize)
    for s in range(0, m, step):
        e = min(m, s + step)
        dZ_chunk = dZ_mat[s * rows:e * rows]                       # ((e-s)*rows, n_C)
        if weight_grad:
            cols = im2col(A_pad[s:e], f_h, f_w, stride, cache.out_hw)  # ((e-s)*rows, K), rebuilt
            dW_mat += cols.T @ dZ_chunk                            # (K, n_C)
        if input_grad:
            col2im_add(dZ_chunk @ W_mat_T, dA_pad[s:e], f_h, f_w, stride, cache.out_hw)
    dW = dW_mat.reshape(f_h, f_w, n_C_prev, n_C) if weight_grad else None  # (K, n_C) -> W's shape
    db = dZ_mat.sum(axis=0) if weight_grad else None               # (n_C,)
    dA_prev = padmod.unpad_images(dA_pad, cache.pads) if input_grad else None
    return ConvGrads(dA_prev, dW, db)
