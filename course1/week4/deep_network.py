"""A deep L-layer network for binary classification, composed from ``layers`` (Course 1, week 4).

    X -> [Dense(relu)] x (L - 1) -> Dense(sigmoid) -> A[L] = P(y = 1 | x)

``layer_dims = [n_x, n_1, ..., n_{L-1}, 1]`` gives the sizes; ``parameters`` is a dict with
``W1, b1, ..., WL, bL`` (``W[l]: (n_l, n_{l-1})``, ``b[l]: (n_l, 1)``), the lecture's names.

Forward: one ``dense_forward`` per layer, keeping each layer's cache.
Cost: the mean cross-entropy, computed from the last layer's logits Z[L] (stable for any Z).
Backward: the cost and the output sigmoid together give

    dZ[L] = (A[L] - Y) / m

(the lecture starts one step earlier, from dA[L] = -(Y / A[L] - (1 - Y) / (1 - A[L])), and
runs the sigmoid backward; the result is the same, see ``cost_backward_through_sigmoid`` and
its test, but dividing by A[L] fails when A[L] rounds to 0 or 1). Then ``linear_backward`` and
``dense_backward`` layer by layer, right to left. The first layer skips dA[0] = W1^T dZ1,
the gradient with respect to the data, which nothing needs: with n_x = 12,288 it is the
largest matrix product of the whole pass.
Update: W[l] -= learning_rate * dW[l], b[l] -= learning_rate * db[l].

Initialisation: ``scale="xavier"`` draws W[l] ~ N(0, 1) / sqrt(n_{l-1}), the course's choice
for this week's deep model (what the lectures call Xavier; Keras calls it LeCun normal);
``"he"`` uses sqrt(2 / n_{l-1}); a number c gives N(0, 1) * c (week 3's 0.01). Biases start
at zero. Plain 0.01 would make a 4-layer network's signal shrink ~100x per layer.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from common import runner
from common.progress import Progress
from course1.week2 import validation
from course1.week2.logistic_regression import cost_from_logits
from course1.week4 import layers


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------
def check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    """At least an input and an output size, all whole numbers >= 1, one output unit."""
    dims = list(layer_dims)
    if len(dims) < 2 or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                            for n in dims):
        raise ValueError(f"layer_dims must be whole numbers >= 1, [n_x, n_1, ..., n_L] with at "
                         f"least two entries, got {layer_dims!r}")
    if dims[-1] != 1:
        raise ValueError(f"the output layer must have 1 unit (one sigmoid probability), "
                         f"got layer_dims {dims}")
    return [int(n) for n in dims]


def initialize_parameters(layer_dims: Sequence[int], rng: np.random.Generator,
                          scale: str | float = "xavier") -> dict[str, np.ndarray]:
    """W1..WL, b1..bL for ``layer_dims`` [n_x, n_1, ..., n_L] (see the module docstring)."""
    dims = check_layer_dims(layer_dims)
    if isinstance(scale, str) and scale not in ("xavier", "he"):
        raise ValueError(f"scale must be 'xavier', 'he' or a number >= 0, got {scale!r}")
    if not isinstance(scale, str) and not scale >= 0:
        raise ValueError(f"scale must be 'xavier', 'he' or a number >= 0, got {scale!r}")
    parameters = {}
    for l in range(1, len(dims)):
        n, n_prev = dims[l], dims[l - 1]
        std = {"xavier": 1 / np.sqrt(n_prev), "he": np.sqrt(2 / n_prev)}.get(scale, scale)
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * std  # (n_l, n_{l-1})
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def num_layers(parameters: dict[str, np.ndarray]) -> int:
    """L, the number of layers with weights."""
    return len(parameters) // 2


def check_parameters(parameters: dict[str, np.ndarray], n_x: int) -> None:
    """W[l] (n_l, n_{l-1}) and b[l] (n_l, 1) chained from n_x to one output unit."""
    L = num_layers(parameters)
    expected_keys = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if L < 1 or set(parameters) != expected_keys:
        raise ValueError(f"parameters must hold W1, b1, ..., WL, bL; got {sorted(parameters)}")
    n_prev = n_x
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        if W.ndim != 2 or W.shape[1] != n_prev:
            raise ValueError(f"W{l} must have shape (n_{l}, {n_prev}), got {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} must have shape ({W.shape[0]}, 1), got {b.shape}")
        n_prev = W.shape[0]
    if n_prev != 1:
        raise ValueError(f"W{L} must have 1 row (one output unit), got {parameters[f'W{L}'].shape}")


# ---------------------------------------------------------------------------------------------
# Forward, cost, backward, update
# ---------------------------------------------------------------------------------------------
def model_forward(X: np.ndarray, parameters: dict[str, np.ndarray],
                  hidden_activation: str = "relu") -> tuple[np.ndarray, list[layers.DenseCache]]:
    """X (n_x, m) -> A[L] (1, m) and the L layer caches (hidden layers, then the sigmoid)."""
    check_parameters(parameters, X.shape[0])
    layers.check_activation(hidden_activation)
    L = num_layers(parameters)
    A = X
    caches = []
    for l in range(1, L + 1):
        activation = hidden_activation if l < L else "sigmoid"
        A, cache = layers.dense_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches


def compute_cost(caches: list[layers.DenseCache], Y: np.ndarray) -> float:
    """Mean cross-entropy of a forward pass against Y (1, m), from the logits Z[L]."""
    return cost_from_logits(caches[-1].activation.Z, Y)


def cost_backward(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dJ/dZ[L] = (A[L] - Y) / m for the sigmoid output and the mean cross-entropy. (1, m)."""
    return (AL - Y) / Y.shape[1]


