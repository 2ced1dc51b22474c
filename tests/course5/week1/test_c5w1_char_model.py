"""Vocabulary, padded batches, the softmax output layer and the whole language model."""
from __future__ import annotations

import math

import numpy as np
import pytest

from common.gradcheck import check_gradients
from course5.week1 import char_model, softmax_output
from course5.week1.vocab import END, Vocabulary, check_names, make_batch

NAMES = ["abe", "dab", "cadeb", "e", "bead"]


@pytest.fixture
def vocab():
    return Vocabulary.from_names(NAMES)


# --- vocabulary --------------------------------------------------------------------------
def test_vocabulary_course_order(vocab):
    assert vocab.chars == (END, "a", "b", "c", "d", "e")
    assert vocab.char_to_ix["\n"] == 0 and vocab.char_to_ix["a"] == 1
    np.testing.assert_array_equal(vocab.encode("bad"), [2, 1, 4])
    assert vocab.decode([2, 1, 4, 0]) == "bad\n"


def test_empty_corpus_is_a_clear_error():
    with pytest.raises(ValueError, match="corpus is empty"):
        Vocabulary.from_names([])
    with pytest.raises(ValueError, match="empty text"):
        Vocabulary.from_text("")
    with pytest.raises(ValueError, match="non-empty string"):
        check_names(["abc", ""])
    with pytest.raises(ValueError, match="newline"):
        check_names(["ab\ncd"])


def test_characters_outside_the_vocabulary(vocab):
    with pytest.raises(ValueError, match=r"'z' \(U\+007A\) at position 2 of 'abz'"):
        vocab.encode("abz")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        make_batch(["abc", "Abe"], vocab)
    with pytest.raises(ValueError, match=r"index 9 is outside the vocabulary \[0, 6\)"):
        vocab.decode([1, 9])


# --- batches -----------------------------------------------------------------------------
def test_batch_is_shifted_padded_and_masked(vocab):
    batch = make_batch(["dab", "e"], vocab)
    assert batch.X.shape == (6, 2, 4) and batch.Y.shape == (2, 4)
    assert not batch.X[:, :, 0].any()                       # x<1> = 0
    assert vocab.decode(batch.X[:, 0, 1:].argmax(axis=0)) == "dab"
    assert vocab.decode(batch.Y[0]) == "dab\n"
    assert vocab.decode(batch.Y[1, :2]) == "e\n"
    np.testing.assert_array_equal(batch.mask, [[1, 1, 1, 1], [1, 1, 0, 0]])
    assert not batch.X[:, 1, 2:].any()                      # padding is zeros


# --- output layer ------------------------------------------------------------------------
def test_softmax_and_log_softmax_are_stable():
    z = np.array([[1000.0, -1000.0], [0.0, 0.0], [-1000.0, 1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):   # underflow to 0 is fine
        p = softmax_output.softmax(z)
        lp = softmax_output.log_softmax(z)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    assert np.isfinite(lp).all()
    assert lp[2, 0] == pytest.approx(-2000.0)


def test_cross_entropy_of_a_uniform_model_is_ln_V():
    logits = np.zeros((27, 3, 4))
    loss, _, n = softmax_output.cross_entropy(logits, np.zeros((3, 4), int))
    assert n == 12 and loss / n == pytest.approx(math.log(27))


def test_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"shape \(m, T_x\) = \(2, 3\)"):
        softmax_output.cross_entropy(np.zeros((4, 2, 3)), np.zeros((3, 2), int))
    with pytest.raises(ValueError, match=r"class indices in \[0, 4\)"):
        softmax_output.cross_entropy(np.zeros((4, 2, 3)), np.full((2, 3), 4))


def test_output_layer_gradient_check(rng):
    a = rng.standard_normal((3, 2, 4))
    Wya, by = rng.standard_normal((5, 3)), rng.standard_normal((5, 1))
    Y = rng.integers(0, 5, (2, 4))
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)

    def loss():
        return softmax_output.cross_entropy(
            softmax_output.output_forward(a, Wya, by)[0], Y, mask)[0]

    logits, cache = softmax_output.output_forward(a, Wya, by)
    g = softmax_output.output_backward(softmax_output.cross_entropy(logits, Y, mask)[1], cache)
    report = check_gradients(loss, {"a": a, "Wya": Wya, "by": by},
                             {"a": g["da"], "Wya": g["dWya"], "by": g["dby"]})
    assert report.max_relative_error <= 1e-7, str(report)


# --- the whole model ---------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_whole_model_gradient_check_on_a_padded_batch(cell, vocab, rng):
    params = char_model.init_params(cell, vocab.size, 4, rng)
    for k in params:
        if k.startswith("b"):
            params[k] = 0.5 * rng.standard_normal(params[k].shape)
    batch = make_batch(["dab", "e", "cadeb"], vocab)
    _, grads = char_model.loss_and_grads(params, batch)

    def loss():
        return char_model.evaluate(params, batch).loss

    report = check_gradients(loss, params, {k: grads["d" + k] for k in params})
    assert report.max_relative_error <= 1e-7, str(report)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_padding_does_not_change_loss_or_gradients(cell, vocab, rng):
    """A padded mini-batch gives exactly the mean of the per-name losses and gradients."""
    params = char_model.init_params(cell, vocab.size, 4, rng)
    names = ["dab", "e", "cadeb"]
    ev, grads = char_model.loss_and_grads(params, make_batch(names, vocab))
    singles = [char_model.loss_and_grads(params, make_batch([n], vocab)) for n in names]
    assert ev.loss == pytest.approx(np.mean([s[0].loss for s in singles]), rel=1e-12)
    assert ev.n_chars == sum(len(n) + 1 for n in names)
    for k in grads:
        np.testing.assert_allclose(grads[k], np.mean([s[1][k] for s in singles], axis=0),
                                   atol=1e-12, err_msg=k)


def test_one_name_loss_is_the_course_per_example_loss(vocab, rng):
    """m = 1: J is the sum over the name's characters of -log p(next character)."""
    params = char_model.init_params("rnn", vocab.size, 4, rng)
    batch = make_batch(["bead"], vocab)
    ev = char_model.evaluate(params, batch)
    assert ev.n_chars == 5
    assert ev.loss == pytest.approx(5 * ev.loss_per_char)


def test_model_errors(vocab, rng):
    with pytest.raises(ValueError, match="cell must be one of"):
        char_model.init_params("gru", vocab.size, 4, rng)
    params = char_model.init_params("rnn", vocab.size + 1, 4, rng)
    with pytest.raises(ValueError, match="vocabulary has 7"):
        char_model.loss_and_grads(params, make_batch(["abe"], vocab))
    with pytest.raises(ValueError, match="cell type"):
        char_model.infer_cell({"W": np.zeros(1)})
