"""An LSTM in numpy: one cell, then a whole sequence, forward and backward through time.

Lecture: "Long Short Term Memory (LSTM)". With [a<t-1>; x<t>] the previous state stacked on
the input, (n_a + n_x, m), one step is

    f<t>  = sigmoid(Wf [a<t-1>; x<t>] + bf)        forget gate
    i<t>  = sigmoid(Wi [a<t-1>; x<t>] + bi)        update (input) gate
    cc<t> = tanh(Wc [a<t-1>; x<t>] + bc)           candidate memory  (c tilde)
    o<t>  = sigmoid(Wo [a<t-1>; x<t>] + bo)        output gate
    c<t>  = f<t> * c<t-1> + i<t> * cc<t>
    a<t>  = o<t> * tanh(c<t>)

and backward, with da<t> and dc<t> the gradients arriving at a<t> and c<t>:

    do   = da * tanh(c<t>)                   dc  += da * o * (1 - tanh(c<t>)**2)
    df   = dc * c<t-1>     di = dc * cc      dcc  = dc * i          dc<t-1> = dc * f
    dz_g = dg * g * (1 - g)  for the sigmoid gates g = f, i, o;   dz_c = dcc * (1 - cc**2)
    dW_g += dz_g [a<t-1>; x<t>].T    db_g += sum_m dz_g    d[a<t-1>; x<t>] = sum_g W_g.T dz_g

Shapes (course layout): x (n_x, m, T_x), a and c (n_a, m, T_x), W_g (n_a, n_a + n_x) whose
first n_a columns act on a<t-1> and the last n_x on x<t>, b_g (n_a, 1).

Two versions, tested equal to 1e-10:

* ``lstm_cell_forward/backward`` and ``lstm_forward_stepwise/backward_stepwise``: the equations
  above one step at a time, for reading.
* ``lstm_forward/backward``: the same maths for speed. The four gates are one matrix,
  stacked in the order ``STACK_ORDER = (f, i, o, c)`` (the three sigmoid gates first, so their
  element-wise work is one call), and split by columns into the part acting on a<t-1> and on
  x<t>. The input part of every step is one matmul before the loop; inside the loop only the
  recurrent (4 n_a, n_a) @ (n_a, m) product and element-wise work remain, written into
  preallocated buffers; after the loop dW is one matmul over all steps. Inside, arrays are
  time-first, (T_x, n, m), so every step's block, and every gate inside it, is contiguous
  (element-wise work on strided slices is several times slower). The sigmoid gates' weight
  rows are halved up front so one tanh call activates all four gates (sigmoid(z) =
  (1 + tanh(z / 2)) / 2). Arrays keep the dtype they come in (float32 stays float32).
  Keras' own gate order is a different one: see ``keras_mapping.py``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course5.week1 import checks

GATES = ("f", "i", "c", "o")            # lecture order of the parameter dict
STACK_ORDER = ("f", "i", "o", "c")      # row blocks of the fused matrix in lstm_forward
PARAM_KEYS = tuple(k for g in GATES for k in ("W" + g, "b" + g))


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sigmoid(z) = (1 + tanh(z / 2)) / 2: the same function as 1 / (1 + exp(-z)), but it
    never overflows (exp(-z) does for z < -88 in float32). Keeps the dtype of ``z``. Far in
    the negative tail (sigmoid < 1e-8) it is exact only to about 1e-16 absolute, which is all
    a gate needs."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def init_params(n_x: int, n_a: int, rng: np.random.Generator,
                dtype: np.dtype = np.float64) -> dict[str, np.ndarray]:
    """Glorot-like W_g ~ N(0, 1/(n_a + n_x)); bf = 1 (remember by default), other b = 0."""
    params = {}
    for g in GATES:
        params["W" + g] = (rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)).astype(dtype)
        params["b" + g] = np.full((n_a, 1), 1.0 if g == "f" else 0.0, dtype=dtype)
    return params


def _dims(params: dict[str, np.ndarray]) -> tuple[int, int]:
    Wf = np.asarray(params.get("Wf", np.empty((0, 0))))
    if Wf.ndim != 2 or Wf.shape[1] <= Wf.shape[0]:
        raise ValueError(f"LSTM parameter Wf must have shape (n_a, n_a + n_x), got {Wf.shape}")
    n_a, n_x = Wf.shape[0], Wf.shape[1] - Wf.shape[0]
    expected = {}
    for g in GATES:
        expected["W" + g] = (n_a, n_a + n_x)
        expected["b" + g] = (n_a, 1)
    checks.check_params(params, expected, "LSTM")
    return n_x, n_a


# ---------------------------------------------------------------------------------------------
# One step: the readable cell
# ---------------------------------------------------------------------------------------------
class LSTMCellCache(NamedTuple):
    """One step's values. All (n_a, m) except xt (n_x, m)."""

    a_next: np.ndarray
    c_next: np.ndarray
    a_prev: np.ndarray
    c_prev: np.ndarray
    ft: np.ndarray
    it: np.ndarray
    cct: np.ndarray
    ot: np.ndarray
    xt: np.ndarray
    params: dict