def cost_backward_through_sigmoid(AL: np.ndarray, Y: np.ndarray,
                                  cache: layers.DenseCache) -> np.ndarray:
    """The lecture's two steps, for reading: dA[L] = dJ/dA[L], then the sigmoid's backward.

    dJ/dA[L] = -(Y / A[L] - (1 - Y) / (1 - A[L])) / m. Equal to ``cost_backward`` wherever
    A[L] is strictly between 0 and 1; infinite or NaN where it has rounded to 0 or 1.
    """
    m = Y.shape[1]
    dAL = -(Y / AL - (1 - Y) / (1 - AL)) / m                # (1, m)
    return layers.sigmoid_backward(dAL, cache.activation)  # dZ[L] (1, m)


def model_backward(AL: np.ndarray, Y: np.ndarray,
                   caches: list[layers.DenseCache]) -> dict[str, np.ndarray]:
    """Gradients {"dW1", "db1", ..., "dWL", "dbL"} of the mean cross-entropy. Y: (1, m)."""
    L = len(caches)
    grads = {}
    dZ = cost_backward(AL, Y)                                          # (1, m) = dZ[L]
    for l in range(L, 0, -1):
        cache = caches[l - 1]
        if l < L:  # a hidden layer: its activation's backward turns dA[l] into dZ[l]
            dZ = layers.ACTIVATIONS[cache.activation_name][1](dA, cache.activation)
        if l > 1:
            dA, grads[f"dW{l}"], grads[f"db{l}"] = layers.linear_backward(dZ, cache.linear)
        else:      # dA[0] would be the gradient for the data: not needed, not computed
            grads["dW1"], grads["db1"] = layers.linear_parameter_gradients(dZ, cache.linear)
    return grads


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float) -> dict[str, np.ndarray]:
    """One gradient-descent step; returns a new dict (the old one is not changed)."""
    return {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}


# ---------------------------------------------------------------------------------------------
# Training and prediction
# ---------------------------------------------------------------------------------------------
class TrainResult(NamedTuple):
    parameters: dict[str, np.ndarray]
    costs: np.ndarray      # (k,) cost before iterations 0, record_every, 2 record_every, ...
    record_every: int


def gradient_descent(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray],
                     learning_rate: float, num_iterations: int, hidden_activation: str = "relu",
                     record_every: int = 100, progress: bool = False,
                     label: str = "deep network (numpy)") -> TrainResult:
    """Full-batch gradient descent from ``parameters`` (not changed). X (n_x, m), Y (1, m)."""
    X, Y = validation.check_XY(X, Y)
    check_parameters(parameters, X.shape[0])
    layers.check_activation(hidden_activation)
    learning_rate = validation.check_learning_rate(learning_rate)
    num_iterations = validation.check_iterations(num_iterations)
    record_every = validation.check_iterations(record_every, "record_every")
    costs = []
    bar = Progress(num_iterations, label, enabled=progress)
    for i in range(num_iterations):
        AL, caches = model_forward(X, parameters, hidden_activation)
        cost = runner.check_finite(compute_cost(caches, Y), i)
        parameters = update_parameters(parameters, model_backward(AL, Y, caches), learning_rate)
        if i % record_every == 0:
            costs.append(cost)
        bar.update(i + 1, cost=cost)
    return TrainResult(parameters, np.asarray(costs), record_every)


def fit(X: np.ndarray, Y: np.ndarray, layer_dims: Sequence[int], rng: np.random.Generator,
        learning_rate: float = 0.0075, num_iterations: int = 2500,
        hidden_activation: str = "relu", init_scale: str | float = "xavier",
        record_every: int = 100, progress: bool = False) -> TrainResult:
    """Initialise for ``layer_dims`` (its first entry must be X's n_x) and train."""
    X = validation.check_X(X)
    dims = check_layer_dims(layer_dims)
    if dims[0] != X.shape[0]:
        raise ValueError(f"layer_dims[0] = {dims[0]} must equal the number of features of X, "
                         f"{X.shape[0]} (X has shape {X.shape})")
    parameters = initialize_parameters(dims, rng, init_scale)
    return gradient_descent(X, Y, parameters, learning_rate, num_iterations, hidden_activation,
                            record_every, progress,
                            label=f"{len(dims) - 1}-layer {dims[1:]} (numpy)")


def predict_proba(X: np.ndarray, parameters: dict[str, np.ndarray],
                  hidden_activation: str = "relu") -> np.ndarray:
    """P(y = 1 | x) (1, m) for the columns of X (n_x, m)."""
    X = validation.check_X(X, n_x=parameters["W1"].shape[1])
    return model_forward(X, parameters, hidden_activation)[0]


def predict(X: np.ndarray, parameters: dict[str, np.ndarray],
            hidden_activation: str = "relu") -> np.ndarray:
    """Labels 0/1 (1, m) int64."""
    return (predict_proba(X, parameters, hidden_activation) > 0.5).astype(np.int64)
