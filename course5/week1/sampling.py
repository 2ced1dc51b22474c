"""Sampling new sequences from a trained model, with a temperature.

Lecture: "Sampling Novel Sequences". Start from x<1> = 0 and a<0> = 0; at each step take the
model's distribution over the next character, draw one, and feed it back as the next input,
until the end token (or ``max_length`` characters).

Temperature T reshapes the distribution before drawing: p_T = softmax(z / T) for logits z.
T = 1 samples the model as it is; T < 1 sharpens it (T -> 0 always takes the most likely
character, safe and repetitive); T > 1 flattens it (more surprising, more misspelt).

The step-by-step cells (``rnn_cell_forward``, ``lstm_cell_forward``) run the model here: the
numbers are the same as the sequence versions, one step at a time. ``sample_index`` is also
used by the Keras text generator (it only needs logits).
"""
from __future__ import annotations

import math

import numpy as np

from course5.week1 import char_model, lstm, rnn
from course5.week1.softmax_output import softmax
from course5.week1.vocab import END, Vocabulary


def check_temperature(temperature: float) -> float:
    if not isinstance(temperature, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(temperature)) or temperature <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return float(temperature)


def apply_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T) over the last axis. logits: (V,) or (k, V) -> same shape."""
    temperature = check_temperature(temperature)
    z = np.asarray(logits, dtype=np.float64) / temperature
    return softmax(z, axis=-1)


def sample_index(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One index drawn from softmax(logits / T). logits: (V,)."""
    p = apply_temperature(np.ravel(logits), temperature)
    return int(rng.choice(p.size, p=p))


def sample_name(params: dict[str, np.ndarray], vocab: Vocabulary, rng: np.random.Generator,
                temperature: float = 1.0, max_length: int = 50, prefix: str = "") -> str:
    """One generated name (without the end token).

    ``prefix`` (optional) is fed first and kept: the model continues it. Its characters must be
    in the vocabulary (and it cannot contain the end token). At most ``max_length`` characters
    are generated after the prefix.
    """
    check_temperature(temperature)
    if not isinstance(max_length, (int, np.integer)) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")
    if params["Wya"].shape[0] != vocab.size:
        raise ValueError(f"the model predicts {params['Wya'].shape[0]} symbols but the vocabulary "
                         f"has {vocab.size}")
    if END in prefix:
        raise ValueError(f"prefix {prefix!r} contains the end token (newline)")
    forced = list(vocab.encode(prefix))
    cell = char_model.infer_cell(params)
    n_a = params["Wya"].shape[1]
    V = vocab.size
    end = vocab.char_to_ix[END]
    x = np.zeros((V, 1))                       # x<1> = 0
    a = np.zeros((n_a, 1))
    c = np.zeros((n_a, 1))
    out: list[int] = []
    while True:
        if cell == "rnn":
            a, _ = rnn.rnn_cell_forward(x, a, params)
        else:
            a, c, _ = lstm.lstm_cell_forward(x, a, c, params)
        if forced:
            idx = forced.pop(0)
        else:
            if len(out) >= len(prefix) + max_length:
                break
            logits = (params["Wya"] @ a + params["by"])[:, 0]       # (V,)
            idx = sample_index(logits, temperature, rng)
            if idx == end:
                break
        out.append(idx)
        x = np.zeros((V, 1))
        x[idx, 0] = 1.0
    return vocab.decode(out)
