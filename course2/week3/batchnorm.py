"""Batch normalisation (Course 2, week 3: "Normalizing activations in a network", "Fitting
Batch Norm into a neural network", "Why does Batch Norm work?", "Batch Norm at test time").

In the course layout a layer's pre-activations are ``Z: (n, m)`` (units in rows, the m
examples of the mini-batch in columns). Batch norm normalises every unit over the m examples
(axis 1), then lets the network choose the scale and shift it wants:

    mu      = 1/m sum_i z_i                       (n, 1)   mean of each unit over the batch
    var     = 1/m sum_i (z_i - mu)^2              (n, 1)   biased (divide by m) batch variance
    z_hat_i = (z_i - mu) / sqrt(var + eps)        (n, m)
    z~_i    = gamma * z_hat_i + beta              (n, m)   gamma, beta: (n, 1), learnable

At test time there is no batch to average over, so the layer uses running (exponentially
weighted) averages of mu and var collected during training:

    running_mean = momentum * running_mean + (1 - momentum) * mu
    running_var  = momentum * running_var  + (1 - momentum) * var

What ``momentum`` means here: it is the lecture's beta of an exponentially weighted average,
the weight kept by the OLD value (default 0.9, roughly an average over the last 1/(1-0.9) = 10
mini-batches). Keras uses the same convention (``keras.layers.BatchNormalization(momentum=0.99)``
is our ``momentum=0.99``); PyTorch's ``BatchNorm1d(momentum=0.1)`` is the weight of the NEW
value, i.e. our ``momentum = 1 - 0.1 = 0.9``. ``keras_momentum``/``torch_momentum`` spell this out.
Keras also differs in its default ``epsilon`` (1e-3; ours 1e-5, as PyTorch) and, for (m, n)
data, normalises over axis 0 with its ``axis=-1`` argument naming the FEATURE axis that is kept.
Keras updates its moving variance with the biased batch variance (as we do by default);
PyTorch uses the unbiased m/(m-1) * var for its running variance (``unbiased_running_var=True``).

The module keeps the derivation visible: ``batchnorm_forward`` computes the nine stages one
line each and ``batchnorm_backward`` walks back through them (the computational graph of the
lecture's equations); ``batchnorm_backward_compact`` is the closed form obtained by simplifying
that chain, tested equal. ``BatchNorm`` is the engine layer built from these functions.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

DEFAULT_EPS = 1e-5
DEFAULT_MOMENTUM = 0.9


# ---------------------------------------------------------------------------------------------
# Argument checks (clear errors: what was expected, what came)
# ---------------------------------------------------------------------------------------------
def check_eps(eps: float) -> float:
    """eps must be a finite number > 0 (it keeps sqrt(var + eps) away from zero)."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(eps)) or not eps > 0:
        raise ValueError(f"batch norm eps must be a finite number > 0 (e.g. 1e-5), got {eps!r}")
    return float(eps)


def check_momentum(momentum: float) -> float:
    """momentum (weight of the old running value) must be in [0, 1)."""
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(momentum)) or not 0.0 <= momentum < 1.0:
        raise ValueError(
            f"batch norm momentum must be in [0, 1) (the weight of the old running average, "
            f"e.g. 0.9; PyTorch's 0.1 is our 0.9), got {momentum!r}")
    return float(momentum)


def _check_Z(Z: np.ndarray, what: str = "Z") -> None:
    if not isinstance(Z, np.ndarray) or Z.ndim != 2:
        shape = getattr(Z, "shape", type(Z).__name__)
        raise ValueError(f"batch norm expects {what} of shape (n, m) (units x examples), got {shape}")
    if Z.shape[1] < 1:
        raise ValueError(f"batch norm needs at least one example (m >= 1), got {what} of shape {Z.shape}")


def _check_column(name: str, v: np.ndarray, n: int) -> None:
    if not isinstance(v, np.ndarray) or v.shape != (n, 1):
        shape = getattr(v, "shape", type(v).__name__)
        raise ValueError(f"batch norm {name} must have shape ({n}, 1) for Z with {n} units, got {shape}")


# ---------------------------------------------------------------------------------------------
# Training mode: batch statistics, staged forward and backward
# ---------------------------------------------------------------------------------------------
class BatchNormCache(NamedTuple):
    """What the backward pass needs from the staged forward pass (training mode)."""

    mu: np.ndarray       # (n, 1)  batch mean (not needed by backward; kept for the running mean)
    xmu: np.ndarray      # (n, m)  Z - mu
    var: np.ndarray      # (n, 1)  biased batch variance
    sqrtvar: np.ndarray  # (n, 1)  sqrt(var + eps)
    ivar: np.ndarray     # (n, 1)  1 / sqrt(var + eps)
    xhat: np.ndarray     # (n, m)  normalised Z
    gamma: np.ndarray    # (n, 1)
    eps: float


