"""Batch normalisation for conv activations, written out in TensorFlow ops with its backward
pass by hand (Course 2 week 3 "Batch Norm", used here inside every ResNet block).

For a mini-batch ``x: (m, n_H, n_W, n_C)`` each channel c is normalised over its
N = m * n_H * n_W values:

    mu_c      = 1/N sum x                         (batch mean)
    sigma2_c  = 1/N sum (x - mu_c)^2              (batch variance, biased: divides by N)
    x_hat     = (x - mu_c) / sqrt(sigma2_c + epsilon)
    y         = gamma_c * x_hat + beta_c

This is Course 2 week 3's batch norm (``course2/week3/batchnorm.py``, ``Z: (n, m)``) with each
channel as a unit and every (example, row, column) position as an example; a test checks the
two agree.

Training vs inference (the explicit ``training`` flag):

* training:  normalise with the batch's (mu, sigma2) and update the moving statistics
             moving = momentum * moving + (1 - momentum) * batch_value
* inference: normalise with the moving statistics; nothing is updated.

Conventions, stated because frameworks differ:

* ``momentum`` is Keras' (``keras.layers.BatchNormalization(momentum=0.99)``): the weight of
  the OLD moving value. PyTorch's ``momentum`` is the weight of the NEW batch value, i.e.
  ``1 - momentum`` here.
* The moving variance is updated with the biased batch variance (divide by N), as Keras 3
  does; ``tf.compat.v1`` fused batch norm used the unbiased one (divide by N - 1).
* ``epsilon`` is added to the variance inside the square root (Keras default 1e-3).

Backward (dy -> dx, dgamma, dbeta), with inv_std = 1 / sqrt(sigma2 + epsilon):

    dbeta  = sum dy                    dgamma = sum dy * x_hat        (sums over m, n_H, n_W)
    dx_hat = dy * gamma
    dx     = inv_std / N * (N dx_hat - sum dx_hat - x_hat * sum(dx_hat * x_hat))

``batch_norm_train`` wraps forward and backward in ``tf.custom_gradient`` so TensorFlow uses
this backward; the tests check it in float64 against centred differences and against
TensorFlow's autodiff of ``tf.nn.moments`` + ``tf.nn.batch_normalization``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from common.runner import import_tensorflow

tf = import_tensorflow()

AXES = [0, 1, 2]  # reduce over (m, n_H, n_W): one statistic per channel


@dataclass(frozen=True)
class BNConfig:
    """Batch-norm hyperparameters in Keras' convention (see the module docstring)."""

    momentum: float = 0.99
    epsilon: float = 1e-3

    def __post_init__(self) -> None:
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"BN momentum (Keras convention: weight of the old moving value) "
                             f"must be in [0, 1), got {self.momentum}")
        if not self.epsilon > 0.0:
            raise ValueError(f"BN epsilon must be > 0, got {self.epsilon}")

    @property
    def pytorch_momentum(self) -> float:
        """The same update in PyTorch's convention (weight of the new batch value)."""
        return 1.0 - self.momentum


class BNCache(NamedTuple):
    """What the backward pass needs.

    x_hat: (m, n_H, n_W, n_C)   inv_std: (n_C,)   gamma: (n_C,)
    """

    x_hat: "tf.Tensor"
    inv_std: "tf.Tensor"
    gamma: "tf.Tensor"


class BNGrads(NamedTuple):
    """dx: (m, n_H, n_W, n_C)   dgamma: (n_C,)   dbeta: (n_C,)"""

    dx: "tf.Tensor"
    dgamma: "tf.Tensor"
    dbeta: "tf.Tensor"


def _check_input(x, gamma) -> None:
    if x.shape.rank != 4:
        raise ValueError(f"batch norm expects activations of shape (m, n_H, n_W, n_C), got {x.shape}")
    if x.shape[-1] is not None and gamma.shape[-1] != x.shape[-1]:
        raise ValueError(f"batch norm has {gamma.shape[-1]} channels but the input has "
                         f"{x.shape[-1]} (shape {x.shape})")


def batch_norm_train_forward(x, gamma, beta, epsilon: float):
    """Normalise with the batch's own statistics.

    x: (m, n_H, n_W, n_C)   gamma, beta: (n_C,)
    Returns ``(y, mean, variance, cache)`` with y: (m, n_H, n_W, n_C), mean and variance: (n_C,).
    """
    x = tf.convert_to_tensor(x)
    _check_input(x, gamma)
    mean = tf.reduce_mean(x, axis=AXES)                               # (n_C,)
    centred = x - mean                                                # (m, n_H, n_W, n_C)
    variance = tf.reduce_mean(tf.square(centred), axis=AXES)          # (n_C,), biased
    inv_std = tf.math.rsqrt(variance + epsilon)                       # (n_C,)
    x_hat = centred * inv_std
    y = _affine(x, gamma, beta, mean, inv_std)
    return y, mean, variance, BNCache(x_hat, inv_std, tf.convert_to_tensor(gamma))


