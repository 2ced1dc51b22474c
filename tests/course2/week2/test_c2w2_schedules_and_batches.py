"""Learning-rate schedules and shuffled mini-batches."""
from __future__ import annotations

import numpy as np
import pytest

from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel
from course2.week2 import mini_batches, optimizers, schedules


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(decay_rate=1.0)
    assert [s(0.1, e) for e in (0, 1, 9)] == pytest.approx([0.1, 0.05, 0.01])
    assert schedules.inverse_time_decay(0.5, 3, 0.5) == pytest.approx(0.2)


def test_step_decay_every_k_epochs():
    s = schedules.StepDecay(decay_rate=1.0, time_interval=1000)
    assert [s(0.1, e) for e in (0, 999, 1000, 1999, 2000, 4999)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.02])
    assert schedules.step_decay(1.0, 25, 0.5, 10) == pytest.approx(1 / 2)


def test_bad_schedule_settings_are_rejected():
    with pytest.raises(ValueError, match="decay_rate must be"):
        schedules.InverseTimeDecay(-1.0)
    with pytest.raises(ValueError, match="time_interval must be an integer >= 1"):
        schedules.StepDecay(1.0, 0)
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        schedules.step_decay(0.1, -1, 1.0, 10)


def test_fit_asks_the_schedule_every_epoch(rng):
    X = rng.normal(size=(2, 20))
    Y = (rng.random((1, 20)) > 0.5).astype(float)
    model = DNNModel([Dense(3, "relu"), Dense(1, "sigmoid")], BinaryCrossEntropy(),
                     optimizers.Momentum(0.2))
    history = model.fit(X, Y, 5, rng, mini_batch_size=8, batch_iterator=mini_batches.random_mini_batches,
                        schedule=schedules.StepDecay(1.0, 2), progress=False)
    assert history.learning_rates == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.2 / 3])
    assert history.steps == 15                                   # 3 batches (8, 8, 4) per epoch


def test_mini_batches_keep_the_last_partial_batch_and_cover_every_example(rng):
    X = np.arange(2 * 148, dtype=float).reshape(2, 148)          # column j holds j and 148 + j
    Y = np.arange(148)[None, :]
    batches = list(mini_batches.random_mini_batches(X, Y, 64, rng))
    assert [b[0].shape[1] for b in batches] == [64, 64, 20]
    assert mini_batches.number_of_batches(148, 64) == 3
    seen = np.concatenate([b[1][0] for b in batches])
    assert sorted(seen) == list(range(148))                      # a permutation of all examples
    assert not np.array_equal(seen, np.arange(148))              # shuffled
    for X_t, Y_t in batches:                                     # X and Y stay paired
        np.testing.assert_array_equal(X_t[0], Y_t[0])
        np.testing.assert_array_equal(X_t[1], Y_t[0] + 148)


def test_a_new_permutation_every_epoch_that_repeats_for_a_seed():
    X, Y = np.zeros((1, 50)), np.arange(50)[None, :]
    gen = np.random.default_rng(7)
    epoch1 = np.concatenate([b[1][0] for b in mini_batches.random_mini_batches(X, Y, 16, gen)])
    epoch2 = np.concatenate([b[1][0] for b in mini_batches.random_mini_batches(X, Y, 16, gen)])
    assert not np.array_equal(epoch1, epoch2)
    again = np.concatenate([b[1][0] for b in mini_batches.random_mini_batches(X, Y, 16, np.random.default_rng(7))])
    np.testing.assert_array_equal(epoch1, again)


def test_mini_batches_with_examples_first(rng):
    X = np.arange(10)[:, None, None, None] * np.ones((10, 2, 2, 1))   # (m, n_H, n_W, n_C)
    Y = np.arange(10)[None, :]
    batches = list(mini_batches.random_mini_batches(X, Y, 4, rng, batch_axis=0))
    assert [b[0].shape for b in batches] == [(4, 2, 2, 1), (4, 2, 2, 1), (2, 2, 2, 1)]
    for X_t, Y_t in batches:
        np.testing.assert_array_equal(X_t[:, 0, 0, 0], Y_t[0])


def test_bad_mini_batch_settings_are_rejected(rng):
    X, Y = np.zeros((2, 10)), np.zeros((1, 10))
    for size in (0, -3, None, 2.5):
        with pytest.raises(ValueError, match="mini_batch_size must be"):
            list(mini_batches.random_mini_batches(X, Y, size, rng))
    with pytest.raises(ValueError, match="same number of examples"):
        list(mini_batches.random_mini_batches(np.zeros((2, 9)), Y, 4, rng))
