"""A 3-layer softmax classifier written from scratch in TensorFlow 2 (Course 2, week 3:
"TensorFlow", "Softmax regression", "Training a softmax classifier").

The course's TensorFlow introduction, done the TF2 way: no Keras model, only

* ``tf.Variable`` parameters in the course's shapes, ``W[l]: (n_l, n_{l-1})``, ``b[l]: (n_l, 1)``,
  Glorot-normal weights and zero biases;
* a forward pass LINEAR -> RELU -> LINEAR -> RELU -> LINEAR that returns the LOGITS ``Z3``
  (the softmax lives inside the loss: ``tf.nn.softmax_cross_entropy_with_logits`` is the
  stable log-sum-exp form, so the network never takes log of a rounded probability);
* ``tf.GradientTape`` for the gradients (TensorFlow's autodiff does the backward pass);
* ``tf.data`` for shuffled mini-batches of 32;
* a training step compiled by ``tf.function`` and Adam (learning rate 0.0001 as in the course).

The network is [12288, 25, 12, 6] on SIGNS (64x64x3 hand-sign images of the digits 0-5).
``numpy_twin`` (in ``run.py`` and the tests) builds the same network in the numpy engine from
the same initial weights and shows the forward values and gradients agree.

Layout: the variables follow the course (examples in columns), while ``tf.data`` slices
examples along the first axis, so a batch arrives as ``(b, 12288)`` and is transposed once in
``forward``.  TensorFlow is imported inside the functions (``import_tensorflow``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Mapping, NamedTuple, Sequence

import numpy as np

from common.runner import check_finite, import_tensorflow

SIGNS_LAYER_DIMS = (12288, 25, 12, 6)


# ---------------------------------------------------------------------------------------------
# Data: images -> course layout
# ---------------------------------------------------------------------------------------------
def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Integer labels y: (m,) in 0..n_classes-1  ->  one-hot Y: (n_classes, m) float64."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (m,), got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes or not np.issubdtype(y.dtype, np.integer)):
        raise ValueError(f"labels must be integers in 0..{n_classes - 1}, got values "
                         f"{y.min()}..{y.max()} of dtype {y.dtype}")
    Y = np.zeros((n_classes, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def images_to_columns(x: np.ndarray) -> np.ndarray:
    """(m, 64, 64, 3) uint8 images -> X: (12288, m) float64 in [0, 1] (examples in columns)."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"images must have shape (m, height, width, channels), got {x.shape}")
    m = x.shape[0]
    return x.reshape(m, -1).T.astype(np.float64) / 255.0      # (m, h*w*c) -> (h*w*c, m)


class Standardizer(NamedTuple):
    """Per-feature mean and standard deviation of the TRAINING set (course 2 week 1,
    "Normalizing inputs"): the test set is scaled with the same numbers."""

    mu: np.ndarray      # (n_x, 1)
    sigma: np.ndarray   # (n_x, 1)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """X: (n_x, m) -> (X - mu) / sigma: (n_x, m)."""
        if X.ndim != 2 or X.shape[0] != self.mu.shape[0]:
            raise ValueError(f"X must have shape ({self.mu.shape[0]}, m), got {X.shape}")
        return (X - self.mu) / self.sigma


def fit_standardizer(X_train: np.ndarray, floor: float = 1e-2) -> Standardizer:
    """Per-feature mean and std over the m training examples; ``floor`` keeps near-constant
    pixels from being blown up. X_train: (n_x, m)."""
    if X_train.ndim != 2 or X_train.shape[1] < 2:
        raise ValueError(f"X_train must have shape (n_x, m) with m >= 2, got {X_train.shape}")
    mu = X_train.mean(axis=1, keepdims=True)                   # (n_x, 1)
    sigma = np.maximum(X_train.std(axis=1, keepdims=True), floor)  # (n_x, 1)
    return Standardizer(mu, sigma)


def _check_xy(X: np.ndarray, Y: np.ndarray, layer_dims: Sequence[int]) -> None:
    if X.ndim != 2 or X.shape[0] != layer_dims[0]:
        raise ValueError(f"X must have shape ({layer_dims[0]}, m), got {X.shape}")
    if Y.ndim != 2 or Y.shape[0] != layer_dims[-1]:
        raise ValueError(f"Y must be one-hot with shape ({layer_dims[-1]}, m), got {Y.shape}")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must hold the same number of examples, got X {X.shape} and Y {Y.shape}")


