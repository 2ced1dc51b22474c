"""The one place where the course's RNN/LSTM conventions meet Keras'. numpy only.

Two things differ, and both are written down here (and tested in test_c5w1_keras_mapping.py):

1. Layout. The course keeps examples in the middle and time last; Keras puts the batch first:

       course  x: (n_x, m, T_x)   a: (n_a, m, T_x)   a0: (n_a, m)
       Keras   x: (m, T_x, n_x)   a: (m, T_x, n_a)   a0: (m, n_a)

   so weights are transposed too: the course multiplies ``W @ a`` (column vectors), Keras
   ``x @ kernel`` (row vectors).

2. LSTM gate order. ``keras.layers.LSTM`` keeps the four gates side by side in its
   ``kernel`` (n_x, 4 n_a), ``recurrent_kernel`` (n_a, 4 n_a) and ``bias`` (4 n_a,) in the
   order **i, f, c, o** (input/update, forget, candidate, output). The course's parameter dict
   names each gate (Wf, Wi, Wc, Wo, each (n_a, n_a + n_x) acting on [a<t-1>; x<t>]), and the
   fused numpy matrix in ``lstm.py`` uses yet another order (``lstm.STACK_ORDER``). Only the
   names matter; this module maps them:

       Keras kernel[:, k*n_a:(k+1)*n_a]            = W_g[:, n_a:].T    (the x<t> part)
       Keras recurrent_kernel[:, k*n_a:(k+1)*n_a]  = W_g[:, :n_a].T    (the a<t-1> part)
       Keras bias[k*n_a:(k+1)*n_a]                 = b_g[:, 0]
       with k = KERAS_LSTM_GATE_ORDER.index(g)

   ``keras.layers.SimpleRNN`` has one gate: kernel = Wax.T, recurrent_kernel = Waa.T,
   bias = ba[:, 0].

Both mappings are linear (slices and transposes), so gradients map exactly like weights:
``lstm_to_keras({k: grads["d" + k] for k in lstm.PARAM_KEYS})`` gives Keras' gradients.
Lists come in the order of ``layer.get_weights()``: [kernel, recurrent_kernel, bias].
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from course5.week1 import lstm, rnn

KERAS_LSTM_GATE_ORDER = ("i", "f", "c", "o")


# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------
def sequence_to_keras(x: np.ndarray) -> np.ndarray:
    """(n, m, T_x) course layout -> (m, T_x, n) Keras layout."""
    if np.ndim(x) != 3:
        raise ValueError(f"expected a course-layout sequence (n, m, T_x), got shape {np.shape(x)}")
    return np.transpose(x, (1, 2, 0))                     # (n, m, T) -> (m, T, n)


def sequence_from_keras(x: np.ndarray) -> np.ndarray:
    """(m, T_x, n) Keras layout -> (n, m, T_x) course layout."""
    if np.ndim(x) != 3:
        raise ValueError(f"expected a Keras-layout sequence (m, T_x, n), got shape {np.shape(x)}")
    return np.transpose(x, (2, 0, 1))                     # (m, T, n) -> (n, m, T)


def state_to_keras(a: np.ndarray) -> np.ndarray:
    """(n_a, m) -> (m, n_a)."""
    if np.ndim(a) != 2:
        raise ValueError(f"expected a state of shape (n_a, m), got {np.shape(a)}")
    return np.transpose(a)                                # (n_a, m) -> (m, n_a)


def state_from_keras(a: np.ndarray) -> np.ndarray:
    """(m, n_a) -> (n_a, m)."""
    if np.ndim(a) != 2:
        raise ValueError(f"expected a Keras state of shape (m, n_a), got {np.shape(a)}")
    return np.transpose(a)                                # (m, n_a) -> (n_a, m)


# --------------------------------------------------------------------------------------------
# SimpleRNN
# --------------------------------------------------------------------------------------------
def simple_rnn_to_keras(params: dict[str, np.ndarray]) -> list[np.ndarray]:
    """{"Wax", "Waa", "ba"} -> [kernel (n_x, n_a), recurrent_kernel (n_a, n_a), bias (n_a,)]."""
    rnn._dims(params)
    return [np.ascontiguousarray(params["Wax"].T),      # (n_a, n_x) -> (n_x, n_a)
            np.ascontiguousarray(params["Waa"].T),      # (n_a, n_a) -> (n_a, n_a), transposed
            params["ba"][:, 0].copy()]                  # (n_a, 1) -> (n_a,)


def simple_rnn_from_keras(weights: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """[kernel (n_x, n_a), recurrent_kernel (n_a, n_a), bias (n_a,)] -> {"Wax", "Waa", "ba"}."""
    kernel, recurrent, bias = _three(weights, "SimpleRNN")
    n_x, n_a = kernel.shape
    _expect("SimpleRNN", recurrent, (n_a, n_a), "recurrent_kernel")
    _expect("SimpleRNN", bias, (n_a,), "bias")
    return {"Wax": np.ascontiguousarray(kernel.T),       # (n_x, n_a) -> (n_a, n_x)
            "Waa": np.ascontiguousarray(recurrent.T),    # (n_a, n_a), transposed
            "ba": bias[:, None].copy()}                  # (n_a,) -> (n_a, 1)


# --------------------------------------------------------------------------------------------
# LSTM
# --------------------------------------------------------------------------------------------
def lstm_to_keras(params: dict[str, np.ndarray]) -> list[np.ndarray]:
    """{"Wf", "bf", "Wi", ...} -> [kernel (n_x, 4 n_a), recurrent_kernel (n_a, 4 n_a),
    bias (4 n_a,)] with the gate blocks in Keras' order i, f, c, o."""
    n_x, n_a = lstm._dims(params)
    order = KERAS_LSTM_GATE_ORDER
    kernel = np.concatenate([params["W" + g][:, n_a:].T for g in order],     # 4 x (n_x, n_a)
                            axis=1)                                         # -> (n_x, 4 n_a)
    recurrent = np.concatenate([params["W" + g][:, :n_a].T for g in order],  # 4 x (n_a, n_a)
                               axis=1)                                      # -> (n_a, 4 n_a)
    bias = np.concatenate([params["b" + g][:, 0] for g in order])  # 4 x (n_a,) -> (4 n_a,)
    return [kernel, recurrent, bias]


