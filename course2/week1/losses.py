"""Losses for the numpy engine (Course 2, week 1).

THE CONTRACT (duck-typed; ``Loss`` documents it):

    activation  str      the output activation the loss expects ("sigmoid", "softmax")
    forward(AL, Y) -> float          mean cost over the m examples, from probabilities
    backward(AL, Y) -> dAL           dL/dAL per example (NO 1/m: layers divide by m), same shape
    forward_from_logits(ZL, Y) -> float    the same cost from the logits, numerically stable
    backward_from_logits(AL, Y) -> dZL     the fused gradient dL/dZL = AL - Y per example

AL, ZL, Y: (n_y, m). The model uses the ``_from_logits`` pair when the last layer computes
``activation`` itself (and has no dropout): that path never takes log(0), so even a saturated
sigmoid (large random initialisation) gives a finite, correct cost and gradient. The
probability pair is the lecture's formula and is kept for any other output layer.

    binary cross-entropy       L = -[y log a + (1 - y) log(1 - a)],  a = sigmoid(z)
                                 = log(1 + e^z) - y z               (logits form, np.logaddexp)
    categorical cross-entropy  L = -sum_k y_k log a_k,  a = softmax(z)
                                 = logsumexp(z) - sum_k y_k z_k      (logits form)
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


def _check(AL: np.ndarray, Y: np.ndarray) -> None:
    if AL.shape != Y.shape:
        raise ValueError(f"the output AL and the labels Y must have the same shape (n_y, m); "
                         f"got AL {AL.shape} and Y {Y.shape}")


@runtime_checkable
class Loss(Protocol):
    activation: str

    def forward(self, AL: np.ndarray, Y: np.ndarray) -> float: ...

    def backward(self, AL: np.ndarray, Y: np.ndarray) -> np.ndarray: ...


class BinaryCrossEntropy:
    """Binary cross-entropy for a sigmoid output. AL, ZL, Y: (1, m), Y in {0, 1}."""

    activation = "sigmoid"

    def forward(self, AL: np.ndarray, Y: np.ndarray) -> float:
        _check(AL, Y)
        m = Y.shape[1]
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)

    def backward(self, AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
        _check(AL, Y)
        return -(Y / AL - (1 - Y) / (1 - AL))                  # (1, m)

    def forward_from_logits(self, ZL: np.ndarray, Y: np.ndarray) -> float:
        _check(ZL, Y)
        m = Y.shape[1]
        return float(np.sum(np.logaddexp(0.0, ZL) - Y * ZL) / m)

    def backward_from_logits(self, AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
        _check(AL, Y)
        return AL - Y                                          # (1, m)


class CategoricalCrossEntropy:
    """Categorical cross-entropy for a softmax output. AL, ZL, Y: (n_y, m), Y one-hot columns."""

    activation = "softmax"

    def forward(self, AL: np.ndarray, Y: np.ndarray) -> float:
        _check(AL, Y)
        m = Y.shape[1]
        return float(-np.sum(Y * np.log(AL)) / m)

    def backward(self, AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """dL/dAL = -Y / AL, taken as exactly 0 where Y is 0 (so an output probability that
        underflowed to 0 for a wrong class gives 0, not 0/0 = NaN)."""
        _check(AL, Y)
        dAL = np.zeros_like(AL)
        np.divide(-Y, AL, out=dAL, where=Y != 0)               # (n_y, m)
        return dAL

    def forward_from_logits(self, ZL: np.ndarray, Y: np.ndarray) -> float:
        _check(ZL, Y)
        m = Y.shape[1]
        z_max = ZL.max(axis=0, keepdims=True)                  # (1, m)
        logsumexp = z_max + np.log(np.sum(np.exp(ZL - z_max), axis=0, keepdims=True))  # (1, m)
        return float((np.sum(logsumexp * Y.sum(axis=0, keepdims=True)) - np.sum(Y * ZL)) / m)

    def backward_from_logits(self, AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
        _check(AL, Y)
        return AL - Y                                          # (n_y, m)


LOSSES = {"binary_crossentropy": BinaryCrossEntropy, "categorical_crossentropy": CategoricalCrossEntropy}


def get_loss(name: str):
    """A loss object by name; a ValueError lists the known names."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {tuple(LOSSES)}")
    return LOSSES[name]()
