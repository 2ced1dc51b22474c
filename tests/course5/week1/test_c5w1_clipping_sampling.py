"""Gradient clipping (by value and by norm), the optimizers, temperature sampling."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course5.week1 import char_model, clipping, optimizers, sampling
from course5.week1.vocab import Vocabulary


@pytest.fixture
def grads():
    return {"dWaa": np.array([[10.0, -0.5], [3.0, -7.0]]), "dba": np.array([[-20.0], [1.0]])}


# --- clipping ----------------------------------------------------------------------------
def test_clip_by_value(grads):
    clipped = clipping.clip_by_value(grads, 5.0)
    np.testing.assert_array_equal(clipped["dWaa"], [[5.0, -0.5], [3.0, -5.0]])
    np.testing.assert_array_equal(clipped["dba"], [[-5.0], [1.0]])
    assert grads["dWaa"][0, 0] == 10.0                    # input unchanged


def test_clip_by_norm_keeps_direction(grads):
    norm = math.sqrt(100 + 0.25 + 9 + 49 + 400 + 1)
    clipped, before = clipping.clip_by_norm(grads, 5.0)
    assert before == pytest.approx(norm)
    assert clipping.global_norm(clipped) == pytest.approx(5.0)
    for k in grads:
        np.testing.assert_allclose(clipped[k], grads[k] * 5.0 / norm)


def test_small_gradients_are_not_clipped(grads):
    clipped, _ = clipping.clip_by_norm(grads, 1000.0)
    for k in grads:
        np.testing.assert_array_equal(clipped[k], grads[k])
    for k, v in clipping.clip_by_value(grads, 100.0).items():
        np.testing.assert_array_equal(v, grads[k])


def test_clipping_errors(grads):
    for bad in (0, -1.0, float("nan"), "5"):
        with pytest.raises(ValueError, match="positive finite"):
            clipping.clip_by_value(grads, bad)
    with pytest.raises(ValueError, match="positive finite"):
        clipping.clip_by_norm(grads, 0.0)
    with pytest.raises(ValueError, match="one of"):
        clipping.clip(grads, "max", 5.0)


# --- optimizers --------------------------------------------------------------------------
def test_sgd_and_adam_steps():
    params = {"W": np.array([1.0, -2.0])}
    grads = {"dW": np.array([0.5, -4.0])}
    sgd = optimizers.SGD(0.1)
    sgd.update(params, grads, sgd.init(params))
    np.testing.assert_allclose(params["W"], [0.95, -1.6])
    adam = optimizers.Adam(0.01)
    state = adam.init(params)
    before = params["W"].copy()
    adam.update(params, grads, state)
    # the first Adam step moves each parameter by learning_rate against its gradient's sign
    np.testing.assert_allclose(params["W"] - before, [-0.01, 0.01], rtol=1e-6)
    assert state.t == 1
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optimizers.make("rmsprop", 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.make("sgd", -1.0)


# --- temperature -------------------------------------------------------------------------
def test_temperature_reshapes_the_distribution():
    logits = np.array([2.0, 1.0, 0.0])
    p1 = sampling.apply_temperature(logits, 1.0)
    np.testing.assert_allclose(p1, np.exp(logits) / np.exp(logits).sum())
    cold = sampling.apply_temperature(logits, 0.05)
    hot = sampling.apply_temperature(logits, 100.0)
    assert cold[0] > 0.999
    np.testing.assert_allclose(hot, 1 / 3, atol=0.01)
    assert sampling.apply_temperature(logits, 0.5)[0] > p1[0]


def test_sample_index_follows_the_distribution(rng):
    logits = np.log(np.array([0.7, 0.2, 0.1]))
    draws = [sampling.sample_index(logits, 1.0, rng) for _ in range(4000)]
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 4000, [0.7, 0.2, 0.1], atol=0.03)


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), float("nan")])
def test_bad_temperature(bad):
    with pytest.raises(ValueError, match="temperature"):
        sampling.apply_temperature(np.zeros(3), bad)


# --- sampling names ----------------------------------------------------------------------
@pytest.fixture
def model(rng):
    vocab = Vocabulary.from_names(["abc", "cab"])
    return vocab, char_model.init_params("lstm", vocab.size, 6, rng)


def test_samples_use_only_the_vocabulary_and_respect_max_length(model, rng):
    vocab, params = model
    for _ in range(20):
        name = sampling.sample_name(params, vocab, rng, temperature=1.0, max_length=7)
        assert set(name) <= {"a", "b", "c"} and len(name) <= 7


def test_sampling_is_reproducible_and_continues_a_prefix(model):
    vocab, params = model
    a = sampling.sample_name(params, vocab, np.random.default_rng(5), prefix="ca")
    b = sampling.sample_name(params, vocab, np.random.default_rng(5), prefix="ca")
    assert a == b and a.startswith("ca")


def test_a_model_that_always_ends_gives_empty_names(model, rng):
    vocab, params = model
    params = dict(params, by=np.array([[50.0], [0.0], [0.0], [0.0]]))  # end token certain
    assert sampling.sample_name(params, vocab, rng) == ""


def test_sampling_errors(model, rng):
    vocab, params = model
    with pytest.raises(ValueError, match=r"'z' \(U\+007A\) at position 1"):
        sampling.sample_name(params, vocab, rng, prefix="az")
    with pytest.raises(ValueError, match="end token"):
        sampling.sample_name(params, vocab, rng, prefix="a\n")
    with pytest.raises(ValueError, match="max_length"):
        sampling.sample_name(params, vocab, rng, max_length=0)
    with pytest.raises(ValueError, match="temperature"):
        sampling.sample_name(params, vocab, rng, temperature=0.0)
    other = Vocabulary.from_names(["abcd"])
    with pytest.raises(ValueError, match="predicts 4 symbols"):
        sampling.sample_name(params, other, rng)
