"""The course <-> Keras conventions (layout and LSTM gate order), numpy only."""
from __future__ import annotations

import numpy as np
import pytest

from course5.week1 import keras_mapping as km
from course5.week1 import lstm, rnn


def test_sequence_layout_round_trip(rng):
    x = rng.standard_normal((3, 4, 5))                    # (n_x, m, T_x)
    k = km.sequence_to_keras(x)
    assert k.shape == (4, 5, 3)                           # (m, T_x, n_x)
    np.testing.assert_array_equal(k[2, 1], x[:, 2, 1])    # example 2, step 1
    np.testing.assert_array_equal(km.sequence_from_keras(k), x)
    a0 = rng.standard_normal((6, 4))
    np.testing.assert_array_equal(km.state_from_keras(km.state_to_keras(a0)), a0)


def test_lstm_mapping_puts_each_gate_in_its_keras_block(rng):
    n_x, n_a = 3, 2
    params = lstm.init_params(n_x, n_a, rng)
    for k, g in enumerate(lstm.GATES):
        params["b" + g] = np.full((n_a, 1), float(k + 1))    # f=1, i=2, c=3, o=4
    kernel, recurrent, bias = km.lstm_to_keras(params)
    assert kernel.shape == (n_x, 4 * n_a) and recurrent.shape == (n_a, 4 * n_a)
    assert bias.shape == (4 * n_a,)
    np.testing.assert_array_equal(bias, [2, 2, 1, 1, 3, 3, 4, 4])   # i, f, c, o
    np.testing.assert_array_equal(kernel[:, n_a:2 * n_a], params["Wf"][:, n_a:].T)
    np.testing.assert_array_equal(recurrent[:, 3 * n_a:], params["Wo"][:, :n_a].T)


def test_lstm_round_trip(rng):
    params = lstm.init_params(4, 3, rng)
    back = km.lstm_from_keras(km.lstm_to_keras(params))
    assert list(back) == list(lstm.PARAM_KEYS)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_simple_rnn_round_trip(rng):
    params = rnn.init_params(4, 3, rng)
    kernel, recurrent, bias = km.simple_rnn_to_keras(params)
    assert kernel.shape == (4, 3) and recurrent.shape == (3, 3) and bias.shape == (3,)
    back = km.simple_rnn_from_keras([kernel, recurrent, bias])
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_mapping_errors():
    with pytest.raises(ValueError, match=r"\[kernel, recurrent_kernel, bias\]"):
        km.lstm_from_keras([np.zeros((3, 8)), np.zeros((2, 8))])
    with pytest.raises(ValueError, match=r"recurrent_kernel must have shape \(2, 8\)"):
        km.lstm_from_keras([np.zeros((3, 8)), np.zeros((3, 8)), np.zeros(8)])
    with pytest.raises(ValueError, match=r"\(n_x, 4 n_a\)"):
        km.lstm_from_keras([np.zeros((3, 7)), np.zeros((2, 7)), np.zeros(7)])
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        km.simple_rnn_from_keras([np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"\(n, m, T_x\)"):
        km.sequence_to_keras(np.zeros((2, 3)))
