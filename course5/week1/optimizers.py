"""Two update rules for the language model: plain gradient descent (the course's choice for
this model) and Adam (course 2 week 2), each with its per-parameter state made explicit.

    sgd:   W -= learning_rate * dW
    adam:  v = beta1 v + (1 - beta1) dW        s = beta2 s + (1 - beta2) dW**2
           W -= learning_rate * (v / (1 - beta1**t)) / (sqrt(s / (1 - beta2**t)) + epsilon)

``update(params, grads, state)`` changes ``params`` in place; gradients are keyed "d" + name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from common import runner

NAMES = ("sgd", "adam")


@dataclass
class AdamState:
    """First and second moment estimates per parameter, and the step count t."""

    v: dict[str, np.ndarray] = field(default_factory=dict)
    s: dict[str, np.ndarray] = field(default_factory=dict)
    t: int = 0


class SGD:
    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = runner.check_positive("learning_rate", learning_rate)

    def init(self, params: dict[str, np.ndarray]) -> None:
        return None

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
               state=None) -> None:
        for k, W in params.items():
            W -= self.learning_rate * grads["d" + k]


class Adam:
    def __init__(self, learning_rate: float, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        self.learning_rate = runner.check_positive("learning_rate", learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        self.beta1, self.beta2 = beta1, beta2
        self.epsilon = runner.check_positive("epsilon", epsilon)

    def init(self, params: dict[str, np.ndarray]) -> AdamState:
        return AdamState({k: np.zeros_like(W) for k, W in params.items()},
                         {k: np.zeros_like(W) for k, W in params.items()}, 0)

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
               state: AdamState) -> None:
        state.t += 1
        c1, c2 = 1.0 - self.beta1 ** state.t, 1.0 - self.beta2 ** state.t
        for k, W in params.items():
            g = grads["d" + k]
            v, s = state.v[k], state.s[k]
            v *= self.beta1
            v += (1.0 - self.beta1) * g
            s *= self.beta2
            s += (1.0 - self.beta2) * g * g
            W -= self.learning_rate * (v / c1) / (np.sqrt(s / c2) + self.epsilon)


def make(name: str, learning_rate: float):
    """"sgd" or "adam"."""
    if name == "sgd":
        return SGD(learning_rate)
    if name == "adam":
        return Adam(learning_rate)
    raise ValueError(f"optimizer must be one of {NAMES}, got {name!r}")
