"""A network with one hidden layer, from scratch in numpy (Course 1, week 3).

    n_x inputs -> n_h tanh units -> 1 sigmoid unit

For the m examples in the columns of X (n_x, m):

    Z1 = W1 X + b1      (n_h, m)        W1: (n_h, n_x)   b1: (n_h, 1)
    A1 = tanh(Z1)       (n_h, m)
    Z2 = W2 A1 + b2     (1, m)          W2: (1, n_h)     b2: (1, 1)
    A2 = sigmoid(Z2)    (1, m)          the predicted probability of class 1

Cost: the mean cross-entropy J = (1/m) sum(softplus(Z2) - Y Z2), computed from the logits Z2
(week 2's ``cost_from_logits``). Backpropagation, one line per node of the graph, right to left:

    dZ2 = (A2 - Y) / m               (1, m)      sigmoid and cross-entropy together
    dW2 = dZ2 A1^T                   (1, n_h)
    db2 = sum_over_examples(dZ2)     (1, 1)
    dA1 = W2^T dZ2                   (n_h, m)
    dZ1 = dA1 * (1 - A1^2)           (n_h, m)    tanh'(z) = 1 - tanh(z)^2
    dW1 = dZ1 X^T                    (n_h, n_x)
    db1 = sum_over_examples(dZ1)     (n_h, 1)

Here dZ2 already carries the 1/m of the mean, so every gradient is exactly dJ/d(that
quantity); the lecture writes the same numbers with the 1/m moved onto dW and db.

Initialisation: small random weights (randn * 0.01), zero biases. Zeros everywhere would
keep every hidden unit identical forever (same input, same gradient): a test shows it.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from common import runner
from common.progress import Progress
from course1.week2 import validation
from course1.week2.logistic_regression import cost_from_logits, sigmoid

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


def initialize_parameters(n_x: int, n_h: int, rng: np.random.Generator,
                          scale: float = 0.01) -> dict[str, np.ndarray]:
    """W1 (n_h, n_x), W2 (1, n_h) ~ scale * N(0, 1); b1 (n_h, 1), b2 (1, 1) zero."""
    for name, value in (("n_x", n_x), ("n_h", n_h)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if not scale >= 0:
        raise ValueError(f"scale must be >= 0, got {scale!r}")
    return {"W1": scale * rng.standard_normal((n_h, n_x)), "b1": np.zeros((n_h, 1)),
            "W2": scale * rng.standard_normal((1, n_h)), "b2": np.zeros((1, 1))}


def check_parameters(parameters: dict[str, np.ndarray], n_x: int) -> None:
    """Raise a ValueError naming the first parameter whose shape does not fit the others."""
    missing = [k for k in PARAMETER_NAMES if k not in parameters]
    if missing:
        raise ValueError(f"parameters lack {missing}; expected the keys {list(PARAMETER_NAMES)}")
    n_h = parameters["W1"].shape[0]
    expected = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}
    for name, shape in expected.items():
        if parameters[name].shape != shape:
            raise ValueError(f"{name} must have shape {shape} (n_h = {n_h}, n_x = {n_x}), "
                             f"got {parameters[name].shape}")


class ShallowCache(NamedTuple):
    """The forward pass's intermediate values, kept for the backward pass."""

    X: np.ndarray   # (n_x, m)
    Z1: np.ndarray  # (n_h, m)
    A1: np.ndarray  # (n_h, m)
    Z2: np.ndarray  # (1, m) logits
    A2: np.ndarray  # (1, m) probabilities


def forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, ShallowCache]:
    """X (n_x, m) -> A2 (1, m), the probability of class 1, and the cache."""
    check_parameters(parameters, X.shape[0])
    Z1 = parameters["W1"] @ X + parameters["b1"]    # (n_h, n_x) @ (n_x, m) + (n_h, 1) -> (n_h, m)
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]   # (1, n_h) @ (n_h, m) + (1, 1) -> (1, m)
    A2 = sigmoid(Z2)
    return A2, ShallowCache(X, Z1, A1, Z2, A2)


def compute_cost(cache: ShallowCache, Y: np.ndarray) -> float:
    """Mean cross-entropy of the forward pass in ``cache`` against labels Y (1, m)."""
    return cost_from_logits(cache.Z2, Y)


def backward(Y: np.ndarray, parameters: dict[str, np.ndarray],
             cache: ShallowCache) -> dict[str, np.ndarray]:
    """dJ/d(each parameter) for the mean cross-entropy J. Y: (1, m).

    Returns {"dW1" (n_h, n_x), "db1" (n_h, 1), "dW2" (1, n_h), "db2" (1, 1)}.
    """
    m = Y.shape[1]
    dZ2 = (cache.A2 - Y) / m                        # (1, m)
    dW2 = dZ2 @ cache.A1.T                          # (1, m) @ (m, n_h) -> (1, n_h)
    db2 = dZ2.sum(axis=1, keepdims=True)            # (1, 1)
    dA1 = parameters["W2"].T @ dZ2                  # (n_h, 1) @ (1, m) -> (n_h, m)
    dZ1 = dA1 * (1.0 - cache.A1 ** 2)               # (n_h, m)
    dW1 = dZ1 @ cache.X.T                           # (n_h, m) @ (m, n_x) -> (n_h, n_x)
    db1 = dZ1.sum(axis=1, keepdims=True)            # (n_h, 1)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float) -> dict[str, np.ndarray]:
    """One gradient-descent step: a new dict, theta - learning_rate * dtheta."""
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in PARAMETER_NAMES}


class TrainResult(NamedTuple):
    parameters: dict[str, np.ndarray]
    costs: np.ndarray      # (k,) cost before iterations 0, record_every, 2 record_every, ...
    record_every: int


def gradient_descent(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray],
                     learning_rate: float, num_iterations: int, record_every: int = 1000,
                     progress: bool = False,
                     label: str = "one hidden layer (numpy)") -> TrainResult:
    """Full-batch gradient descent from ``parameters`` (not changed). X: (n_x, m), Y: (1, m)."""
    X, Y = validation.check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    learning_rate = validation.check_learning_rate(learning_rate)
    num_iterations = validation.check_iterations(num_iterations)
    record_every = validation.check_iterations(record_every, "record_every")
    costs = []
    bar = Progress(num_iterations, label, enabled=progress)
    for i in range(num_iterations):
        _, cache = forward(X, parameters)
        cost = runner.check_finite(compute_cost(cache, Y), i)
        parameters = update_parameters(parameters, backward(Y, parameters, cache), learning_rate)
        if i % record_every == 0:
            costs.append(cost)
        bar.update(i + 1, cost=cost)
    return TrainResult(parameters, np.asarray(costs), record_every)


def fit(X: np.ndarray, Y: np.ndarray, n_h: int, rng: np.random.Generator,
        learning_rate: float = 1.2, num_iterations: int = 10000, init_scale: float = 0.01,
        record_every: int = 1000, progress: bool = False) -> TrainResult:
    """The course's recipe: randn * 0.01 weights, zero biases, then gradient descent."""
    X = validation.check_X(X)
    parameters = initialize_parameters(X.shape[0], n_h, rng, init_scale)
    return gradient_descent(X, Y, parameters, learning_rate, num_iterations, record_every,
                            progress, label=f"one hidden layer, n_h={n_h} (numpy)")


def predict(X: np.ndarray, parameters: dict[str, np.ndarray]) -> np.ndarray:
    """Labels 0/1 (1, m) int64 for the columns of X (n_x, m)."""
    X = validation.check_X(X, n_x=parameters["W1"].shape[1])
    return (forward(X, parameters)[0] > 0.5).astype(np.int64)
