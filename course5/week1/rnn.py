"""A basic (Elman) RNN in numpy: one cell, then a whole sequence, forward and backward.

Lecture: "Recurrent Neural Network Model" and "Backpropagation Through Time". One step:

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)

(the prediction y<t> = softmax(Wya a<t> + by) is a separate layer, ``softmax_output.py``, so
the same recurrence serves the language model and the Keras comparison). Backward through
one step, with da<t> the gradient arriving at a<t> (from the output and from step t+1):

    dz<t>      = da<t> * (1 - a<t>**2)              tanh' written with the output
    dWax      += dz<t> x<t>.T         dWaa += dz<t> a<t-1>.T         dba += sum_m dz<t>
    dx<t>      = Wax.T dz<t>          da<t-1> (to the previous step) = Waa.T dz<t>

Shapes (course layout): x (n_x, m, T_x), a (n_a, m, T_x), Wax (n_a, n_x), Waa (n_a, n_a),
ba (n_a, 1). Two versions, tested equal to 1e-10:

* ``rnn_cell_forward/backward`` and ``rnn_forward_stepwise/backward_stepwise``: one time step
  at a time, the lecture's picture, for reading.
* ``rnn_forward/backward``: the same maths vectorised over the batch and looping over time
  only; the input projection Wax x<t> for all t is one matmul before the loop, and the weight
  gradients are one matmul each after the loop (sum over t and m at once). Internally arrays
  are time-first, (T_x, n, m), so every step's block is contiguous.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course5.week1 import checks

PARAM_KEYS = ("Wax", "Waa", "ba")


def init_params(n_x: int, n_a: int, rng: np.random.Generator,
                dtype: np.dtype = np.float64) -> dict[str, np.ndarray]:
    """Wax ~ N(0, 1/n_x), Waa ~ N(0, 1/n_a), ba = 0. Returns {"Wax", "Waa", "ba"}."""
    return {
        "Wax": (rng.standard_normal((n_a, n_x)) / np.sqrt(n_x)).astype(dtype),
        "Waa": (rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)).astype(dtype),
        "ba": np.zeros((n_a, 1), dtype=dtype),
    }


def _dims(params: dict[str, np.ndarray]) -> tuple[int, int]:
    Wax = np.asarray(params.get("Wax", np.empty((0, 0))))
    if Wax.ndim != 2:
        raise ValueError(f"RNN parameter Wax must be 2-D (n_a, n_x), got shape {Wax.shape}")
    n_a, n_x = Wax.shape
    checks.check_params(params, {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "ba": (n_a, 1)}, "RNN")
    return n_x, n_a


# ---------------------------------------------------------------------------------------------
# One step: the readable cell
# ---------------------------------------------------------------------------------------------
class RNNCellCache(NamedTuple):
    """What one step's backward needs. a_next, a_prev: (n_a, m); xt: (n_x, m)."""

    a_next: np.ndarray
    a_prev: np.ndarray
    xt: np.ndarray
    params: dict


def rnn_cell_forward(xt: np.ndarray, a_prev: np.ndarray,
                     params: dict[str, np.ndarray]) -> tuple[np.ndarray, RNNCellCache]:
    """One step. xt: (n_x, m), a_prev: (n_a, m) -> a_next: (n_a, m)."""
    n_x, n_a = _dims(params)
    if np.ndim(xt) != 2 or np.shape(xt)[0] != n_x:
        raise ValueError(f"RNN cell: xt must have shape (n_x, m) = ({n_x}, m), got {np.shape(xt)}")
    checks.check_state(a_prev, n_a, np.shape(xt)[1], "a_prev", "RNN cell")
    a_next = np.tanh(params["Waa"] @ a_prev + params["Wax"] @ xt + params["ba"])
    return a_next, RNNCellCache(a_next=a_next, a_prev=a_prev, xt=xt, params=params)


