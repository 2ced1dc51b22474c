"""The character-level language model: a recurrent layer (RNN or LSTM) + a softmax output.

Lecture: "Language Model and Sequence Generation", "Sampling Novel Sequences". For a batch of
names (``vocab.make_batch``):

    a<1..T>      = recurrent layer(x<1..T>, a<0> = 0)          rnn.py or lstm.py
    y_hat<t>     = softmax(Wya a<t> + by)                       softmax_output.py
    J            = (1/m) sum over names and steps of -log y_hat<t>[y<t>]

so J is the course's per-name loss (the sum over a name's characters), averaged over the m
names of the batch; with m = 1 it is exactly the course's per-example loss. What we report is
the loss per character: the cross-entropy summed over every predicted character of the batch
(each name's letters and its end token), divided by the number of those characters,

    loss_per_char = sum over names and steps of -log y_hat<t>[y<t>] / sum over names of (len + 1)
                  = J m / n_chars

a character-weighted mean (long names count more than short ones; for one name it is that
name's loss / (len + 1)). A model that knows nothing scores ln(V) (ln 27 ~ 3.30 for a-z plus
the end token).

Parameters are one dict: the recurrent layer's (``Wax, Waa, ba`` or ``Wf, bf, ...``) and the
output's ``Wya (V, n_a)``, ``by (V, 1)``; gradients use the same names with a "d" in front.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from course5.week1 import lstm, rnn, softmax_output
from course5.week1.vocab import Batch

CELLS = ("rnn", "lstm")


class Recurrent(NamedTuple):
    """The functions of one recurrent layer type."""

    init: Callable
    forward: Callable
    backward: Callable
    keys: tuple[str, ...]


RECURRENT = {
    "rnn": Recurrent(rnn.init_params, rnn.rnn_forward, rnn.rnn_backward, rnn.PARAM_KEYS),
    "lstm": Recurrent(lstm.init_params, lstm.lstm_forward, lstm.lstm_backward, lstm.PARAM_KEYS),
}


def recurrent(cell: str) -> Recurrent:
    if cell not in RECURRENT:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    return RECURRENT[cell]


def init_params(cell: str, vocab_size: int, n_a: int, rng: np.random.Generator
                ) -> dict[str, np.ndarray]:
    """Recurrent parameters (see rnn.py / lstm.py) plus Wya ~ N(0, 1/n_a) (V, n_a), by = 0."""
    if vocab_size < 2 or n_a < 1:
        raise ValueError(f"need vocab_size >= 2 and n_a >= 1, got {vocab_size} and {n_a}")
    params = recurrent(cell).init(vocab_size, n_a, rng)
    params["Wya"] = rng.standard_normal((vocab_size, n_a)) / np.sqrt(n_a)
    params["by"] = np.zeros((vocab_size, 1))
    return params


def infer_cell(params: dict[str, np.ndarray]) -> str:
    """"rnn" or "lstm" from the parameter names."""
    if "Waa" in params:
        return "rnn"
    if "Wf" in params:
        return "lstm"
    raise ValueError(f"cannot tell the cell type from the parameters {sorted(params)}")


class Evaluation(NamedTuple):
    loss: float              # J: summed over each name's characters, averaged over names
    loss_per_char: float     # cross-entropy summed over all the batch's characters / n_chars
    accuracy: float          # next-character top-1 accuracy over the predicted characters
    n_chars: int             # predicted characters in the batch: sum of (len(name) + 1)


def _forward(params: dict[str, np.ndarray], batch: Batch):
    cell = infer_cell(params)
    X = batch.X.astype(params["Wya"].dtype, copy=False)
    a0 = np.zeros((params["Wya"].shape[1], X.shape[1]), dtype=X.dtype)
    a, rcache = recurrent(cell).forward(X, a0, params)
    logits, ocache = softmax_output.output_forward(a, params["Wya"], params["by"])
    return cell, logits, rcache, ocache


def loss_and_grads(params: dict[str, np.ndarray], batch: Batch
                   ) -> tuple[Evaluation, dict[str, np.ndarray]]:
    """J and dJ/d(every parameter) for one batch. Gradients are keyed "d" + parameter name."""
    if batch.X.shape[0] != params["Wya"].shape[0]:
        raise ValueError(f"batch has {batch.X.shape[0]} input symbols but the model's vocabulary "
                         f"has {params['Wya'].shape[0]}")
    cell, logits, rcache, ocache = _forward(params, batch)
    m = batch.X.shape[1]
    loss_sum, dlogits, n_chars = softmax_output.cross_entropy(logits, batch.Y, batch.mask)
    dlogits /= m
    ograds = softmax_output.output_backward(dlogits, ocache)
    rgrads = recurrent(cell).backward(ograds["da"], rcache)
    grads = {"dWya": ograds["dWya"], "dby": ograds["dby"]}
    grads.update({"d" + k: rgrads["d" + k] for k in recurrent(cell).keys})
    return _evaluation(logits, batch, loss_sum, n_chars), grads


def evaluate(params: dict[str, np.ndarray], batch: Batch) -> Evaluation:
    """Loss and next-character accuracy, no gradients."""
    _, logits, _, _ = _forward(params, batch)
    loss_sum, _, n_chars = softmax_output.cross_entropy(logits, batch.Y, batch.mask)
    return _evaluation(logits, batch, loss_sum, n_chars)


def _evaluation(logits: np.ndarray, batch: Batch, loss_sum: float, n_chars: int) -> Evaluation:
    m = batch.X.shape[1]
    correct = (logits.argmax(axis=0) == batch.Y) & batch.mask          # (m, T_x)
    return Evaluation(loss_sum / m, loss_sum / max(n_chars, 1),
                      float(correct.sum()) / max(n_chars, 1), n_chars)
