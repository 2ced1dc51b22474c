"""The output layer of a language model: y<t> = softmax(Wya a<t> + by) at every step, and the
cross-entropy of the true next character, forward and backward.

    z<t>   = Wya a<t> + by                       logits, (n_y, m) per step
    loss   = sum over (example, step) in the mask of  logsumexp(z<t>) - z<t>[y<t>]
    dz<t>  = softmax(z<t>) - onehot(y<t>)        inside the mask, 0 outside

The loss comes from the logits with logsumexp (softmax subtracts the max first), never from
log(softmax), so a confident wrong guess gives a large finite loss rather than inf.

Shapes: a (n_a, m, T_x), Wya (n_y, n_a), by (n_y, 1), logits (n_y, m, T_x), Y and mask (m, T_x).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


def softmax(z: np.ndarray, axis: int = 0) -> np.ndarray:
    """Numerically stable softmax along ``axis`` (the class axis, 0 in the course layout)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = 0) -> np.ndarray:
    """z - logsumexp(z) along ``axis``."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class OutputCache(NamedTuple):
    a: np.ndarray        # (n_a, m, T_x)
    Wya: np.ndarray      # (n_y, n_a)


def output_forward(a: np.ndarray, Wya: np.ndarray, by: np.ndarray
                   ) -> tuple[np.ndarray, OutputCache]:
    """Logits at every step. a: (n_a, m, T_x) -> logits (n_y, m, T_x)."""
    if np.ndim(a) != 3 or np.ndim(Wya) != 2 or a.shape[0] != Wya.shape[1]:
        raise ValueError(f"output layer: a must be (n_a, m, T_x) and Wya (n_y, n_a) with the same "
                         f"n_a, got a {np.shape(a)} and Wya {np.shape(Wya)}")
    if np.shape(by) != (Wya.shape[0], 1):
        raise ValueError(f"output layer: by must have shape ({Wya.shape[0]}, 1), "
                         f"got {np.shape(by)}")
    n_a, m, T_x = a.shape
    logits = (Wya @ a.reshape(n_a, m * T_x)).reshape(-1, m, T_x)   # (n_y, m*T_x) -> (n_y, m, T_x)
    logits += by[:, :, None]                                        # (n_y, 1, 1)
    return logits, OutputCache(a=a, Wya=Wya)


def output_backward(dlogits: np.ndarray, cache: OutputCache) -> dict[str, np.ndarray]:
    """dlogits: (n_y, m, T_x) -> da (n_a, m, T_x), dWya (n_y, n_a), dby (n_y, 1)."""
    a, Wya = cache.a, cache.Wya
    n_a, m, T_x = a.shape
    if dlogits.shape != (Wya.shape[0], m, T_x):
        raise ValueError(f"output layer backward: dlogits must have shape "
                         f"{(Wya.shape[0], m, T_x)}, got {dlogits.shape}")
    d2 = dlogits.reshape(-1, m * T_x)                 # (n_y, m*T_x)
    return {
        "da": (Wya.T @ d2).reshape(n_a, m, T_x),      # (n_a, m*T_x) -> (n_a, m, T_x)
        "dWya": d2 @ a.reshape(n_a, m * T_x).T,        # (n_y, m*T_x) @ (m*T_x, n_a)
        "dby": d2.sum(axis=1, keepdims=True),          # (n_y, 1)
    }


def cross_entropy(logits: np.ndarray, Y: np.ndarray, mask: np.ndarray | None = None
                  ) -> tuple[float, np.ndarray, int]:
    """Summed cross-entropy over the masked positions, its gradient, and how many positions.

    logits: (n_y, m, T_x); Y: (m, T_x) int class indices; mask: (m, T_x) bool (default all).
    Returns (loss_sum, dlogits (n_y, m, T_x), n_positions).
    """
    n_y, m, T_x = logits.shape
    Y = np.asarray(Y)
    mask = np.ones((m, T_x), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if Y.shape != (m, T_x) or mask.shape != (m, T_x):
        raise ValueError(f"targets and mask must have shape (m, T_x) = {(m, T_x)} to match the "
                         f"logits {logits.shape}, got Y {Y.shape} and mask {mask.shape}")
    if Y[mask].size and (Y[mask].min() < 0 or Y[mask].max() >= n_y):
        raise ValueError(f"targets must be class indices in [0, {n_y}), got values in "
                         f"[{Y[mask].min()}, {Y[mask].max()}]")
    logp = log_softmax(logits, axis=0)                                   # (n_y, m, T_x)
    Yc = np.where(mask, Y, 0)                                            # (m, T_x), padding -> 0
    picked = np.take_along_axis(logp, Yc[None], axis=0)[0]              # (m, T_x)
    loss = float(-(picked * mask).sum())
    dlogits = np.exp(logp)                                               # softmax
    np.put_along_axis(dlogits, Yc[None], np.take_along_axis(dlogits, Yc[None], axis=0) - 1.0,
                      axis=0)                                            # p - onehot(y)
    dlogits *= mask[None]                                                # (1, m, T_x) broadcast
    return loss, dlogits, int(mask.sum())