def lstm_from_keras(weights: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """The inverse of ``lstm_to_keras``."""
    kernel, recurrent, bias = _three(weights, "LSTM")
    if kernel.shape[1] % 4:
        raise ValueError(f"LSTM kernel must have shape (n_x, 4 n_a), got {kernel.shape}")
    n_x, n_a = kernel.shape[0], kernel.shape[1] // 4
    _expect("LSTM", recurrent, (n_a, 4 * n_a), "recurrent_kernel")
    _expect("LSTM", bias, (4 * n_a,), "bias")
    params = {}
    for k, g in enumerate(KERAS_LSTM_GATE_ORDER):
        block = slice(k * n_a, (k + 1) * n_a)
        params["W" + g] = np.concatenate([recurrent[:, block].T,   # (n_a, n_a): acts on a<t-1>
                                          kernel[:, block].T],     # (n_a, n_x): acts on x<t>
                                         axis=1)                   # -> (n_a, n_a + n_x)
        params["b" + g] = bias[block][:, None].copy()              # (n_a,) -> (n_a, 1)
    return {key: params[key] for key in lstm.PARAM_KEYS}


def _three(weights: Sequence[np.ndarray], layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if len(weights) != 3:
        raise ValueError(f"{layer} weights must be [kernel, recurrent_kernel, bias] (the order of "
                         f"layer.get_weights()), got {len(weights)} arrays")
    kernel, recurrent, bias = (np.asarray(w) for w in weights)
    if kernel.ndim != 2:
        raise ValueError(f"{layer} kernel must be 2-D, got shape {kernel.shape}")
    return kernel, recurrent, bias


def _expect(layer: str, array: np.ndarray, shape: tuple[int, ...], name: str) -> None:
    if array.shape != shape:
        raise ValueError(f"{layer} {name} must have shape {shape} to match the kernel, "
                         f"got {array.shape}")
