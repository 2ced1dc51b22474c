"""The language model's update rules: the Course 2 optimizers applied to a dict of parameters.

The update rules themselves live in course2/week2 (plain gradient descent, the course's
choice for this model, and Adam with bias correction), each with an explicit per-parameter
state. This module only adapts them to the character model's parameter dictionaries, whose
gradients are keyed "d" + name:

    sgd:   W -= learning_rate * dW
    adam:  v = beta1 v + (1 - beta1) dW        s = beta2 s + (1 - beta2) dW**2
           W -= learning_rate * (v / (1 - beta1**t)) / (sqrt(s / (1 - beta2**t)) + epsilon)

    opt = make("adam", 0.005)
    state = opt.init(params)
    opt.update(params, grads, state)        # params change in place
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course2.week2 import optimizers as rules

NAMES = ("sgd", "adam")


@dataclass
class DictState:
    """One update rule's state per parameter name, and the number of updates t."""

    per_param: dict[str, Any] = field(default_factory=dict)
    t: int = 0


class DictOptimizer:
    """Apply a Course 2 update rule (``init_state`` / ``update``) to every array of a dict."""

    def __init__(self, rule) -> None:
        self.rule = rule
        self.learning_rate = rule.learning_rate

    def init(self, params: dict[str, np.ndarray]) -> DictState:
        return DictState({k: self.rule.init_state(W) for k, W in params.items()})

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
               state: DictState) -> None:
        state.t += 1
        for k, W in params.items():
            self.rule.update(W, grads["d" + k], state.per_param[k], self.learning_rate)


def SGD(learning_rate: float) -> DictOptimizer:  # noqa: N802 - reads like a class
    return DictOptimizer(rules.GradientDescent(learning_rate))


def Adam(learning_rate: float, beta1: float = 0.9, beta2: float = 0.999,  # noqa: N802
         epsilon: float = 1e-8) -> DictOptimizer:
    return DictOptimizer(rules.Adam(learning_rate, beta1, beta2, epsilon))


def make(name: str, learning_rate: float) -> DictOptimizer:
    """"sgd" or "adam"."""
    if name == "sgd":
        return SGD(learning_rate)
    if name == "adam":
        return Adam(learning_rate)
    raise ValueError(f"optimizer must be one of {NAMES}, got {name!r}")
