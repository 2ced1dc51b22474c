"""Gradient checking (Course 2, week 1: "Numerical approximation of gradients", "Gradient checking").

Reshape every parameter into one long vector theta (and every gradient into d_theta in the
same order), then for each coordinate i take a centred difference

    d_theta_approx[i] = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

and compare the two vectors with the relative difference

    difference = ||d_theta_approx - d_theta||_2 / (||d_theta_approx||_2 + ||d_theta||_2)

About 1e-7 or below (float64, eps = 1e-7): the backward is right; about 1e-3 or above: a bug.
Gradient checking is slow (two forward passes per parameter), so it is a debugging tool, not
part of training; with dropout the masks must be the same in every forward pass (here: a fresh
np.random.Generator with the same seed for each cost evaluation).

``backward_with_bug`` is a TEACHING FUNCTION with a deliberate mistake (it forgets to divide
db by m). The model never uses it; run.py shows that gradient checking catches it and points
at the b parameters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from course2.week1 import activations, regularization
from course2.week1.layers import Dense
from course2.week1.model import DNNModel

Layout = list[tuple[str, tuple[int, ...]]]


def parameters_to_vector(params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, Layout]:
    """Concatenate every array (in the mapping's order) into theta: (total,); also return the
    layout [(name, shape), ...] that ``vector_to_parameters`` needs to undo it."""
    layout = [(name, tuple(p.shape)) for name, p in params.items()]
    theta = np.concatenate([np.ravel(p) for p in params.values()]).astype(np.float64)  # (total,)
    return theta, layout


def vector_to_parameters(theta: np.ndarray, layout: Layout) -> dict[str, np.ndarray]:
    """The inverse of ``parameters_to_vector``: theta (total,) -> {name: array of its shape}."""
    total = sum(int(np.prod(shape)) for _, shape in layout)
    if theta.shape != (total,):
        raise ValueError(f"theta must have shape ({total},) for this layout, got {theta.shape}")
    params, start = {}, 0
    for name, shape in layout:
        size = int(np.prod(shape))
        params[name] = theta[start:start + size].reshape(shape)   # (size,) -> shape
        start += size
    return params


def gradients_to_vector(grads: Mapping[str, np.ndarray], layout: Layout) -> np.ndarray:
    """Gradients flattened in the layout's order: (total,)."""
    missing = [name for name, _ in layout if name not in grads]
    if missing:
        raise ValueError(f"no gradient for {missing}")
    return np.concatenate([np.ravel(grads[name]) for name, _ in layout]).astype(np.float64)


@dataclass(frozen=True)
class GradientCheckResult:
    difference: float                    # relative difference of the whole vectors
    per_parameter: dict[str, float]      # the same measure on each parameter's slice
    numeric: np.ndarray                  # d_theta_approx: (total,)
    analytic: np.ndarray                 # d_theta: (total,)

    def passed(self, threshold: float = 1e-7) -> bool:
        return self.difference <= threshold


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def gradient_check(cost: Callable[[np.ndarray], float], theta: np.ndarray, d_theta: np.ndarray,
                   layout: Layout, epsilon: float = 1e-7) -> GradientCheckResult:
    """Centred differences of ``cost(theta)`` against ``d_theta``. theta, d_theta: (total,)."""
    if theta.dtype != np.float64:
        raise ValueError(f"gradient checks need float64, got {theta.dtype}")
    if d_theta.shape != theta.shape:
        raise ValueError(f"d_theta {d_theta.shape} and theta {theta.shape} must have the same shape")
    numeric = np.zeros_like(theta)
    for i in range(theta.size):
        plus = theta.copy()
        plus[i] += epsilon
        minus = theta.copy()
        minus[i] -= epsilon
        numeric[i] = (cost(plus) - cost(minus)) / (2 * epsilon)
    per_parameter, start = {}, 0
    for name, shape in layout:
        size = int(np.prod(shape))
        per_parameter[name] = _relative(numeric[start:start + size], d_theta[start:start + size])
        start += size
    return GradientCheckResult(_relative(numeric, d_theta), per_parameter, numeric, d_theta.copy())


def model_cost_function(model: DNNModel, X: np.ndarray, Y: np.ndarray, seed: int,
                        training: bool = True) -> tuple[Callable[[np.ndarray], float], np.ndarray, Layout]:
    """J(theta) for ``model``: writes theta into the model's arrays, runs forward (dropout masks
    from np.random.default_rng(seed), identical every call) and returns the cost with L2.
    Also returns the current theta and layout. Restore with ``set_parameters(model, theta)``."""
    theta0, layout = parameters_to_vector(model.parameters())

    def cost(theta: np.ndarray) -> float:
        set_parameters(model, theta, layout)
        AL = model.forward(X, training, np.random.default_rng(seed))
        return model.compute_cost(AL, Y)

    return cost, theta0, layout


def set_parameters(model: DNNModel, theta: np.ndarray, layout: Layout) -> None:
    """Copy theta (total,) into the model's parameter arrays, in place."""
    params = model.parameters()
    for name, value in vector_to_parameters(theta, layout).items():
        params[name][...] = value


def check_model(model: DNNModel, X: np.ndarray, Y: np.ndarray, seed: int = 0,
                backward: Callable | None = None, epsilon: float = 1e-7) -> GradientCheckResult:
    """Gradient-check the whole stacked network (L2 included, dropout masks fixed by ``seed``).

    ``backward(model, X, Y, rng) -> {name: grad}`` defaults to the model's own
    ``loss_and_grads``; pass ``backward_with_bug`` to watch the check fail."""
    cost, theta0, layout = model_cost_function(model, X, Y, seed)
    if backward is None:
        _, grads = model.loss_and_grads(X, Y, np.random.default_rng(seed))
    else:
        grads = backward(model, X, Y, np.random.default_rng(seed))
    d_theta = gradients_to_vector(grads, layout)
    try:
        return gradient_check(cost, theta0, d_theta, layout, epsilon)
    finally:
        set_parameters(model, theta0, layout)


def backward_with_bug(model: DNNModel, X: np.ndarray, Y: np.ndarray,
                      rng: np.random.Generator) -> dict[str, np.ndarray]:
    """TEACHING FUNCTION WITH A DELIBERATE BUG -- never used by the model.

    A hand-written backward pass for a stack of Dense layers (sigmoid output, binary
    cross-entropy, L2 and dropout), written out step by step like the lecture:

        dZ[L] = A[L] - Y
        dW[l] = dZ[l] A[l-1]^T / m + lambda / m * W[l]
        db[l] = sum_columns(dZ[l])          <-- BUG: the 1/m is missing
        dA[l-1] = W[l]^T dZ[l], then undo dropout (same mask / keep_prob), then g'(Z[l-1])

    Returns {"layer{i}.W": ..., "layer{i}.b": ...} like ``model.gradients()``.
    """
    if not all(isinstance(layer, Dense) for layer in model.layers):
        raise ValueError("backward_with_bug handles Dense layers only")
    AL = model.forward(X, True, rng)
    m = Y.shape[1]
    grads = {}
    dZ = AL - Y                                                     # (1, m)
    for i in range(len(model.layers) - 1, -1, -1):
        layer = model.layers[i]
        A_prev, W = layer.cache.linear.A_prev, layer.params["W"]   # (n_prev, m), (n, n_prev)
        grads[f"layer{i}.W"] = dZ @ A_prev.T / m + regularization.l2_grad(W, model.l2_lambda, m)
        grads[f"layer{i}.b"] = np.sum(dZ, axis=1, keepdims=True)     # BUG: should be / m
        if i > 0:
            below = model.layers[i - 1]
            dA_prev = W.T @ dZ                                      # (n_prev, m)
            if below.cache.dropout is not None:
                dA_prev = regularization.dropout_backward(dA_prev, below.cache.dropout)
            _, act_backward = activations.get_activation(below.activation)
            dZ = act_backward(dA_prev, below.cache.activation)     # (n_prev, m)
    return grads
