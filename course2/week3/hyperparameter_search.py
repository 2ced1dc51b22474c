"""Random hyperparameter search on the right scales (Course 2, week 3: "Tuning process",
"Using an appropriate scale to pick hyperparameters", "Hyperparameters tuning in practice").

The lecture's three points, in code:

* sample at random, not on a grid: with a grid of 5 x 5 you try only 5 values of the one
  hyperparameter that matters; 25 random points try 25;
* sample on the right SCALE: the learning rate from 10^U(-4, -1) (as many samples between
  0.0001 and 0.001 as between 0.01 and 0.1), and the momentum beta through 1 - beta =
  10^U(-3, -1) (beta in [0.9, 0.999]: near 1 small changes of beta matter a lot, since the
  average covers about 1/(1 - beta) steps);
* keep it reproducible: the search is a function of its seed, every trial trains with its own
  child generator (``Generator.spawn``), and the results go to a table.

A search space is a dict ``name -> distribution``; the distributions check their bounds
(``low < high``) when they are made. ``run_search`` samples configurations, calls a training
function for each and returns ``TrialResult``s; ``write_results_csv``/``write_results_json``
save the table and ``scatter_figure`` plots the sampled points coloured by validation accuracy.
``run.py`` supplies the training function (the course 2 numpy engine on the moons).
"""
from __future__ import annotations

import csv
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from common import runner


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _check_bounds(kind: str, low: Any, high: Any) -> tuple[float, float]:
    low, high = _number(f"{kind} low", low), _number(f"{kind} high", high)
    if not low < high:
        raise ValueError(f"{kind} needs low < high, got low={low!r} >= high={high!r}")
    return low, high


# ---------------------------------------------------------------------------------------------
# Distributions (each frozen, validated on construction, sampled with an explicit Generator)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogUniform:
    """10^r with r ~ U(low, high): ``LogUniform(-4, -1)`` spreads samples evenly over the
    decades 1e-4..1e-3, 1e-3..1e-2 and 1e-2..1e-1."""

    low: float    # exponent
    high: float   # exponent

    def __post_init__(self) -> None:
        _check_bounds("LogUniform", self.low, self.high)

    def sample(self, rng: np.random.Generator) -> float:
        return float(10.0 ** rng.uniform(self.low, self.high))

    def __str__(self) -> str:
        return f"10^U({self.low:g}, {self.high:g})"

    def bounds(self) -> tuple[float, float]:
        return 10.0 ** self.low, 10.0 ** self.high

    log_scale = True


@dataclass(frozen=True)
class OneMinusLogUniform:
    """1 - 10^r with r ~ U(low, high): for the momentum/Adam beta. ``OneMinusLogUniform(-3, -1)``
    gives beta in [0.9, 0.999] with as many samples in 0.9..0.99 as in 0.99..0.999."""

    low: float    # exponent of 1 - beta
    high: float   # exponent of 1 - beta

    def __post_init__(self) -> None:
        low, high = _check_bounds("OneMinusLogUniform", self.low, self.high)
        if high > 0:
            raise ValueError(f"OneMinusLogUniform needs high <= 0 (1 - beta <= 1, so beta >= 0), "
                             f"got high={high!r}")

    def sample(self, rng: np.random.Generator) -> float:
        return float(1.0 - 10.0 ** rng.uniform(self.low, self.high))

    def __str__(self) -> str:
        return f"1 - 10^U({self.low:g}, {self.high:g})"

    def bounds(self) -> tuple[float, float]:
        return 1.0 - 10.0 ** self.high, 1.0 - 10.0 ** self.low

    log_scale = True


@dataclass(frozen=True)
class Uniform:
    """U(low, high) on a linear scale (fine for keep_prob in [0.6, 1.0])."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check_bounds("Uniform", self.low, self.high)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def __str__(self) -> str:
        return f"U({self.low:g}, {self.high:g})"

    def bounds(self) -> tuple[float, float]:
        return float(self.low), float(self.high)

    log_scale = False


@dataclass(frozen=True)
class IntUniform:
    """An integer drawn uniformly from low..high inclusive (hidden units, number of layers)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        for name, v in (("low", self.low), ("high", self.high)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise ValueError(f"IntUniform {name} must be an integer, got {v!r}")
        _check_bounds("IntUniform", self.low, self.high)

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.low, self.high + 1))

    def __str__(self) -> str:
        return f"integer {self.low}..{self.high}"

    def bounds(self) -> tuple[float, float]:
        return float(self.low), float(self.high)

    log_scale = False


