"""Training a low-level model without ``model.fit``: tf.data mini-batches, a compiled
``tf.function`` step with ``tf.GradientTape``, and Adam written out on ``tf.Variable``s.

One training step on a mini-batch (X, y), the loop Keras' ``fit`` hides:

    with tf.GradientTape() as tape:
        logits = model(X, training=True)            # BN uses batch stats, updates moving ones
        J = mean cross-entropy(y, logits)            # from logits (log-sum-exp, stable)
    grads = tape.gradient(J, model.trainable_params)
    adam.apply(grads, model.trainable_params)

Adam (lecture "Adam optimization algorithm"), per parameter W with gradient dW at step t:

    v = beta1 v + (1 - beta1) dW          s = beta2 s + (1 - beta2) dW^2
    W -= alpha_t v / (sqrt(s) + epsilon)   with  alpha_t = learning_rate sqrt(1 - beta2^t) / (1 - beta1^t)

This is the lecture's bias-corrected update W -= lr v_hat / (sqrt(s_hat) + eps_t) written the
way Keras (and the Adam paper, section 2) computes it: Keras' epsilon sits outside the
bias correction, i.e. the lecture's epsilon at step t is ``epsilon / sqrt(1 - beta2^t)``. With
this form the update equals ``keras.optimizers.Adam`` exactly; a test shows the trajectories of
the low-level model and its Keras twin agree step by step.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from common import runner
from common.runner import import_tensorflow

tf = import_tensorflow()


class Adam:
    """Adam with explicit state: one (v, s) pair of ``tf.Variable``s per parameter and a step
    counter t. Create it before tracing a ``tf.function`` (variables cannot be created inside)."""

    def __init__(self, params: list, learning_rate: float = 1e-3, beta1: float = 0.9,
                 beta2: float = 0.999, epsilon: float = 1e-7) -> None:
        runner.check_positive("learning_rate", learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {beta}")
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.t = tf.Variable(0, dtype=tf.int64, trainable=False, name="adam/t")
        self.v = [tf.Variable(tf.zeros_like(p), trainable=False, name="adam/v") for p in params]
        self.s = [tf.Variable(tf.zeros_like(p), trainable=False, name="adam/s") for p in params]

    def apply(self, grads: list, params: list) -> None:
        """One update of every parameter (in place). grads[i] has the shape of params[i]."""
        if len(grads) != len(self.v):
            raise ValueError(f"Adam was made for {len(self.v)} parameters, got {len(grads)} gradients")
        self.t.assign_add(1)
        alphas = {}                      # alpha_t once per dtype (all float32 in practice)
        for g, W, v, s in zip(grads, params, self.v, self.s):
            if W.dtype not in alphas:
                t = tf.cast(self.t, W.dtype)
                alphas[W.dtype] = (self.learning_rate * tf.sqrt(1.0 - self.beta2 ** t)
                                   / (1.0 - self.beta1 ** t))
            v.assign_add((g - v) * (1.0 - self.beta1))              # v = beta1 v + (1-beta1) g
            s.assign_add((tf.square(g) - s) * (1.0 - self.beta2))   # s = beta2 s + (1-beta2) g^2
            W.assign_sub(alphas[W.dtype] * v / (tf.sqrt(s) + self.epsilon))


def to_float_images(x: np.ndarray) -> np.ndarray:
    """uint8 images (m, n_H, n_W, n_C) -> float32 in [0, 1]."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"images must have shape (m, height, width, channels), got {x.shape}")
    if x.dtype == np.uint8:
        return x.astype(np.float32) / 255.0
    return x.astype(np.float32)


def check_labels(y: np.ndarray, num_classes: int, m: int) -> np.ndarray:
    """Integer labels (m,) in 0..num_classes-1, as int64."""
    y = np.asarray(y)
    if y.shape != (m,):
        raise ValueError(f"labels must have shape ({m},) to match the images, got {y.shape}")
    if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must be integers in 0..{num_classes - 1}, got dtype {y.dtype} "
                         f"and range [{y.min()}, {y.max()}]")
    return y.astype(np.int64)


def augment_batch(x, seeds, max_shift: int, flip: bool):
    """Random left-right flips (when ``flip``) and shifts of up to ``max_shift`` pixels, one
    draw per image from its own stateless seed. A finger count survives both. The shift pads
    by reflection, so no black border changes the batch statistics BN sees.

    x: (b, n_H, n_W, n_C)   seeds: (b, 2) int64   ->   (b, n_H, n_W, n_C)
    """
    p = max_shift

    def one(args):
        image, seed = args                                            # (n_H, n_W, n_C), (2,)
        if flip:
            image = tf.image.stateless_random_flip_left_right(image, seed)
        if p:
            padded = tf.pad(image, [[p, p], [p, p], [0, 0]], mode="REFLECT")  # (n_H+2p, n_W+2p, n_C)
            image = tf.image.stateless_random_crop(padded, tf.shape(image), seed=seed + 1)
        return image

    return tf.map_fn(one, (x, seeds), fn_output_signature=x.dtype)


