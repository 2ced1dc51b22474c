"""Training loop of the character-level language model: batches, clipping, update, smoothed loss.

One iteration = one parameter update on one batch of names:

    batch_size = 1   per-example training, the course's way (one name per update)
    batch_size > 1   mini-batches of names, padded and masked (``vocab.make_batch``)

The names are reshuffled every epoch. Each update is: forward + backward (``char_model``),
gradient clipping (``clipping``: by value, by norm, or none), then the optimizer's step.

The loss printed and plotted is smoothed, because one name's loss jumps around:

    smooth<k> = beta * smooth<k-1> + (1 - beta) * loss<k>,   smooth<0> = ln(V)

where loss<k> is the batch's loss per character (``char_model``: the cross-entropy summed over
all the batch's characters divided by their number, a character-weighted mean). The course
smooths the per-name loss with beta = 0.999 starting from ln(V) * 7; here the loss is per
character, so it starts at the uniform guess ln(V).
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple, Sequence

import numpy as np

from common import runner
from common.progress import Progress
from course5.week1 import char_model, clipping, optimizers, vocab as vocab_mod
from course5.week1.vocab import Vocabulary


def smooth(previous: float, current: float, beta: float) -> float:
    """Exponential moving average: beta * previous + (1 - beta) * current."""
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"smoothing beta must be in [0, 1), got {beta!r}")
    return beta * previous + (1.0 - beta) * current


class TrainResult(NamedTuple):
    params: dict[str, np.ndarray]
    loss_per_char: list[float]         # raw, one per iteration (the batch's, char-weighted)
    smoothed_loss: list[float]         # smoothed, one per iteration
    grad_norms: list[float]            # global gradient norm before clipping
    clipped_fraction: float            # share of iterations whose gradient was clipped
    evaluations: list[tuple[int, float]]   # (iteration, held-out loss per char)


def batches(names: Sequence[str], batch_size: int, rng: np.random.Generator):
    """Endless mini-batches of names, reshuffled every epoch (the last one may be smaller)."""
    names = vocab_mod.check_names(names)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    while True:
        order = rng.permutation(len(names))
        for start in range(0, len(names), batch_size):
            yield [names[k] for k in order[start:start + batch_size]]


def train(params: dict[str, np.ndarray], names: Sequence[str], vocab: Vocabulary,
          rng: np.random.Generator, *, iterations: int, batch_size: int = 1,
          optimizer: str = "sgd", learning_rate: float = 0.01, clip_mode: str = "value",
          clip_threshold: float = 5.0, beta: float = 0.98,
          callback: Callable[[int, float], None] | None = None, callback_every: int = 0,
          held_out: Sequence[str] | None = None, eval_every: int = 0,
          progress: bool = True) -> TrainResult:
    """Train ``params`` in place on ``names`` for ``iterations`` updates; returns the histories.

    ``callback(iteration, smoothed_loss)`` runs every ``callback_every`` iterations (run.py
    prints samples there); ``held_out`` names are scored every ``eval_every`` iterations.
    """
    if not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError(f"iterations must be a positive integer, got {iterations!r}")
    if clip_mode not in clipping.MODES:
        raise ValueError(f"clip_mode must be one of {clipping.MODES}, got {clip_mode!r}")
    opt = optimizers.make(optimizer, learning_rate)
    state = opt.init(params)
    held_batch = vocab_mod.make_batch(held_out, vocab) if held_out else None
    stream = batches(names, batch_size, rng)
    smoothed = math.log(vocab.size)
    raw, smooth_hist, norms, evals = [], [], [], []
    n_clipped = 0
    bar = Progress(iterations, label=f"train {char_model.infer_cell(params)}", enabled=progress)
    for it in range(1, iterations + 1):
        batch = vocab_mod.make_batch(next(stream), vocab)
        ev, grads = char_model.loss_and_grads(params, batch)
        runner.check_finite(ev.loss, it, "lower the learning rate or clip the gradients "
                                         "(--clip value or --clip norm)")
        norm = clipping.global_norm(grads)
        if clip_mode == "value":
            n_clipped += any(float(np.abs(g).max()) > clip_threshold for g in grads.values())
        elif clip_mode == "norm":
            n_clipped += norm > clip_threshold
        grads = clipping.clip(grads, clip_mode, clip_threshold)
        opt.update(params, grads, state)
        smoothed = smooth(smoothed, ev.loss_per_char, beta)
        raw.append(ev.loss_per_char)
        smooth_hist.append(smoothed)
        norms.append(norm)
        if held_batch is not None and eval_every and (it % eval_every == 0 or it == iterations):
            evals.append((it, char_model.evaluate(params, held_batch).loss_per_char))
        if callback is not None and callback_every and (it % callback_every == 0 or it == 1):
            callback(it, smoothed)
        bar.update(it, loss=smoothed)
    bar.close()
    return TrainResult(params, raw, smooth_hist, norms, n_clipped / iterations, evals)
