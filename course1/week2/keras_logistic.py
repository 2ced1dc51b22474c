"""Logistic regression in Keras, written twice: the Sequential API and the Functional API.

Both build the same one-unit network, ``Dense(1)`` on the flattened pixels, and both are
trained the way the numpy version is: zero initial weights, full-batch plain gradient descent
(``SGD`` without momentum, one batch of all m examples per step), the mean cross-entropy.
Given the same data, the three then walk the same path of weights (a test checks it).

Layout: Keras wants examples in rows, ``(m, n_x)``; the course keeps them in columns,
``(n_x, m)``. The functions here take the course layout and transpose at the boundary.
The kernel (n_x, 1) is the numpy ``w`` (n_x, 1); the bias (1,) is ``b``.

Why the model outputs logits (no sigmoid layer) and the loss says ``from_logits=True``:
``keras.losses.BinaryCrossentropy()`` on *probabilities* first clips them into
``[epsilon, 1 - epsilon]`` (``keras.config.epsilon()`` = 1e-7) and only then takes logs. Where a
probability is clipped, (1) the loss is capped at -log(1e-7) ~ 16.1 instead of the true value,
and (2) the gradient through ``clip`` is exactly zero, so that example stops pushing the
weights at all (a test shows both). In the unclipped range the clipped loss also differs from
the true one by a hair. Keras 3 sometimes avoids this by quietly reading the logits that its
sigmoid activation attaches to its output, but whether that happens depends on how the output
tensor was produced. Outputting logits and using ``from_logits=True`` computes
``softplus(z) - y z`` exactly, like ``cost_from_logits`` in the numpy module, whatever the
graph looks like; ``predict_proba`` applies the sigmoid afterwards.

Everything runs in float64 so the comparison with numpy is exact up to rounding. Two details
need care for that. Keras losses compute in ``keras.config.floatx()`` (float32) unless given
``dtype=``: a float64 model would silently get float32 gradients. And a plain float learning
rate is stored by Keras in a float32 variable (0.005 becomes 0.004999999888...). A 2e-8 change
of the step size sounds harmless, but near the edge of stability (the cost briefly rising, as
on the synthetic cats at lr 0.005) gradient descent amplifies it step after step: after 60
steps the weights differed from numpy's by ~1e-4 relative. ``ExactLearningRate`` hands the
optimizer the rate in the variables' own dtype, and the difference drops to ~1e-13.
"""
from __future__ import annotations

import numpy as np

from common import runner
from common.progress import Progress
from course1.week2 import validation

tf = runner.import_tensorflow()  # this module is the Keras view: it needs TensorFlow anyway
import keras  # noqa: E402

DTYPE = "float64"


class ExactLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate returned in ``dtype`` (Keras would store a float in float32)."""

    def __init__(self, learning_rate: float, dtype: str = DTYPE) -> None:
        self.learning_rate = validation.check_learning_rate(learning_rate)
        self.dtype = dtype

    def __call__(self, step):
        return keras.ops.convert_to_tensor(self.learning_rate, dtype=self.dtype)

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate, "dtype": self.dtype}


def build_sequential(n_x: int, dtype: str = DTYPE):
    """``Sequential([Input(n_x), Dense(1)])`` with zero initial weights; outputs logits (m, 1)."""
    return keras.Sequential(
        [keras.Input(shape=(n_x,), dtype=dtype, name="pixels"),
         keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros",
                            dtype=dtype, name="logit")],
        name="logistic_sequential")


def build_functional(n_x: int, dtype: str = DTYPE):
    """The same network with the Functional API: tensors in, tensors out, then ``Model``."""
    pixels = keras.Input(shape=(n_x,), dtype=dtype, name="pixels")           # (m, n_x)
    logit = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros",
                               dtype=dtype, name="logit")(pixels)            # (m, 1)
    return keras.Model(inputs=pixels, outputs=logit, name="logistic_functional")


def compile_for_gradient_descent(model, learning_rate: float) -> None:
    """Plain gradient descent on the mean cross-entropy from logits (see the module docstring)."""
    dtype = model.inputs[0].dtype
    rate = ExactLearningRate(learning_rate, dtype)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate, momentum=0.0),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True, dtype=dtype),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")])


def _rows(X: np.ndarray, Y: np.ndarray, n_x: int) -> tuple[np.ndarray, np.ndarray]:
    X, Y = validation.check_XY(X, Y, n_x=n_x)
    return X.T, Y.T  # (n_x, m) -> (m, n_x);  (1, m) -> (m, 1)


def _n_inputs(model) -> int:
    return int(model.inputs[0].shape[-1])


def train_full_batch(model, X: np.ndarray, Y: np.ndarray, num_iterations: int,
                     record_every: int = 100, progress: bool = False) -> np.ndarray:
    """Full-batch gradient descent with the model's compiled optimizer and loss.

    X: (n_x, m), Y: (1, m) in the course layout. Each step is one ``tf.function``-compiled
    call (forward, ``tf.GradientTape``, ``optimizer.apply``); calling Keras ``fit`` once per
    step would add ~10 ms of bookkeeping each time. The cost is the one *before* each update,
    recorded every ``record_every`` steps, as in the numpy version. Returns the costs (k,).
    """
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model first (compile_for_gradient_descent)")
    num_iterations = validation.check_iterations(num_iterations)
    record_every = validation.check_iterations(record_every, "record_every")
    x_rows, y_rows = _rows(X, Y, _n_inputs(model))
    dtype = model.inputs[0].dtype
    x = tf.constant(x_rows, dtype=dtype)  # (m, n_x)
    y = tf.constant(y_rows, dtype=dtype)  # (m, 1)
    loss_fn, optimizer = model.loss, model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)  # create its state now, not inside the compiled step

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    costs = []
    bar = Progress(num_iterations, f"{model.name} (Keras)", enabled=progress)
    for i in range(num_iterations):
        cost = runner.check_finite(float(step()), i)
        if i % record_every == 0:
            costs.append(cost)
        bar.update(i + 1, cost=cost)
    return np.asarray(costs)


def fit_full_batch(model, X: np.ndarray, Y: np.ndarray, num_iterations: int) -> np.ndarray:
    """The same training with Keras' own ``fit``: one epoch = one batch of all m examples.

    The data goes in as a ``tf.data.Dataset`` holding a single batch (``from_tensors``), not as
    arrays: ``fit`` casts float arrays to ``keras.config.floatx()`` (float32) before batching,
    which would round the float64 pixels; a dataset is passed through as it is. Slower per step
    than ``train_full_batch``. Returns the per-epoch losses (num_iterations,), each the cost
    before that epoch's update (``fit`` logs them through a float32 mean, so they match the
    numpy costs to ~1e-7 even though the weights match to rounding).
    """
    num_iterations = validation.check_iterations(num_iterations)
    x_rows, y_rows = _rows(X, Y, _n_inputs(model))
    dtype = model.inputs[0].dtype
    one_batch = tf.data.Dataset.from_tensors(
        (tf.constant(x_rows, dtype=dtype), tf.constant(y_rows, dtype=dtype)))  # ((m, n_x), (m, 1))
    history = model.fit(one_batch, epochs=num_iterations, shuffle=False, verbose=0)
    return np.asarray(history.history["loss"])


def get_parameters(model) -> tuple[np.ndarray, float]:
    """The model's weights in the numpy layout: w (n_x, 1), b (float)."""
    kernel, bias = model.get_layer("logit").get_weights()  # (n_x, 1), (1,)
    return np.asarray(kernel, dtype=np.float64), float(bias[0])


def predict_proba(model, X: np.ndarray) -> np.ndarray:
    """P(y = 1 | x) for the columns of X (n_x, m) -> (1, m)."""
    X = validation.check_X(X, n_x=_n_inputs(model))
    logits = model(tf.constant(X.T, dtype=model.inputs[0].dtype), training=False)  # (m, 1)
    return tf.sigmoid(logits).numpy().T  # (m, 1) -> (1, m)


def predict(model, X: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Labels 0/1 (1, m) int64."""
    return (predict_proba(model, X) > threshold).astype(np.int64)
