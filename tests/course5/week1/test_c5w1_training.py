"""The training loop: smoothing, batches, clipping inside training, NaN stop, learning."""
from __future__ import annotations

import math

import numpy as np
import pytest

from common.runner import NonFiniteLossError
from common.standins.names import make_names
from common import blas_threads
from course5.week1 import char_model, training
from course5.week1.vocab import Vocabulary, make_batch


@pytest.fixture(scope="module")
def corpus():
    names = make_names(seed=0)
    return names[::10], names[1::10], Vocabulary.from_names(names)   # train, held out


@pytest.fixture(autouse=True)
def one_blas_thread():
    with blas_threads.limit_blas_threads(1):
        yield


def test_smooth_is_an_exponential_moving_average():
    assert training.smooth(3.0, 1.0, 0.9) == pytest.approx(2.8)
    assert training.smooth(3.0, 1.0, 0.0) == 1.0
    with pytest.raises(ValueError, match="beta"):
        training.smooth(1.0, 1.0, 1.0)


def test_batches_cover_every_name_once_per_epoch(rng):
    names = [f"n{k}" for k in range(10)]
    stream = training.batches(names, 4, rng)
    epoch = [next(stream) for _ in range(3)]
    assert [len(b) for b in epoch] == [4, 4, 2]
    assert sorted(sum(epoch, [])) == sorted(names)
    with pytest.raises(ValueError, match="batch_size"):
        next(training.batches(names, 0, rng))
    with pytest.raises(ValueError, match="corpus is empty"):
        next(training.batches([], 4, rng))


def test_training_arguments_are_checked(corpus, rng):
    train, _, vocab = corpus
    params = char_model.init_params("rnn", vocab.size, 8, rng)
    with pytest.raises(ValueError, match="iterations"):
        training.train(params, train, vocab, rng, iterations=0)
    with pytest.raises(ValueError, match="clip_mode"):
        training.train(params, train, vocab, rng, iterations=1, clip_mode="max")
    with pytest.raises(ValueError, match="optimizer"):
        training.train(params, train, vocab, rng, iterations=1, optimizer="lbfgs")


def test_nan_loss_stops_with_the_iteration(corpus, rng):
    train, _, vocab = corpus
    params = char_model.init_params("rnn", vocab.size, 8, rng)
    params["Wya"][0, 0] = np.nan
    with pytest.raises(NonFiniteLossError, match="iteration 1.*clip"):
        training.train(params, train, vocab, rng, iterations=5, progress=False)


def test_clipping_by_norm_bounds_every_update(corpus, rng):
    """With a tiny max_norm every step is clipped, so each update is at most lr * max_norm."""
    train, _, vocab = corpus
    params = char_model.init_params("rnn", vocab.size, 8, rng)
    before = {k: v.copy() for k, v in params.items()}
    result = training.train(params, train, vocab, rng, iterations=1, batch_size=4,
                            optimizer="sgd", learning_rate=1.0, clip_mode="norm",
                            clip_threshold=1e-3, progress=False)
    step = math.sqrt(sum(float(np.sum((params[k] - before[k]) ** 2)) for k in params))
    assert result.clipped_fraction == 1.0
    assert result.grad_norms[0] > 1e-3
    assert step == pytest.approx(1e-3, rel=1e-9)


def test_clipping_by_value_bounds_every_entry(corpus, rng):
    train, _, vocab = corpus
    params = char_model.init_params("lstm", vocab.size, 8, rng)
    before = {k: v.copy() for k, v in params.items()}
    training.train(params, train, vocab, rng, iterations=1, batch_size=4, optimizer="sgd",
                   learning_rate=1.0, clip_mode="value", clip_threshold=1e-4, progress=False)
    largest = max(float(np.abs(params[k] - before[k]).max()) for k in params)
    assert largest <= 1e-4 * (1 + 1e-12)


@pytest.mark.slow
def test_minibatch_rnn_learns_the_names(corpus, rng):
    """Mini-batches + Adam: held-out loss per character well below ln 27 and below the
    letter-frequency baseline (so it learned which letters follow which)."""
    names, vocab = make_names(seed=0), corpus[2]
    train = [n for k, n in enumerate(names) if k % 10]                # 90%, every 10th held out
    held = names[::10]
    params = char_model.init_params("rnn", vocab.size, 50, rng)
    result = training.train(params, train, vocab, rng, iterations=500, batch_size=32,
                            optimizer="adam", learning_rate=0.01, progress=False)
    held_loss = char_model.evaluate(params, make_batch(held, vocab)).loss_per_char
    counts = np.bincount(np.concatenate([vocab.encode(n + "\n") for n in train]))
    p = counts[counts > 0] / counts.sum()
    letter_frequencies = float(-(p * np.log(p)).sum())          # about 2.95
    assert result.smoothed_loss[-1] < 2.2
    assert held_loss < 2.1 < letter_frequencies - 0.5 < math.log(27) - 0.8


@pytest.mark.slow
def test_per_example_sgd_lstm_learns(corpus, rng):
    """The course's way: one name per update, plain SGD, clipping by value at 5."""
    train, _, vocab = corpus
    params = char_model.init_params("lstm", vocab.size, 32, rng)
    result = training.train(params, train, vocab, rng, iterations=1500, batch_size=1,
                            optimizer="sgd", learning_rate=0.05, clip_mode="value",
                            clip_threshold=5.0, beta=0.99, progress=False)
    assert result.smoothed_loss[0] > 3.2
    assert result.smoothed_loss[-1] < 2.5