def rnn_cell_backward(da_next: np.ndarray, cache: RNNCellCache) -> dict[str, np.ndarray]:
    """Backward through one step.

    da_next: (n_a, m), the total gradient arriving at a<t>.
    Returns dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    checks.check_same_shape(da_next, cache.a_next.shape, "da_next", "RNN cell backward")
    dz = da_next * (1.0 - cache.a_next ** 2)            # (n_a, m)
    return {
        "dxt": cache.params["Wax"].T @ dz,              # (n_x, n_a) @ (n_a, m) -> (n_x, m)
        "da_prev": cache.params["Waa"].T @ dz,          # (n_a, n_a) @ (n_a, m) -> (n_a, m)
        "dWax": dz @ cache.xt.T,                        # (n_a, m) @ (m, n_x) -> (n_a, n_x)
        "dWaa": dz @ cache.a_prev.T,                    # (n_a, m) @ (m, n_a) -> (n_a, n_a)
        "dba": dz.sum(axis=1, keepdims=True),
    }


def rnn_forward_stepwise(x: np.ndarray, a0: np.ndarray, params: dict[str, np.ndarray]
                         ) -> tuple[np.ndarray, list[RNNCellCache]]:
    """The whole sequence by calling ``rnn_cell_forward`` once per step.

    x: (n_x, m, T_x), a0: (n_a, m) -> a: (n_a, m, T_x) and one cell cache per step.
    """
    n_x, n_a = _dims(params)
    _, m, T_x = checks.check_sequence(x, n_x, "rnn_forward_stepwise")
    checks.check_state(a0, n_a, m, "a0", "rnn_forward_stepwise")
    a = np.zeros((n_a, m, T_x), dtype=np.result_type(x, params["Wax"]))
    caches = []
    a_prev = a0
    for t in range(T_x):
        a_prev, cache = rnn_cell_forward(x[:, :, t], a_prev, params)
        a[:, :, t] = a_prev
        caches.append(cache)
    return a, caches


def rnn_backward_stepwise(da: np.ndarray, caches: list[RNNCellCache]) -> dict[str, np.ndarray]:
    """Backpropagation through time by calling ``rnn_cell_backward`` from the last step back.

    da: (n_a, m, T_x), the gradient of the loss with respect to every a<t> from the layers
    above (not through the recurrence). Returns dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba.
    """
    if not caches:
        raise ValueError("rnn_backward_stepwise needs at least one cached step")
    n_a, m = caches[0].a_next.shape
    checks.check_same_shape(da, (n_a, m, len(caches)), "da", "rnn_backward_stepwise")
    params = caches[0].params
    grads = {k: np.zeros_like(params[k]) for k in PARAM_KEYS}
    dx = np.zeros((caches[0].xt.shape[0], m, len(caches)), dtype=da.dtype)
    da_prev = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(len(caches))):
        step = rnn_cell_backward(da[:, :, t] + da_prev, caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for k in PARAM_KEYS:
            grads[k] += step["d" + k]
    return {"dx": dx, "da0": da_prev, **{"d" + k: g for k, g in grads.items()}}


# ---------------------------------------------------------------------------------------------
# The sequence: vectorised over the batch, looping over time only
# ---------------------------------------------------------------------------------------------
class RNNCache(NamedTuple):
    """Time-first buffers, so each step's block is contiguous:
    A: (T_x + 1, n_a, m) the states a<0..T_x>;  X: (T_x, n_x, m) the inputs."""

    A: np.ndarray
    X: np.ndarray
    params: dict


def rnn_forward(x: np.ndarray, a0: np.ndarray, params: dict[str, np.ndarray]
                ) -> tuple[np.ndarray, RNNCache]:
    """Forward over a sequence. x: (n_x, m, T_x), a0: (n_a, m) -> a: (n_a, m, T_x)."""
    n_x, n_a = _dims(params)
    _, m, T_x = checks.check_sequence(x, n_x, "rnn_forward")
    checks.check_state(a0, n_a, m, "a0", "rnn_forward")
    dtype = np.result_type(x, params["Wax"])
    X = np.ascontiguousarray(np.transpose(x, (2, 0, 1)), dtype=dtype)   # (T_x, n_x, m)
    A = np.empty((T_x + 1, n_a, m), dtype=dtype)
    A[0] = a0
    Z = np.matmul(params["Wax"].astype(dtype, copy=False), X)          # every step: (T_x, n_a, m)
    Z += params["ba"]                                                   # (n_a, 1) broadcast
    Waa = params["Waa"].astype(dtype, copy=False)
    for t in range(T_x):
        z = Z[t]                                     # (n_a, m), contiguous
        z += Waa @ A[t]
        np.tanh(z, out=A[t + 1])
    a = np.transpose(A[1:], (1, 2, 0))               # (T_x, n_a, m) -> (n_a, m, T_x) view
    return a, RNNCache(A=A, X=X, params=params)


def rnn_backward(da: np.ndarray, cache: RNNCache) -> dict[str, np.ndarray]:
    """Backpropagation through time.

    da: (n_a, m, T_x), the gradient at every a<t> from the layers above.
    Returns dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    A, X, params = cache.A, cache.X, cache.params
    T1, n_a, m = A.shape
    T_x, n_x = T1 - 1, X.shape[1]
    checks.check_same_shape(da, (n_a, m, T_x), "da", "rnn_backward")
    dZ = np.array(np.transpose(da, (2, 0, 1)), dtype=A.dtype)  # (n_a, m, T_x) -> (T_x, n_a, m)
    WaaT = np.ascontiguousarray(params["Waa"].T, dtype=A.dtype)  # (n_a, n_a) transposed
    da_prev = np.zeros((n_a, m), dtype=A.dtype)
    for t in reversed(range(T_x)):
        a_t = A[t + 1]
        dz = dZ[t]                                    # (n_a, m): da<t> from above, then dz<t>
        dz += da_prev                                 # + from step t+1 through the recurrence
        dz *= 1.0 - a_t * a_t
        da_prev = WaaT @ dz
    # Weight gradients summed over every step and example: one matmul each.
    dZ2 = np.transpose(dZ, (1, 0, 2)).reshape(n_a, T_x * m)             # (n_a, T_x*m) copy
    A_prev = np.transpose(A[:T_x], (1, 0, 2)).reshape(n_a, T_x * m)     # a<0..T_x-1>, (n_a, T_x*m)
    X2 = np.transpose(X, (1, 0, 2)).reshape(n_x, T_x * m)               # (n_x, T_x*m)
    WaxT = params["Wax"].T.astype(A.dtype, copy=False)                 # (n_x, n_a)
    dX = np.matmul(WaxT, dZ)                      # (n_x, n_a) @ (T_x, n_a, m) -> (T_x, n_x, m)
    return {
        "dx": np.transpose(dX, (1, 2, 0)),            # (T_x, n_x, m) -> (n_x, m, T_x)
        "da0": da_prev,
        "dWax": dZ2 @ X2.T,                           # (n_a, T_x*m) @ (T_x*m, n_x)
        "dWaa": dZ2 @ A_prev.T,                       # (n_a, T_x*m) @ (T_x*m, n_a)
        "dba": dZ2.sum(axis=1, keepdims=True),
    }
