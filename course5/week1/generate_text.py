"""Keras LSTM text generator: learn any UTF-8 text and write more of it, by temperature.

Course 5 (Sequence Models), week 1: the optional "write like Shakespeare" part.
Lecture topics: language model, sampling novel sequences, LSTM, temperature.

What it shows: a Keras LSTM (text_generator.py) trained on fixed-length character windows of
a text predicts the next character; sampling from it with a temperature writes new text in
the same style. Without ``--text`` it learns the built-in verse (default_text.py, written for
this repository); pass your own file with ``--text book.txt``. Prints samples at several
temperatures and saves the loss curve.

    python course5/week1/generate_text.py
    python course5/week1/generate_text.py --text my_poems.txt --epochs 30 --seed-text "the "
    python course5/week1/generate_text.py --temperature 0.2 0.7 1.2 --length 400

Expected CPU runtime: about 20 s on 2 idle cores with the built-in text (TensorFlow import
included; 40 s on a busy machine); --quick about 6 s. Accuracy is next-character accuracy on
windows from the first 90% of the text (train) and the last 10% (held out).
"""
# %% [setup]
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from common import plotting, runner
from course5.week1 import text_generator
from course5.week1.default_text import DEFAULT_TEXT
from course5.week1.vocab import Vocabulary


@dataclass(frozen=True)
class Hyperparameters:
    seq_len: int = 40              # characters per window
    step: int = 1                  # slide between windows (1: every shift of the text is seen)
    units: int = 128               # LSTM units
    learning_rate: float = 0.01
    batch_size: int = 64
    epochs: int = 8
    held_out_fraction: float = 0.1
    length: int = 240              # characters generated per sample
    temperatures: tuple[float, ...] = (0.3, 0.7, 1.0)


QUICK = dict(seq_len=20, step=7, units=32, epochs=1, length=30, temperatures=(0.5,))


def parse_args(argv=None) -> argparse.Namespace:
    h = Hyperparameters()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", type=Path, default=None,
                        help="a UTF-8 text file to learn (default: the built-in verse)")
    parser.add_argument("--keep-case", action="store_true",
                        help="keep upper case (default: lower-case the text, as the course does)")
    parser.add_argument("--seq-len", type=int, default=None, help=f"default {h.seq_len}")
    parser.add_argument("--step", type=int, default=None, help=f"default {h.step}")
    parser.add_argument("--units", type=int, default=None, help=f"default {h.units}")
    parser.add_argument("--epochs", type=int, default=None, help=f"default {h.epochs}")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"default {h.learning_rate}")
    parser.add_argument("--length", type=int, default=None,
                        help=f"characters to generate per sample (default {h.length})")
    parser.add_argument("--temperature", type=float, nargs="+", default=None,
                        help="sampling temperature(s) (default "
                             f"{' '.join(map(str, h.temperatures))})")
    parser.add_argument("--seed-text", default=None,
                        help="start of every sample (default: the start of the text); "
                             "lower-cased like the text unless --keep-case; its characters "
                             "must occur in the text")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--quick", action="store_true", help="a few seconds' run (tests)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default outputs/course5/week1/text_generator)")
    parser.add_argument("--show", action="store_true", help="also show the figure")
    return parser.parse_args(argv)


def hyperparameters(args: argparse.Namespace) -> Hyperparameters:
    h = replace(Hyperparameters(), **QUICK) if args.quick else Hyperparameters()
    changes = {}
    for flag, field in (("seq_len", "seq_len"), ("step", "step"), ("units", "units"),
                        ("epochs", "epochs"), ("learning_rate", "learning_rate"),
                        ("length", "length")):
        if getattr(args, flag) is not None:
            changes[field] = getattr(args, flag)
    if args.temperature is not None:
        changes["temperatures"] = tuple(args.temperature)
    h = replace(h, **changes)
    for name in ("seq_len", "step", "units", "epochs"):
        if getattr(h, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(h, name)}")
    if h.length < 0:
        raise ValueError(f"--length must be >= 0, got {h.length}")
    runner.check_positive("--learning-rate", h.learning_rate)
    for t in h.temperatures:
        runner.check_positive("--temperature", t)
    if args.seed_text is not None and not args.seed_text:
        raise ValueError("--seed-text must contain at least one character, got ''")
    return h


