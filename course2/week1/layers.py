"""The engine's layer protocol and the fully connected ``Dense`` layer (Course 2, week 1).

THE CONTRACT every layer follows (duck-typed; ``Layer`` below documents it). Later weeks add
BatchNorm (course2/week3) and Conv2D/Pool/Flatten/Softmax (course4/week1) as classes with the
same attributes and methods; ``DNNModel`` (model.py) treats them all alike.

    params      dict[str, ndarray]   trainable arrays by name, e.g. Dense {"W": (n, n_prev), "b": (n, 1)}
    grads       dict[str, ndarray]   same keys and shapes, filled by backward()
    buffers     dict[str, ndarray]   non-trainable saved state (BatchNorm running mean/var); {} if none
    regularized tuple[str, ...]      params that L2 applies to: ("W",) for Dense/Conv, () otherwise
    build(input_shape, rng) -> output_shape
                per-example shapes, WITHOUT the batch axis: Dense sees (n_prev,) and returns (n,);
                Conv sees (n_H, n_W, n_C). Creates params (drawn from ``rng``), grads and buffers.
                Called once by DNNModel.build (fit/forward call it on first use).
    forward(A_prev, training, rng) -> A
                keeps the NamedTuple cache of its pure forward function on ``self.cache``;
                ``training`` switches dropout / BatchNorm batch statistics; ``rng`` draws dropout
                masks (it may be None when nothing random happens).
    backward(dA) -> dA_prev
                from ``self.cache``; fills ``self.grads``.
    config() -> dict   JSON-able description (class name and constructor arguments), saved
                with the weights so a file says what it holds.

Gradient convention (the lecture's, and the same for every layer): the array ``dA`` passed
between layers is per-example, i.e. m times dJ/dA where J is the MEAN cost over the batch
(the loss's backward returns dAL = dL/dAL without 1/m). Every layer therefore divides its
parameter gradients by the batch size m, so ``grads`` hold exactly dJ/dparam:

    Dense: dW = dZ A_prev^T / m,  db = sum_columns(dZ) / m,  dA_prev = W^T dZ (no 1/m)

Dense is built from course1/week4's pure blocks (linear_forward/linear_backward and the
activation pairs). Those are exact vector-Jacobian products (their 1/m lives in the cost), so
Dense applies the 1/m to dW and db itself; dA_prev = W^T dZ is the same in both conventions.

Optional fused-output protocol (Dense implements it; a Softmax layer may too): when the LAST
layer has ``activation == loss.activation`` and no dropout, the model asks it for ``logits``
(Z of the last forward) to compute a stable cost from logits, and calls
``backward_from_logits(dZ)`` with dZ = A - Y, skipping the activation's own backward.
"""
from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from course1.week4 import layers as c1w4
from course2.week1 import activations, initialization, regularization


@runtime_checkable
class Layer(Protocol):
    """What DNNModel needs from a layer (see the module docstring for the full contract)."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    buffers: dict[str, np.ndarray]
    regularized: tuple[str, ...]

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]: ...

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None) -> np.ndarray: ...

    def backward(self, dA: np.ndarray) -> np.ndarray: ...

    def config(self) -> dict: ...


class DenseCache(NamedTuple):
    linear: c1w4.LinearCache                        # course1/week4: (A_prev, W, b)
    activation: tuple                               # the activation's cache (holds Z)
    dropout: regularization.DropoutCache | None     # None when no dropout was applied


def dense_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str,
                  keep_prob: float = 1.0, rng: np.random.Generator | None = None
                  ) -> tuple[np.ndarray, DenseCache]:
    """A = dropout(g(W A_prev + b)).

    A_prev: (n_prev, m)  W: (n, n_prev)  b: (n, 1)  ->  A: (n, m)
    Dropout (inverted) is applied when keep_prob < 1; then ``rng`` draws the mask.
    """
    act_forward, _ = activations.get_activation(activation)
    Z, linear_cache = c1w4.linear_forward(A_prev, W, b)    # (n, m)
    A, act_cache = act_forward(Z)                          # (n, m)
    drop_cache = None
    if keep_prob < 1.0:
        if rng is None:
            raise ValueError("dropout (keep_prob < 1) in training needs an np.random.Generator rng")
        A, drop_cache = regularization.dropout_forward(A, keep_prob, rng)
    return A, DenseCache(linear_cache, act_cache, drop_cache)


def dense_backward(dA: np.ndarray, cache: DenseCache,
                   activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dA: (n, m) -> (dA_prev (n_prev, m), dW (n, n_prev), db (n, 1))."""
    _, act_backward = activations.get_activation(activation)
    if cache.dropout is not None:
        dA = regularization.dropout_backward(dA, cache.dropout)
    dZ = act_backward(dA, cache.activation)                # (n, m)
    return _linear_backward_mean(dZ, cache.linear)


