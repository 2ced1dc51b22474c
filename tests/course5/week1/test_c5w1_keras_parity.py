"""numpy == Keras/TensorFlow on the same weights: SimpleRNN, LSTM, the output layer, and the
whole character model (forward values and gradients, TensorFlow autodiff as the oracle)."""
from __future__ import annotations

import numpy as np
import pytest

from course5.week1 import char_model, lstm, rnn, softmax_output
from course5.week1 import keras_mapping as km
from course5.week1.vocab import Vocabulary, make_batch


@pytest.fixture(scope="module")
def tf():
    from common.runner import import_tensorflow

    return import_tensorflow()


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def _keras_grads(tf, layer, x, states, upstream):
    """Run ``layer`` on Keras-layout inputs and backpropagate sum(out * upstream)."""
    x = tf.constant(x)
    states = [tf.constant(s) for s in states]
    with tf.GradientTape() as tape:
        tape.watch([x] + states)
        out = layer(x, initial_state=states)
        loss = tf.reduce_sum(out * upstream)
    grads = tape.gradient(loss, [x] + states + list(layer.trainable_weights))
    return out.numpy(), [g.numpy() for g in grads]


def test_simple_rnn_equals_keras(tf, keras, rng):
    n_x, n_a, m, T = 3, 5, 4, 6
    params = rnn.init_params(n_x, n_a, rng)
    params["ba"] = rng.standard_normal((n_a, 1))
    x, a0 = rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T))
    layer = keras.layers.SimpleRNN(n_a, return_sequences=True, dtype="float64")
    layer.build((m, T, n_x))
    layer.set_weights(km.simple_rnn_to_keras(params))
    out, grads = _keras_grads(tf, layer, km.sequence_to_keras(x), [km.state_to_keras(a0)],
                              km.sequence_to_keras(da))
    a, cache = rnn.rnn_forward(x, a0, params)
    np.testing.assert_allclose(km.sequence_from_keras(out), a, atol=1e-12)
    g = rnn.rnn_backward(da, cache)
    np.testing.assert_allclose(km.sequence_from_keras(grads[0]), g["dx"], atol=1e-12)
    np.testing.assert_allclose(km.state_from_keras(grads[1]), g["da0"], atol=1e-12)
    expected = km.simple_rnn_to_keras({k: g["d" + k] for k in rnn.PARAM_KEYS})
    for ours, theirs in zip(expected, grads[2:]):
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_lstm_equals_keras(tf, keras, rng):
    n_x, n_a, m, T = 3, 5, 4, 6
    layer = keras.layers.LSTM(n_a, return_sequences=True, dtype="float64")
    layer.build((m, T, n_x))
    # Keras' own (random) weights, with a non-zero bias, mapped into the course's dict.
    kernel, recurrent, _ = layer.get_weights()
    layer.set_weights([kernel, recurrent, rng.standard_normal(4 * n_a)])
    params = km.lstm_from_keras(layer.get_weights())
    x = rng.standard_normal((n_x, m, T))
    a0, c0 = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    da = rng.standard_normal((n_a, m, T))
    out, grads = _keras_grads(tf, layer, km.sequence_to_keras(x),
                              [km.state_to_keras(a0), km.state_to_keras(c0)],
                              km.sequence_to_keras(da))
    a, cache = lstm.lstm_forward(x, a0, params, c0)
    np.testing.assert_allclose(km.sequence_from_keras(out), a, atol=1e-12)
    g = lstm.lstm_backward(da, cache)
    np.testing.assert_allclose(km.sequence_from_keras(grads[0]), g["dx"], atol=1e-12)
    np.testing.assert_allclose(km.state_from_keras(grads[1]), g["da0"], atol=1e-12)
    np.testing.assert_allclose(km.state_from_keras(grads[2]), g["dc0"], atol=1e-12)
    expected = km.lstm_to_keras({k: g["d" + k] for k in lstm.PARAM_KEYS})
    for ours, theirs in zip(expected, grads[3:]):
        np.testing.assert_allclose(ours, theirs, atol=1e-12)
    # The stepwise cell agrees with Keras too.
    a_slow, _, _ = lstm.lstm_forward_stepwise(x, a0, params, c0)
    np.testing.assert_allclose(km.sequence_from_keras(out), a_slow, atol=1e-12)


