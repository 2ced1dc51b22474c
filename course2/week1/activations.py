"""Activation forward/backward pairs by name, for the Dense layer.

sigmoid, relu and tanh are course1/week4's pairs (course1/week4/layers.py, reused, not
rewritten); this module adds the two the engine also needs:

    linear    A = Z                               dZ = dA
    softmax   A_k = exp(Z_k - max Z) / sum_j exp(Z_j - max Z)   (per column, stable)
              dZ = A * (dA - sum_k(dA_k * A_k))   the softmax Jacobian applied to dA, per column

Every forward is ``forward(Z) -> (A, cache)`` with Z, A: (n, m) and every backward is
``backward(dA, cache) -> dZ`` with dA, dZ: (n, m). When a loss fuses with the output
activation (sigmoid + binary cross-entropy, softmax + categorical cross-entropy) the model
skips this backward and uses dZ = A - Y directly (model.py).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from course1.week4 import layers as c1w4


class IdentityCache(NamedTuple):
    Z: np.ndarray  # (n, m)


class SoftmaxCache(NamedTuple):
    Z: np.ndarray  # (n, m)
    A: np.ndarray  # (n, m), columns sum to 1


def linear_forward(Z: np.ndarray) -> tuple[np.ndarray, IdentityCache]:
    """A = Z. Z: (n, m)."""
    return Z, IdentityCache(Z)


def linear_backward(dA: np.ndarray, cache: IdentityCache) -> np.ndarray:
    """dZ = dA. dA: (n, m)."""
    return dA


def softmax_forward(Z: np.ndarray) -> tuple[np.ndarray, SoftmaxCache]:
    """Column-wise softmax. Z: (n, m) -> A: (n, m); the max is subtracted first."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))   # (n, m)
    A = E / E.sum(axis=0, keepdims=True)           # (n, m)
    return A, SoftmaxCache(Z, A)


def softmax_backward(dA: np.ndarray, cache: SoftmaxCache) -> np.ndarray:
    """dZ = J^T dA per column, J = diag(A) - A A^T. dA: (n, m) -> dZ: (n, m)."""
    A = cache.A
    return A * (dA - np.sum(dA * A, axis=0, keepdims=True))   # (n, m)


Forward = Callable[[np.ndarray], tuple[np.ndarray, tuple]]
Backward = Callable[[np.ndarray, tuple], np.ndarray]

ACTIVATIONS: dict[str, tuple[Forward, Backward]] = {
    "linear": (linear_forward, linear_backward),
    "relu": (c1w4.relu_forward, c1w4.relu_backward),
    "sigmoid": (c1w4.sigmoid_forward, c1w4.sigmoid_backward),
    "tanh": (c1w4.tanh_forward, c1w4.tanh_backward),
    "softmax": (softmax_forward, softmax_backward),
}


def get_activation(name: str) -> tuple[Forward, Backward]:
    """The (forward, backward) pair for ``name``; a ValueError lists the known names."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {tuple(ACTIVATIONS)}")
    return ACTIVATIONS[name]
