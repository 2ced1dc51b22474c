"""Logistic regression as a tiny neural network, vectorised in numpy (Course 1, week 2).

One "neuron" maps an example x (n_x,) to a probability:

    z = w^T x + b            a = sigmoid(z) = 1 / (1 + e^-z)          y_hat = [a > 0.5]

For the m examples in the columns of X (n_x, m), all at once:

    Z = w^T X + b      (1, m)
    A = sigmoid(Z)     (1, m)
    J = -(1/m) sum( Y log A + (1 - Y) log(1 - A) )         the cross-entropy cost
    dZ = A - Y         (1, m)      dJ/dZ times m  (sigmoid and log cancel neatly)
    dw = (1/m) X dZ^T  (n_x, 1)
    db = (1/m) sum(dZ)

and gradient descent repeats ``w -= alpha dw``, ``b -= alpha db``.

Numerics: the cost is computed from the logits Z, never from log(A): for |z| > ~37 float64
rounds sigmoid(z) to exactly 1.0 and log(1 - A) would be -inf. With
softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|) the same cost is

    J = (1/m) sum( softplus(Z) - Y Z )

which is exact for any Z. ``cross_entropy(A, Y)`` keeps the lecture's form for reading; a test
shows the two agree wherever the lecture's form is finite.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from common import runner
from common.progress import Progress
from course1.week2 import validation


# ---------------------------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), elementwise, without overflow for large |z|. Any shape in, same shape out.

    For z >= 0 it uses 1 / (1 + e^-z); for z < 0 the equal e^z / (1 + e^z); both only ever
    exponentiate -|z| <= 0, so nothing overflows.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) elementwise, stable for any z. Same shape out."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def cost_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """Mean binary cross-entropy from the logits. Z: (1, m) logits, Y: (1, m) labels in {0, 1}.

    -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] = softplus(z) - y z.
    """
    if Z.shape != Y.shape:
        raise ValueError(f"logits Z {Z.shape} and labels Y {Y.shape} must have the same shape")
    return float(np.mean(softplus(Z) - Y * Z))


def cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    """The lecture's cost from probabilities: -(1/m) sum(Y log A + (1 - Y) log(1 - A)).

    A: (1, m) probabilities, Y: (1, m) labels. Infinite when a prediction is exactly 0 or 1 on
    the wrong side; training uses ``cost_from_logits`` instead.
    """
    if A.shape != Y.shape:
        raise ValueError(
            f"probabilities A {A.shape} and labels Y {Y.shape} must have the same shape")
    with np.errstate(divide="ignore", invalid="ignore"):
        # where the label makes a term's weight zero, drop the term (0 * log 0 counts as 0)
        loss = -(np.where(Y == 1, np.log(A), 0.0) + np.where(Y == 0, np.log1p(-A), 0.0))
    return float(np.mean(loss))


def zero_parameters(n_x: int) -> tuple[np.ndarray, float]:
    """w = 0 (n_x, 1) and b = 0. Zeros are fine here: one unit has no symmetry to break."""
    if isinstance(n_x, bool) or not isinstance(n_x, (int, np.integer)) or n_x < 1:
        raise ValueError(f"n_x must be a whole number >= 1, got {n_x!r}")
    return np.zeros((int(n_x), 1)), 0.0


class LogisticCache(NamedTuple):
    """What the backward pass needs from the forward pass."""

    X: np.ndarray  # (n_x, m) inputs
    Z: np.ndarray  # (1, m) logits
    A: np.ndarray  # (1, m) probabilities


class Gradients(NamedTuple):
    dw: np.ndarray  # (n_x, 1)
    db: float


def forward(X: np.ndarray, w: np.ndarray, b: float) -> tuple[np.ndarray, LogisticCache]:
    """A = sigmoid(w^T X + b).  X: (n_x, m), w: (n_x, 1), b: scalar -> A: (1, m) and the cache."""
    if w.ndim != 2 or w.shape != (X.shape[0], 1):
        raise ValueError(f"w must have shape (n_x, 1) = ({X.shape[0]}, 1) for X of shape "
                         f"{X.shape}, got {w.shape}")
    Z = w.T @ X + b  # (1, n_x) @ (n_x, m) -> (1, m)
    A = sigmoid(Z)
    return A, LogisticCache(X, Z, A)


def backward(Y: np.ndarray, cache: LogisticCache) -> Gradients:
    """Gradients of the mean cross-entropy J(w, b). Y: (1, m) labels.

    The graph ends at the scalar cost, so the upstream gradient is dJ/dJ = 1 and only the
    labels are needed:  dZ = (A - Y) / m,  dw = X dZ^T (n_x, 1),  db = sum(dZ).
    """
    m = cache.X.shape[1]
    dZ = (cache.A - Y) / m          # (1, m)
    dw = cache.X @ dZ.T             # (n_x, m) @ (m, 1) -> (n_x, 1)
    db = float(np.sum(dZ))
    return Gradients(dw, db)


# ---------------------------------------------------------------------------------------------
# Training and prediction
# ---------------------------------------------------------------------------------------------
class TrainResult(NamedTuple):
    w: np.ndarray          # (n_x, 1) learned weights
    b: float               # learned bias
    costs: np.ndarray      # (k,) cost before iterations 0, record_every, 2 record_every, ...
    record_every: int


def gradient_descent(X: np.ndarray, Y: np.ndarray, w: np.ndarray, b: float, learning_rate: float,
                     num_iterations: int, record_every: int = 100,
                     progress: bool = False) -> TrainResult:
    """Full-batch gradient descent from (w, b). X: (n_x, m), Y: (1, m), w: (n_x, 1).

    Records the cost (computed before each update, from the logits) every ``record_every``
    iterations. Stops with ``NonFiniteLossError`` if the cost becomes NaN or infinite.
    """
    X, Y = validation.check_XY(X, Y)
    learning_rate = validation.check_learning_rate(learning_rate)
    num_iterations = validation.check_iterations(num_iterations)
    record_every = validation.check_iterations(record_every, "record_every")
    w = np.array(w, dtype=np.float64)  # a copy: the caller's array is not changed
    b = float(b)
    costs = []
    bar = Progress(num_iterations, "logistic regression (numpy)", enabled=progress)
    for i in range(num_iterations):
        A, cache = forward(X, w, b)
        cost = runner.check_finite(cost_from_logits(cache.Z, Y), i)
        grads = backward(Y, cache)
        w -= learning_rate * grads.dw
        b -= learning_rate * grads.db
        if i % record_every == 0:
            costs.append(cost)
        bar.update(i + 1, cost=cost)
    return TrainResult(w, b, np.asarray(costs), record_every)


def fit(X: np.ndarray, Y: np.ndarray, learning_rate: float = 0.005, num_iterations: int = 2000,
        record_every: int = 100, progress: bool = False) -> TrainResult:
    """Logistic regression from zero initial parameters (the course's recipe)."""
    X = validation.check_X(X)
    w, b = zero_parameters(X.shape[0])
    return gradient_descent(X, Y, w, b, learning_rate, num_iterations, record_every, progress)


def predict_proba(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """P(y = 1 | x) for each column of X (n_x, m) -> (1, m)."""
    X = validation.check_X(X, n_x=w.shape[0])
    return forward(X, w, b)[0]


def predict(X: np.ndarray, w: np.ndarray, b: float, threshold: float = 0.5) -> np.ndarray:
    """Labels 0/1 (1, m) int64: 1 where the probability exceeds ``threshold``."""
    return (predict_proba(X, w, b) > threshold).astype(np.int64)


def accuracy(Y_hat: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of matching labels. Y_hat, Y: (1, m)."""
    Y_hat = np.asarray(Y_hat)
    Y = np.asarray(Y)
    if Y_hat.shape != Y.shape:
        raise ValueError(f"predictions {Y_hat.shape} and labels {Y.shape} must have the same shape")
    return float(np.mean(Y_hat == Y))