# ---------------------------------------------------------------------------------------------
# Parameters, forward pass, cost
# ---------------------------------------------------------------------------------------------
def initialize_parameters(rng: np.random.Generator, layer_dims: Sequence[int] = SIGNS_LAYER_DIMS,
                          dtype: str = "float32") -> dict:
    """Glorot-normal weights and zero biases as ``tf.Variable``s (the initialisers' integer
    seeds are drawn from ``rng``, so the weights are reproducible from main()'s seed).

    Returns {"W1": (n_1, n_0), "b1": (n_1, 1), ..., "WL": (n_L, n_{L-1}), "bL": (n_L, 1)}.
    Glorot normal: a normal truncated at 2 standard deviations with std sqrt(2 / (n_in + n_out)).
    """
    tf = import_tensorflow()
    if len(layer_dims) < 2 or any(int(n) < 1 for n in layer_dims):
        raise ValueError(f"layer_dims must list at least two positive sizes, got {list(layer_dims)}")
    params = {}
    for l in range(1, len(layer_dims)):
        init = tf.keras.initializers.GlorotNormal(seed=int(rng.integers(2 ** 31 - 1)))
        shape = (int(layer_dims[l]), int(layer_dims[l - 1]))
        params[f"W{l}"] = tf.Variable(init(shape, dtype=dtype), name=f"W{l}")
        params[f"b{l}"] = tf.Variable(tf.zeros((shape[0], 1), dtype=dtype), name=f"b{l}")
    return params


def forward(params: dict, X_rows):
    """LINEAR -> RELU -> ... -> LINEAR. X_rows: (b, n_0) (a tf.data batch) -> logits ZL: (n_L, b)."""
    import tensorflow as tf  # already imported by initialize_parameters; plain import for tf.function
    L = len(params) // 2
    A = tf.transpose(X_rows)                                   # (b, n_0) -> (n_0, b)
    for l in range(1, L):
        A = tf.nn.relu(tf.matmul(params[f"W{l}"], A) + params[f"b{l}"])   # (n_l, b)
    return tf.matmul(params[f"W{L}"], A) + params[f"b{L}"]     # (n_L, b) logits, no softmax


def compute_cost(logits, Y_rows):
    """Mean softmax cross-entropy from logits. logits: (n_L, b), Y_rows: (b, n_L) one-hot -> scalar."""
    import tensorflow as tf
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        labels=Y_rows, logits=tf.transpose(logits)))           # (n_L, b) -> (b, n_L)


def cost_and_gradients(params: dict, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict]:
    """The cost on one batch in the course layout and its gradients by ``tf.GradientTape``.

    X: (n_0, m)   Y: (n_L, m) one-hot   ->   (cost, {"dW1": (n_1, n_0), "db1": (n_1, 1), ...})
    """
    tf = import_tensorflow()
    dtype = params["W1"].dtype
    x = tf.constant(X.T, dtype=dtype)                          # (m, n_0)
    y = tf.constant(Y.T, dtype=dtype)                          # (m, n_L)
    with tf.GradientTape() as tape:
        cost = compute_cost(forward(params, x), y)
    names = list(params)
    grads = tape.gradient(cost, [params[k] for k in names])
    return float(cost), {f"d{k}": g.numpy() for k, g in zip(names, grads)}


def predict(params: dict, X: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class predictions. X: (n_0, m) -> (m,) int64 (argmax of the logits)."""
    tf = import_tensorflow()
    dtype = params["W1"].dtype
    out = []
    for start in range(0, X.shape[1], batch_size):
        logits = forward(params, tf.constant(X[:, start:start + batch_size].T, dtype=dtype))
        out.append(np.argmax(logits.numpy(), axis=0))
    return np.concatenate(out).astype(np.int64) if out else np.zeros(0, dtype=np.int64)


def accuracy(params: dict, X: np.ndarray, Y: np.ndarray) -> float:
    """Fraction of examples whose argmax logit is the one-hot label. X: (n_0, m), Y: (n_L, m)."""
    return float(np.mean(predict(params, X) == np.argmax(Y, axis=0)))


def to_numpy(params: dict) -> dict[str, np.ndarray]:
    """The variables' current values as float64 numpy arrays (same names and shapes)."""
    return {k: np.asarray(v.numpy(), dtype=np.float64) for k, v in params.items()}


# ---------------------------------------------------------------------------------------------
# Training: tf.data mini-batches, a compiled step, Adam
# ---------------------------------------------------------------------------------------------
def make_dataset(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator, batch_size: int = 32,
                 dtype: str = "float32"):
    """Shuffled mini-batches (reshuffled every epoch; the shuffle seed is drawn from ``rng``).

    X: (n_0, m)   Y: (n_L, m)   ->   a tf.data.Dataset of (x: (b, n_0), y: (b, n_L)) batches
    """
    tf = import_tensorflow()
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    ds = tf.data.Dataset.from_tensor_slices((X.T.astype(dtype), Y.T.astype(dtype)))  # rows = examples
    ds = ds.shuffle(X.shape[1], seed=int(rng.integers(2 ** 31 - 1)), reshuffle_each_iteration=True)
    return ds.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)