def _linear_backward_mean(dZ: np.ndarray, linear_cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """course1/week4's linear_backward with the engine's 1/m on dW and db (module docstring)."""
    dA_prev, dW, db = c1w4.linear_backward(dZ, linear_cache)
    m = dZ.shape[1]
    return dA_prev, dW / m, db / m


class Dense:
    """A fully connected layer with an activation and optional inverted dropout on its output.

    Dense(units, activation="relu", keep_prob=1.0, init="he")

    units:      n, the number of units
    activation: "relu", "tanh", "sigmoid", "linear" or "softmax"
    keep_prob:  in (0, 1]; < 1 applies inverted dropout to the OUTPUT activation when training
    init:       a scheme from initialization.INIT_SCHEMES ("he", "xavier", "zeros", ...)

    Parameters are created by ``build((n_prev,), rng)``: W (n, n_prev), b (n, 1) zeros.
    """

    regularized = ("W",)

    def __init__(self, units: int, activation: str = "relu", keep_prob: float = 1.0,
                 init: str = "he") -> None:
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"units must be an integer >= 1, got {units!r}")
        activations.get_activation(activation)             # ValueError for unknown names
        self.units = int(units)
        self.activation = activation
        self.keep_prob = regularization.check_keep_prob(keep_prob)
        self.init = initialization.check_scheme(init)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache: DenseCache | None = None

    def __repr__(self) -> str:
        return (f"Dense({self.units}, activation={self.activation!r}, "
                f"keep_prob={self.keep_prob}, init={self.init!r})")

    def config(self) -> dict:
        return {"class": "Dense", "units": self.units, "activation": self.activation,
                "keep_prob": self.keep_prob, "init": self.init}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        if len(input_shape) != 1:
            raise ValueError(f"Dense expects inputs of shape (n_prev, m), i.e. a per-example shape "
                             f"(n_prev,), got {input_shape}; put a Flatten layer before it")
        n_prev = int(input_shape[0])
        self.params = {"W": initialization.initialize_weights(self.init, self.units, n_prev, rng),
                       "b": np.zeros((self.units, 1))}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return (self.units,)

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        """A_prev: (n_prev, m) -> A: (n, m); dropout only when ``training`` and keep_prob < 1."""
        W = self.params["W"]
        if A_prev.ndim != 2 or A_prev.shape[0] != W.shape[1]:
            raise ValueError(f"Dense({self.units}) expects input of shape ({W.shape[1]}, m), "
                             f"got {A_prev.shape}")
        keep_prob = self.keep_prob if training else 1.0
        A, self.cache = dense_forward(A_prev, W, self.params["b"], self.activation, keep_prob, rng)
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dA: (n, m) -> dA_prev: (n_prev, m); fills grads["W"], grads["b"]."""
        if self.cache is None:
            raise RuntimeError("Dense.backward called before forward")
        dA_prev, self.grads["W"], self.grads["b"] = dense_backward(dA, self.cache, self.activation)
        return dA_prev

    # -- fused output (see the module docstring) -------------------------------------------
    @property
    def fusable(self) -> bool:
        """True when the last forward applied no dropout, so dZ = A - Y is exact."""
        return self.cache is not None and self.cache.dropout is None

    @property
    def logits(self) -> np.ndarray:
        """Z of the last forward: (n, m)."""
        return self.cache.activation.Z

    def backward_from_logits(self, dZ: np.ndarray) -> np.ndarray:
        """dZ: (n, m) -> dA_prev: (n_prev, m), skipping the activation's backward."""
        dA_prev, self.grads["W"], self.grads["b"] = _linear_backward_mean(dZ, self.cache.linear)
        return dA_prev
