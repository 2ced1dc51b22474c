"""The course's update rules in Keras' conventions (Course 2, week 2).

Keras writes the same three optimizers differently; with the mapping below, N steps on the
same gradients give the same parameters (tests/course2/week2, <= 1e-6; in practice ~1e-15).

Momentum.  course:  v = beta * v + (1 - beta) * dW,        W = W - lr * v
           Keras SGD(momentum=mu): u = mu * u - lr_k * dW,  W = W + u
           With u = -lr * v:  u = beta * u - lr * (1 - beta) * dW, so
               mu = beta,  lr_k = lr * (1 - beta)     (exact while lr is constant; a decaying
               lr enters Keras' velocity, the course's multiplies v, so schedules differ)

RMSprop.   course:  s = beta2 * s + (1 - beta2) * dW**2,   W = W - lr * dW / (sqrt(s) + eps)
           Keras:   same s with rho = beta2,                W = W - lr * dW / sqrt(s + eps_k)
           epsilon sits INSIDE the square root in Keras. No constant makes the two identical;
           eps_k = eps**2 agrees at s = 0 and the difference is O(eps / sqrt(s)) otherwise
               rho = beta2,  epsilon_k = epsilon**2

Adam.      course:  W = W - lr * v_hat / (sqrt(s_hat) + eps), v_hat = v / (1 - beta1**t),
                                                             s_hat = s / (1 - beta2**t)
           Keras:   alpha_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
                    W = W - alpha_t * v / (sqrt(s) + eps_hat)
           Multiplying the course's fraction through by sqrt(1 - beta2**t) gives Keras' form
           with eps_hat_t = eps * sqrt(1 - beta2**t): a per-step epsilon. Keras keeps one
           constant epsilon, so the two agree exactly when Keras' epsilon is updated each step
           (``adam_keras_epsilon``) and to O(eps) otherwise.

Precision: Keras stores the learning rate as a float32 variable and casts Adam's betas through
float32 (tf.cast of a Python float), even for float64 weights. 1 - beta2**t is sensitive to
that (float32(0.999) = 0.99900001: 1.3e-5 relative at t = 1), so for bit-level agreement
``float32_rounded`` gives the course optimizer the same rounded hyperparameters; then the
mapped runs agree to ~1e-16 (momentum, Adam) and RMSprop to its O(eps / sqrt(s)) gap.

TensorFlow is imported inside the functions.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np

from common import runner
from course2.week2 import optimizers


def keras_momentum_arguments(opt: optimizers.Momentum) -> dict:
    """keras.optimizers.SGD arguments equivalent to the course's Momentum."""
    return {"learning_rate": opt.learning_rate * (1.0 - opt.beta), "momentum": opt.beta}


def keras_rmsprop_arguments(opt: optimizers.RMSprop) -> dict:
    """keras.optimizers.RMSprop arguments closest to the course's RMSprop."""
    return {"learning_rate": opt.learning_rate, "rho": opt.beta2, "epsilon": opt.epsilon ** 2,
            "momentum": 0.0, "centered": False}


def keras_adam_arguments(opt: optimizers.Adam) -> dict:
    """keras.optimizers.Adam arguments; epsilon is the first step's eps_hat (see below)."""
    return {"learning_rate": opt.learning_rate, "beta_1": opt.beta1, "beta_2": opt.beta2,
            "epsilon": adam_keras_epsilon(opt, 1)}


def adam_keras_epsilon(opt: optimizers.Adam, t: int) -> float:
    """Keras' epsilon at step t (from 1) that reproduces the course's update: eps * sqrt(1 - beta2**t)."""
    return opt.epsilon * math.sqrt(1.0 - opt.beta2 ** t)


