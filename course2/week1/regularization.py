"""Regularisation (Course 2, week 1): L2 weight decay and inverted dropout.

L2 ("Regularizing your neural network"), with m examples in the batch:

    J_reg = J + lambda / (2 m) * sum_l ||W[l]||_F^2        dW[l] += lambda / m * W[l]

Inverted dropout ("Dropout regularization"), on a layer's output activation A: (n, m):

    D = (u < keep_prob) with u ~ U[0, 1)      a fresh mask every forward pass in training
    A = A * D / keep_prob                    dividing keeps E[A] unchanged, so nothing is
                                             rescaled at test time (no dropout there at all)
    dA = dA * D / keep_prob                  backward uses the same mask

Pure function pairs; the model (model.py) applies L2 over each layer's ``regularized``
params and the Dense layer (layers.py) applies dropout to its output.
"""
from __future__ import annotations

import math
from typing import Iterable, NamedTuple

import numpy as np


def check_keep_prob(keep_prob: float) -> float:
    """keep_prob must be a number in (0, 1]; 1 means no dropout."""
    if isinstance(keep_prob, bool) or not isinstance(keep_prob, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(keep_prob)) or not 0.0 < keep_prob <= 1.0:
        raise ValueError(f"keep_prob must be in (0, 1] (1 = no dropout), got {keep_prob!r}")
    return float(keep_prob)


def check_l2_lambda(l2_lambda: float) -> float:
    """The L2 strength lambda must be a finite number >= 0."""
    if isinstance(l2_lambda, bool) or not isinstance(l2_lambda, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(l2_lambda)) or l2_lambda < 0:
        raise ValueError(f"l2_lambda must be a finite number >= 0, got {l2_lambda!r}")
    return float(l2_lambda)


class DropoutCache(NamedTuple):
    mask: np.ndarray    # D: same shape as A, bool, True = unit kept
    keep_prob: float


def dropout_forward(A: np.ndarray, keep_prob: float,
                    rng: np.random.Generator) -> tuple[np.ndarray, DropoutCache]:
    """Inverted dropout. A: any shape -> (A * D / keep_prob, cache); D drawn from ``rng``."""
    mask = rng.random(A.shape) < keep_prob        # D: same shape as A
    return A * mask / keep_prob, DropoutCache(mask, keep_prob)


def dropout_backward(dA: np.ndarray, cache: DropoutCache) -> np.ndarray:
    """dA (after dropout) -> dA (before dropout): the same mask, the same 1/keep_prob."""
    return dA * cache.mask / cache.keep_prob


def l2_cost(weights: Iterable[np.ndarray], l2_lambda: float, m: int) -> float:
    """lambda / (2 m) * sum of squared entries of every array in ``weights``."""
    if l2_lambda == 0:
        return 0.0
    return l2_lambda / (2 * m) * sum(float(np.sum(np.square(W))) for W in weights)


def l2_grad(W: np.ndarray, l2_lambda: float, m: int) -> np.ndarray:
    """d/dW of the L2 term: lambda / m * W, same shape as W."""
    return (l2_lambda / m) * W
