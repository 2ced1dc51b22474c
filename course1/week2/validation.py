"""Input checks shared by the Course 1 models: clear errors instead of broadcasting surprises.

Course 1 keeps examples in columns: ``X`` is ``(n_x, m)`` and the labels ``Y`` are ``(1, m)``
in {0, 1}. numpy would happily broadcast a ``(m,)`` label vector against ``(1, m)``
probabilities into an ``(m, m)`` matrix and train on nonsense, so every model checks its
inputs first and names what it expected and what came.
"""
from __future__ import annotations

import numbers

import numpy as np

from common import runner


def check_X(X: np.ndarray, name: str = "X", n_x: int | None = None) -> np.ndarray:
    """``X``: (n_x, m) finite numbers, examples in columns. Returns it as float64.

    n_x: the expected number of features (rows), or None for any.
    """
    X = np.asarray(X)
    if X.ndim == 4:
        raise ValueError(
            f"{name} must have shape (n_x, m) with one example per column, got images of shape "
            f"{X.shape}; flatten them first with common.datasets.flatten_images")
    if X.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n_x, m) with one example per column, got shape {X.shape}")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no examples (shape {X.shape}); expected (n_x, m) with m >= 1")
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(
            f"{name} must have {n_x} features (rows) to match the parameters, got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise ValueError(f"{name} must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} holds NaN or infinite values")
    return X


def check_Y(Y: np.ndarray, m: int, name: str = "Y") -> np.ndarray:
    """``Y``: (1, m) labels in {0, 1} for the ``m`` examples of X. Returns it as float64."""
    Y = np.asarray(Y)
    if Y.shape != (1, m):
        hint = " (reshape a label vector with Y.reshape(1, -1))" if Y.ndim == 1 else ""
        raise ValueError(
            f"{name} must have shape (1, m) = (1, {m}) to match the {m} examples (columns) of X, "
            f"got shape {Y.shape}{hint}")
    if not np.all(np.isin(Y, (0, 1))):
        bad = np.unique(Y[~np.isin(Y, (0, 1))])[:5]
        raise ValueError(
            f"{name} must hold binary labels 0 or 1, found values such as {bad.tolist()}")
    return Y.astype(np.float64)


def check_XY(X: np.ndarray, Y: np.ndarray, n_x: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Both checks; returns float64 ``X`` (n_x, m) and ``Y`` (1, m)."""
    X = check_X(X, n_x=n_x)
    return X, check_Y(Y, X.shape[1])


def check_learning_rate(learning_rate: float) -> float:
    """A learning rate must be a finite number > 0."""
    return float(runner.check_positive("learning_rate", learning_rate))


def check_iterations(num_iterations: int, name: str = "num_iterations") -> int:
    """An iteration count must be a whole number >= 1."""
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, numbers.Integral) \
            or num_iterations < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {num_iterations!r}")
    return int(num_iterations)
