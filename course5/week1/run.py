"""Character-level language model: an RNN (or LSTM) that learns to invent names.

Course 5 (Sequence Models), week 1: recurrent neural networks.
Lecture topics: RNN model, backpropagation through time, language model and sequence
generation, sampling novel sequences, vanishing/exploding gradients (gradient clipping), LSTM.

What it shows: a numpy RNN (rnn.py; ``--cell lstm`` for lstm.py) with a softmax output learns,
one character at a time, to spell names: the course's dinosaur names (dinos.txt) when present,
otherwise invented names from syllable rules (common/standins/names.py). Training prints
sampled names as it goes (and a progress line at most every 2 s), clips the gradients (by
value, the course's choice, or by norm), and saves the smoothed loss curve. The loss per character falls from ln(27) ~ 3.30 (a uniform
guess) to about 1.5 (train) / 1.9 (held-out names) on the stand-in, 1.4 / 1.7 on dinos.txt;
the unigram baseline (letter frequencies alone) is about 2.9.

    python course5/week1/run.py                         # RNN, mini-batches of 32, Adam
    python course5/week1/run.py --cell lstm
    python course5/week1/run.py --batch-size 1 --optimizer sgd --learning-rate 0.01 \\
        --iterations 35000                              # the course's recipe: one name per step
    python course5/week1/generate_text.py --help        # the Keras LSTM text generator

Expected CPU runtime on 2 idle cores: about 4 s (RNN) or 8 s (--cell lstm), up to 4x that on a
busy machine; --quick about 1 s.
"""
# %% [setup]
from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from common import blas_threads, datasets, plotting, runner
from course5.week1 import char_model, clipping, optimizers, sampling, training
from course5.week1.vocab import END, Vocabulary, make_batch


@dataclass(frozen=True)
class Hyperparameters:
    cell: str = "rnn"              # "rnn" or "lstm"
    n_a: int = 50                  # hidden units
    optimizer: str = "adam"        # "adam" or "sgd" (the course uses sgd with batch_size 1)
    learning_rate: float = 0.005
    batch_size: int = 32           # 1 = per-example training, one name per update
    iterations: int = 2000         # parameter updates
    clip: str = "value"            # "value", "norm" or "none"
    clip_threshold: float = 5.0    # the course clips every entry to [-5, 5]
    smoothing: float = 0.98        # beta of the smoothed loss
    held_out_fraction: float = 0.1
    sample_every: int = 250
    n_samples: int = 5
    temperature: float = 1.0
    temperatures: tuple[float, ...] = (0.5, 1.0, 1.5)   # compared at the end


QUICK = dict(n_a=32, iterations=150, sample_every=50, n_samples=3)


def parse_args(argv=None):
    parser = runner.make_parser(__doc__)
    h = Hyperparameters()
    parser.add_argument("--cell", choices=char_model.CELLS, default=h.cell,
                        help=f"recurrent layer (default {h.cell})")
    parser.add_argument("--hidden", type=int, default=None, help=f"n_a (default {h.n_a})")
    parser.add_argument("--optimizer", choices=optimizers.NAMES, default=h.optimizer,
                        help=f"update rule (default {h.optimizer})")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"default {h.learning_rate}")
    parser.add_argument("--batch-size", type=int, default=None,
                        help=f"names per update; 1 = the course's per-example training "
                             f"(default {h.batch_size})")
    parser.add_argument("--iterations", type=int, default=None,
                        help=f"parameter updates (default {h.iterations})")
    parser.add_argument("--clip", choices=clipping.MODES, default=h.clip,
                        help=f"gradient clipping (default {h.clip})")
    parser.add_argument("--clip-threshold", type=float, default=h.clip_threshold,
                        help=f"max |entry| (value) or max global norm (norm) (default "
                             f"{h.clip_threshold})")
    parser.add_argument("--temperature", type=float, default=h.temperature,
                        help=f"sampling temperature during training (default {h.temperature})")
    parser.add_argument("--prefix", default="",
                        help="start every final sample with these characters (must be in the "
                             "vocabulary)")
    return parser.parse_args(argv)


def hyperparameters(args) -> Hyperparameters:
    h = replace(Hyperparameters(), **QUICK) if args.quick else Hyperparameters()
    changes = {"cell": args.cell, "optimizer": args.optimizer, "clip": args.clip,
               "clip_threshold": args.clip_threshold, "temperature": args.temperature}
    for flag, field in (("hidden", "n_a"), ("learning_rate", "learning_rate"),
                        ("batch_size", "batch_size"), ("iterations", "iterations")):
        if getattr(args, flag) is not None:
            changes[field] = getattr(args, flag)
    h = replace(h, **changes)
    for field, flag in (("n_a", "--hidden"), ("batch_size", "--batch-size"),
                        ("iterations", "--iterations")):
        if getattr(h, field) < 1:
            raise ValueError(f"{flag} must be >= 1, got {getattr(h, field)}")
    runner.check_positive("--learning-rate", h.learning_rate)
    runner.check_positive("--clip-threshold", h.clip_threshold)
    runner.check_positive("--temperature", h.temperature)
    return h


