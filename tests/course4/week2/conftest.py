"""Shared fixtures for the C4W2 tests: non-trivial batch-norm state and a numpy oracle."""
from __future__ import annotations

import numpy as np
import pytest


def randomize_batch_norm(model, rng: np.random.Generator, zero_bias: bool = False) -> None:
    """Give every BN layer of a ``LowLevelResNet`` gamma != 1, beta != 0, moving statistics as
    after training, and every conv/dense bias a non-zero value (unless ``zero_bias``)."""
    for name, var in model.params.items():
        shape = tuple(var.shape)
        dtype = var.dtype.as_numpy_dtype
        if name.endswith("/gamma"):
            var.assign(rng.uniform(0.5, 1.5, shape).astype(dtype))
        elif name.endswith("/beta"):
            var.assign(rng.normal(0.0, 0.2, shape).astype(dtype))
        elif name.endswith("/moving_mean"):
            var.assign(rng.normal(0.0, 0.3, shape).astype(dtype))
        elif name.endswith("/moving_variance"):
            var.assign(rng.uniform(0.5, 2.0, shape).astype(dtype))
        elif name.endswith("/bias") and not zero_bias:
            var.assign(rng.normal(0.0, 0.1, shape).astype(dtype))


@pytest.fixture
def perturb():
    return randomize_batch_norm


def np_conv2d(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """The lecture's convolution as loops (for tiny inputs): x (m, n_H, n_W, n_C_prev),
    W (f, f, n_C_prev, n_C), b (n_C,) -> (m, n_H', n_W', n_C)."""
    m, n_H, n_W, _ = x.shape
    f, _, _, n_C = W.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    out_H = (n_H + 2 * pad - f) // stride + 1
    out_W = (n_W + 2 * pad - f) // stride + 1
    Z = np.zeros((m, out_H, out_W, n_C))
    for i in range(m):
        for h in range(out_H):
            for w in range(out_W):
                patch = xp[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(patch * W[..., c]) + b[c]
    return Z


def np_batch_norm(x: np.ndarray, p: dict, name: str, training: bool, eps: float) -> np.ndarray:
    """Per-channel BN in numpy: batch statistics over (m, n_H, n_W) when training, else the
    moving ones."""
    if training:
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    else:
        mean, var = p[f"{name}/moving_mean"], p[f"{name}/moving_variance"]
    return p[f"{name}/gamma"] * (x - mean) / np.sqrt(var + eps) + p[f"{name}/beta"]


@pytest.fixture
def numpy_oracle():
    return np_conv2d, np_batch_norm