def make_train_step(params: dict, optimizer):
    """A compiled training step: cost on the batch, gradients by the tape, one optimizer update.

    step(x: (b, n_0), y: (b, n_L)) -> cost (a scalar tensor). ``tf.function`` traces it once
    per input signature and then runs it as a graph.
    """
    tf = import_tensorflow()
    variables = list(params.values())

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            cost = compute_cost(forward(params, x), y)
        grads = tape.gradient(cost, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return cost

    return train_step


@dataclass
class TFHistory:
    """Per-epoch records of a training run."""

    cost: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0


def train(params: dict, X_train: np.ndarray, Y_train: np.ndarray, X_test: np.ndarray,
          Y_test: np.ndarray, rng: np.random.Generator, epochs: int = 100,
          learning_rate: float = 1e-4, batch_size: int = 32, record_every: int = 10,
          verbose: bool = True) -> TFHistory:
    """Train ``params`` in place with Adam on shuffled mini-batches.

    X_*: (n_0, m) scaled inputs   Y_*: (n_L, m) one-hot.  The epoch cost is the mean of the batch
    costs weighted by batch size. Accuracies are recorded every ``record_every`` epochs and at
    the end (they cost a full pass each).
    """
    layer_dims = [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, len(params) // 2 + 1)]
    _check_xy(X_train, Y_train, layer_dims)
    _check_xy(X_test, Y_test, layer_dims)
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    tf = import_tensorflow()
    dtype = params["W1"].dtype
    dataset = make_dataset(X_train, Y_train, rng, batch_size, dtype=dtype.name)
    train_step = make_train_step(params, tf.keras.optimizers.Adam(learning_rate=learning_rate))

    history = TFHistory()
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total, count = 0.0, 0
        for x, y in dataset:
            b = int(x.shape[0])
            total += float(train_step(x, y)) * b
            count += b
        cost = check_finite(total / count, epoch, "lower the learning rate")
        history.cost.append(cost)
        if epoch % record_every == 0 or epoch == epochs:
            history.train_accuracy.append(accuracy(params, X_train, Y_train))
            history.test_accuracy.append(accuracy(params, X_test, Y_test))
            if verbose:
                print(f"tf epoch {epoch:4d}  cost {cost:.4f}  train acc {history.train_accuracy[-1]:.3f}"
                      f"  test acc {history.test_accuracy[-1]:.3f}  ({time.perf_counter() - start:.1f}s)")
    history.seconds = time.perf_counter() - start
    return history


# ---------------------------------------------------------------------------------------------
# The same network in the numpy engine
# ---------------------------------------------------------------------------------------------
def numpy_twin(params: dict | Mapping[str, np.ndarray], learning_rate: float = 1e-4,
               epsilon: float = 1e-8, fuse_output: bool = True):
    """The engine's DNNModel with the same layers and a copy of the same weights:
    Dense(n_1, relu) -> ... -> Dense(n_L, softmax), categorical cross-entropy, Adam.

    ``params``: the tf.Variables (or numpy arrays) {"W1": (n_1, n_0), "b1": (n_1, 1), ...}.
    The engine applies the softmax in its last layer and fuses it with the loss (dZ = A - Y);
    TensorFlow keeps logits and softmax_cross_entropy_with_logits: the same function.
    """
    from course2.week1.layers import Dense
    from course2.week1.losses import CategoricalCrossEntropy
    from course2.week1.model import DNNModel
    from course2.week2.optimizers import Adam

    arrays = {k: np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=np.float64)
              for k, v in params.items()}
    L = len(arrays) // 2
    layers = [Dense(arrays[f"W{l}"].shape[0], "relu") for l in range(1, L)]
    layers.append(Dense(arrays[f"W{L}"].shape[0], "softmax"))
    model = DNNModel(layers, CategoricalCrossEntropy(), Adam(learning_rate, epsilon=epsilon),
                     fuse_output=fuse_output)
    model.build((arrays["W1"].shape[1],), np.random.default_rng(0))   # drawn values replaced below
    for l, layer in enumerate(model.layers, start=1):
        for name in ("W", "b"):
            if layer.params[name].shape != arrays[f"{name}{l}"].shape:
                raise ValueError(f"{name}{l} has shape {arrays[f'{name}{l}'].shape}, "
                                 f"the engine layer expects {layer.params[name].shape}")
            layer.params[name][...] = arrays[f"{name}{l}"]
    return model