def make_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool, seed: int,
                 flip: bool = False, max_shift: int = 0):
    """tf.data pipeline of (images (b, n_H, n_W, n_C) float32, labels (b,) int64) mini-batches,
    reshuffled every epoch when ``shuffle``; with ``flip``/``max_shift`` every epoch sees
    freshly flipped and shifted copies (``augment_batch``). Deterministic for a given ``seed``."""
    if max_shift < 0 or (max_shift and max_shift >= min(x.shape[1:3])):
        raise ValueError(f"max_shift must be in 0..{min(x.shape[1:3]) - 1} pixels, got {max_shift}")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if flip or max_shift:
        # one (2,) stateless seed per image, a new stream every epoch
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        seeds = seeds.batch(2).batch(batch_size)                      # (batch_size, 2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda batch, s: (augment_batch(batch[0], s[:tf.shape(batch[0])[0]], max_shift, flip),
                              batch[1]),
            num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def recompute_bn_statistics(model, x: np.ndarray, batch_size: int = 256) -> None:
    """Replace every BN layer's moving statistics by their average over the batches of ``x``
    (training-mode forward passes with the final, fixed weights).

    During training the moving averages mix statistics of many slightly different networks
    (the weights moved at every step) and of augmented images; inference then normalises with
    numbers no single network produced. Averaging fresh batch statistics of the final network
    fixes that (PyTorch ships it as ``torch.optim.swa_utils.update_bn``). With the Keras
    update moving = momentum * moving + (1 - momentum) * batch, the momentum
    1 - n_k / (n_1 + ... + n_k) for the k-th batch (n_k images) leaves exactly the
    size-weighted mean of the batch values. x: (m, n_H, n_W, n_C) float32; the trainable
    weights do not change.
    """
    from dataclasses import replace

    original = model.bn_config
    seen = 0
    try:
        for start in range(0, len(x), batch_size):
            batch = x[start:start + batch_size]
            seen += len(batch)
            model.bn_config = replace(original, momentum=1.0 - len(batch) / seen)
            model(tf.constant(batch), training=True)
    finally:
        model.bn_config = original


def cross_entropy(logits, y):
    """Mean softmax cross-entropy from logits (m, C) and integer labels (m,)."""
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def make_train_step(model, optimizer: Adam) -> Callable:
    """A compiled step (x, y) -> (loss, number correct) that updates ``model`` in place.
    The batch axis is left free in the signature, so the last, smaller batch does not retrace."""
    spec_x = tf.TensorSpec([None, *model.input_shape], tf.float32)
    spec_y = tf.TensorSpec([None], tf.int64)

    # autograph=False: the step has no tensor-dependent control flow to convert (``training``
    # is a Python bool), and skipping the conversion makes tracing faster.
    @tf.function(input_signature=[spec_x, spec_y], autograph=False)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = cross_entropy(logits, y)
        grads = tape.gradient(loss, model.trainable_params)
        optimizer.apply(grads, model.trainable_params)
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, axis=-1), y), tf.float32))
        return loss, correct

    return train_step


def make_predict(model) -> Callable:
    """A compiled inference-mode forward pass x -> logits."""
    @tf.function(input_signature=[tf.TensorSpec([None, *model.input_shape], tf.float32)],
                 autograph=False)
    def predict(x):
        return model(x, training=False)

    return predict


def predict_logits(predict: Callable, x: np.ndarray, batch_size: int = 128) -> np.ndarray:
    """Logits (m, C) for float images x (m, n_H, n_W, n_C), in batches."""
    out = [predict(tf.constant(x[i:i + batch_size])).numpy() for i in range(0, len(x), batch_size)]
    return np.concatenate(out, axis=0)


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(logits, axis=1) == y))


@dataclass
class History:
    """Per-epoch curves: mean mini-batch loss, running train accuracy (training-mode BN, as the
    weights change), test accuracy (inference mode, end of epoch), seconds."""

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def fit(model, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
        epochs: int, batch_size: int, learning_rate: float, seed: int, flip: bool = False,
        max_shift: int = 0, verbose: bool = True) -> History:
    """Train ``model`` (a ``LowLevelResNet``) with Adam on mini-batches; one progress line per
    epoch. x_*: (m, n_H, n_W, n_C) float32 in [0, 1]; y_*: (m,) int64."""
    runner.check_positive("epochs", epochs)
    runner.check_positive("batch_size", batch_size)
    y_train = check_labels(y_train, model.num_classes, len(x_train))
    y_test = check_labels(y_test, model.num_classes, len(x_test))
    optimizer = Adam(model.trainable_params, learning_rate=learning_rate)
    train_step = make_train_step(model, optimizer)
    predict = make_predict(model)
    data = make_dataset(x_train, y_train, batch_size, shuffle=True, seed=seed, flip=flip,
                        max_shift=max_shift)
    history = History()
    iteration = 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total_loss, total_correct, seen = 0.0, 0.0, 0
        for xb, yb in data:
            loss, correct = train_step(xb, yb)
            iteration += 1
            n = int(xb.shape[0])
            total_loss += runner.check_finite(loss.numpy(), iteration,
                                              "lower --learning-rate or check the input scaling") * n
            total_correct += float(correct)
            seen += n
        history.loss.append(total_loss / seen)
        history.train_accuracy.append(total_correct / seen)
        history.test_accuracy.append(accuracy(predict_logits(predict, x_test), y_test))
        history.seconds.append(time.perf_counter() - start)
        if verbose:
            print(f"epoch {epoch}/{epochs}: loss {history.loss[-1]:.4f}  train acc (running) "
                  f"{history.train_accuracy[-1]:.3f}  test acc {history.test_accuracy[-1]:.3f}  "
                  f"{history.seconds[-1]:.1f}s", flush=True)
    return history
