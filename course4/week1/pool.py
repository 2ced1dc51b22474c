"""Max and average pooling forward and backward: the lecture's loops and a vectorised version.

Shapes (course layout, channels last):
    A_prev: (m, n_H_prev, n_W_prev, n_C)  ->  A: (m, n_H, n_W, n_C)
    n_H = (n_H_prev - f) / stride + 1 (and the same for n_W); channels pass through unchanged.

Forward, every channel on its own:

    max:      A[i, h, w, c] = max (A_prev[i, h*s : h*s + f, w*s : w*s + f, c])
    average:  A[i, h, w, c] = mean(A_prev[i, h*s : h*s + f, w*s : w*s + f, c])

Backward. Max: the whole upstream gradient goes to the element that was the maximum (the
lecture's "mask"); on ties, to the FIRST maximum in row-major window order, which is what
TensorFlow does. Average: every element of the window gets dA / (f * f).

Pooling has no padding here ("valid"): the course's pools (8/8 on 64x64, 4/4 on 8x8) tile their
inputs, and a window/stride that does not tile the input is an error (see ``padding.py``).
Keras' ``MaxPool2D(..., padding="same")`` in the course model is identical on those shapes.

Vectorised: when the windows tile the input (f == stride, the usual case) the pool is a reshape
(m, n_H, f, n_W, f, n_C) reduced over the two f axes; the argmax indices are the cache the
backward scatters into. Otherwise the f * f window offsets are walked as strided slices of the
whole batch (a loop of f * f array operations, never a loop over examples).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course4.week1 import padding as padmod

MODES = ("max", "average")


class PoolCache(NamedTuple):
    """What the backward needs. ``argmax`` holds, for max pooling, the index r * f + q of the
    maximum inside each window (None for average pooling)."""

    prev_shape: tuple[int, int, int, int]     # (m, n_H_prev, n_W_prev, n_C)
    window: int
    stride: int
    mode: str
    argmax: np.ndarray | None                 # (m, n_H, n_W, n_C) ints in [0, f*f)


def check_pool_args(A_prev: np.ndarray, window, stride, mode: str) -> tuple[int, int, tuple[int, int]]:
    """Validate; return (window, stride, (n_H, n_W)). ``stride=None`` means stride = window."""
    padmod.check_images(A_prev, "A_prev")
    if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 1:
        raise ValueError(f"pool window must be a positive int, got {window!r}")
    stride = padmod.check_stride(window if stride is None else stride)
    if mode not in MODES:
        raise ValueError(f"unknown pooling mode {mode!r}; expected one of {MODES}")
    out_hw = padmod.output_shape(A_prev.shape[1], A_prev.shape[2], int(window), int(window),
                                 stride, padmod.Pads(0, 0, 0, 0))
    return int(window), stride, out_hw


def _check_dA(dA: np.ndarray, cache: PoolCache) -> tuple[int, int]:
    m, H, W, C = cache.prev_shape
    n_H = (H - cache.window) // cache.stride + 1
    n_W = (W - cache.window) // cache.stride + 1
    if not isinstance(dA, np.ndarray) or dA.shape != (m, n_H, n_W, C):
        got = dA.shape if isinstance(dA, np.ndarray) else type(dA).__name__
        raise ValueError(f"dA must have the pool output's shape {(m, n_H, n_W, C)}, got {got}")
    return n_H, n_W


# ---------------------------------------------------------------------------------------------
# The loop version
# ---------------------------------------------------------------------------------------------
def pool_forward_loop(A_prev: np.ndarray, window: int, stride: int | None = None,
                      mode: str = "max") -> tuple[np.ndarray, PoolCache]:
    """Pooling with loops over examples, rows, columns and channels.

    A_prev: (m, n_H_prev, n_W_prev, n_C) -> A: (m, n_H, n_W, n_C), PoolCache.
    """
    f, s, (n_H, n_W) = check_pool_args(A_prev, window, stride, mode)
    m, _, _, n_C = A_prev.shape
    A = np.zeros((m, n_H, n_W, n_C), dtype=A_prev.dtype)
    argmax = np.zeros((m, n_H, n_W, n_C), dtype=np.intp) if mode == "max" else None
    for i in range(m):
        for h in range(n_H):
            top = h * s
            for w in range(n_W):
                left = w * s
                for c in range(n_C):
                    region = A_prev[i, top:top + f, left:left + f, c]     # (f, f)
                    if mode == "max":
                        A[i, h, w, c] = np.max(region)
                        argmax[i, h, w, c] = np.argmax(region)           # r * f + q, first max
                    else:
                        A[i, h, w, c] = np.mean(region)
    return A, PoolCache(A_prev.shape, f, s, mode, argmax)


def pool_backward_loop(dA: np.ndarray, cache: PoolCache) -> np.ndarray:
    """dA: (m, n_H, n_W, n_C) -> dA_prev: (m, n_H_prev, n_W_prev, n_C)."""
    n_H, n_W = _check_dA(dA, cache)
    f, s = cache.window, cache.stride
    m, _, _, n_C = cache.prev_shape
    dA_prev = np.zeros(cache.prev_shape, dtype=dA.dtype)
    for i in range(m):
        for h in range(n_H):
            top = h * s
            for w in range(n_W):
                left = w * s
                for c in range(n_C):
                    g = dA[i, h, w, c]
                    if cache.mode == "max":
                        # the mask: only the (first) maximum of the window gets the gradient
                        r, q = divmod(int(cache.argmax[i, h, w, c]), f)
                        dA_prev[i, top + r, left + q, c] += g
                    else:
                        # the average spreads the gradient evenly over the f * f elements
                        dA_prev[i, top:top + f, left:left + f, c] += g / (f * f)
    return dA_prev


# ---------------------------------------------------------------------------------------------
# The vectorised version
# ---------------------------------------------------------------------------------------------
def _tiles(shape: tuple[int, ...], f: int, s: int) -> bool:
    """Windows tile the input exactly (no overlap, no gaps, nothing left over)."""
    return f == s and shape[1] % f == 0 and shape[2] % f == 0


def _offset_slice(r: int, q: int, s: int, n_H: int, n_W: int):
    """The (batch, rows, cols, channels) slice of A_prev seen at window offset (r, q)."""
    return (slice(None), slice(r, r + (n_H - 1) * s + 1, s),
            slice(q, q + (n_W - 1) * s + 1, s), slice(None))


def tile_argmax(A_prev: np.ndarray, f: int) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling by reshape when f == stride tiles the input.

    A_prev: (m, n_H * f, n_W * f, n_C) -> (A (m, n_H, n_W, n_C), argmax (m, n_H, n_W, n_C)).
    """
    m, H, W, C = A_prev.shape
    n_H, n_W = H // f, W // f
    blocks = A_prev.reshape(m, n_H, f, n_W, f, C)                        # (m, n_H, f, n_W, f, C)
    flat = blocks.transpose(0, 1, 3, 2, 4, 5).reshape(m, n_H, n_W, f * f, C)  # (m, n_H, n_W, f*f, C), a copy
    argmax = flat.argmax(axis=3)                                         # (m, n_H, n_W, C)
    A = np.take_along_axis(flat, argmax[:, :, :, None, :], axis=3)[:, :, :, 0, :]  # (m, n_H, n_W, C)
    return A, argmax