def unigram_entropy(names: list[str], vocab: Vocabulary) -> float:
    """Loss per character of a model that only knows letter frequencies (end token included)."""
    counts = Counter("".join(n + END for n in names))
    total = sum(counts.values())
    return -sum(c / total * math.log(c / total) for c in counts.values())


def main(argv=None) -> dict:
    args = parse_args(argv)
    h = hyperparameters(args)
    out = runner.prepare(args, "course5/week1")
    rng = runner.seed_everything(args.seed)
    rng_data, rng_train, rng_sample = rng.spawn(3)
    start = time.perf_counter()

    # %% [data]
    names, source = datasets.load_names(args.data, seed=args.seed)
    vocab = Vocabulary.from_names(names)
    vocab.encode(args.prefix)                   # a prefix outside the vocabulary fails here
    order = rng_data.permutation(len(names))
    n_held = max(1, int(round(h.held_out_fraction * len(names))))
    held_out = [names[k] for k in order[:n_held]]
    train_names = [names[k] for k in order[n_held:]] or held_out
    print(f"{len(names)} names ({len(train_names)} train, {len(held_out)} held out), "
          f"vocabulary {vocab.size} symbols, e.g. {', '.join(train_names[:4])}")
    uniform = math.log(vocab.size)
    unigram = unigram_entropy(train_names, vocab)
    print(f"baselines per character: uniform ln({vocab.size}) = {uniform:.3f}, "
          f"letter frequencies = {unigram:.3f}")

    # %% [model]
    params = char_model.init_params(h.cell, vocab.size, h.n_a, rng_train)
    print(f"model: {h.cell.upper()} n_a={h.n_a}, {h.optimizer} lr={h.learning_rate}, "
          f"batch {h.batch_size}, {h.iterations} updates, clip by {h.clip} {h.clip_threshold}")

    def show_samples(iteration: int, smoothed: float) -> None:
        got = [sampling.sample_name(params, vocab, rng_sample, h.temperature)
               for _ in range(h.n_samples)]
        print(f"  iteration {iteration:>6}  smoothed loss/char {smoothed:.3f}  samples: "
              f"{', '.join(got)}")

    # %% [train]
    with blas_threads.limit_blas_threads(1):      # small matrices: one BLAS thread is fastest
        result = training.train(
            params, train_names, vocab, rng_train, iterations=h.iterations,
            batch_size=h.batch_size, optimizer=h.optimizer, learning_rate=h.learning_rate,
            clip_mode=h.clip, clip_threshold=h.clip_threshold, beta=h.smoothing,
            callback=show_samples, callback_every=h.sample_every, held_out=held_out,
            eval_every=max(1, h.iterations // 20), progress=True)   # a line every 2 s at most

        # %% [evaluate]
        train_eval = char_model.evaluate(params, make_batch(train_names, vocab))
        test_eval = char_model.evaluate(params, make_batch(held_out, vocab))
    train_time = time.perf_counter() - start
    print(f"loss per character: train {train_eval.loss_per_char:.3f}, held out "
          f"{test_eval.loss_per_char:.3f} (uniform {uniform:.3f}, letter frequencies "
          f"{unigram:.3f}); next-character accuracy: train {train_eval.accuracy:.3f}, "
          f"held out {test_eval.accuracy:.3f}")
    samples = {}
    for t in h.temperatures:
        samples[str(t)] = [sampling.sample_name(params, vocab, rng_sample, t, prefix=args.prefix)
                           for _ in range(8)]
        print(f"temperature {t}: {', '.join(samples[str(t)])}")
    names_set = set(names)
    all_samples = [s for group in samples.values() for s in group]
    novel = sum(s not in names_set for s in all_samples) / max(1, len(all_samples))

    # %% [plot]
    fig = plotting.cost_curves({"train (smoothed)": result.smoothed_loss},
                               ylabel="cross-entropy per character",
                               title=f"{h.cell.upper()} character model on {source} names")
    ax = fig.axes[0]
    if result.evaluations:
        its, losses = zip(*result.evaluations)
        ax.plot(np.array(its) - 1, losses, "o-", ms=3, label="held out")
    ax.axhline(uniform, color="gray", ls="--", lw=1, label=f"uniform ln {vocab.size}")
    ax.axhline(unigram, color="gray", ls=":", lw=1, label="letter frequencies")
    ax.legend(fontsize=8)
    runner.save_figure(fig, out / "loss_curve.png", close=not args.show)

    metrics = {
        "data": source,
        "cell": h.cell,
        "train_accuracy": train_eval.accuracy,
        "test_accuracy": test_eval.accuracy,
        "train_loss_per_char": train_eval.loss_per_char,
        "test_loss_per_char": test_eval.loss_per_char,
        "final_smoothed_loss_per_char": result.smoothed_loss[-1],
        "uniform_baseline_per_char": uniform,
        "unigram_baseline_per_char": unigram,
        "held_out_curve": [list(e) for e in result.evaluations],
        "clipped_fraction": result.clipped_fraction,
        "iterations": h.iterations,
        "batch_size": h.batch_size,
        "samples": samples,
        "novel_sample_fraction": novel,
        "runtime_s": train_time,
    }
    runner.save_metrics(metrics, out / "metrics.json")
    print(f"runtime {train_time:.1f} s")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
