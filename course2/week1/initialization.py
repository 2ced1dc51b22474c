"""Weight initialisation schemes (Course 2, week 1: "Weight initialization for deep networks").

Every scheme draws W[l] of shape (n_l, n_{l-1}); biases always start at zero.

    zeros          W = 0                      every unit in a layer computes the same thing and
                                              gets the same gradient: symmetry is never broken
    small_random   W ~ N(0, 1) * 0.01         breaks symmetry; fine for shallow nets
    large_random   W ~ N(0, 1) * 10           breaks symmetry but saturates the sigmoid output:
                                              huge initial cost, slow and unstable descent
    he             W ~ N(0, 1) * sqrt(2 / n_{l-1})   keeps Var(Z) ~ constant through ReLU layers
    xavier         W ~ N(0, 1) * sqrt(1 / n_{l-1})   the same idea for tanh layers

The Dense layer (layers.py) calls ``initialize_weights``; ``initialize_network`` builds the
lecture's parameter dictionary {"W1", "b1", ...} for a list of layer sizes.
"""
from __future__ import annotations

import numpy as np

INIT_SCHEMES = ("zeros", "small_random", "large_random", "he", "xavier")


def check_scheme(scheme: str) -> str:
    """Return ``scheme`` or raise a ValueError naming the known schemes."""
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"unknown initialisation {scheme!r}; expected one of {INIT_SCHEMES}")
    return scheme


def initialize_weights(scheme: str, n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """One weight matrix W: (n_out, n_in), float64, drawn with ``scheme``."""
    check_scheme(scheme)
    if n_out < 1 or n_in < 1:
        raise ValueError(f"layer sizes must be >= 1, got n_out={n_out}, n_in={n_in}")
    if scheme == "zeros":
        return np.zeros((n_out, n_in))
    scale = {"small_random": 0.01, "large_random": 10.0,
             "he": np.sqrt(2.0 / n_in), "xavier": np.sqrt(1.0 / n_in)}[scheme]
    return rng.standard_normal((n_out, n_in)) * scale


def initialize_network(layer_dims: list[int], scheme: str,
                       rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The lecture's dictionary for layer sizes [n_x, n_1, ..., n_L]:
    W{l}: (n_l, n_{l-1}) drawn with ``scheme``, b{l}: (n_l, 1) zeros."""
    if len(layer_dims) < 2:
        raise ValueError(f"layer_dims needs at least [n_x, n_L], got {layer_dims}")
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = initialize_weights(scheme, layer_dims[l], layer_dims[l - 1], rng)
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params