def float32_rounded(opt):
    """A copy of the course optimizer whose learning rate and betas are rounded through float32,
    as Keras does internally (see the module docstring)."""
    f32 = lambda x: float(np.float32(x))  # noqa: E731
    if isinstance(opt, optimizers.Adam):      # lr variable, tf.cast(beta_1), tf.cast(beta_2)
        return dataclasses.replace(opt, learning_rate=f32(opt.learning_rate),
                                   beta1=f32(opt.beta1), beta2=f32(opt.beta2))
    if isinstance(opt, optimizers.Momentum):  # tf.cast(momentum); lr * (1 - beta) is its own float32
        return dataclasses.replace(opt, beta=f32(opt.beta))
    return dataclasses.replace(opt, learning_rate=f32(opt.learning_rate))   # RMSprop, GD: lr only


def keras_twin_optimizer(opt):
    """The mapped keras optimizer for a course optimizer (GD, Momentum, RMSprop or Adam)."""
    runner.import_tensorflow()
    import keras

    if isinstance(opt, optimizers.Momentum):
        return keras.optimizers.SGD(**keras_momentum_arguments(opt))
    if isinstance(opt, optimizers.RMSprop):
        return keras.optimizers.RMSprop(**keras_rmsprop_arguments(opt))
    if isinstance(opt, optimizers.Adam):
        return keras.optimizers.Adam(**keras_adam_arguments(opt))
    if isinstance(opt, optimizers.GradientDescent):
        return keras.optimizers.SGD(learning_rate=opt.learning_rate)
    raise ValueError(f"unknown optimizer {opt!r}: expected GradientDescent, Momentum, RMSprop or Adam")


def run_numpy(opt, params: Sequence[np.ndarray], gradients: Sequence[Sequence[np.ndarray]]) -> list[np.ndarray]:
    """Apply the course optimizer to copies of ``params`` for each step's gradients."""
    params = [p.astype(np.float64).copy() for p in params]
    states = [opt.init_state(p) for p in params]
    for step_grads in gradients:
        for p, g, s in zip(params, step_grads, states):
            opt.update(p, g, s, opt.learning_rate)
    return params


def run_keras(keras_opt, params: Sequence[np.ndarray], gradients: Sequence[Sequence[np.ndarray]],
              course_adam: optimizers.Adam | None = None) -> list[np.ndarray]:
    """Apply a Keras optimizer to float64 variables holding ``params``, step by step. With
    ``course_adam`` its epsilon is set to eps * sqrt(1 - beta2**t) before step t."""
    tf = runner.import_tensorflow()
    import keras

    variables = [keras.Variable(p.astype(np.float64), dtype="float64") for p in params]
    for t, step_grads in enumerate(gradients, start=1):
        if course_adam is not None:
            keras_opt.epsilon = adam_keras_epsilon(course_adam, t)
        keras_opt.apply_gradients([(tf.constant(g), v) for g, v in zip(step_grads, variables)])
    return [np.asarray(v.numpy()) for v in variables]


def naive_keras_optimizer(opt):
    """The tempting but wrong translation: the same numbers in Keras' arguments."""
    runner.import_tensorflow()
    import keras

    if isinstance(opt, optimizers.Momentum):
        return keras.optimizers.SGD(learning_rate=opt.learning_rate, momentum=opt.beta)
    if isinstance(opt, optimizers.RMSprop):
        return keras.optimizers.RMSprop(learning_rate=opt.learning_rate, rho=opt.beta2, epsilon=opt.epsilon)
    if isinstance(opt, optimizers.Adam):
        return keras.optimizers.Adam(learning_rate=opt.learning_rate, beta_1=opt.beta1,
                                     beta_2=opt.beta2, epsilon=opt.epsilon)
    raise ValueError(f"unknown optimizer {opt!r}")


def compare(opt, params: Sequence[np.ndarray], gradients: Sequence[Sequence[np.ndarray]]) -> dict:
    """Max |difference| of the parameters after all steps: mapped and naive translations."""
    ours = run_numpy(opt, params, gradients)
    mapped = run_keras(keras_twin_optimizer(opt), params, gradients,
                       course_adam=opt if isinstance(opt, optimizers.Adam) else None)
    naive = run_keras(naive_keras_optimizer(opt), params, gradients)
    diff = lambda a, b: max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))  # noqa: E731
    return {"mapped": diff(ours, mapped), "naive": diff(ours, naive)}
