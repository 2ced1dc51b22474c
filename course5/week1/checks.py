"""Shape checks shared by the RNN and LSTM modules: clear errors before any arithmetic.

Each check raises ``ValueError`` naming the array, the shape it should have and the shape
that came, so a learner who passes ``(m, T_x, n_x)`` (the Keras layout) instead of the
course's ``(n_x, m, T_x)`` is told so.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np


def check_params(params: Mapping[str, np.ndarray], expected: Mapping[str, tuple[int, ...]],
                 what: str) -> None:
    """Every ``expected`` key is present in ``params`` with exactly that shape."""
    missing = [k for k in expected if k not in params]
    if missing:
        raise ValueError(f"{what} parameters lack {missing}; expected keys {list(expected)}, "
                         f"got {sorted(params)}")
    for key, shape in expected.items():
        got = np.shape(params[key])
        if got != shape:
            raise ValueError(f"{what} parameter {key} must have shape {shape}, got {got}")


def check_sequence(x: np.ndarray, n_x: int, what: str) -> tuple[int, int, int]:
    """``x`` is a sequence batch in the course layout ``(n_x, m, T_x)``; returns its dims."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"{what}: x must have shape (n_x, m, T_x) = ({n_x}, m, T_x), "
                         f"got {x.ndim}-D shape {x.shape}")
    if x.shape[0] != n_x:
        hint = ""
        if x.shape[2] == n_x:
            hint = " (this looks like the Keras layout (m, T_x, n_x); use x.transpose(2, 0, 1))"
        raise ValueError(f"{what}: x must have shape (n_x, m, T_x) with n_x = {n_x} (from the "
                         f"weights), got {x.shape}{hint}")
    if x.shape[1] < 1 or x.shape[2] < 1:
        raise ValueError(f"{what}: x needs at least one example and one time step, got {x.shape}")
    return x.shape[0], x.shape[1], x.shape[2]


def check_state(a: np.ndarray, n_a: int, m: int, name: str, what: str) -> None:
    """A hidden/cell state of shape ``(n_a, m)``."""
    if np.shape(a) != (n_a, m):
        raise ValueError(f"{what}: {name} must have shape (n_a, m) = ({n_a}, {m}), "
                         f"got {np.shape(a)}")


def check_same_shape(got: np.ndarray, expected: tuple[int, ...], name: str, what: str) -> None:
    """An upstream gradient must have the shape of the output it belongs to."""
    if np.shape(got) != tuple(expected):
        raise ValueError(f"{what}: {name} must have shape {tuple(expected)} (like the forward "
                         f"output), got {np.shape(got)}")
