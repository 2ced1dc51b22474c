"""Benchmark: the course2/week2 moons Adam run, numpy engine vs Keras fit vs a compiled TF loop.

Course 2 week 2. The same training on the same data: 300 moons points, network 2-5-2-1 (ReLU,
ReLU, sigmoid), Adam (learning rate 0.0007), shuffled mini-batches of 64 (5 per epoch, the
last one partial). Reported: seconds per 1,000 epochs.

* numpy:      ``DNNModel.fit`` (course2/week1 engine, float64) with
              ``random_mini_batches`` and ``Adam`` (course2/week2).
* TF loop:    the same network as a keras.Sequential, one epoch (shuffle + 5 Adam steps on
              slices) compiled as one ``tf.function`` (graph mode), called once per epoch.
* Keras fit:  ``model.fit(batch_size=64, shuffle=True, verbose=0)``. Its per-batch overhead is
              large for a network this small, so it is timed on ``--keras-epochs`` epochs
              (default 30) and SCALED to 1,000 epochs; the table says so.

TensorFlow runs in float32 (its default, what practitioners use); numpy in float64 (the
engine's default). For networks of a few dozen weights the cost of either is Python and
framework overhead per step, not arithmetic.

Timings come from one process: a warm-up of every side first, then the sides alternate
(interleaved, rotating which goes first) for ``--repeats`` rounds, and the median of each is
reported, with the ratios numpy time / TensorFlow time (below 1: numpy is faster). The BLAS
thread count is pinned before numpy is imported (``OPENBLAS_NUM_THREADS``, default 1,
``--threads``) and TensorFlow's thread pools are set to match; both are printed. A readable
table comes first; the LAST line is one JSON object with the medians (seconds per 1,000
epochs) and the ratios.

    python benchmarks/mlp_numpy_vs_keras.py            # about a minute on 2 cores
    python benchmarks/mlp_numpy_vs_keras.py --smoke    # tiny, seconds (used by the tests)

Timings on a shared machine are noisy: the 1-minute load average is printed with them.
"""
from __future__ import annotations