def lstm_cell_forward(xt: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray,
                      params: dict[str, np.ndarray]
                      ) -> tuple[np.ndarray, np.ndarray, LSTMCellCache]:
    """One step. xt: (n_x, m), a_prev, c_prev: (n_a, m) -> a_next, c_next: (n_a, m), cache."""
    n_x, n_a = _dims(params)
    if np.ndim(xt) != 2 or np.shape(xt)[0] != n_x:
        raise ValueError(f"LSTM cell: xt must have shape (n_x, m) = ({n_x}, m), got {np.shape(xt)}")
    m = np.shape(xt)[1]
    checks.check_state(a_prev, n_a, m, "a_prev", "LSTM cell")
    checks.check_state(c_prev, n_a, m, "c_prev", "LSTM cell")
    concat = np.concatenate([a_prev, xt], axis=0)            # (n_a + n_x, m)
    ft = sigmoid(params["Wf"] @ concat + params["bf"])
    it = sigmoid(params["Wi"] @ concat + params["bi"])
    cct = np.tanh(params["Wc"] @ concat + params["bc"])
    ot = sigmoid(params["Wo"] @ concat + params["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    cache = LSTMCellCache(a_next=a_next, c_next=c_next, a_prev=a_prev, c_prev=c_prev, ft=ft,
                          it=it, cct=cct, ot=ot, xt=xt, params=params)
    return a_next, c_next, cache


def lstm_cell_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: LSTMCellCache
                       ) -> dict[str, np.ndarray]:
    """Backward through one step.

    da_next, dc_next: (n_a, m), the total gradients arriving at a<t> and c<t>.
    Returns dxt (n_x, m), da_prev, dc_prev (n_a, m), and dW_g (n_a, n_a + n_x), db_g (n_a, 1)
    for g in f, i, c, o.
    """
    checks.check_same_shape(da_next, cache.a_next.shape, "da_next", "LSTM cell backward")
    checks.check_same_shape(dc_next, cache.c_next.shape, "dc_next", "LSTM cell backward")
    p = cache.params
    n_a = cache.a_prev.shape[0]
    tanh_c = np.tanh(cache.c_next)
    dot = da_next * tanh_c
    dc = dc_next + da_next * cache.ot * (1.0 - tanh_c ** 2)
    dz = {                                                    # gradients at each gate's input
        "f": dc * cache.c_prev * cache.ft * (1.0 - cache.ft),
        "i": dc * cache.cct * cache.it * (1.0 - cache.it),
        "c": dc * cache.it * (1.0 - cache.cct ** 2),
        "o": dot * cache.ot * (1.0 - cache.ot),
    }
    concat = np.concatenate([cache.a_prev, cache.xt], axis=0)  # (n_a + n_x, m)
    dconcat = sum(p["W" + g].T @ dz[g] for g in GATES)         # (n_a + n_x, m)
    grads = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * cache.ft}
    for g in GATES:
        grads["dW" + g] = dz[g] @ concat.T                  # (n_a, m) @ (m, n_a + n_x)
        grads["db" + g] = dz[g].sum(axis=1, keepdims=True)
    return grads