def tile_scatter(dA: np.ndarray, argmax: np.ndarray, f: int) -> np.ndarray:
    """Inverse of ``tile_argmax`` for gradients: put dA at each window's argmax, zeros elsewhere.

    dA, argmax: (m, n_H, n_W, C) -> (m, n_H * f, n_W * f, C)."""
    m, n_H, n_W, C = dA.shape
    flat = np.zeros((m, n_H, n_W, f * f, C), dtype=dA.dtype)            # (m, n_H, n_W, f*f, C)
    np.put_along_axis(flat, argmax[:, :, :, None, :], dA[:, :, :, None, :], axis=3)
    blocks = flat.reshape(m, n_H, n_W, f, f, C).transpose(0, 1, 3, 2, 4, 5)   # (m, n_H, f, n_W, f, C)
    return blocks.reshape(m, n_H * f, n_W * f, C)                        # a copy


def pool_forward(A_prev: np.ndarray, window: int, stride: int | None = None,
                 mode: str = "max") -> tuple[np.ndarray, PoolCache]:
    """Vectorised pooling. A_prev: (m, n_H_prev, n_W_prev, n_C) -> A: (m, n_H, n_W, n_C), PoolCache."""
    f, s, (n_H, n_W) = check_pool_args(A_prev, window, stride, mode)
    m, _, _, n_C = A_prev.shape
    tiles = _tiles(A_prev.shape, f, s)
    argmax = None
    if mode == "max" and tiles:
        A, argmax = tile_argmax(A_prev, f)
    elif mode == "max":
        A = A_prev[_offset_slice(0, 0, s, n_H, n_W)].copy()             # (m, n_H, n_W, n_C)
        argmax = np.zeros(A.shape, dtype=np.intp)
        for k in range(1, f * f):
            view = A_prev[_offset_slice(*divmod(k, f), s, n_H, n_W)]     # (m, n_H, n_W, n_C)
            better = view > A                      # strict: ties keep the earlier (first) max
            np.copyto(A, view, where=better)
            argmax[better] = k
    elif tiles:
        A = A_prev.reshape(m, n_H, f, n_W, f, n_C).mean(axis=(2, 4))    # (m, n_H, n_W, n_C)
    else:
        A = np.zeros((m, n_H, n_W, n_C), dtype=A_prev.dtype)
        for k in range(f * f):
            A += A_prev[_offset_slice(*divmod(k, f), s, n_H, n_W)]
        A /= f * f
    return A, PoolCache(A_prev.shape, f, s, mode, argmax)


def pool_backward(dA: np.ndarray, cache: PoolCache) -> np.ndarray:
    """dA: (m, n_H, n_W, n_C) -> dA_prev: (m, n_H_prev, n_W_prev, n_C)."""
    n_H, n_W = _check_dA(dA, cache)
    f, s = cache.window, cache.stride
    m, _, _, n_C = cache.prev_shape
    tiles = _tiles(cache.prev_shape, f, s)
    if cache.mode == "max" and tiles:
        return tile_scatter(dA, cache.argmax, f)
    if tiles:                                       # average, tiling: broadcast the share
        share = (dA / (f * f))[:, :, None, :, None, :]                   # (m, n_H, 1, n_W, 1, n_C)
        return np.broadcast_to(share, (m, n_H, f, n_W, f, n_C)).reshape(cache.prev_shape)
    dA_prev = np.zeros(cache.prev_shape, dtype=dA.dtype)
    for k in range(f * f):                          # overlapping or gapped windows: add per offset
        target = dA_prev[_offset_slice(*divmod(k, f), s, n_H, n_W)]     # (m, n_H, n_W, n_C), a view
        if cache.mode == "max":
            target += np.where(cache.argmax == k, dA, 0)
        else:
            target += dA / (f * f)
    return dA_prev
