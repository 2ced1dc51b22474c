"""The building blocks of a deep network: forward/backward pairs (Course 1, week 4).

Every block is a pure function pair,

    forward(inputs...)  -> (output, cache)
    backward(d_output, cache) -> gradients with respect to the inputs

where ``d_output`` is dJ/d(output) for whatever scalar J sits at the end of the graph, and
each backward returns dJ/d(each input): the vector-Jacobian product of its forward. Nothing
here knows about costs, the number of examples or the number of layers; ``deep_network``
chains the blocks, and Course 2 reuses them.

Layout (Course 1-2): examples in columns.
    A_prev: (n_prev, m)    W: (n, n_prev)    b: (n, 1)    Z, A: (n, m)

Linear:      Z = W A_prev + b
             dW = dZ A_prev^T      db = sum_over_examples(dZ)      dA_prev = W^T dZ
Activations (elementwise, A = g(Z), dZ = dA * g'(Z)):
             sigmoid  g' = A (1 - A)
             relu     g' = 1 where Z > 0, else 0   (the kink at 0 gets 0)
             tanh     g' = 1 - A^2
Dense:       linear then an activation; backward runs them in reverse.

The lecture divides by m inside dW and db. Here the 1/m belongs to the cost (its backward
returns dJ/dA already divided by m), so every block is an exact derivative and can be
gradient-checked on its own with any upstream gradient.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from course1.week2.logistic_regression import sigmoid


class LinearCache(NamedTuple):
    A_prev: np.ndarray  # (n_prev, m)
    W: np.ndarray       # (n, n_prev)
    b: np.ndarray       # (n, 1)


class ActivationCache(NamedTuple):
    Z: np.ndarray  # (n, m) the input of the activation
    A: np.ndarray  # (n, m) its output


class DenseCache(NamedTuple):
    linear: LinearCache
    activation: ActivationCache
    activation_name: str


# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------
def linear_forward(A_prev: np.ndarray, W: np.ndarray,
                   b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """Z = W A_prev + b.  A_prev (n_prev, m), W (n, n_prev), b (n, 1) -> Z (n, m)."""
    if A_prev.ndim != 2 or W.ndim != 2 or W.shape[1] != A_prev.shape[0]:
        raise ValueError(f"W {W.shape} must have shape (n, n_prev) with n_prev = the rows of "
                         f"A_prev {A_prev.shape}")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b must have shape (n, 1) = ({W.shape[0]}, 1) to match W {W.shape}, "
                         f"got {b.shape}")
    Z = W @ A_prev + b  # (n, n_prev) @ (n_prev, m) + (n, 1) -> (n, m)
    return Z, LinearCache(A_prev, W, b)


def linear_parameter_gradients(dZ: np.ndarray, cache: LinearCache) -> tuple[np.ndarray, np.ndarray]:
    """dW (n, n_prev) and db (n, 1) from dZ (n, m): the half of ``linear_backward`` that the
    first layer needs (nobody needs a gradient with respect to the data X)."""
    dW = dZ @ cache.A_prev.T                # (n, m) @ (m, n_prev) -> (n, n_prev)
    db = dZ.sum(axis=1, keepdims=True)      # (n, 1)
    return dW, db


def linear_backward(dZ: np.ndarray,
                    cache: LinearCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dZ (n, m) -> dA_prev (n_prev, m), dW (n, n_prev), db (n, 1)."""
    if dZ.shape != (cache.W.shape[0], cache.A_prev.shape[1]):
        raise ValueError(f"dZ must have the shape of Z, ({cache.W.shape[0]}, "
                         f"{cache.A_prev.shape[1]}), got {dZ.shape}")
    dW, db = linear_parameter_gradients(dZ, cache)
    dA_prev = cache.W.T @ dZ                # (n_prev, n) @ (n, m) -> (n_prev, m)
    return dA_prev, dW, db


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------
def sigmoid_forward(Z: np.ndarray) -> tuple[np.ndarray, ActivationCache]:
    """A = 1 / (1 + e^-Z), elementwise (overflow-free). Z (n, m) -> A (n, m)."""
    A = sigmoid(Z)
    return A, ActivationCache(Z, A)


def sigmoid_backward(dA: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """dZ = dA * A (1 - A)."""
    return dA * cache.A * (1.0 - cache.A)


def relu_forward(Z: np.ndarray) -> tuple[np.ndarray, ActivationCache]:
    """A = max(Z, 0), elementwise."""
    A = np.maximum(Z, 0.0)
    return A, ActivationCache(Z, A)


def relu_backward(dA: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """dZ = dA where Z > 0, else 0 (at exactly Z = 0 the derivative is taken as 0, like TF)."""
    return np.where(cache.Z > 0, dA, 0.0)


def tanh_forward(Z: np.ndarray) -> tuple[np.ndarray, ActivationCache]:
    """A = tanh(Z), elementwise."""
    A = np.tanh(Z)
    return A, ActivationCache(Z, A)


def tanh_backward(dA: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """dZ = dA * (1 - A^2)."""
    return dA * (1.0 - cache.A ** 2)


Forward = Callable[[np.ndarray], tuple[np.ndarray, ActivationCache]]
Backward = Callable[[np.ndarray, ActivationCache], np.ndarray]

ACTIVATIONS: dict[str, tuple[Forward, Backward]] = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
}


def check_activation(name: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return name


# ---------------------------------------------------------------------------------------------
# Dense = linear + activation
# ---------------------------------------------------------------------------------------------
def dense_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                  activation: str) -> tuple[np.ndarray, DenseCache]:
    """A = g(W A_prev + b). A_prev (n_prev, m) -> A (n, m); ``activation`` names g."""
    forward_g, _ = ACTIVATIONS[check_activation(activation)]
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = forward_g(Z)
    return A, DenseCache(linear_cache, activation_cache, activation)


def dense_backward(dA: np.ndarray, cache: DenseCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dA (n, m) -> dA_prev (n_prev, m), dW (n, n_prev), db (n, 1)."""
    _, backward_g = ACTIVATIONS[cache.activation_name]
    dZ = backward_g(dA, cache.activation)
    return linear_backward(dZ, cache.linear)