Distribution = LogUniform | OneMinusLogUniform | Uniform | IntUniform

# the hyperparameters run.py understands, with the values each may take
VALID_RANGES: dict[str, tuple[float, float, str]] = {
    "learning_rate": (0.0, math.inf, "learning_rate > 0"),
    "beta": (0.0, 1.0, "0 <= beta < 1"),
    "l2_lambda": (0.0, math.inf, "l2_lambda >= 0"),
    "keep_prob": (0.0, 1.0, "0 < keep_prob <= 1"),
    "hidden_units": (1.0, math.inf, "hidden_units >= 1"),
    "n_hidden_layers": (1.0, math.inf, "n_hidden_layers >= 1"),
}


def default_space() -> dict[str, Distribution]:
    """The lecture's scales: alpha = 10^U(-4,-1), 1 - beta = 10^U(-3,-1), lambda = 10^U(-4,0),
    keep_prob ~ U(0.6, 1), hidden units 4..48, 1..3 hidden layers."""
    return {
        "learning_rate": LogUniform(-4.0, -1.0),
        "beta": OneMinusLogUniform(-3.0, -1.0),
        "l2_lambda": LogUniform(-4.0, 0.0),
        "keep_prob": Uniform(0.6, 1.0),
        "hidden_units": IntUniform(4, 48),
        "n_hidden_layers": IntUniform(1, 3),
    }


def validate_space(space: Mapping[str, Distribution]) -> None:
    """Every entry must be a known hyperparameter with a distribution whose values are legal."""
    if not space:
        raise ValueError("the search space is empty; give at least one hyperparameter")
    for name, dist in space.items():
        if name not in VALID_RANGES:
            raise ValueError(f"unknown hyperparameter {name!r} in the search space; "
                             f"known: {sorted(VALID_RANGES)}")
        if not isinstance(dist, (LogUniform, OneMinusLogUniform, Uniform, IntUniform)):
            raise ValueError(f"{name}: expected a LogUniform, OneMinusLogUniform, Uniform or "
                             f"IntUniform distribution, got {type(dist).__name__}")
        lo, hi = dist.bounds()
        allowed_lo, allowed_hi, rule = VALID_RANGES[name]
        bad_low = lo < allowed_lo or (lo == allowed_lo and name in ("learning_rate", "keep_prob"))
        bad_high = hi > allowed_hi or (hi == allowed_hi and name == "beta")
        if bad_low or bad_high:
            raise ValueError(f"{name}: the distribution covers [{lo:g}, {hi:g}], but {rule}")


def sample_configs(space: Mapping[str, Distribution], n_trials: int,
                   rng: np.random.Generator) -> list[dict[str, float | int]]:
    """``n_trials`` configurations drawn independently from ``space`` (same rng state -> same list)."""
    validate_space(space)
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, got {n_trials!r}")
    return [{name: dist.sample(rng) for name, dist in space.items()} for _ in range(n_trials)]


# ---------------------------------------------------------------------------------------------
# Running the trials
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrialResult:
    trial: int
    config: dict[str, float | int]
    val_accuracy: float
    train_accuracy: float
    final_cost: float
    seconds: float


TrainFn = Callable[[dict, np.random.Generator], dict]


def run_search(space: Mapping[str, Distribution], n_trials: int, train_fn: TrainFn,
               rng: np.random.Generator, verbose: bool = True) -> list[TrialResult]:
    """Sample ``n_trials`` configurations and train each.

    ``train_fn(config, trial_rng)`` trains one model and returns a dict with ``val_accuracy``,
    ``train_accuracy`` and ``final_cost``. Each trial gets its own child generator spawned from
    ``rng``, so a trial's result does not depend on the trials before it. A trial whose loss
    turns NaN/inf (a too-large learning rate) is recorded with accuracy 0 and cost inf, not
    dropped: it is part of what the search learned.
    """
    configs = sample_configs(space, n_trials, rng)
    children = rng.spawn(len(configs))
    results = []
    for i, (config, child) in enumerate(zip(configs, children)):
        start = time.perf_counter()
        try:
            out = train_fn(dict(config), child)
            val, train, cost = (float(out["val_accuracy"]), float(out["train_accuracy"]),
                                float(out["final_cost"]))
        except runner.NonFiniteLossError:
            val, train, cost = 0.0, 0.0, math.inf
        results.append(TrialResult(i, dict(config), val, train, cost, time.perf_counter() - start))
        if verbose:
            shown = "  ".join(f"{k} {_fmt(v)}" for k, v in config.items())
            print(f"trial {i + 1:3d}/{len(configs)}  val acc {val:.3f}  train acc {train:.3f}  {shown}")
    return results