def test_wrong_gate_order_would_not_match(keras, rng):
    """A control: reading Keras' blocks as if they were in the lecture order (f, i, c, o)
    instead of (i, f, c, o) gives different outputs, so the parity test above can fail."""
    n_x, n_a, m, T = 2, 3, 2, 4
    layer = keras.layers.LSTM(n_a, return_sequences=True, dtype="float64")
    layer.build((m, T, n_x))
    kernel, recurrent, _ = layer.get_weights()
    bias = rng.standard_normal(4 * n_a)
    swap = np.r_[n_a:2 * n_a, 0:n_a, 2 * n_a:4 * n_a]            # exchange blocks i and f
    right = km.lstm_from_keras([kernel, recurrent, bias])
    wrong = km.lstm_from_keras([kernel[:, swap], recurrent[:, swap], bias[swap]])
    x = rng.standard_normal((n_x, m, T))
    a_right, _ = lstm.lstm_forward(x, np.zeros((n_a, m)), right)
    a_wrong, _ = lstm.lstm_forward(x, np.zeros((n_a, m)), wrong)
    assert np.abs(a_wrong - a_right).max() > 1e-3


def test_keras_forget_bias_lands_in_the_course_forget_gate(keras):
    """Keras itself says which block is the forget gate: with unit_forget_bias=True its bias
    initialiser puts ones in that block and zeros elsewhere. Mapped into the course's dict,
    the ones must be bf and nothing else, which pins KERAS_LSTM_GATE_ORDER to Keras' own."""
    n_x, n_a = 3, 4
    layer = keras.layers.LSTM(n_a, unit_forget_bias=True, dtype="float64")
    layer.build((2, 5, n_x))
    params = km.lstm_from_keras(layer.get_weights())
    np.testing.assert_array_equal(params["bf"], np.ones((n_a, 1)))
    for g in ("i", "c", "o"):
        np.testing.assert_array_equal(params["b" + g], np.zeros((n_a, 1)))


def test_output_layer_and_masked_cross_entropy_equal_tensorflow(tf, rng):
    n_a, n_y, m, T = 4, 6, 3, 5
    a = rng.standard_normal((n_a, m, T))
    Wya, by = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    Y = rng.integers(0, n_y, size=(m, T))
    mask = rng.random((m, T)) < 0.7
    logits, cache = softmax_output.output_forward(a, Wya, by)
    loss, dlogits, n = softmax_output.cross_entropy(logits, Y, mask)
    grads = softmax_output.output_backward(dlogits, cache)
    ta, tW, tb = (tf.Variable(v) for v in (a, Wya, by))
    with tf.GradientTape() as tape:
        z = tf.einsum("ya,amt->ymt", tW, ta) + tb[:, :, None]
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant(Y), logits=tf.transpose(z, (1, 2, 0)))   # (m, T)
        tloss = tf.reduce_sum(ce * tf.cast(mask, tf.float64))
    tda, tdW, tdb = tape.gradient(tloss, [ta, tW, tb])
    assert n == int(mask.sum())
    np.testing.assert_allclose(loss, tloss.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads["da"], tda.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dWya"], tdW.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dby"], tdb.numpy(), atol=1e-12)


def test_whole_character_model_equals_tensorflow(tf, keras, rng):
    """The language model's loss and every gradient: numpy vs Keras SimpleRNN + Dense +
    masked cross-entropy under tf.GradientTape, on padded names."""
    names = ["abc", "b", "cabba"]
    vocab = Vocabulary.from_names(names)
    params = char_model.init_params("rnn", vocab.size, 5, rng)
    params["ba"] = rng.standard_normal(params["ba"].shape)
    params["by"] = rng.standard_normal(params["by"].shape)
    batch = make_batch(names, vocab)
    ev, grads = char_model.loss_and_grads(params, batch)

    layer = keras.layers.SimpleRNN(5, return_sequences=True, dtype="float64")
    layer.build((3, batch.X.shape[2], vocab.size))
    layer.set_weights(km.simple_rnn_to_keras(params))
    Wya, by = tf.Variable(params["Wya"]), tf.Variable(params["by"])
    with tf.GradientTape() as tape:
        h = layer(tf.constant(km.sequence_to_keras(batch.X)))           # (m, T, n_a)
        z = tf.einsum("mta,ya->mty", h, Wya) + by[:, 0]
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=batch.Y, logits=z)
        loss = tf.reduce_sum(ce * tf.cast(batch.mask, tf.float64)) / 3.0
    tg = tape.gradient(loss, list(layer.trainable_weights) + [Wya, by])
    np.testing.assert_allclose(ev.loss, loss.numpy(), rtol=1e-12)
    ours = km.simple_rnn_to_keras({k: grads["d" + k] for k in rnn.PARAM_KEYS})
    for o, t in zip(ours + [grads["dWya"], grads["dby"]], tg):
        np.testing.assert_allclose(o, t.numpy(), atol=1e-12)
