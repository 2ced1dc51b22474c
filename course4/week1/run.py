"""A convolutional network from scratch in numpy on SIGNS (and the Keras application).

Course 4 (Convolutional Neural Networks), week 1: "Foundations of Convolutional Neural Networks".
Lecture topics: convolution over volumes, padding ('valid'/'same'), strided convolution, one
layer of a CNN, max and average pooling, a simple CNN example (CONV-POOL-CONV-POOL-FC),
backpropagation through conv and pool layers; softmax output.

What it shows: the course's network
    CONV 4x4x8 'same' -> ReLU -> MAXPOOL 8/8 -> CONV 2x2x16 'same' -> ReLU -> MAXPOOL 4/4
    -> FLATTEN -> DENSE 6 -> SOFTMAX
built from this week's numpy layers inside the course-2 engine (DNNModel, Adam, shuffled
mini-batches) and trained on ALL of SIGNS (1,080 images; the course's files when present, the
synthetic stand-in otherwise) in float32, on pixels centred per channel (see train_numpy_cnn).
The original repository's loop code was so slow that it trained on 100 images; the vectorised
layers (im2col, fused conv-relu-pool) make the whole set take seconds per epoch. Prints
train/test accuracy, saves the cost curve and a grid of test predictions. ``--part keras`` (or
``all``) also runs keras_app.py: the course's Sequential happy-face classifier and Functional
SIGNS model with their summaries.

Expected CPU runtime (2 cores): default about 13 s on an idle machine (80 s measured with the
load average near 9); --quick about 3 s; --part all adds the Keras application (40 s in all
on an idle machine, TensorFlow import included).

    python course4/week1/run.py [--data auto|course|synthetic] [--quick] [--part numpy|keras|all]
                                [--epochs N] [--softmax shortcut|jacobian] [--no-fuse]
"""
from __future__ import annotations

import os

# One BLAS thread unless the caller chose otherwise (read by OpenBLAS when numpy is first
# imported, so it only acts when this file is run as a script). The network's matrix products
# are thin (8 or 16 output columns): a second thread barely helps them, and on a busy machine
# its spin-waiting made them several times slower (benchmarks/conv_numpy_vs_tf.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

import numpy as np  # noqa: E402

from common import datasets, plotting, runner  # noqa: E402
from course2.week2 import mini_batches, optimizers  # noqa: E402
from course4.week1 import network  # noqa: E402


@dataclass(frozen=True)
class Config:
    learning_rate: float = 0.009       # Adam, the course's setting
    epochs: int = 40
    mini_batch_size: int = 64          # the course's setting
    dtype: str = "float32"             # float64 only for the gradient tests
    train_limit: int | None = None     # None: the whole training set
    grid_size: int = 18                # test predictions shown


QUICK = Config(epochs=8, train_limit=512, grid_size=12)


def parse_args(argv=None):
    parser = runner.make_parser(__doc__)
    parser.add_argument("--part", choices=("numpy", "keras", "all"), default="numpy",
                        help="numpy: the from-scratch CNN (default); keras: the Keras application "
                             "(keras_app.py); all: both")
    parser.add_argument("--epochs", type=int, default=None, help=f"epochs (default {Config.epochs})")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"Adam learning rate (default {Config.learning_rate})")
    parser.add_argument("--softmax", choices=("shortcut", "jacobian"), default="shortcut",
                        help="softmax backward: A - Y fused with the loss (default) or through "
                             "the full (m, 6, 6) Jacobian (same gradients, slower)")
    parser.add_argument("--no-fuse", action="store_true",
                        help="separate CONV, ReLU and MAXPOOL layers instead of the fused fast path")
    parser.add_argument("--no-standardize", action="store_true",
                        help="feed pixels / 255 as the course does, without centring each channel")
    parser.add_argument("--dtype", choices=("float32", "float64"), default=None,
                        help="floating type of the numpy model (default float32)")
    return parser.parse_args(argv)