class BatchNormGrads(NamedTuple):
    dZ: np.ndarray       # (n, m)
    dgamma: np.ndarray   # (n, 1)
    dbeta: np.ndarray    # (n, 1)


def batchnorm_forward(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = DEFAULT_EPS) -> tuple[np.ndarray, BatchNormCache]:
    """Batch norm with the statistics of this mini-batch, one stage per line.

    Z: (n, m)   gamma, beta: (n, 1)   ->   out: (n, m), cache
    """
    eps = check_eps(eps)
    _check_Z(Z)
    n, m = Z.shape
    _check_column("gamma", gamma, n)
    _check_column("beta", beta, n)
    mu = np.sum(Z, axis=1, keepdims=True) / m          # 1. (n, 1) mean over the m examples
    xmu = Z - mu                                       # 2. (n, m) centred
    sq = xmu ** 2                                      # 3. (n, m)
    var = np.sum(sq, axis=1, keepdims=True) / m        # 4. (n, 1) biased variance
    sqrtvar = np.sqrt(var + eps)                       # 5. (n, 1)
    ivar = 1.0 / sqrtvar                               # 6. (n, 1)
    xhat = xmu * ivar                                  # 7. (n, m) zero mean, unit variance
    gammax = gamma * xhat                              # 8. (n, m) scale
    out = gammax + beta                                # 9. (n, m) shift
    return out, BatchNormCache(mu, xmu, var, sqrtvar, ivar, xhat, gamma, eps)


def _check_dout(dout: np.ndarray, like: np.ndarray) -> None:
    if not isinstance(dout, np.ndarray) or dout.shape != like.shape:
        shape = getattr(dout, "shape", type(dout).__name__)
        raise ValueError(f"batch norm backward: dout must have the forward output's shape "
                         f"{like.shape}, got {shape}")


def batchnorm_backward(dout: np.ndarray, cache: BatchNormCache) -> BatchNormGrads:
    """Backward through the nine stages of ``batchnorm_forward``, last stage first.

    dout: (n, m) = dJ/d(out)   ->   dZ: (n, m), dgamma: (n, 1), dbeta: (n, 1)
    """
    _, xmu, var, sqrtvar, ivar, xhat, gamma, eps = cache
    _check_dout(dout, xhat)
    n, m = dout.shape
    # 9. out = gammax + beta: beta is broadcast over the m columns, so its gradient sums them
    dbeta = np.sum(dout, axis=1, keepdims=True)                   # (n, 1)
    dgammax = dout                                                # (n, m)
    # 8. gammax = gamma * xhat
    dgamma = np.sum(dgammax * xhat, axis=1, keepdims=True)        # (n, 1)
    dxhat = dgammax * gamma                                       # (n, m)
    # 7. xhat = xmu * ivar: two inputs, xmu (n, m) and ivar broadcast over the columns
    divar = np.sum(dxhat * xmu, axis=1, keepdims=True)            # (n, 1)
    dxmu1 = dxhat * ivar                                          # (n, m) first path into xmu
    # 6. ivar = 1 / sqrtvar
    dsqrtvar = -1.0 / sqrtvar ** 2 * divar                        # (n, 1)
    # 5. sqrtvar = sqrt(var + eps)
    dvar = 0.5 / np.sqrt(var + eps) * dsqrtvar                    # (n, 1)
    # 4. var = 1/m sum_i sq_i: every column of sq receives dvar / m
    dsq = np.ones((n, m), dtype=dout.dtype) / m * dvar            # (n, m)
    # 3. sq = xmu^2
    dxmu2 = 2.0 * xmu * dsq                                       # (n, m) second path into xmu
    # 2. xmu = Z - mu: Z directly, and mu broadcast over the columns
    dxmu = dxmu1 + dxmu2                                          # (n, m)
    dZ1 = dxmu                                                    # (n, m)
    dmu = -np.sum(dxmu, axis=1, keepdims=True)                    # (n, 1)
    # 1. mu = 1/m sum_i Z_i
    dZ2 = np.ones((n, m), dtype=dout.dtype) / m * dmu             # (n, m)
    dZ = dZ1 + dZ2
    return BatchNormGrads(dZ, dgamma, dbeta)


