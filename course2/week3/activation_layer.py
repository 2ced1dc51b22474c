"""An activation as a layer of its own, so batch norm can sit between Z and g(Z)
(Course 2, week 3: "Fitting Batch Norm into a neural network").

    Dense(n, activation="linear") -> BatchNorm() -> Activation("relu")

computes A[l] = g(BN(W[l] A[l-1] + b[l])), the lecture's placement. The forward/backward pairs
are course2/week1's (``activations.get_activation``); this class only gives them the engine's
Layer protocol (no params, no buffers).
"""
from __future__ import annotations

import numpy as np

from course2.week1 import activations


class Activation:
    """Activation(name): "relu", "tanh", "sigmoid", "linear" or "softmax". (n, m) -> (n, m)."""

    regularized: tuple[str, ...] = ()

    def __init__(self, activation: str = "relu") -> None:
        self._forward, self._backward = activations.get_activation(activation)   # ValueError if unknown
        self.name = activation
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache = None
        self._shape: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    def config(self) -> dict:
        return {"class": "Activation", "activation": self.name}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None) -> tuple[int, ...]:
        return tuple(input_shape)

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        """Z: (n, m) -> A = g(Z): (n, m)."""
        A, self.cache = self._forward(A_prev)
        self._shape = A.shape
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dA: (n, m) -> dZ: (n, m)."""
        if self.cache is None:
            raise RuntimeError("Activation.backward called before forward")
        if dA.shape != self._shape:
            raise ValueError(f"Activation({self.name!r}).backward: dA must have the forward "
                             f"output's shape {self._shape}, got {dA.shape}")
        return self._backward(dA, self.cache)
