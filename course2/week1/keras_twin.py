"""The Keras twin of a DNNModel made of Dense layers: the same network, written the way
practitioners write it (Course 2, week 1, "two views, proven equal").

Mapping from the numpy model to Keras:

    Dense(n, act, keep_prob)   ->  keras.layers.Dense(n, act, kernel_regularizer=L2(l2))
                                   followed by keras.layers.Dropout(rate=1 - keep_prob)
    W (n, n_prev), b (n, 1)    ->  kernel (n_prev, n) = W^T, bias (n,) = b[:, 0]
    X (n_x, m), Y (1, m)       ->  x (m, n_x) = X^T, y (m, 1) = Y^T
    lambda / (2 m) ||W||^2     ->  L2(l2) adds l2 * sum(W**2) to the loss: l2 = lambda / (2 m),
                                   with m the training-set size (full-batch training). Keras
                                   makes the factor a float32 tensor before casting it to the
                                   weights' dtype, so in float64 the L2 term agrees to ~1e-8
                                   relative unless lambda / (2 m) is exact in float32 (the
                                   tests pick lambda = 0.625, m = 20: 2**-6, and agree to 1e-12)
    sigmoid output + BCE       ->  a linear last Dense and BinaryCrossentropy(from_logits=True)
                                   (the stable logits form, as the numpy model's fused path)

Keras' Dropout is inverted dropout too (scale by 1 / (1 - rate) in training, nothing at
test time); only the random masks differ. With dropout off (training=False) the cost and
its TensorFlow-autodiff gradients equal the numpy model's (tests/course2/week1).

TensorFlow is imported inside the functions (common.runner.import_tensorflow).
"""
from __future__ import annotations

import numpy as np

from common import runner
from course2.week1.layers import Dense
from course2.week1.model import DNNModel


def keras_l2_factor(l2_lambda: float, m: int) -> float:
    """The course's lambda / (2 m) as the factor of keras.regularizers.L2."""
    return l2_lambda / (2.0 * m)


def build_keras_twin(model: DNNModel, m_train: int, dtype: str = "float64"):
    """A keras.Sequential mirroring ``model`` (Dense layers, sigmoid output), outputting LOGITS.

    ``m_train``: the number of training examples, for the L2 mapping lambda / (2 m).
    Copies the numpy weights when the model is built."""
    runner.import_tensorflow()
    import keras

    if not all(isinstance(layer, Dense) for layer in model.layers):
        raise ValueError("the Keras twin mirrors models made of Dense layers only")
    if model.layers[-1].activation != "sigmoid":
        raise ValueError(f"the Keras twin expects a sigmoid output, got {model.layers[-1].activation!r}")
    if not model.built:
        raise ValueError("build or fit the numpy model first (its input size is needed)")
    factor = keras_l2_factor(model.l2_lambda, m_train)
    stack = [keras.Input(shape=model.input_shape, dtype=dtype)]
    for i, layer in enumerate(model.layers):
        last = i == len(model.layers) - 1
        stack.append(keras.layers.Dense(
            layer.units, activation=None if last else layer.activation, dtype=dtype,
            kernel_regularizer=keras.regularizers.L2(factor) if factor else None,
            name=f"dense{i}"))
        if layer.keep_prob < 1.0:
            stack.append(keras.layers.Dropout(1.0 - layer.keep_prob, name=f"dropout{i}", dtype=dtype))
    twin = keras.Sequential(stack, name="keras_twin")
    copy_weights_to_keras(model, twin)
    return twin


def _keras_dense(twin) -> list:
    import keras

    return [layer for layer in twin.layers if isinstance(layer, keras.layers.Dense)]


def copy_weights_to_keras(model: DNNModel, twin) -> None:
    """kernel = W^T (n_prev, n), bias = b[:, 0] (n,) for every Dense layer."""
    for layer, k_layer in zip(model.layers, _keras_dense(twin)):
        k_layer.set_weights([layer.params["W"].T, layer.params["b"][:, 0]])  # (n_prev, n), (n,)


def copy_weights_from_keras(twin, model: DNNModel) -> None:
    """The inverse of ``copy_weights_to_keras`` (in place into the numpy arrays)."""
    for layer, k_layer in zip(model.layers, _keras_dense(twin)):
        kernel, bias = k_layer.get_weights()
        layer.params["W"][...] = kernel.T          # (n_prev, n) -> (n, n_prev)
        layer.params["b"][...] = bias[:, None]     # (n,) -> (n, 1)


def keras_cost_and_grads(twin, X: np.ndarray, Y: np.ndarray,
                         training: bool = False) -> tuple[float, dict[str, np.ndarray]]:
    """The twin's cost (BCE from logits + its L2 losses) and TensorFlow-autodiff gradients,
    converted to the numpy model's names and shapes ({"layer{i}.W": (n, n_prev), ...}).
    X: (n_x, m), Y: (1, m) in course layout."""
    tf = runner.import_tensorflow()
    import keras

    x = tf.constant(X.T)                                       # (m, n_x)
    y = tf.constant(Y.T.astype(X.dtype))                       # (m, 1)
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype=x.dtype.name)
    denses = _keras_dense(twin)
    variables = [v for d in denses for v in (d.kernel, d.bias)]
    with tf.GradientTape() as tape:
        logits = twin(x, training=training)                    # (m, 1)
        cost = bce(y, logits)
        if twin.losses:
            cost = cost + tf.add_n(twin.losses)
    grads = tape.gradient(cost, variables)
    out = {}
    for i in range(len(denses)):
        out[f"layer{i}.W"] = grads[2 * i].numpy().T            # (n_prev, n) -> (n, n_prev)
        out[f"layer{i}.b"] = grads[2 * i + 1].numpy()[:, None]  # (n,) -> (n, 1)
    return float(cost.numpy()), out


def train_keras_twin(twin, X: np.ndarray, Y: np.ndarray, epochs: int, learning_rate: float) -> list[float]:
    """Full-batch gradient descent on the twin, the whole loop compiled as one tf.function
    (Keras' fit with batch_size=m does the same, far slower for tiny networks: see
    benchmarks/mlp_numpy_vs_keras.py). Returns the cost of every epoch; a NaN/inf cost stops
    with the iteration and a hint (checked after the compiled loop)."""
    tf = runner.import_tensorflow()
    import keras

    x = tf.constant(X.T)                                       # (m, n_x)
    y = tf.constant(Y.T.astype(X.dtype))                       # (m, 1)
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype=x.dtype.name)
    variables = twin.trainable_variables
    lr = tf.constant(learning_rate, dtype=x.dtype)

    @tf.function
    def train(n_epochs):
        costs = tf.TensorArray(x.dtype, size=n_epochs)
        for epoch in tf.range(n_epochs):
            with tf.GradientTape() as tape:
                cost = bce(y, twin(x, training=True))
                if twin.losses:
                    cost = cost + tf.add_n(twin.losses)
            for v, g in zip(variables, tape.gradient(cost, variables)):
                v.assign_sub(lr * g)
            costs = costs.write(epoch, cost)
        return costs.stack()

    costs = train(tf.constant(epochs)).numpy()
    bad = np.flatnonzero(~np.isfinite(costs))
    if bad.size:
        runner.check_finite(costs[bad[0]], int(bad[0]) + 1)
    return costs.tolist()


def keras_predict(twin, X: np.ndarray) -> np.ndarray:
    """Labels (1, m) from the twin's logits (no dropout)."""
    logits = twin(X.T, training=False)                         # (m, 1)
    return (np.asarray(logits).T > 0).astype(np.int64)        # (1, m)
