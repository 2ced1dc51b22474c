"""Course 4 layers for the numpy engine (course2/week1's Layer protocol and DNNModel).

    Conv2D(filters, kernel_size, stride=1, padding="valid")     (m, n_H, n_W, n_C) images
    ReLU()                                                      any shape
    Pool2D(window, stride=None, mode="max"|"average"), MaxPool2D(...), AveragePool2D(...)
    ConvReLUMaxPool(filters, kernel_size, stride, padding, pool_size)   the fused fast path
    Flatten()                        (m, n_H, n_W, n_C) -> (n_H * n_W * n_C, m) for Dense layers
    Softmax(jacobian=False)          (n, m) probabilities; jacobian=True backpropagates through
                                     the full (m, n, n) Jacobian (softmax.py explains both)

The engine's ``Dense`` (course2/week1/layers.py) sits between Flatten and Softmax. Every layer
keeps the pure function pair's NamedTuple cache on ``self.cache`` and, following the engine's
gradient convention, divides its parameter gradients by the batch size m (``dA`` travels
between layers per example, without the 1/m).

``implementation="loop"`` switches Conv2D and Pool2D to the lecture's loop functions (the same
caches and results, thousands of times slower): for reading and for tests, never for training.

``input_grad=False`` (Conv2D, ConvReLUMaxPool) skips the input gradient: use it for the
network's FIRST layer only, whose dA_prev nobody reads; its ``backward`` then returns None.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course2.week1 import activations
from course4.week1 import conv, fused, pool, softmax
from course4.week1 import padding as padmod

IMPLEMENTATIONS = ("vectorized", "loop")
CONV_INITS = ("he", "xavier", "glorot_uniform")


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _kernel(kernel_size) -> tuple[int, int]:
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) == 2:
        return _positive_int("kernel_size[0]", kernel_size[0]), _positive_int("kernel_size[1]", kernel_size[1])
    k = _positive_int("kernel_size", kernel_size)
    return k, k


def _implementation(name: str) -> str:
    if name not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {name!r}; expected one of {IMPLEMENTATIONS}")
    return name


def _check_input(layer, A: np.ndarray, expected: tuple[int, ...] | None) -> None:
    padmod.check_images(A, f"{type(layer).__name__} input")
    if expected is not None and tuple(A.shape[1:]) != tuple(expected):
        raise ValueError(f"{layer!r} was built for inputs (m, {', '.join(map(str, expected))}), "
                         f"got {A.shape}")


def init_filters(scheme: str, f_h: int, f_w: int, n_C_prev: int, n_C: int,
                 rng: np.random.Generator) -> np.ndarray:
    """W: (f_h, f_w, n_C_prev, n_C), float64. fan_in = f_h f_w n_C_prev, fan_out = f_h f_w n_C.

    he: N(0, 2 / fan_in)    xavier: N(0, 1 / fan_in)    glorot_uniform (Keras' default):
    U(-l, l) with l = sqrt(6 / (fan_in + fan_out))."""
    if scheme not in CONV_INITS:
        raise ValueError(f"unknown initialisation {scheme!r}; expected one of {CONV_INITS}")
    shape = (f_h, f_w, n_C_prev, n_C)
    fan_in, fan_out = f_h * f_w * n_C_prev, f_h * f_w * n_C
    if scheme == "glorot_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    scale = np.sqrt((2.0 if scheme == "he" else 1.0) / fan_in)
    return rng.standard_normal(shape) * scale


class _NoParams:
    """Shared empty parameter dictionaries for layers without weights."""

    regularized: tuple[str, ...] = ()

    def _init_empty(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache = None
        self.input_shape: tuple[int, ...] | None = None

    def _need_cache(self) -> None:
        if self.cache is None:
            raise RuntimeError(f"{self!r}.backward called before forward")


class Conv2D:
    """A convolution layer. Conv2D(filters, kernel_size, stride=1, padding="valid", init="he",
    implementation="vectorized", input_grad=True).

    build((n_H_prev, n_W_prev, n_C_prev), rng) creates W (f_h, f_w, n_C_prev, n_C) and
    b (n_C,) zeros and returns (n_H, n_W, n_C). forward: (m, n_H_prev, n_W_prev, n_C_prev) ->
    Z: (m, n_H, n_W, n_C) (no activation: add a ReLU layer). ``padding``: see padding.py.
    """

    regularized = ("W",)

    def __init__(self, filters: int, kernel_size, stride: int = 1, padding="valid",
                 init: str = "he", implementation: str = "vectorized", input_grad: bool = True) -> None:
        self.filters = _positive_int("filters", filters)
        self.kernel_size = _kernel(kernel_size)
        self.stride = padmod.check_stride(stride)
        if isinstance(padding, str) and padding.lower() not in ("same", "valid"):
            raise ValueError(f"unknown padding {padding!r}; expected {padmod.PADDING_HELP}")
        padmod.resolve_padding(padding, *self.kernel_size, 1, 1, self.stride)   # type check only
        self.padding = padding
        if init not in CONV_INITS:
            raise ValueError(f"unknown initialisation {init!r}; expected one of {CONV_INITS}")
        self.init = init
        self.implementation = _implementation(implementation)
        self.input_grad = bool(input_grad)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache = None
        self.input_shape: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        f_h, f_w = self.kernel_size
        return (f"Conv2D({self.filters}, ({f_h}, {f_w}), stride={self.stride}, "
                f"padding={self.padding!r})")

    def config(self) -> dict:
        return {"class": "Conv2D", "filters": self.filters, "kernel_size": list(self.kernel_size),
                "stride": self.stride, "padding": self.padding, "init": self.init,
                "input_grad": self.input_grad}

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
        if len(input_shape) != 3:
            raise ValueError(f"{self!r} expects images (n_H, n_W, n_C) per example, got {input_shape}")
        n_H_prev, n_W_prev, _ = input_shape
        pads = padmod.resolve_padding(self.padding, *self.kernel_size, n_H_prev, n_W_prev, self.stride)
        n_H, n_W = padmod.output_shape(n_H_prev, n_W_prev, *self.kernel_size, self.stride, pads)
        return n_H, n_W, self.filters

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        out = self.output_shape(tuple(input_shape))
        self.input_shape = tuple(int(s) for s in input_shape)
        W = init_filters(self.init, *self.kernel_size, self.input_shape[2], self.filters, rng)
        self.params = {"W": W, "b": np.zeros(self.filters)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return out

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        _check_input(self, A_prev, self.input_shape)
        fn = conv.conv_forward if self.implementation == "vectorized" else conv.conv_forward_loop
        Z, self.cache = fn(A_prev, self.params["W"], self.params["b"], self.stride, self.padding)
        return Z

    def backward(self, dZ: np.ndarray) -> np.ndarray | None:
        if self.cache is None:
            raise RuntimeError(f"{self!r}.backward called before forward")
        fn = conv.conv_backward if self.implementation == "vectorized" else conv.conv_backward_loop
        grads = fn(dZ, self.cache, input_grad=self.input_grad)
        m = dZ.shape[0]
        self.grads["W"] = grads.dW / m
        self.grads["b"] = grads.db / m
        return grads.dA_prev


class ConvReLUMaxPool(Conv2D):
    """CONV -> ReLU -> MAXPOOL(pool_size, stride pool_size) as ONE layer (fused.py): the same
    values and gradients as the three layers, several times faster. Parameters as Conv2D's;
    build returns (n_H / pool_size, n_W / pool_size, n_C)."""

    def __init__(self, filters: int, kernel_size, stride: int = 1, padding="valid",
                 pool_size: int = 2, init: str = "he", input_grad: bool = True) -> None:
        super().__init__(filters, kernel_size, stride, padding, init, "vectorized", input_grad)
        self.pool_size = _positive_int("pool_size", pool_size)

    def __repr__(self) -> str:
        f_h, f_w = self.kernel_size
        return (f"ConvReLUMaxPool({self.filters}, ({f_h}, {f_w}), stride={self.stride}, "
                f"padding={self.padding!r}, pool_size={self.pool_size})")

    def config(self) -> dict:
        return {**super().config(), "class": "ConvReLUMaxPool", "pool_size": self.pool_size}

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
        n_H, n_W, n_C = super().output_shape(input_shape)
        _, (n_Hp, n_Wp) = fused.check_pool_tiles((n_H, n_W), self.pool_size)
        return n_Hp, n_Wp, n_C

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        _check_input(self, A_prev, self.input_shape)
        A, self.cache = fused.conv_relu_maxpool_forward(
            A_prev, self.params["W"], self.params["b"], self.stride, self.padding, self.pool_size)
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray | None:
        if self.cache is None:
            raise RuntimeError(f"{self!r}.backward called before forward")
        grads = fused.conv_relu_maxpool_backward(dA, self.cache, input_grad=self.input_grad)
        m = dA.shape[0]
        self.grads["W"] = grads.dW / m
        self.grads["b"] = grads.db / m
        return grads.dA_prev


class ReLU(_NoParams):
    """A = max(Z, 0) elementwise, any shape (the engine's relu pair)."""

    def __init__(self) -> None:
        self._init_empty()

    def __repr__(self) -> str:
        return "ReLU()"

    def config(self) -> dict:
        return {"class": "ReLU"}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        self.input_shape = tuple(input_shape)
        return self.input_shape

    def forward(self, Z: np.ndarray, training: bool, rng: np.random.Generator | None = None) -> np.ndarray:
        A, self.cache = activations.get_activation("relu")[0](Z)
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        self._need_cache()
        if dA.shape != self.cache.Z.shape:
            raise ValueError(f"ReLU: dA must have shape {self.cache.Z.shape}, got {dA.shape}")
        return activations.get_activation("relu")[1](dA, self.cache)


class Pool2D(_NoParams):
    """Pooling. Pool2D(window, stride=None (= window), mode="max"|"average",
    implementation="vectorized"). (m, n_H_prev, n_W_prev, n_C) -> (m, n_H, n_W, n_C)."""

    def __init__(self, window: int, stride: int | None = None, mode: str = "max",
                 implementation: str = "vectorized") -> None:
        self.window = _positive_int("window", window)
        self.stride = padmod.check_stride(self.window if stride is None else stride)
        if mode not in pool.MODES:
            raise ValueError(f"unknown pooling mode {mode!r}; expected one of {pool.MODES}")
        self.mode = mode
        self.implementation = _implementation(implementation)
        self._init_empty()

    def __repr__(self) -> str:
        return f"Pool2D({self.window}, stride={self.stride}, mode={self.mode!r})"

    def config(self) -> dict:
        return {"class": "Pool2D", "window": self.window, "stride": self.stride, "mode": self.mode}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        if len(input_shape) != 3:
            raise ValueError(f"{self!r} expects images (n_H, n_W, n_C) per example, got {input_shape}")
        n_H, n_W = padmod.output_shape(input_shape[0], input_shape[1], self.window, self.window,
                                       self.stride, padmod.Pads(0, 0, 0, 0))
        self.input_shape = tuple(int(s) for s in input_shape)
        return n_H, n_W, int(input_shape[2])

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        _check_input(self, A_prev, self.input_shape)
        fn = pool.pool_forward if self.implementation == "vectorized" else pool.pool_forward_loop
        A, self.cache = fn(A_prev, self.window, self.stride, self.mode)
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        self._need_cache()
        fn = pool.pool_backward if self.implementation == "vectorized" else pool.pool_backward_loop
        return fn(dA, self.cache)


class MaxPool2D(Pool2D):
    """Pool2D with mode="max"."""

    def __init__(self, window: int, stride: int | None = None, implementation: str = "vectorized") -> None:
        super().__init__(window, stride, "max", implementation)


class AveragePool2D(Pool2D):
    """Pool2D with mode="average"."""

    def __init__(self, window: int, stride: int | None = None, implementation: str = "vectorized") -> None:
        super().__init__(window, stride, "average", implementation)


class FlattenCache(NamedTuple):
    shape: tuple[int, ...]       # the input's shape (m, n_H, n_W, n_C)
    dtype: np.dtype              # the input's dtype (the backward returns the same)


class Flatten(_NoParams):
    """(m, n_H, n_W, n_C) -> (n_H * n_W * n_C, m): each example's pixels, channels fastest (the
    order of Keras' Flatten on channels-last images), as one column for the Dense layers."""

    def __init__(self) -> None:
        self._init_empty()

    def __repr__(self) -> str:
        return "Flatten()"

    def config(self) -> dict:
        return {"class": "Flatten"}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        self.input_shape = tuple(int(s) for s in input_shape)
        return (int(np.prod(self.input_shape)),)

    def forward(self, A_prev: np.ndarray, training: bool,
                rng: np.random.Generator | None = None) -> np.ndarray:
        if not isinstance(A_prev, np.ndarray) or A_prev.ndim < 2:
            raise ValueError(f"Flatten expects (m, ...) inputs, got "
                             f"{getattr(A_prev, 'shape', type(A_prev).__name__)}")
        if self.input_shape is not None and tuple(A_prev.shape[1:]) != self.input_shape:
            raise ValueError(f"Flatten was built for inputs (m, {self.input_shape}), got {A_prev.shape}")
        self.cache = FlattenCache(shape=A_prev.shape, dtype=A_prev.dtype)
        m = A_prev.shape[0]
        return A_prev.reshape(m, -1).T                            # (m, n) -> (n, m), a view

    def backward(self, dA: np.ndarray) -> np.ndarray:
        self._need_cache()
        shape, dtype = self.cache.shape, self.cache.dtype
        want = (int(np.prod(shape[1:])), shape[0])
        if dA.shape != want:
            raise ValueError(f"Flatten: dA must have shape {want}, got {dA.shape}")
        # (n, m) -> (m, n) -> (m, n_H, n_W, n_C); back to the input's dtype (float64 Dense
        # weights would otherwise turn the whole float32 convolution backward into float64)
        return np.ascontiguousarray(dA.T, dtype=dtype).reshape(shape)


class Softmax(_NoParams):
    """Softmax over the n rows of (n, m) scores (put it after a ``Dense(n, "linear")``).

    jacobian=False: with CategoricalCrossEntropy the engine fuses the two and starts the
    backward from dZ = A - Y (``fusable``/``logits``/``backward_from_logits``, the engine's
    fused-output protocol); alone, backward applies J^T dA without building J.
    jacobian=True: never fused; backward builds the (m, n, n) Jacobian tensor and applies it to
    the loss's dA = -Y / A. Both give the same gradients (softmax.py says why; a test shows it).
    """

    activation = "softmax"

    def __init__(self, jacobian: bool = False) -> None:
        self.jacobian = bool(jacobian)
        self._init_empty()

    def __repr__(self) -> str:
        return f"Softmax(jacobian={self.jacobian})"

    def config(self) -> dict:
        return {"class": "Softmax", "jacobian": self.jacobian}

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        if len(input_shape) != 1:
            raise ValueError(f"Softmax expects scores (n, m), i.e. per-example shape (n,), got {input_shape}")
        self.input_shape = tuple(int(s) for s in input_shape)
        return self.input_shape

    def forward(self, Z: np.ndarray, training: bool, rng: np.random.Generator | None = None) -> np.ndarray:
        A, self.cache = softmax.softmax_forward(Z)
        return A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        self._need_cache()
        if self.jacobian:
            return softmax.softmax_backward_jacobian(dA, self.cache)
        return softmax.softmax_backward(dA, self.cache)

    # -- the engine's fused-output protocol ----------------------------------------------------
    @property
    def fusable(self) -> bool:
        return self.cache is not None and not self.jacobian

    @property
    def logits(self) -> np.ndarray:
        return self.cache.Z                                       # (n, m)

    def backward_from_logits(self, dZ: np.ndarray) -> np.ndarray:
        """dZ = A - Y from the loss is already the gradient of the scores: pass it on."""
        return dZ