def seed_text_for(args: argparse.Namespace, text: str, seq_len: int) -> str:
    """The start of every sample: ``--seed-text``, lower-cased the same way as the text
    (``str.lower``) unless ``--keep-case``; by default the first ``seq_len`` characters."""
    if args.seed_text is None:
        return text[:seq_len]
    return args.seed_text if args.keep_case else args.seed_text.lower()


def main(argv=None) -> dict:
    args = parse_args(argv)
    h = hyperparameters(args)
    if args.out is None:
        args.out = runner.REPO_ROOT / "outputs" / "course5" / "week1" / "text_generator"
    tf = runner.import_tensorflow()
    import keras

    out = runner.prepare(args, "course5/week1/text_generator")
    rng = runner.seed_everything(args.seed)
    start = time.perf_counter()

    # %% [data]
    if args.text is None:
        text, source = (DEFAULT_TEXT if args.keep_case else DEFAULT_TEXT.lower()), "synthetic"
        print(f"text: the built-in verse ({len(text)} characters; pass --text FILE for your own)")
    else:
        text, source = text_generator.read_text(args.text, lower=not args.keep_case), "user"
        print(f"text: {args.text} ({len(text)} characters)")
    vocab = Vocabulary.from_text(text)
    indices = vocab.encode(text)
    seed_text = seed_text_for(args, text, h.seq_len)
    vocab.encode(seed_text)                 # a seed character outside the text fails here
    train_ix, held_ix = text_generator.split_text(indices, h.held_out_fraction, h.seq_len)
    train = text_generator.make_windows(train_ix, h.seq_len, h.step)
    held = text_generator.make_windows(held_ix, h.seq_len, 1) if len(held_ix) else None
    print(f"vocabulary {vocab.size} characters; {len(train.y)} training windows of "
          f"{h.seq_len}" + (f", {len(held.y)} held-out windows" if held else ""))

    # %% [model]
    model = text_generator.build_model(vocab.size, h.units)
    text_generator.compile_model(model, h.learning_rate)
    print(f"model: one-hot({vocab.size}) -> LSTM({h.units}) -> Dense({vocab.size}); "
          f"{model.count_params()} parameters")

    # %% [train]
    history = model.fit(train.X, train.y, batch_size=h.batch_size, epochs=h.epochs,
                        validation_data=(held.X, held.y) if held else None,
                        shuffle=True, verbose=2,
                        callbacks=[runner.stop_on_nonfinite_loss("lower --learning-rate")])
    losses = history.history["loss"]

    # %% [evaluate]
    train_loss, train_acc = model.evaluate(train.X, train.y, batch_size=256, verbose=0)
    test_loss, test_acc = (model.evaluate(held.X, held.y, batch_size=256, verbose=0)
                           if held else (float("nan"), float("nan")))
    sampler = text_generator.TextSampler(model, vocab, h.seq_len)
    samples = {}
    for t in h.temperatures:
        samples[str(t)] = sampler.generate(seed_text, h.length, t, rng)
        print(f"\n--- temperature {t} ---\n{samples[str(t)]}\n")
    runtime = time.perf_counter() - start
    uniform = float(np.log(vocab.size))
    print(f"next-character accuracy: train {train_acc:.3f}, held out {test_acc:.3f}; loss per "
          f"character: train {train_loss:.3f}, held out {test_loss:.3f} (uniform {uniform:.3f})")

    # %% [plot]
    curves = {"train": losses}
    if "val_loss" in history.history:
        curves["held out"] = history.history["val_loss"]
    fig = plotting.cost_curves(curves, xlabel="epoch", ylabel="cross-entropy per character",
                               title=f"Keras LSTM text generator ({source} text)")
    runner.save_figure(fig, out / "loss_curve.png", close=not args.show)
    metrics = {
        "data": source,
        "text_file": str(args.text) if args.text else None,
        "train_accuracy": float(train_acc),
        "test_accuracy": float(test_acc),
        "train_loss_per_char": float(train_loss),
        "test_loss_per_char": float(test_loss),
        "uniform_baseline_per_char": uniform,
        "epoch_losses": [float(v) for v in losses],
        "vocab_size": vocab.size,
        "samples": samples,
        "runtime_s": runtime,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    runner.save_metrics(metrics, out / "metrics.json")
    print(f"runtime {runtime:.1f} s (after the TensorFlow import)")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