# ---------------------------------------------------------------------------------------------
# One trial in the course 2 numpy engine (binary classification of 2-D points)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Split:
    """Train / validation / test sets in course layout: X (n_x, m), Y (1, m)."""

    train_X: np.ndarray
    train_Y: np.ndarray
    val_X: np.ndarray
    val_Y: np.ndarray
    test_X: np.ndarray
    test_Y: np.ndarray


def split_points(X: np.ndarray, Y: np.ndarray, fractions: tuple[float, float] = (0.5, 0.25),
                 rng: np.random.Generator | None = None) -> Split:
    """Shuffle (when ``rng`` is given) and cut X (n_x, m), Y (1, m) into train / validation /
    test by ``fractions`` = (train share, validation share); the rest is the test set."""
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must be (n_x, m) and (n_y, m) with the same m, got {X.shape} and {Y.shape}")
    f_train, f_val = fractions
    if not (0 < f_train < 1 and 0 < f_val < 1 and f_train + f_val < 1):
        raise ValueError(f"fractions must be two shares in (0, 1) that leave a test set, got {fractions}")
    m = X.shape[1]
    order = rng.permutation(m) if rng is not None else np.arange(m)
    a, b = int(round(f_train * m)), int(round((f_train + f_val) * m))
    if a < 1 or b - a < 1 or m - b < 1:
        raise ValueError(f"{m} examples are too few to split by {fractions}")
    i_train, i_val, i_test = order[:a], order[a:b], order[b:]
    return Split(X[:, i_train], Y[:, i_train], X[:, i_val], Y[:, i_val], X[:, i_test], Y[:, i_test])


def build_model(config: Mapping[str, float | int]):
    """The network a configuration describes: ``n_hidden_layers`` x Dense(hidden_units, relu,
    keep_prob) -> Dense(1, sigmoid), Momentum(learning_rate, beta), L2 ``l2_lambda``.
    Missing keys take DEFAULTS."""
    from course2.week1.layers import Dense
    from course2.week1.losses import BinaryCrossEntropy
    from course2.week1.model import DNNModel
    from course2.week2.optimizers import Momentum

    c = {**DEFAULTS, **config}
    layers = [Dense(int(c["hidden_units"]), "relu", keep_prob=float(c["keep_prob"]))
              for _ in range(int(c["n_hidden_layers"]))]
    layers.append(Dense(1, "sigmoid"))
    return DNNModel(layers, BinaryCrossEntropy(), Momentum(float(c["learning_rate"]), float(c["beta"])),
                    l2_lambda=float(c["l2_lambda"]))


DEFAULTS: dict[str, float | int] = {"learning_rate": 0.01, "beta": 0.9, "l2_lambda": 0.0,
                                    "keep_prob": 1.0, "hidden_units": 16, "n_hidden_layers": 2}


def train_engine_trial(config: Mapping[str, float | int], split: Split, epochs: int,
                       mini_batch_size: int, rng: np.random.Generator) -> tuple[dict, Any]:
    """Train ``build_model(config)`` on ``split.train`` with shuffled mini-batches; returns
    ({"val_accuracy", "train_accuracy", "final_cost"}, model)."""
    from course2.week2.mini_batches import random_mini_batches

    model = build_model(config)
    history = model.fit(split.train_X, split.train_Y, epochs=epochs, rng=rng,
                        mini_batch_size=mini_batch_size, batch_iterator=random_mini_batches,
                        progress=False)
    metrics = {"val_accuracy": model.evaluate(split.val_X, split.val_Y),
               "train_accuracy": model.evaluate(split.train_X, split.train_Y),
               "final_cost": history.costs[-1]}
    return metrics, model


