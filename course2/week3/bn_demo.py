"""What batch norm changes in training (Course 2, week 3: "Why does Batch Norm work?",
"Batch Norm at test time").

The experiment ``run.py --part bn`` runs: the same deep ReLU network (5 hidden layers of 32
units) on the 2-D "flower" points, with and without batch norm, from two initialisations:

* He (std sqrt(2 / n_prev)): the scale that keeps activations at unit size through ReLU layers.
  A plain network trains fine from here; batch norm does not need to help much.
* small random (std 0.01): every layer shrinks its input by ~0.01 * sqrt(n_prev), so after 5
  layers the signal (and the gradient) has all but vanished and the plain network stays at
  chance. Batch norm divides each Z by its batch standard deviation, and BN(a Z) = BN(Z) for
  any a > 0, so the same weights train normally: batch norm makes the network insensitive to
  the scale of its weights (one concrete reading of "it makes later layers robust to changes
  in earlier ones").

``activation_scales`` measures the standard deviation of each hidden layer's output at
initialisation, which shows the vanishing signal directly. ``population_gap`` compares the
running averages the BN layers use at test time with the exact statistics of the whole
training set at the final weights (the lecture: either works; the running average is what
frameworks keep).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel, History
from course2.week2.mini_batches import random_mini_batches
from course2.week2.optimizers import Momentum
from course2.week3.activation_layer import Activation
from course2.week3.batchnorm import BatchNorm


def make_network(use_bn: bool, depth: int = 5, width: int = 32, init: str = "he",
                 learning_rate: float = 0.05, beta: float = 0.9, momentum: float = 0.9) -> DNNModel:
    """``depth`` hidden layers of ``width`` ReLU units and a sigmoid output, Momentum optimizer.

    use_bn=True:  Dense(width, linear) -> BatchNorm(momentum) -> Activation(relu), per hidden layer
    use_bn=False: Dense(width, relu)
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    layers: list = []
    for _ in range(depth):
        if use_bn:
            layers += [Dense(width, "linear", init=init), BatchNorm(momentum=momentum), Activation("relu")]
        else:
            layers.append(Dense(width, "relu", init=init))
    layers.append(Dense(1, "sigmoid", init=init))
    return DNNModel(layers, BinaryCrossEntropy(), Momentum(learning_rate, beta))


def hidden_outputs(model: DNNModel, X: np.ndarray, training: bool = True) -> list[np.ndarray]:
    """The output A[l] of every hidden layer (after its activation): a list of (width, m)."""
    outputs, A = [], X
    layers = model.layers
    for i, layer in enumerate(layers[:-1]):
        A = layer.forward(A, training, None)
        ends_block = isinstance(layer, Activation) or (isinstance(layer, Dense) and
                                                       not isinstance(layers[i + 1], BatchNorm))
        if ends_block:
            outputs.append(A)
    return outputs


def activation_scales(model: DNNModel, X: np.ndarray) -> list[float]:
    """Standard deviation of each hidden layer's output over all units and examples (a
    training-mode forward; the BN running averages are restored afterwards)."""
    saved = [{k: v.copy() for k, v in layer.buffers.items()} for layer in model.layers]
    scales = [float(np.std(A)) for A in hidden_outputs(model, X)]
    for layer, buffers in zip(model.layers, saved):
        for k, v in buffers.items():
            layer.buffers[k][...] = v
    return scales


def population_gap(model: DNNModel, X: np.ndarray) -> float:
    """Largest |running - exact| over every BN unit's mean and variance, relative to the exact
    standard deviation, where "exact" is the statistic of the whole set ``X`` at the current
    weights (every BN input computed in evaluation mode up to that layer)."""
    gap, A = 0.0, X
    for layer in model.layers[:-1]:
        if isinstance(layer, BatchNorm):
            mu = A.mean(axis=1, keepdims=True)                     # (n, 1)
            var = A.var(axis=1, keepdims=True)                     # (n, 1)
            sd = np.sqrt(var + layer.eps)
            gap = max(gap, float(np.max(np.abs(layer.buffers["running_mean"] - mu) / sd)),
                      float(np.max(np.abs(layer.buffers["running_var"] - var) / (var + layer.eps))))
        A = layer.forward(A, False, None)
    return gap


@dataclass
class RunResult:
    model: DNNModel
    history: History
    train_accuracy: float
    test_accuracy: float
    scales_at_init: list[float]


def compare(train_X: np.ndarray, train_Y: np.ndarray, test_X: np.ndarray, test_Y: np.ndarray,
            variants: Mapping[str, Mapping], epochs: int, mini_batch_size: int,
            rng: np.random.Generator) -> dict[str, RunResult]:
    """Train one network per variant ({"name": make_network kwargs}) on the same data, each
    from its own child generator of ``rng``. X: (2, m), Y: (1, m)."""
    results = {}
    for (name, kwargs), child in zip(variants.items(), rng.spawn(len(variants))):
        model = make_network(**kwargs)
        model.build((train_X.shape[0],), child)
        scales = activation_scales(model, train_X)
        history = model.fit(train_X, train_Y, epochs=epochs, rng=child, mini_batch_size=mini_batch_size,
                            batch_iterator=random_mini_batches, progress=False)
        results[name] = RunResult(model, history, model.evaluate(train_X, train_Y),
                                  model.evaluate(test_X, test_Y), scales)
    return results


def scales_figure(results: Mapping[str, RunResult]):
    """Std of each hidden layer's output at initialisation, one line per variant (log y)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for k, (name, r) in enumerate(results.items()):
        layers = np.arange(1, len(r.scales_at_init) + 1)
        ax.plot(layers, r.scales_at_init, marker="os^v"[k % 4], markersize=9 - 2 * (k % 4),
                linestyle="--" if name.startswith("bn") else "-", label=name)
    ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set_xlabel("hidden layer")
    ax.set_ylabel("std of the layer's output at initialisation")
    ax.set_title("the signal through the ReLU layers\n(with BN the weight scale drops out: "
                 "BN(a Z) = BN(Z), the BN lines coincide)", fontsize=9)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


DEFAULT_VARIANTS: dict[str, dict] = {
    "plain_he": {"use_bn": False, "init": "he"},
    "bn_he": {"use_bn": True, "init": "he"},
    "plain_small_init": {"use_bn": False, "init": "small_random"},
    "bn_small_init": {"use_bn": True, "init": "small_random"},
}


def variants_with(learning_rate: float, depth: int, width: int,
                  names: Sequence[str] = tuple(DEFAULT_VARIANTS)) -> dict[str, dict]:
    """DEFAULT_VARIANTS (restricted to ``names``) with a common learning rate and shape."""
    return {n: {**DEFAULT_VARIANTS[n], "learning_rate": learning_rate, "depth": depth, "width": width}
            for n in names}
