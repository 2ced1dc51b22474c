"""The deep network in Keras: ``Dense`` layers, the same weights, the same gradient descent.

``build_model([n_x, n_1, ..., n_{L-1}, 1])`` stacks ``Dense(n_l, relu)`` hidden layers and a
final ``Dense(1)`` that outputs the logit z[L] (the sigmoid is applied in ``predict_proba``;
week 2's module explains why the loss takes logits). Keras keeps examples in rows, so a Keras
kernel is the transpose of the numpy weight matrix:

    numpy  W[l]: (n_l, n_{l-1}), b[l]: (n_l, 1)      Z = W A_prev + b     (examples in columns)
    Keras  kernel: (n_{l-1}, n_l), bias: (n_l,)      Z = A_prev @ kernel + bias   (in rows)

``set_parameters``/``get_parameters`` convert between the two. The course's initialisation,
N(0, 1) / sqrt(n_{l-1}), is Keras' ``VarianceScaling(1.0, "fan_in", "untruncated_normal")``
(LeCun normal without truncation); ``build_model`` uses it, so a Keras model trained on its
own starts from the same distribution. To compare step by step, copy the numpy initial
weights in with ``set_parameters``.

Training reuses week 2's helpers: ``compile_for_gradient_descent`` (SGD without momentum,
cross-entropy from logits, both in float64 with an exact float64 learning rate) and
``train_full_batch`` (a compiled full-batch step).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from course1.week2 import keras_logistic
from course1.week2.keras_logistic import (  # noqa: F401  (re-exported for this week)
    compile_for_gradient_descent, fit_full_batch, keras, predict, predict_proba, tf,
    train_full_batch)
from course1.week4 import deep_network

DTYPE = "float64"


def build_model(layer_dims: Sequence[int], hidden_activation: str = "relu", dtype: str = DTYPE,
                name: str | None = None):
    """Input(n_x) -> Dense(n_1, act) -> ... -> Dense(1) (logits, shape (m, 1))."""
    dims = deep_network.check_layer_dims(layer_dims)
    if hidden_activation not in ("relu", "tanh", "sigmoid"):
        raise ValueError(
            f"hidden_activation must be relu, tanh or sigmoid, got {hidden_activation!r}")
    init = keras.initializers.VarianceScaling(1.0, mode="fan_in", distribution="untruncated_normal")
    stack = [keras.Input(shape=(dims[0],), dtype=dtype, name="pixels")]
    for l, n in enumerate(dims[1:], start=1):
        last = l == len(dims) - 1
        stack.append(keras.layers.Dense(n, activation=None if last else hidden_activation,
                                        kernel_initializer=init, bias_initializer="zeros",
                                        dtype=dtype, name=f"dense_{l}"))
    return keras.Sequential(stack, name=name or f"deep_{len(dims) - 1}_layer")


def _dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def set_parameters(model, parameters: dict[str, np.ndarray]) -> None:
    """Copy numpy W[l] (n_l, n_{l-1}), b[l] (n_l, 1) into the Keras kernels and biases."""
    dense = _dense_layers(model)
    deep_network.check_parameters(parameters, int(model.inputs[0].shape[-1]))
    if deep_network.num_layers(parameters) != len(dense):
        raise ValueError(f"the model has {len(dense)} Dense layers, the parameters "
                         f"{deep_network.num_layers(parameters)}")
    for l, layer in enumerate(dense, start=1):
        layer.set_weights([parameters[f"W{l}"].T,            # (n_l, n_{l-1}) -> (n_{l-1}, n_l)
                           parameters[f"b{l}"].ravel()])     # (n_l, 1) -> (n_l,)


def get_parameters(model) -> dict[str, np.ndarray]:
    """The Keras weights in the numpy layout (W[l] (n_l, n_{l-1}), b[l] (n_l, 1))."""
    parameters = {}
    for l, layer in enumerate(_dense_layers(model), start=1):
        kernel, bias = layer.get_weights()
        # (n_{l-1}, n_l) -> (n_l, n_{l-1})
        parameters[f"W{l}"] = np.asarray(kernel, dtype=np.float64).T
        parameters[f"b{l}"] = np.asarray(bias, dtype=np.float64)[:, None]  # (n_l,) -> (n_l, 1)
    return parameters


def gradients(model, X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """dJ/d(each weight) by ``tf.GradientTape``, in the numpy layout and names (dW1, db1, ...)."""
    x_rows, y_rows = keras_logistic._rows(X, Y, int(model.inputs[0].shape[-1]))
    dtype = model.inputs[0].dtype
    x, y = tf.constant(x_rows, dtype=dtype), tf.constant(y_rows, dtype=dtype)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True, dtype=dtype)
    dense = _dense_layers(model)
    with tf.GradientTape() as tape:
        J = loss_fn(y, model(x, training=True))
    grads = tape.gradient(J, [(layer.kernel, layer.bias) for layer in dense])
    out = {}
    for l, (d_kernel, d_bias) in enumerate(grads, start=1):
        out[f"dW{l}"] = d_kernel.numpy().T       # (n_{l-1}, n_l) -> (n_l, n_{l-1})
        out[f"db{l}"] = d_bias.numpy()[:, None]  # (n_l,) -> (n_l, 1)
    return out