def lstm_forward_stepwise(x: np.ndarray, a0: np.ndarray, params: dict[str, np.ndarray],
                          c0: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray, list[LSTMCellCache]]:
    """The whole sequence by calling ``lstm_cell_forward`` once per step.

    x: (n_x, m, T_x), a0 and c0 (default zeros): (n_a, m).
    Returns a (n_a, m, T_x), c (n_a, m, T_x) and one cell cache per step.
    """
    n_x, n_a = _dims(params)
    _, m, T_x = checks.check_sequence(x, n_x, "lstm_forward_stepwise")
    checks.check_state(a0, n_a, m, "a0", "lstm_forward_stepwise")
    c_prev = np.zeros_like(a0) if c0 is None else c0
    checks.check_state(c_prev, n_a, m, "c0", "lstm_forward_stepwise")
    dtype = np.result_type(x, params["Wf"])
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    caches = []
    a_prev = a0
    for t in range(T_x):
        a_prev, c_prev, cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, params)
        a[:, :, t], c[:, :, t] = a_prev, c_prev
        caches.append(cache)
    return a, c, caches


def lstm_backward_stepwise(da: np.ndarray, caches: list[LSTMCellCache]) -> dict[str, np.ndarray]:
    """Backpropagation through time by calling ``lstm_cell_backward`` from the last step back.

    da: (n_a, m, T_x), the gradient at every a<t> from the layers above (the memory c has no
    outside consumer). Returns dx (n_x, m, T_x), da0, dc0 (n_a, m), dW_g, db_g.
    """
    if not caches:
        raise ValueError("lstm_backward_stepwise needs at least one cached step")
    n_a, m = caches[0].a_next.shape
    checks.check_same_shape(da, (n_a, m, len(caches)), "da", "lstm_backward_stepwise")
    params = caches[0].params
    grads = {k: np.zeros_like(params[k]) for k in PARAM_KEYS}
    dx = np.zeros((caches[0].xt.shape[0], m, len(caches)), dtype=da.dtype)
    da_prev = np.zeros((n_a, m), dtype=da.dtype)
    dc_prev = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(len(caches))):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for k in PARAM_KEYS:
            grads[k] += step["d" + k]
    return {"dx": dx, "da0": da_prev, "dc0": dc_prev, **{"d" + k: g for k, g in grads.items()}}


