"""The optimizer protocol and plain gradient descent (Course 2, week 1; week 2 adds Momentum,
RMSprop and Adam in course2/week2/optimizers.py).

THE CONTRACT (duck-typed; ``Optimizer`` documents it):

    learning_rate  float                      the base rate (a schedule may change it per epoch)
    name           str                        short name for tables ("gd", "momentum", "adam")
    init_state(param) -> state                a small dataclass per parameter array
    update(param, grad, state, learning_rate) -> None     changes ``param`` IN PLACE

The model keeps one state per (layer index, param name), created on the first step, and
passes the learning rate of the current epoch. Gradient descent needs no state:

    W := W - learning_rate * dW
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from common import runner


@runtime_checkable
class Optimizer(Protocol):
    learning_rate: float
    name: str

    def init_state(self, param: np.ndarray) -> Any: ...

    def update(self, param: np.ndarray, grad: np.ndarray, state: Any, learning_rate: float) -> None: ...


def check_optimizer(optimizer: Any) -> Any:
    """Return ``optimizer`` if it follows the protocol, else a ValueError saying what came."""
    if isinstance(optimizer, str):
        raise ValueError(f"optimizer must be an optimizer object, got the string {optimizer!r}; "
                         f"use course2.week2.optimizers.get_optimizer({optimizer!r}, learning_rate=...) "
                         f"or course2.week1.optimizers.GradientDescent(learning_rate)")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"unknown optimizer {optimizer!r}: expected an object with learning_rate, "
                         f"name, init_state(param) and update(param, grad, state, learning_rate)")
    return optimizer


@dataclass
class GDState:
    """Plain gradient descent keeps nothing between steps."""


@dataclass
class GradientDescent:
    """W := W - learning_rate * dW."""

    learning_rate: float = 0.01
    name: str = "gd"

    def __post_init__(self) -> None:
        runner.check_positive("learning_rate", self.learning_rate)

    def init_state(self, param: np.ndarray) -> GDState:
        return GDState()

    def update(self, param: np.ndarray, grad: np.ndarray, state: GDState, learning_rate: float) -> None:
        param -= learning_rate * grad
