"""Shuffled mini-batches ("Mini-batch gradient descent", "Understanding mini-batch GD").

Each epoch: draw a new permutation of the m examples, shuffle X and Y with it (the SAME
permutation for both), and cut them into batches of ``mini_batch_size``; the last batch keeps
the remaining m mod mini_batch_size examples when m is not a multiple.

    X: (n_x, m) (batch_axis=-1) or (m, ...) (batch_axis=0)    Y: (n_y, m)
    -> ceil(m / mini_batch_size) pairs (X_t, Y_t)

``random_mini_batches`` is a batch iterator for DNNModel.fit(batch_iterator=...).
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from common import runner


def random_mini_batches(X: np.ndarray, Y: np.ndarray, mini_batch_size: int,
                        rng: np.random.Generator, batch_axis: int = -1
                        ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (X_t, Y_t) mini-batches of a fresh random permutation (see module docstring)."""
    if mini_batch_size is None or isinstance(mini_batch_size, bool) \
            or not isinstance(mini_batch_size, (int, np.integer)):
        raise ValueError(f"mini_batch_size must be an integer >= 1, got {mini_batch_size!r}")
    runner.check_positive("mini_batch_size", mini_batch_size)
    m = Y.shape[1]
    if X.shape[batch_axis] != m:
        raise ValueError(f"X and Y must hold the same number of examples: X {X.shape} "
                         f"(batch_axis={batch_axis}), Y {Y.shape}")
    permutation = rng.permutation(m)
    X_shuffled = np.take(X, permutation, axis=batch_axis)   # same shape as X
    Y_shuffled = Y[:, permutation]                          # (n_y, m)
    for start in range(0, m, mini_batch_size):
        stop = min(start + mini_batch_size, m)
        if batch_axis == -1:
            X_t = X_shuffled[..., start:stop]               # (n_x, stop - start)
        else:
            X_t = X_shuffled[start:stop]                    # (stop - start, ...)
        yield X_t, Y_shuffled[:, start:stop]


def number_of_batches(m: int, mini_batch_size: int) -> int:
    """ceil(m / mini_batch_size): the last partial batch counts."""
    return -(-m // mini_batch_size)
