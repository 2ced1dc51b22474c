"""The softmax output and its backward through the FULL Jacobian (the original repository's
highlight), next to the shortcut every framework uses.

Layout: scores Z and probabilities A are (n, m), one column per example (what Dense outputs).

Forward (per column, the max subtracted first so exp never overflows):

    a_i = exp(z_i - max z) / sum_k exp(z_k - max z)

Backward through the Jacobian. Every output depends on every input, so for ONE example the
derivative is an n x n matrix

    J_ij = d a_i / d z_j = a_i (delta_ij - a_j),    i.e.  J = diag(a) - a a^T   (symmetric)

and the chain rule gives dz = J^T da. For a batch that is an (m, n, n) tensor of Jacobians,
one per example, applied column by column (``softmax_backward_jacobian``). Building the
Jacobians costs m * n^2 memory; multiplying J^T da out gives the same result in O(m * n):

    dz = a * (da - sum_k a_k da_k)                                  (``softmax_backward``)

Why ``A - Y`` is EXACT with cross-entropy. With L = -sum_j y_j log a_j, the upstream gradient
is da_j = -y_j / a_j. Then

    dz_i = sum_j J_ji da_j = sum_j a_j (delta_ij - a_i) (-y_j / a_j)
         = -y_i + a_i sum_j y_j
         = a_i - y_i                          because a one-hot (or any probability) label
                                              column sums to 1.

No approximation is made: the a_j in J cancels the 1/a_j of the log's derivative. The shortcut
is also better numerically: it never divides by a probability that may have underflowed to 0.
(The 1/m of the mean cost is applied by the layers holding parameters, the engine's convention.)
"""
from __future__ import annotations

import numpy as np

from course2.week1 import activations

SoftmaxCache = activations.SoftmaxCache          # (Z (n, m), A (n, m)); reused from the engine


def _check_columns(name: str, X: np.ndarray) -> None:
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        got = f"shape {X.shape}" if isinstance(X, np.ndarray) else type(X).__name__
        raise ValueError(f"{name} must be a 2-D array (n_classes, m), got {got}")


def softmax_forward(Z: np.ndarray) -> tuple[np.ndarray, SoftmaxCache]:
    """Column-wise softmax. Z: (n, m) -> A: (n, m), columns summing to 1."""
    _check_columns("Z", Z)
    return activations.softmax_forward(Z)


def softmax_jacobian(A: np.ndarray) -> np.ndarray:
    """The Jacobian of every column: A (n, m) -> J (m, n, n), J[k] = diag(a) - a a^T for a = A[:, k]."""
    _check_columns("A", A)
    a = A.T                                                   # (m, n)
    n = A.shape[0]
    return a[:, :, None] * np.eye(n, dtype=A.dtype) - a[:, :, None] * a[:, None, :]  # (m, n, n)


def softmax_backward_jacobian(dA: np.ndarray, cache: SoftmaxCache) -> np.ndarray:
    """dZ = J^T dA per example, through the (m, n, n) Jacobian tensor. dA: (n, m) -> dZ: (n, m)."""
    _check_columns("dA", dA)
    if dA.shape != cache.A.shape:
        raise ValueError(f"dA must have the softmax output's shape {cache.A.shape}, got {dA.shape}")
    J = softmax_jacobian(cache.A)                             # (m, n, n)
    return np.einsum("kji,jk->ik", J, dA)                     # (n, m): column k is J[k]^T dA[:, k]


def softmax_backward(dA: np.ndarray, cache: SoftmaxCache) -> np.ndarray:
    """The same J^T dA without building J. dA: (n, m) -> dZ: (n, m)."""
    _check_columns("dA", dA)
    if dA.shape != cache.A.shape:
        raise ValueError(f"dA must have the softmax output's shape {cache.A.shape}, got {dA.shape}")
    return activations.softmax_backward(dA, cache)


def cross_entropy_grad(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dL/dA for L = -sum_j y_j log a_j, per example (no 1/m): -Y / A where Y != 0, and exactly 0
    where y_j = 0 (so an underflowed a_j = 0 with y_j = 0 gives 0, not 0/0). A, Y: (n, m)."""
    if A.shape != Y.shape:
        raise ValueError(f"A and Y must have the same shape (n, m), got {A.shape} and {Y.shape}")
    out = np.zeros(np.broadcast_shapes(A.shape, Y.shape), dtype=np.result_type(A, Y))
    np.divide(-Y, A, out=out, where=(Y != 0))
    return out                                                # (n, m)


def shortcut_grad(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dL/dZ = A - Y for softmax + cross-entropy, per example. A, Y: (n, m)."""
    if A.shape != Y.shape:
        raise ValueError(f"A and Y must have the same shape (n, m), got {A.shape} and {Y.shape}")
    return A - Y                                              # (n, m)