def engine_train_fn(split: Split, epochs: int, mini_batch_size: int) -> TrainFn:
    """A ``train_fn`` for ``run_search``: one short engine training per configuration."""
    def train_fn(config: dict, rng: np.random.Generator) -> dict:
        return train_engine_trial(config, split, epochs, mini_batch_size, rng)[0]

    return train_fn


def _fmt(v: float | int) -> str:
    return str(v) if isinstance(v, int) else f"{v:.4g}"


def best_result(results: Sequence[TrialResult]) -> TrialResult:
    """Highest validation accuracy; ties go to the lower final cost, then the earlier trial."""
    if not results:
        raise ValueError("no trial results to choose from")
    return min(results, key=lambda r: (-r.val_accuracy, r.final_cost, r.trial))


# ---------------------------------------------------------------------------------------------
# The results table and the figure
# ---------------------------------------------------------------------------------------------
def results_rows(results: Sequence[TrialResult]) -> list[dict[str, Any]]:
    """One flat dict per trial: trial, the hyperparameters, then the metrics."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"trial": r.trial}
        row.update(r.config)
        row.update(val_accuracy=r.val_accuracy, train_accuracy=r.train_accuracy,
                   final_cost=r.final_cost, seconds=round(r.seconds, 4))
        rows.append(row)
    return rows


def write_results_csv(results: Sequence[TrialResult], path: Path) -> Path:
    """The table as CSV (written whole: temp file, then rename)."""
    rows = results_rows(results)
    if not rows:
        raise ValueError("no trial results to write")

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    runner.atomic_write(path, write)
    print(f"saved {path}")
    return Path(path)


def write_results_json(results: Sequence[TrialResult], path: Path) -> Path:
    """The table as a JSON list of rows (inf cost written as null)."""
    rows = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}
            for row in results_rows(results)]

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)
            fh.write("\n")

    runner.atomic_write(path, write)
    print(f"saved {path}")
    return Path(path)


def read_results_csv(path: Path) -> list[dict[str, str]]:
    """Read a table written by ``write_results_csv`` (values as strings)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def scatter_figure(results: Sequence[TrialResult], space: Mapping[str, Distribution],
                   pairs: Sequence[tuple[str, str]] = (("learning_rate", "beta"),
                                                       ("l2_lambda", "keep_prob"))):
    """One panel per (x, y) pair: the sampled points coloured by validation accuracy, the best
    trial circled. Log axes for log-scale hyperparameters; beta is drawn as 1 - beta on a log
    axis (the scale it was sampled on)."""
    import matplotlib.pyplot as plt

    pairs = [p for p in pairs if p[0] in space and p[1] in space]
    if not pairs:
        raise ValueError(f"none of the plotted pairs is in the search space {sorted(space)}")
    best = best_result(results)
    acc = np.array([r.val_accuracy for r in results])
    fig, axes = plt.subplots(1, len(pairs), figsize=(5.2 * len(pairs), 4.2), squeeze=False)
    for ax, (xname, yname) in zip(axes[0], pairs):
        coords = []
        for name, axis_set in ((xname, ax.set_xscale), (yname, ax.set_yscale)):
            values = np.array([r.config[name] for r in results], dtype=float)
            if isinstance(space[name], OneMinusLogUniform):
                values = 1.0 - values
                name = f"1 - {name}"
            if space[name.replace("1 - ", "")].log_scale:
                axis_set("log")
            coords.append((name, values))
        (xl, xs), (yl, ys) = coords
        sc = ax.scatter(xs, ys, c=acc, cmap="viridis", vmin=min(0.5, acc.min()), vmax=1.0,
                        s=40, edgecolors="k", linewidths=0.4)
        i_best = list(results).index(best)
        bx, by = xs[i_best], ys[i_best]
        ax.scatter([bx], [by], s=220, facecolors="none", edgecolors="red", linewidths=1.5,
                   label=f"best: val acc {best.val_accuracy:.3f}")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.legend(fontsize=8, loc="best")
        ax.grid(alpha=0.3, which="both")
        fig.colorbar(sc, ax=ax, label="validation accuracy")
    fig.suptitle(f"random search: {len(results)} trials", fontsize=10)
    fig.tight_layout()
    return fig