def train_numpy_cnn(data: datasets.ImageDataset, config: Config, rng: np.random.Generator,
                    fused: bool = True, jacobian: bool = False, standardize: bool = True) -> dict:
    """Train the course network on ``data``; returns metrics, the history and predictions.

    ``standardize``: pixels / 255, then zero mean and unit variance per channel (training-set
    statistics). The course feeds pixels / 255 only; on the stand-in's bright walls every input
    is then large and positive, and this small ReLU network learns far more slowly (measured
    on the stand-in: 0.56 / 0.60 train / test accuracy after 40 epochs against 0.96 / 0.73
    centred; an earlier stand-in with smaller hands never left cost log 6 = 1.792).
    ``--no-standardize`` shows it."""
    dtype = np.dtype(config.dtype)
    train_x, train_y = data.train_x, data.train_y
    if config.train_limit is not None:
        train_x, train_y = train_x[:config.train_limit], train_y[:config.train_limit]
    X_train = network.images_to_inputs(train_x, dtype)          # (m_train, 64, 64, 3) in [0, 1]
    X_test = network.images_to_inputs(data.test_x, dtype)       # (m_test, 64, 64, 3)
    if standardize:     # zero mean, unit variance per channel, with the training statistics
        mean, std = network.channel_statistics(X_train)
        X_train, X_test = network.standardize(X_train, mean, std), network.standardize(X_test, mean, std)
    n_classes = len(data.classes)
    Y_train = network.one_hot(train_y, n_classes, dtype)        # (6, m_train)
    Y_test = network.one_hot(data.test_y, n_classes, dtype)     # (6, m_test)
    model = network.build_model(rng, optimizers.Adam(config.learning_rate), dtype=dtype,
                                input_shape=X_train.shape[1:], fused=fused, jacobian=jacobian,
                                n_classes=n_classes)
    print(f"numpy CNN ({'fused' if fused else 'separate'} layers, softmax "
          f"{'Jacobian' if jacobian else 'shortcut'}, {dtype}):\n{model.summary()}")
    history = model.fit(X_train, Y_train, config.epochs, rng,
                        mini_batch_size=config.mini_batch_size,
                        batch_iterator=mini_batches.random_mini_batches, label="numpy CNN")
    predictions = model.predict(X_test)[0]                      # (m_test,)
    return {
        "metrics": {"train_accuracy": model.evaluate(X_train, Y_train),
                    "test_accuracy": model.evaluate(X_test, Y_test),
                    "final_cost": history.costs[-1], "epochs": config.epochs,
                    "train_examples": int(X_train.shape[0]),
                    "train_seconds": history.seconds,
                    "seconds_per_epoch": history.seconds / config.epochs},
        "history": history, "predictions": predictions, "model": model,
    }


def main(argv=None) -> dict:
    # %% Settings
    args = parse_args(argv)
    config = QUICK if args.quick else Config()
    if args.epochs is not None:
        config = replace(config, epochs=runner.check_positive("--epochs", args.epochs))
    if args.learning_rate is not None:
        config = replace(config, learning_rate=runner.check_positive("--learning-rate", args.learning_rate))
    if args.dtype is not None:
        config = replace(config, dtype=args.dtype)
    if args.part in ("keras", "all"):   # TensorFlow first: the versions line names it, and
        from course4.week1 import keras_app   # seed_everything seeds it

        keras_app._keras()
    out = runner.prepare(args, "course4/week1")
    rng = runner.seed_everything(args.seed)
    start = time.perf_counter()
    metrics: dict = {}

    if args.part in ("numpy", "all"):
        # %% Data: SIGNS, (m, 64, 64, 3) uint8 -> floats in [0, 1]; labels -> one-hot (6, m)
        data, source = datasets.load_signs(args.data, seed=args.seed)
        print(f"SIGNS: train {len(data.train_y)} images, test {len(data.test_y)}, "
              f"classes {data.classes}")

        # %% Model and training: the engine with this week's layers, Adam, mini-batches
        result = train_numpy_cnn(data, config, rng, fused=not args.no_fuse,
                                 jacobian=args.softmax == "jacobian",
                                 standardize=not args.no_standardize)
        numpy_metrics = result["metrics"]
        print(f"numpy CNN: train accuracy {numpy_metrics['train_accuracy']:.3f}, test accuracy "
              f"{numpy_metrics['test_accuracy']:.3f}, chance {1 / len(data.classes):.3f}; "
              f"{numpy_metrics['train_seconds']:.1f} s "
              f"({numpy_metrics['seconds_per_epoch']:.2f} s per epoch of "
              f"{numpy_metrics['train_examples']} images)")

        # %% Figures: cost per epoch, test predictions
        runner.save_figure(plotting.cost_curves(
            {"numpy CNN": result["history"].costs}, xlabel="epoch",
            title=f"SIGNS ({source}), Adam lr {config.learning_rate:g}, "
                  f"mini-batches of {config.mini_batch_size}"), out / "cost.png")
        shown = np.arange(min(config.grid_size, len(data.test_y)))
        pred = result["predictions"]
        titles = [f"pred {data.classes[pred[i]]} / true {data.classes[data.test_y[i]]}"
                  + ("" if pred[i] == data.test_y[i] else "  X") for i in shown]
        runner.save_figure(plotting.image_grid(
            data.test_x[shown], titles, suptitle="numpy CNN on test images (X = wrong)"),
            out / "predictions.png")
        metrics["data"] = source
        if args.part == "numpy":
            metrics.update(numpy_metrics)
        else:
            metrics["numpy_cnn"] = numpy_metrics

    if args.part in ("keras", "all"):
        # %% The Keras application (keras_app.py): Sequential happy faces, Functional SIGNS
        keras_metrics = keras_app.run(args.data, args.seed, args.quick, out)
        data_kinds = {metrics.get("data"), keras_metrics.pop("data")} - {None}
        metrics.update(keras_metrics)
        metrics["data"] = "course" if data_kinds == {"course"} else "synthetic"

    metrics["runtime_seconds"] = time.perf_counter() - start
    runner.save_metrics(metrics, out / "metrics.json")
    print(f"done in {metrics['runtime_seconds']:.1f} s")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