def batchnorm_backward_compact(dout: np.ndarray, cache: BatchNormCache) -> BatchNormGrads:
    """The same gradients in closed form (the staged chain simplified by hand):

        dxhat = gamma * dout
        dZ    = ivar / m * (m * dxhat - sum_i dxhat_i - xhat * sum_i (dxhat_i * xhat_i))

    dout: (n, m)   ->   dZ: (n, m), dgamma: (n, 1), dbeta: (n, 1)
    """
    _check_dout(dout, cache.xhat)
    m = dout.shape[1]
    xhat, ivar = cache.xhat, cache.ivar
    dbeta = np.sum(dout, axis=1, keepdims=True)                   # (n, 1)
    dgamma = np.sum(dout * xhat, axis=1, keepdims=True)           # (n, 1)
    dxhat = cache.gamma * dout                                    # (n, m)
    dZ = ivar / m * (m * dxhat - np.sum(dxhat, axis=1, keepdims=True)
                     - xhat * np.sum(dxhat * xhat, axis=1, keepdims=True))  # (n, m)
    return BatchNormGrads(dZ, dgamma, dbeta)


# ---------------------------------------------------------------------------------------------
# Test time: running averages instead of batch statistics
# ---------------------------------------------------------------------------------------------
class BatchNormInferenceCache(NamedTuple):
    """Inference mode is an affine map per unit; backward needs only these."""

    xhat: np.ndarray     # (n, m)  (Z - running_mean) / sqrt(running_var + eps)
    ivar: np.ndarray     # (n, 1)  1 / sqrt(running_var + eps)
    gamma: np.ndarray    # (n, 1)


def batchnorm_inference_forward(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                                running_mean: np.ndarray, running_var: np.ndarray,
                                eps: float = DEFAULT_EPS) -> tuple[np.ndarray, BatchNormInferenceCache]:
    """Batch norm at test time: the running mean and variance replace the batch statistics,
    so each example is normalised on its own (the output does not depend on the batch).

    Z: (n, m)   gamma, beta, running_mean, running_var: (n, 1)   ->   out: (n, m), cache
    """
    eps = check_eps(eps)
    _check_Z(Z)
    n = Z.shape[0]
    for name, v in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean),
                    ("running_var", running_var)):
        _check_column(name, v, n)
    if np.any(running_var < 0):
        raise ValueError(f"batch norm running_var must be >= 0, got min {running_var.min()}")
    ivar = 1.0 / np.sqrt(running_var + eps)            # (n, 1)
    xhat = (Z - running_mean) * ivar                   # (n, m)
    out = gamma * xhat + beta                          # (n, m)
    return out, BatchNormInferenceCache(xhat, ivar, gamma)


def batchnorm_inference_backward(dout: np.ndarray, cache: BatchNormInferenceCache) -> BatchNormGrads:
    """Gradients of the inference-mode map (the running statistics are constants here).

    dout: (n, m)   ->   dZ: (n, m), dgamma: (n, 1), dbeta: (n, 1)
    """
    _check_dout(dout, cache.xhat)
    dbeta = np.sum(dout, axis=1, keepdims=True)                   # (n, 1)
    dgamma = np.sum(dout * cache.xhat, axis=1, keepdims=True)     # (n, 1)
    dZ = dout * cache.gamma * cache.ivar                          # (n, m)
    return BatchNormGrads(dZ, dgamma, dbeta)