# ---------------------------------------------------------------------------------------------
# The sequence, fused and preallocated
# ---------------------------------------------------------------------------------------------
def stack_params(params: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The four gates as one matrix, rows in ``STACK_ORDER``, split by what they act on.

    Returns Wa (4 n_a, n_a) acting on a<t-1>, Wx (4 n_a, n_x) acting on x<t>, b (4 n_a, 1).
    """
    n_x, n_a = _dims(params)
    W = np.concatenate([params["W" + g] for g in STACK_ORDER], axis=0)   # (4 n_a, n_a + n_x)
    b = np.concatenate([params["b" + g] for g in STACK_ORDER], axis=0)   # (4 n_a, 1)
    return np.ascontiguousarray(W[:, :n_a]), np.ascontiguousarray(W[:, n_a:]), b


def unstack_grads(dWa: np.ndarray, dWx: np.ndarray, db: np.ndarray) -> dict[str, np.ndarray]:
    """The inverse of ``stack_params`` for gradients: {"dWf": (n_a, n_a + n_x), "dbf": ...}."""
    n_a = dWa.shape[1]
    dW = np.concatenate([dWa, dWx], axis=1)                              # (4 n_a, n_a + n_x)
    grads = {}
    for k, g in enumerate(STACK_ORDER):
        grads["dW" + g] = dW[k * n_a:(k + 1) * n_a]
        grads["db" + g] = db[k * n_a:(k + 1) * n_a]
    return grads


class LSTMCache(NamedTuple):
    """Time-first buffers: each step's block is contiguous, and so is each gate inside it.

    A: (T_x + 1, n_a, m) a<0..T_x>        C: (T_x + 1, n_a, m) c<0..T_x>
    G: (T_x, 4 n_a, m) gate activations, row blocks in STACK_ORDER
    tanh_C: (T_x, n_a, m) tanh(c<t>)      X: (T_x, n_x, m) the inputs
    Wa: (4 n_a, n_a), Wx: (4 n_a, n_x)    the stacked weights (from ``stack_params``)
    """

    A: np.ndarray
    C: np.ndarray
    G: np.ndarray
    tanh_C: np.ndarray
    X: np.ndarray
    Wa: np.ndarray
    Wx: np.ndarray


def lstm_forward(x: np.ndarray, a0: np.ndarray, params: dict[str, np.ndarray],
                 c0: np.ndarray | None = None) -> tuple[np.ndarray, LSTMCache]:
    """Forward over a sequence. x: (n_x, m, T_x), a0 and c0 (default zeros): (n_a, m).

    Returns a: (n_a, m, T_x) and the cache (``cache.C[1:]`` holds the memory c<1..T_x> as
    (T_x, n_a, m)). The sigmoid gates use sigmoid(z) = (1 + tanh(z / 2)) / 2 with their weight
    rows halved up front (exact: a power of two), so ONE tanh call activates all four gates.
    """
    n_x, n_a = _dims(params)
    _, m, T_x = checks.check_sequence(x, n_x, "lstm_forward")
    checks.check_state(a0, n_a, m, "a0", "lstm_forward")
    if c0 is not None:
        checks.check_state(c0, n_a, m, "c0", "lstm_forward")
    Wa, Wx, b = stack_params(params)
    dtype = np.result_type(x, Wa)
    Wa, Wx, b = (w.astype(dtype, copy=False) for w in (Wa, Wx, b))
    s = 3 * n_a                                     # rows [0, 3 n_a): sigmoid gates f, i, o
    half = np.ones((4 * n_a, 1), dtype=dtype)
    half[:s] = 0.5
    Wa_h, Wx_h, b_h = Wa * half, Wx * half, b * half
    X = np.ascontiguousarray(np.transpose(x, (2, 0, 1)), dtype=dtype)   # (T_x, n_x, m)
    A = np.empty((T_x + 1, n_a, m), dtype=dtype)
    C = np.empty((T_x + 1, n_a, m), dtype=dtype)
    tanh_C = np.empty((T_x, n_a, m), dtype=dtype)
    A[0] = a0
    C[0] = 0.0 if c0 is None else c0
    G = np.matmul(Wx_h, X)                          # input part of every step: (T_x, 4 n_a, m)
    G += b_h
    rec = np.empty((4 * n_a, m), dtype=dtype)
    tmp = np.empty((n_a, m), dtype=dtype)
    for t in range(T_x):
        g = G[t]                                    # (4 n_a, m): pre-activations -> gates
        np.matmul(Wa_h, A[t], out=rec)              # the one fused recurrent matmul
        g += rec
        np.tanh(g, out=g)                           # tanh(z/2) for f, i, o; tanh(z) for cc
        g[:s] *= 0.5                                # -> sigmoid(z) for f, i, o
        g[:s] += 0.5
        f, i, o, cc = g[:n_a], g[n_a:2 * n_a], g[2 * n_a:s], g[s:]
        c = C[t + 1]
        np.multiply(f, C[t], out=c)                 # c<t> = f * c<t-1> + i * cc
        np.multiply(i, cc, out=tmp)
        c += tmp
        np.tanh(c, out=tanh_C[t])
        np.multiply(o, tanh_C[t], out=A[t + 1])     # a<t> = o * tanh(c<t>)
    a = np.transpose(A[1:], (1, 2, 0))              # (T_x, n_a, m) -> (n_a, m, T_x) view
    return a, LSTMCache(A=A, C=C, G=G, tanh_C=tanh_C, X=X, Wa=Wa, Wx=Wx)


def lstm_backward(da: np.ndarray, cache: LSTMCache) -> dict[str, np.ndarray]:
    """Backpropagation through time.

    da: (n_a, m, T_x), the gradient at every a<t> from the layers above.
    Returns dx (n_x, m, T_x), da0, dc0 (n_a, m), and dW_g (n_a, n_a + n_x), db_g (n_a, 1) for
    g in f, i, c, o (the same keys as ``lstm_backward_stepwise``).
    """
    A, C, G, tanh_C, X = cache.A, cache.C, cache.G, cache.tanh_C, cache.X
    Wa, Wx = cache.Wa, cache.Wx
    T1, n_a, m = A.shape
    T_x, n_x = T1 - 1, X.shape[1]
    checks.check_same_shape(da, (n_a, m, T_x), "da", "lstm_backward")
    dtype = A.dtype
    dA = np.array(np.transpose(da, (2, 0, 1)), dtype=dtype)  # (n_a, m, T_x) -> (T_x, n_a, m)
    dZ = np.empty((T_x, 4 * n_a, m), dtype=dtype)   # gradients at the gate inputs z<t>
    WaT = np.ascontiguousarray(Wa.T)                # (n_a, 4 n_a)
    da_next = np.zeros((n_a, m), dtype=dtype)       # from step t+1 through the recurrence
    dc = np.zeros((n_a, m), dtype=dtype)            # dc<t>, then (end of the step) dc<t-1>
    tmp = np.empty((n_a, m), dtype=dtype)
    tmp3 = np.empty((3 * n_a, m), dtype=dtype)
    s = 3 * n_a
    for t in reversed(range(T_x)):
        g, dz = G[t], dZ[t]                         # (4 n_a, m)
        f, i, o, cc = g[:n_a], g[n_a:2 * n_a], g[2 * n_a:s], g[s:]
        dzf, dzi, dzo, dzc = dz[:n_a], dz[n_a:2 * n_a], dz[2 * n_a:s], dz[s:]
        tc, dat = tanh_C[t], dA[t]
        dat += da_next                              # total da<t>
        np.multiply(dat, tc, out=dzo)               # do = da * tanh(c)
        np.multiply(A[t + 1], tc, out=tmp)          # dc += da * o * (1 - tanh(c)^2)
        np.subtract(o, tmp, out=tmp)                #    (o - a * tanh(c) = o (1 - tanh(c)^2))
        tmp *= dat
        dc += tmp
        np.multiply(dc, C[t], out=dzf)              # df = dc * c<t-1>
        np.multiply(dc, cc, out=dzi)                # di = dc * cc
        np.multiply(dc, i, out=dzc)                 # dcc = dc * i
        np.multiply(cc, cc, out=tmp)                # dz_c = dcc * (1 - cc^2)
        np.subtract(1.0, tmp, out=tmp)
        dzc *= tmp
        np.subtract(1.0, g[:s], out=tmp3)           # dz_g = dg * g * (1 - g) for f, i, o at once
        dz[:s] *= g[:s]
        dz[:s] *= tmp3
        dc *= f                                     # dc<t-1> = dc<t> * f
        np.matmul(WaT, dz, out=da_next)             # da<t-1> = Wa.T dz, (n_a, 4 n_a) @ (4 n_a, m)
    # Weight gradients summed over every step and example: one matmul each.
    dZ2 = np.transpose(dZ, (1, 0, 2)).reshape(4 * n_a, T_x * m)           # (4 n_a, T_x*m) copy
    A_prev = np.transpose(A[:T_x], (1, 0, 2)).reshape(n_a, T_x * m)       # (n_a, T_x*m) copy
    X2 = np.transpose(X, (1, 0, 2)).reshape(n_x, T_x * m)                 # (n_x, T_x*m) copy
    grads = unstack_grads(dZ2 @ A_prev.T,                               # (4 n_a, n_a)
                          dZ2 @ X2.T,                                   # (4 n_a, n_x)
                          dZ2.sum(axis=1, keepdims=True))               # (4 n_a, 1)
    dX = np.matmul(Wx.T, dZ)        # (n_x, 4 n_a) @ (T_x, 4 n_a, m) -> (T_x, n_x, m)
    return {"dx": np.transpose(dX, (1, 2, 0)),      # (T_x, n_x, m) -> (n_x, m, T_x)
            "da0": da_next, "dc0": dc, **grads}
