"""Momentum, RMSprop and Adam as swappable update rules (Course 2, week 2).

Each optimizer follows course2/week1's Optimizer protocol: ``init_state(param)`` returns a
small dataclass for that parameter, ``update(param, grad, state, learning_rate)`` changes the
parameter in place. The lecture's rules, for one parameter W with gradient dW:

Momentum ("Gradient descent with momentum"), an exponentially weighted average of gradients:
    v = beta * v + (1 - beta) * dW
    W = W - learning_rate * v

RMSprop, a running average of squared gradients that divides each coordinate's step:
    s = beta2 * s + (1 - beta2) * dW**2
    W = W - learning_rate * dW / (sqrt(s) + epsilon)

Adam = momentum + RMSprop + bias correction (t counts this parameter's updates, from 1):
    v = beta1 * v + (1 - beta1) * dW           v_hat = v / (1 - beta1**t)
    s = beta2 * s + (1 - beta2) * dW**2        s_hat = s / (1 - beta2**t)
    W = W - learning_rate * v_hat / (sqrt(s_hat) + epsilon)

Keras writes momentum and Adam differently; keras_mapping.py shows the exact mapping.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from common import runner
from course2.week1.optimizers import GDState, GradientDescent


def _check_beta(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")


@dataclass
class MomentumState:
    v: np.ndarray    # same shape as the parameter


@dataclass
class Momentum:
    learning_rate: float = 0.01
    beta: float = 0.9
    name: str = "momentum"

    def __post_init__(self) -> None:
        runner.check_positive("learning_rate", self.learning_rate)
        _check_beta("beta", self.beta)

    def init_state(self, param: np.ndarray) -> MomentumState:
        return MomentumState(np.zeros_like(param))

    def update(self, param: np.ndarray, grad: np.ndarray, state: MomentumState,
               learning_rate: float) -> None:
        state.v *= self.beta
        state.v += (1.0 - self.beta) * grad
        param -= learning_rate * state.v


@dataclass
class RMSpropState:
    s: np.ndarray    # same shape as the parameter


@dataclass
class RMSprop:
    learning_rate: float = 0.001
    beta2: float = 0.999
    epsilon: float = 1e-8
    name: str = "rmsprop"

    def __post_init__(self) -> None:
        runner.check_positive("learning_rate", self.learning_rate)
        runner.check_positive("epsilon", self.epsilon)
        _check_beta("beta2", self.beta2)

    def init_state(self, param: np.ndarray) -> RMSpropState:
        return RMSpropState(np.zeros_like(param))

    def update(self, param: np.ndarray, grad: np.ndarray, state: RMSpropState,
               learning_rate: float) -> None:
        state.s *= self.beta2
        state.s += (1.0 - self.beta2) * grad * grad
        param -= learning_rate * grad / (np.sqrt(state.s) + self.epsilon)


@dataclass
class AdamState:
    v: np.ndarray    # first moment, same shape as the parameter
    s: np.ndarray    # second moment, same shape as the parameter
    t: int = 0       # updates made so far


@dataclass
class Adam:
    learning_rate: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    name: str = "adam"

    def __post_init__(self) -> None:
        runner.check_positive("learning_rate", self.learning_rate)
        runner.check_positive("epsilon", self.epsilon)
        _check_beta("beta1", self.beta1)
        _check_beta("beta2", self.beta2)

    def init_state(self, param: np.ndarray) -> AdamState:
        return AdamState(np.zeros_like(param), np.zeros_like(param))

    def update(self, param: np.ndarray, grad: np.ndarray, state: AdamState,
               learning_rate: float) -> None:
        state.t += 1
        state.v *= self.beta1
        state.v += (1.0 - self.beta1) * grad
        state.s *= self.beta2
        state.s += (1.0 - self.beta2) * grad * grad
        v_hat = state.v / (1.0 - self.beta1 ** state.t)
        s_hat = state.s / (1.0 - self.beta2 ** state.t)
        param -= learning_rate * v_hat / (np.sqrt(s_hat) + self.epsilon)


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}


def get_optimizer(name: str, **kwargs):
    """An optimizer by name ("gd", "momentum", "rmsprop", "adam") with its keyword arguments."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {tuple(OPTIMIZERS)}")
    return OPTIMIZERS[name](**kwargs)


__all__ = ["GradientDescent", "GDState", "Momentum", "MomentumState", "RMSprop", "RMSpropState",
           "Adam", "AdamState", "OPTIMIZERS", "get_optimizer"]