def update_running_stats(running_mean: np.ndarray, running_var: np.ndarray, mu: np.ndarray,
                         var: np.ndarray, momentum: float = DEFAULT_MOMENTUM, m: int | None = None,
                         unbiased: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One step of the exponentially weighted averages used at test time (new arrays).

        running = momentum * running + (1 - momentum) * batch_value

    ``var`` is the biased batch variance the forward pass used. With ``unbiased=True`` the
    running variance takes m/(m-1) * var instead (PyTorch's choice; needs ``m`` > 1).
    running_mean, running_var, mu, var: (n, 1)
    """
    momentum = check_momentum(momentum)
    if running_mean.shape != mu.shape or running_var.shape != var.shape or mu.shape != var.shape:
        raise ValueError(f"running statistics and batch statistics must share one (n, 1) shape, "
                         f"got running_mean {running_mean.shape}, running_var {running_var.shape}, "
                         f"mu {mu.shape}, var {var.shape}")
    if unbiased:
        if m is None or m < 2:
            raise ValueError(f"an unbiased running variance needs the batch size m >= 2, got {m!r}")
        var = var * (m / (m - 1))
    new_mean = momentum * running_mean + (1.0 - momentum) * mu
    new_var = momentum * running_var + (1.0 - momentum) * var
    return new_mean, new_var


def keras_momentum(momentum: float) -> float:
    """Our ``momentum`` as ``keras.layers.BatchNormalization(momentum=...)``: the same number
    (both weight the old moving value)."""
    return check_momentum(momentum)


def torch_momentum(momentum: float) -> float:
    """Our ``momentum`` as ``torch.nn.BatchNorm1d(momentum=...)``: 1 - ours (PyTorch weights
    the new batch value)."""
    return 1.0 - check_momentum(momentum)


# ---------------------------------------------------------------------------------------------
# The engine layer (course2/week1/layers.py's Layer protocol)
# ---------------------------------------------------------------------------------------------
class BatchNorm:
    """Batch norm as a layer of the numpy engine: put it between a layer's Z and its activation,

        Dense(n, activation="linear") -> BatchNorm() -> Activation("relu") -> ...

    (the lecture normalises Z[l] before g[l]; the Dense bias b[l] is then redundant, since the
    mean subtraction removes it: its gradient is exactly zero and beta takes its role).

    BatchNorm(momentum=0.9, eps=1e-5, backward="compact", unbiased_running_var=False)

    params   {"gamma": (n, 1) ones, "beta": (n, 1) zeros}       trainable, not L2-regularised
    buffers  {"running_mean": (n, 1) zeros, "running_var": (n, 1) ones}   updated by every
             training forward (in place), used when ``training=False``; saved with the weights
    momentum the weight of the OLD running value (Keras' convention; PyTorch's is 1 - ours)
    backward "compact" (closed form) or "staged" (through the nine stages); equal to 1e-10

    Gradient convention of the engine: ``backward`` receives dA = m * dJ/d(out) (per example) and
    returns m * dJ/dZ; ``grads`` hold dJ/dgamma and dJ/dbeta, i.e. the sums divided by m.
    """

    regularized: tuple[str, ...] = ()
    BACKWARDS = ("compact", "staged")

    def __init__(self, momentum: float = DEFAULT_MOMENTUM, eps: float = DEFAULT_EPS,
                 backward: str = "compact", unbiased_running_var: bool = False) -> None:
        self.momentum = check_momentum(momentum)
        self.eps = check_eps(eps)
        if backward not in self.BACKWARDS:
            raise ValueError(f"backward must be one of {self.BACKWARDS}, got {backward!r}")
        self.backward_kind = backward
        self.unbiased_running_var = bool(unbiased_running_var)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache: BatchNormCache | BatchNormInferenceCache | None = None

    def __repr__(self) -> str:
        return f"BatchNorm(momentum={self.momentum}, eps={self.eps})"

    def config(self) -> dict:
        return {"class": "BatchNorm", "momentum": self.momentum, "eps": self.eps,
                "backward": self.backward_kind, "unbiased_running_var": self.unbiased_running_var}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None) -> tuple[int, ...]:
        """input_shape: (n,) per example -> (n,). gamma = 1, beta = 0 (starts as plain
        normalisation); running mean 0 and variance 1 (as Keras)."""
        if len(input_shape) != 1 or int(input_shape[0]) < 1:
            raise ValueError(f"BatchNorm normalises (n, m) activations: expected a per-example shape "
                             f"(n,), got {tuple(input_shape)}")
        n = int(input_shape[0])
        self.params = {"gamma": np.ones((n, 1)), "beta": np.zeros((n, 1))}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": np.zeros((n, 1)), "running_var": np.ones((n, 1))}
        return (n,)

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        """A_prev: (n, m) -> (n, m). Training: batch statistics, and the running averages take
        one step. Evaluation: the running averages (each example normalised on its own)."""
        if not self.params:
            raise RuntimeError("BatchNorm.forward called before build (the model builds its layers)")
        n = self.params["gamma"].shape[0]
        if not isinstance(A_prev, np.ndarray) or A_prev.ndim != 2 or A_prev.shape[0] != n:
            raise ValueError(f"BatchNorm over {n} units expects input of shape ({n}, m), "
                             f"got {getattr(A_prev, 'shape', type(A_prev).__name__)}")
        gamma, beta = self.params["gamma"], self.params["beta"]
        if training:
            out, cache = batchnorm_forward(A_prev, gamma, beta, self.eps)
            new_mean, new_var = update_running_stats(
                self.buffers["running_mean"], self.buffers["running_var"], cache.mu, cache.var,
                self.momentum, m=A_prev.shape[1], unbiased=self.unbiased_running_var)
            self.buffers["running_mean"][...] = new_mean      # in place: saved/loaded arrays stay the same
            self.buffers["running_var"][...] = new_var
        else:
            out, cache = batchnorm_inference_forward(A_prev, gamma, beta, self.buffers["running_mean"],
                                                     self.buffers["running_var"], self.eps)
        self.cache = cache
        return out

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dA: (n, m) = m dJ/d(out) -> dA_prev: (n, m) = m dJ/dZ; fills grads["gamma"], grads["beta"]."""
        if self.cache is None:
            raise RuntimeError("BatchNorm.backward called before forward")
        if isinstance(self.cache, BatchNormInferenceCache):
            g = batchnorm_inference_backward(dA, self.cache)
        elif self.backward_kind == "staged":
            g = batchnorm_backward(dA, self.cache)
        else:
            g = batchnorm_backward_compact(dA, self.cache)
        m = dA.shape[1]
        self.grads["gamma"] = g.dgamma / m
        self.grads["beta"] = g.dbeta / m
        return g.dZ