def _affine(x, gamma, beta, mean, inv_std):
    """gamma * (x - mean) * inv_std + beta, evaluated as x * scale + shift (one multiply-add
    per value; the same rounding as ``tf.nn.batch_normalization``, so the Keras twin agrees
    to the last bits). x: (m, n_H, n_W, n_C); the rest (n_C,)."""
    scale = gamma * inv_std                                           # (n_C,)
    return x * scale + (beta - mean * scale)


def batch_norm_train_backward(dy, cache: BNCache) -> BNGrads:
    """Gradients of the training-mode forward with respect to x, gamma and beta.

    dy: (m, n_H, n_W, n_C) upstream gradient. Returns ``BNGrads``.
    """
    x_hat, inv_std, gamma = cache
    shape = tf.shape(x_hat)
    N = tf.cast(shape[0] * shape[1] * shape[2], x_hat.dtype)          # values per channel
    dbeta = tf.reduce_sum(dy, axis=AXES)                              # (n_C,)
    dgamma = tf.reduce_sum(dy * x_hat, axis=AXES)                     # (n_C,)
    dx_hat = dy * gamma                                               # (m, n_H, n_W, n_C)
    sum_dx_hat = tf.reduce_sum(dx_hat, axis=AXES)                     # (n_C,)
    sum_dx_hat_x_hat = tf.reduce_sum(dx_hat * x_hat, axis=AXES)       # (n_C,)
    dx = inv_std / N * (N * dx_hat - sum_dx_hat - x_hat * sum_dx_hat_x_hat)
    return BNGrads(dx, dgamma, dbeta)


def batch_norm_train(x, gamma, beta, epsilon: float):
    """Training-mode batch norm with the hand-written backward (``tf.custom_gradient``).

    x: (m, n_H, n_W, n_C)   gamma, beta: (n_C,)
    Returns ``(y, mean, variance)``. The statistics are outputs too, so that the moving
    averages can be updated; gradients that reach them (rare: only if a loss uses them) flow
    back to x through d mean/dx = 1/N and d variance/dx = 2 (x - mean) / N.
    """

    @tf.custom_gradient
    def _bn(x, gamma, beta):
        y, mean, variance, cache = batch_norm_train_forward(x, gamma, beta, epsilon)

        def grad(dy, dmean, dvariance):
            dx, dgamma, dbeta = batch_norm_train_backward(dy, cache)
            N = tf.cast(tf.reduce_prod(tf.shape(x)[:3]), x.dtype)
            if dmean is not None:
                dx = dx + dmean / N
            if dvariance is not None:
                # x - mean = x_hat / inv_std
                dx = dx + dvariance * 2.0 * cache.x_hat / (cache.inv_std * N)
            return dx, dgamma, dbeta

        return (y, mean, variance), grad

    return _bn(tf.convert_to_tensor(x), tf.convert_to_tensor(gamma), tf.convert_to_tensor(beta))


def batch_norm_inference(x, gamma, beta, moving_mean, moving_variance, epsilon: float):
    """Inference-mode batch norm: a fixed per-channel affine map from the moving statistics.

    x: (m, n_H, n_W, n_C)   gamma, beta, moving_mean, moving_variance: (n_C,)
    Returns y: (m, n_H, n_W, n_C). Autodiff handles its gradient (it is affine in x).
    """
    x = tf.convert_to_tensor(x)
    _check_input(x, gamma)
    return _affine(x, gamma, beta, moving_mean, tf.math.rsqrt(moving_variance + epsilon))


def update_moving_statistics(moving_mean, moving_variance, mean, variance, momentum: float):
    """moving = momentum * moving + (1 - momentum) * batch, for both statistics (Keras'
    convention). moving_mean, moving_variance: (n_C,) ``tf.Variable``s; mean, variance: (n_C,)."""
    moving_mean.assign(momentum * moving_mean + (1.0 - momentum) * tf.stop_gradient(mean))
    moving_variance.assign(momentum * moving_variance + (1.0 - momentum) * tf.stop_gradient(variance))


def batch_norm(x, gamma, beta, moving_mean, moving_variance, training: bool, config: BNConfig):
    """The layer: training mode normalises with batch statistics and updates the moving ones;
    inference mode uses the moving ones. x: (m, n_H, n_W, n_C) -> (m, n_H, n_W, n_C)."""
    if training:
        y, mean, variance = batch_norm_train(x, gamma, beta, config.epsilon)
        update_moving_statistics(moving_mean, moving_variance, mean, variance, config.momentum)
        return y
    return batch_norm_inference(x, gamma, beta, moving_mean, moving_variance, config.epsilon)


def batch_norm_reference(x, gamma, beta, epsilon: float):
    """TensorFlow's own ops for training-mode BN (autodiff differentiates them): the oracle
    for the tests. x: (m, n_H, n_W, n_C) -> (y, mean, variance)."""
    mean, variance = tf.nn.moments(x, axes=AXES)
    y = tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)
    return y, mean, variance
