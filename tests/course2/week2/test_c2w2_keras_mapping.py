"""The course's update rules and Keras' optimizers: N steps on the same gradients, equal
parameters under the mapping (course2/week2/keras_mapping.py)."""
from __future__ import annotations

import numpy as np
import pytest

from common import runner
from course2.week2 import keras_mapping as km
from course2.week2 import optimizers

runner.import_tensorflow()

STEPS = 60


@pytest.fixture
def problem():
    gen = np.random.default_rng(3)
    params = [gen.normal(size=(4, 3)), gen.normal(size=(4, 1))]
    grads = [[gen.normal(0, 0.1, p.shape) for p in params] for _ in range(STEPS)]
    return params, grads


@pytest.mark.parametrize("opt", [
    optimizers.Momentum(0.01, beta=0.9),
    optimizers.Adam(0.01, 0.9, 0.999, 1e-8),           # the course's defaults
    optimizers.Adam(0.003, 0.8, 0.99, 1e-3),           # an epsilon large enough to matter
    optimizers.RMSprop(0.001, 0.999, 1e-10),           # epsilon placement: gap O(eps / sqrt(s))
    optimizers.RMSprop(0.01, 0.9, 1e-8),               # the course's epsilon, Keras' rho: 4e-7
])
def test_mapped_keras_optimizer_gives_the_same_parameters(problem, opt):
    """The mapping includes Keras' float32 hyperparameters (float32_rounded): without it Adam's
    1 - beta2**t alone drifts by ~1e-6 over 60 steps."""
    params, grads = problem
    result = km.compare(km.float32_rounded(opt), params, grads)
    assert result["mapped"] <= 1e-6, result
    if not (isinstance(opt, optimizers.Adam) and opt.epsilon < 1e-6):   # a tiny epsilon hides Adam's
        assert result["naive"] > 10 * result["mapped"], result          # difference


@pytest.mark.parametrize("opt", [optimizers.Momentum(0.01, 0.9), optimizers.Adam(0.01, 0.9, 0.999, 1e-3)])
def test_with_keras_float32_hyperparameters_the_match_is_exact(problem, opt):
    params, grads = problem
    result = km.compare(km.float32_rounded(opt), params, grads)
    assert result["mapped"] <= 1e-9                                      # momentum: lr * (1 - beta) in float32
    if isinstance(opt, optimizers.Adam):
        assert result["mapped"] <= 1e-14
    assert result["naive"] > 1e-3                                        # the naive translation is wrong


def test_rmsprop_gap_is_only_the_epsilon_placement(problem):
    params, grads = problem
    gaps = [km.compare(km.float32_rounded(optimizers.RMSprop(0.01, 0.9, eps)), params, grads)["mapped"]
            for eps in (1e-6, 1e-8)]
    assert gaps[0] / gaps[1] == pytest.approx(100, rel=0.2)             # linear in epsilon


def test_the_mapping_arguments():
    assert km.keras_momentum_arguments(optimizers.Momentum(0.1, 0.9)) == pytest.approx(
        {"learning_rate": 0.01, "momentum": 0.9})
    assert km.keras_rmsprop_arguments(optimizers.RMSprop(0.1, 0.99, 1e-4))["epsilon"] == pytest.approx(1e-8)
    adam = optimizers.Adam(0.1, 0.9, 0.999, 1e-8)
    assert km.adam_keras_epsilon(adam, 1) == pytest.approx(1e-8 * np.sqrt(0.001))
    assert km.adam_keras_epsilon(adam, 100_000) == pytest.approx(1e-8, rel=1e-6)
    with pytest.raises(ValueError, match="unknown optimizer"):
        km.keras_twin_optimizer(object())
