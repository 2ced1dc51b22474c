"""A Keras LSTM that writes text one character at a time (the course's optional "write like
Shakespeare" part, on any UTF-8 text).

Lecture: "Language Model and Sequence Generation", "Sampling Novel Sequences", "LSTM".

* Data: the text is cut into fixed-length windows of ``seq_len`` characters, sliding by
  ``step``; the target of each window is the character that follows it.

      "and yet i"  ->  " "        window k = text[k*step : k*step + seq_len]

* Model: characters (integer indices) -> one-hot -> ``keras.layers.LSTM(units)`` -> Dense
  logits over the vocabulary; trained with sparse categorical cross-entropy from logits.
  The input length is left open, so generation can start from a seed shorter than a window.
* Generation (``TextSampler``): feed the last ``seq_len`` characters, draw the next one from
  softmax(logits / temperature) (``sampling.sample_index``), append, repeat.

TensorFlow is imported inside the functions that need it, so importing this module is cheap.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from course5.week1 import sampling
from course5.week1.vocab import Vocabulary


def read_text(path: str | Path, lower: bool = True) -> str:
    """The text of a UTF-8 file (lower-cased unless ``lower=False``), with clear errors."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"text file {path} was not found (expected a UTF-8 text file; "
                                f"omit --text to use the built-in text)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not UTF-8 text ({err}); save it as UTF-8 and try again") \
            from err
    if not text.strip():
        raise ValueError(f"{path} is empty: expected some text to learn from")
    return text.lower() if lower else text


class Windows(NamedTuple):
    """X: (N, seq_len) int32 character indices; y: (N,) int32 the next character."""

    X: np.ndarray
    y: np.ndarray


def make_windows(indices: np.ndarray, seq_len: int, step: int) -> Windows:
    """Fixed-length windows over an encoded text and the character after each."""
    indices = np.asarray(indices)
    if indices.ndim != 1:
        raise ValueError(f"expected a 1-D array of character indices, got shape {indices.shape}")
    for name, value in (("seq_len", seq_len), ("step", step)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if indices.size < seq_len + 1:
        raise ValueError(f"the text has {indices.size} characters; windows of seq_len={seq_len} "
                         f"need at least {seq_len + 1} (use a longer text or a smaller --seq-len)")
    starts = np.arange(0, indices.size - seq_len, step)                  # (N,)
    X = indices[starts[:, None] + np.arange(seq_len)[None, :]]           # (N, seq_len)
    y = indices[starts + seq_len]                                        # (N,)
    return Windows(X.astype(np.int32), y.astype(np.int32))


def split_text(indices: np.ndarray, held_out_fraction: float, seq_len: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Train on the first part of the text, hold out the end (no window crosses the cut)."""
    if not 0.0 <= held_out_fraction < 1.0:
        raise ValueError(f"held_out_fraction must be in [0, 1), got {held_out_fraction!r}")
    n_held = int(len(indices) * held_out_fraction)
    if n_held and n_held < seq_len + 1:
        n_held = 0                        # too short to make even one held-out window
    return indices[:len(indices) - n_held], indices[len(indices) - n_held:]


def build_model(vocab_size: int, units: int = 128):
    """indices (m, T) -> one-hot (m, T, V) -> LSTM(units) -> Dense(V) logits (m, V)."""
    from common.runner import import_tensorflow

    import_tensorflow()
    import keras

    class OneHot(keras.layers.Layer):
        """Integer indices (m, T) -> one-hot vectors (m, T, depth), as the lecture feeds them."""

        def __init__(self, depth: int, **kwargs) -> None:
            super().__init__(**kwargs)
            self.depth = depth

        def call(self, indices):
            return keras.ops.one_hot(keras.ops.cast(indices, "int32"), self.depth)

        def get_config(self) -> dict:
            return {**super().get_config(), "depth": self.depth}

    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = OneHot(vocab_size, name="one_hot")(inputs)                              # (m, T, V)
    x = keras.layers.LSTM(units, name="lstm")(x)                                # (m, units)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)                   # (m, V)
    return keras.Model(inputs, logits, name="char_lstm")


def compile_model(model, learning_rate: float = 0.01) -> None:
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])


class TextSampler:
    """Writes text with a trained model; the next-character step is compiled once
    (``tf.function`` over windows of any length), since calling a Keras model eagerly for
    every character costs tens of milliseconds."""

    def __init__(self, model, vocab: Vocabulary, seq_len: int) -> None:
        from common.runner import import_tensorflow

        tf = import_tensorflow()
        self.vocab, self.seq_len = vocab, seq_len

        @tf.function(input_signature=[tf.TensorSpec((1, None), tf.int32)])
        def next_logits(window):                 # (1, T) indices -> (1, V) logits
            return model(window, training=False)

        self._next_logits = next_logits

    def generate(self, seed_text: str, length: int, temperature: float,
                 rng: np.random.Generator) -> str:
        """``seed_text`` followed by ``length`` generated characters.

        The seed's characters must be in the vocabulary (a ``ValueError`` names the first one
        that is not); only its last ``seq_len`` characters are fed to the model.
        """
        sampling.check_temperature(temperature)
        if not seed_text:
            raise ValueError("seed_text must contain at least one character")
        if not isinstance(length, (int, np.integer)) or length < 0:
            raise ValueError(f"length must be a non-negative integer, got {length!r}")
        indices = list(self.vocab.encode(seed_text))
        for _ in range(length):
            window = np.array(indices[-self.seq_len:], dtype=np.int32)[None, :]  # (1, <= seq_len)
            logits = self._next_logits(window).numpy()[0]                        # (V,)
            indices.append(sampling.sample_index(logits, temperature, rng))
        return self.vocab.decode(indices)
