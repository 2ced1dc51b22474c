"""The plumbing every ``run.py`` shares: arguments, output folder, seeding, whole-file writes.

    parser = runner.make_parser(__doc__)          # --data --seed --quick --out --show
    parser.add_argument("--learning-rate", ...)   # week-specific flags
    args = parser.parse_args(argv)
    out = runner.prepare(args, "course1/week2")   # backend, output folder, versions line
    rng = runner.seed_everything(args.seed)
    ...
    runner.save_figure(fig, out / "cost.png")
    runner.save_metrics({"data": source, ...}, out / "metrics.json")
    if args.show:                                 # the script decides, not this module
        plt.show()                                # (prepare kept the figures open)

Library code, this module included, returns or saves figures and never shows them.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from common.datasets import DATA_CHOICES, REPO_ROOT


# Set by ``prepare``: with ``--show`` the saved figures stay open for the script to show.
_KEEP_FIGURES_OPEN = False


class NonFiniteLossError(FloatingPointError):
    """Training stopped because the loss became NaN or infinite."""


def make_parser(doc: str | None, prog: str | None = None) -> argparse.ArgumentParser:
    """An argparse parser with the shared run-control flags; the docstring's first lines
    become the description."""
    parser = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", choices=DATA_CHOICES, default="auto",
                        help="course files when present (auto), require them (course), or the "
                             "built-in stand-in (synthetic). Default: auto")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds' run with smaller settings (used by the tests)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder for figures and metrics.json "
                             "(default outputs/courseN/weekM under the repository)")
    parser.add_argument("--show", action="store_true", help="also show the figures in a window")
    return parser


def prepare(args: argparse.Namespace, course_week: str) -> Path:
    """Pick the matplotlib backend, create the output folder, print one versions line."""
    import matplotlib

    global _KEEP_FIGURES_OPEN
    _KEEP_FIGURES_OPEN = bool(getattr(args, "show", False))
    if not _KEEP_FIGURES_OPEN:
        matplotlib.use("Agg")
    out = Path(args.out) if getattr(args, "out", None) else REPO_ROOT / "outputs" / course_week
    out.mkdir(parents=True, exist_ok=True)
    print(versions_line())
    print(f"outputs: {out}")
    return out


def versions_line() -> str:
    """Python, numpy (and TensorFlow/Keras with the device when already imported)."""
    parts = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        parts.append(f"tensorflow {tf.__version__}")
        if "keras" in sys.modules:
            parts.append(f"keras {sys.modules['keras'].__version__}")
        parts.append(f"device {'GPU x%d' % len(gpus) if gpus else 'CPU'}")
    else:
        parts.append("device CPU (numpy)")
    return "versions: " + ", ".join(parts)


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, numpy's legacy global state and, when TensorFlow is imported,
    TensorFlow/Keras; return a fresh ``np.random.Generator`` for library code."""
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
        if "keras" in sys.modules:
            sys.modules["keras"].utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def atomic_write(path: Path, write) -> Path:
    """Write a file whole: ``write(tmp)`` fills a temp file beside ``path``, which is then
    renamed onto ``path``; on any error the temp file is removed and ``path`` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes the file owner-only (0600); give it the usual permissions instead
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def save_metrics(metrics: dict, path: Path) -> Path:
    """Write ``metrics`` as JSON, whole (temp file then rename); prints the path."""
    data = _jsonable(metrics)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")

    atomic_write(path, write)
    print(f"saved {path}")
    return Path(path)


def save_figure(fig, path: Path, dpi: int = 100, close: bool | None = None) -> Path:
    """Save a matplotlib figure as PNG, whole (temp file then rename); prints the path.

    The figure is closed afterwards, except when ``prepare`` saw ``--show`` (then it stays open
    for the script's ``plt.show()``); ``close=True/False`` overrides that."""
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png", bbox_inches="tight"))
    print(f"saved {path}")
    if close is None:
        close = not _KEEP_FIGURES_OPEN
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return Path(path)


def check_finite(loss: float, iteration: int, hint: str = "lower the learning rate") -> float:
    """Return ``loss`` or stop training with the iteration and a hint when it is NaN/inf."""
    if not math.isfinite(float(loss)):
        raise NonFiniteLossError(
            f"the loss became {loss} at iteration {iteration}; training stopped. Hint: {hint}.")
    return float(loss)


def stop_on_nonfinite_loss(hint: str = "lower the learning rate"):
    """A Keras callback for ``fit``: at the first batch whose loss is NaN or infinite, stop
    training with ``NonFiniteLossError`` naming the epoch and batch and giving ``hint``.

    (Keras' own ``TerminateOnNaN`` stops quietly, and ``fit`` would return as if it had
    finished.) Imports Keras, so call it only where Keras is used."""
    import keras

    class StopOnNonFiniteLoss(keras.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(float(loss)):
                raise NonFiniteLossError(                     # ends fit() here
                    f"the loss became {float(loss)} at epoch {self.epoch + 1}, batch {batch + 1}; "
                    f"training stopped. Hint: {hint}.")

    return StopOnNonFiniteLoss()


def check_positive(name: str, value: float) -> float:
    """A hyperparameter that must be > 0 (learning rate, epochs, ...)."""
    if not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0 \
            or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def import_tensorflow():
    """Import TensorFlow quietly (no C++ info logs) and return the module.

    Call it inside the functions that need TensorFlow, so numpy-only code never pays the
    ~5 s import."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


def all_finite(values: Iterable[float]) -> bool:
    return all(math.isfinite(float(v)) for v in values)