import _setup  # noqa: F401  (first: pins OPENBLAS_NUM_THREADS before numpy is imported)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from common import synthetic2d  # noqa: E402
from course2.week1.layers import Dense  # noqa: E402
from course2.week1.losses import BinaryCrossEntropy  # noqa: E402
from course2.week1.model import DNNModel  # noqa: E402
from course2.week2 import mini_batches, optimizers  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS and TensorFlow threads (default 1)")
    parser.add_argument("--epochs", type=int, default=200,
                        help="epochs per timed round for numpy and the TF loop (default 200)")
    parser.add_argument("--keras-epochs", type=int, default=30,
                        help="epochs per timed round of Keras fit, scaled to 1,000 (default 30)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--m", type=int, default=300, help="training points (default 300)")
    parser.add_argument("--smoke", action="store_true", help="tiny run: checks the script works (tests)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs, args.keras_epochs, args.repeats, args.m = 4, 2, 2, 100
    for name in ("threads", "epochs", "keras_epochs", "repeats", "m"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    return args


HIDDEN = (5, 2)
LEARNING_RATE = 0.0007
BATCH = 64


def numpy_runner(X: np.ndarray, Y: np.ndarray):
    """A function training the engine for n epochs (continuing from where it stopped)."""
    model = DNNModel([Dense(n, "relu") for n in HIDDEN] + [Dense(1, "sigmoid")], BinaryCrossEntropy(),
                     optimizers.Adam(LEARNING_RATE))
    rng = np.random.default_rng(0)
    model.build((X.shape[0],), rng)

    def run(n_epochs: int) -> None:
        model.fit(X, Y, n_epochs, rng, mini_batch_size=BATCH,
                  batch_iterator=mini_batches.random_mini_batches, progress=False)

    return run


def _keras_model(keras, n_x: int):
    model = keras.Sequential([keras.Input(shape=(n_x,))]
                             + [keras.layers.Dense(n, activation="relu") for n in HIDDEN]
                             + [keras.layers.Dense(1)])                   # logits
    return model


def tf_loop_runner(tf, keras, X: np.ndarray, Y: np.ndarray):
    """One epoch (shuffle + mini-batch Adam steps) as one compiled tf.function."""
    model = _keras_model(keras, X.shape[0])
    opt = keras.optimizers.Adam(LEARNING_RATE)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    x = tf.constant(X.T, dtype=tf.float32)                     # (m, n_x)
    y = tf.constant(Y.T, dtype=tf.float32)                     # (m, 1)
    m = X.shape[1]
    n_batches = -(-m // BATCH)

    @tf.function
    def epoch():
        order = tf.random.shuffle(tf.range(m))
        xs, ys = tf.gather(x, order), tf.gather(y, order)
        for k in tf.range(n_batches):
            xb, yb = xs[k * BATCH:(k + 1) * BATCH], ys[k * BATCH:(k + 1) * BATCH]
            with tf.GradientTape() as tape:
                loss = bce(yb, model(xb, training=True))
            opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                    model.trainable_variables))

    def run(n_epochs: int) -> None:
        for _ in range(n_epochs):
            epoch()

    return run


def keras_fit_runner(keras, X: np.ndarray, Y: np.ndarray):
    model = _keras_model(keras, X.shape[0])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    x, y = X.T.astype(np.float32), Y.T.astype(np.float32)      # (m, n_x), (m, 1)

    def run(n_epochs: int) -> None:
        model.fit(x, y, batch_size=BATCH, epochs=n_epochs, shuffle=True, verbose=0)

    return run


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    tf = _setup.tensorflow_with_threads(args.threads)
    import keras

    load = _setup.print_threads(tf)
    X, Y = synthetic2d.moons(args.m, noise=0.2, seed=3)
    keras.utils.set_random_seed(0)
    sides = {"numpy": (numpy_runner(X, Y), args.epochs),
             "tf_loop": (tf_loop_runner(tf, keras, X, Y), args.epochs),
             "keras_fit": (keras_fit_runner(keras, X, Y), args.keras_epochs)}
    print(f"moons m={args.m}, 2-{'-'.join(map(str, HIDDEN))}-1, Adam lr {LEARNING_RATE}, mini-batch {BATCH}; "
          f"{args.epochs} epochs per round (Keras fit: {args.keras_epochs}, scaled to 1,000); "
          f"median of {args.repeats} interleaved rounds after a warm-up")
    for run, _ in sides.values():                       # warm-up: tracing, allocation, caches
        run(2)
    times = {name: [] for name in sides}
    names = list(sides)
    for r in range(args.repeats):                       # interleaved, rotating the first side
        for name in names[r % 3:] + names[:r % 3]:
            run, n_epochs = sides[name]
            start = time.perf_counter()
            run(n_epochs)
            times[name].append((time.perf_counter() - start) * 1000 / n_epochs)
    med = {name: float(np.median(t)) for name, t in times.items()}
    load_after = _setup.load_average()

    print(f"\n{'side':<34}{'s / 1,000 epochs':>18}{'numpy / side':>14}")
    labels = {"numpy": "numpy engine (float64)",
              "tf_loop": "compiled tf.function epoch (f32)",
              "keras_fit": f"Keras fit (f32, {args.keras_epochs} ep. scaled)"}
    for name in names:
        print(f"{labels[name]:<34}{med[name]:>18.3f}{med['numpy'] / med[name]:>14.3f}")
    print(f"1-min load average {load_after:.2f} (after); ratios below 1 mean numpy is faster")
    summary = {
        "benchmark": "mlp_moons_adam_seconds_per_1000_epochs",
        "m": args.m, "hidden": list(HIDDEN), "mini_batch_size": BATCH, "threads": args.threads,
        "repeats": args.repeats, "epochs_per_round": args.epochs, "keras_fit_epochs_per_round": args.keras_epochs,
        "keras_fit_scaled_to_1000_epochs": True, "load_average_1min": [load, load_after],
        "median_s": med,
        "ratio_numpy_over_tf_loop": med["numpy"] / med["tf_loop"],
        "ratio_numpy_over_keras_fit": med["numpy"] / med["keras_fit"],
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
