"""The course's convolutional network, assembled from this week's layers and the engine.

    CONV 4x4, 8 filters, 'same' -> ReLU -> MAXPOOL 8/8       (m, 64, 64, 3) -> (m, 8, 8, 8)
    CONV 2x2, 16 filters, 'same' -> ReLU -> MAXPOOL 4/4      -> (m, 2, 2, 16)
    FLATTEN -> DENSE 6 -> SOFTMAX                            -> (64, m) -> (6, m)

``course_layers(fused=True)`` builds each CONV -> ReLU -> MAXPOOL block as one fused layer
(fused.py); ``fused=False`` gives the nine separate layers of the lecture's picture (same
weights for the same rng, same values and gradients). The first block skips its input gradient.
``build_model`` wraps them in the engine's DNNModel (batch_axis=0, categorical cross-entropy)
and casts every parameter to ``dtype`` (float32 for training speed, float64 for checks).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from course2.week1 import layers as engine_layers
from course2.week1 import losses
from course2.week1.model import DNNModel
from course4.week1 import layers

INPUT_SHAPE = (64, 64, 3)
N_CLASSES = 6
INIT = "glorot_uniform"    # Keras' default, the course's Xavier initializer


def course_layers(fused: bool = True, implementation: str = "vectorized", jacobian: bool = False,
                  n_classes: int = N_CLASSES) -> list:
    """The layer list of the course network (see the module docstring)."""
    if fused and implementation != "vectorized":
        raise ValueError("the fused layers exist only vectorised; use fused=False with implementation='loop'")
    if fused:
        body = [layers.ConvReLUMaxPool(8, 4, stride=1, padding="same", pool_size=8, init=INIT,
                                       input_grad=False),
                layers.ConvReLUMaxPool(16, 2, stride=1, padding="same", pool_size=4, init=INIT)]
    else:
        body = [layers.Conv2D(8, 4, stride=1, padding="same", init=INIT, implementation=implementation,
                              input_grad=False),
                layers.ReLU(),
                layers.MaxPool2D(8, 8, implementation=implementation),
                layers.Conv2D(16, 2, stride=1, padding="same", init=INIT, implementation=implementation),
                layers.ReLU(),
                layers.MaxPool2D(4, 4, implementation=implementation)]
    return body + [layers.Flatten(), engine_layers.Dense(n_classes, "linear", init="xavier"),
                   layers.Softmax(jacobian=jacobian)]


def cast_parameters(model: DNNModel, dtype) -> DNNModel:
    """Cast every layer's params and grads to ``dtype`` (before the first optimizer step)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype must be a floating type, got {dtype}")
    for layer in model.layers:
        layer.params = {k: np.asarray(v, dtype=dtype) for k, v in layer.params.items()}
        layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
    model.optimizer_states = {}
    return model


def build_model(rng: np.random.Generator, optimizer=None, dtype=np.float32,
                input_shape: Sequence[int] = INPUT_SHAPE, **layer_options) -> DNNModel:
    """The course network as a built DNNModel (params drawn from ``rng``, cast to ``dtype``).

    ``layer_options`` go to ``course_layers`` (fused, implementation, jacobian, n_classes)."""
    model = DNNModel(course_layers(**layer_options), losses.CategoricalCrossEntropy(),
                     optimizer, batch_axis=0)
    model.build(tuple(input_shape), rng)
    return cast_parameters(model, dtype)


def images_to_inputs(x: np.ndarray, dtype=np.float32) -> np.ndarray:
    """(m, 64, 64, 3) uint8 images -> floats in [0, 1], same shape."""
    if not isinstance(x, np.ndarray) or x.ndim != 4:
        raise ValueError(f"images must have shape (m, n_H, n_W, n_C), got "
                         f"{getattr(x, 'shape', type(x).__name__)}")
    return (x / np.asarray(255.0, dtype=dtype)).astype(dtype, copy=False)


def channel_statistics(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of training images X: (m, n_H, n_W, n_C) ->
    two (n_C,) arrays (the std never below 1e-3, so a constant channel stays finite)."""
    if not isinstance(X, np.ndarray) or X.ndim != 4:
        raise ValueError(f"X must have shape (m, n_H, n_W, n_C), got {getattr(X, 'shape', type(X).__name__)}")
    mean = X.mean(axis=(0, 1, 2), dtype=np.float64)                  # (n_C,)
    std = np.maximum(X.std(axis=(0, 1, 2), dtype=np.float64), 1e-3)  # (n_C,)
    return mean.astype(X.dtype), std.astype(X.dtype)


def standardize(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(X - mean) / std per channel ("normalizing inputs", course 2 week 1), with the TRAINING
    set's statistics for every split. X: (m, n_H, n_W, n_C); mean, std: (n_C,)."""
    return (X - mean) / std


def one_hot(y: np.ndarray, n_classes: int, dtype=np.float32) -> np.ndarray:
    """Labels (m,) in [0, n_classes) -> one-hot columns Y: (n_classes, m)."""
    y = np.asarray(y).ravel()
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got values in [{y.min()}, {y.max()}]")
    return np.eye(n_classes, dtype=dtype)[:, y.astype(np.intp)]   # (n_classes, m)
