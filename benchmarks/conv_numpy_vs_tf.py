"""Benchmark: forward + backward of the course's CNN, numpy (course4/week1) vs TensorFlow.

Course 4 week 1. Both sides do the same work on the same float32 weights and batch: the course
network (CONV 4x4x8 'same' -> ReLU -> MAXPOOL 8/8 -> CONV 2x2x16 'same' -> ReLU -> MAXPOOL 4/4
-> FLATTEN -> DENSE 6 -> softmax cross-entropy) forward, the mean cost, and the gradients of
every weight (not of the input images, on either side).

* numpy, vectorised: ``DNNModel.loss_and_grads`` on ``network.build_model()`` (fused
  conv-relu-maxpool layers, row-wise im2col in cache-sized chunks, argmax gather for dW).
* numpy, separate layers: the same with Conv2D / ReLU / MaxPool2D layers (``--no-separate``
  skips it).
* numpy, loops: the lecture's loop layers, timed at batch ``--loop-batch`` (default 2) and
  extrapolated linearly (the loops cost the same per example) to the other batch sizes.
* TensorFlow: tf.nn.conv2d / relu / max_pool2d / matmul / softmax_cross_entropy_with_logits
  inside a ``tf.function`` with ``tf.GradientTape`` (graph mode, traced during warm-up).

Timings come from one process: warm-up first, then the sides alternate (interleaved) for
``--repeats`` rounds and the median of each is reported, with the ratio numpy time / TensorFlow
time (below 1: numpy is faster). The BLAS thread count is pinned before numpy is imported
(``OPENBLAS_NUM_THREADS``, default 1, ``--threads``) and TensorFlow's intra/inter-op thread
pools are set to match; both are printed. One BLAS thread is the default because the matrix
products here are thin (8 or 16 output columns): a second OpenBLAS thread barely helps them and,
on a busy shared machine, its spin-waiting can make them ten times slower. A readable table
comes first; the LAST line is one JSON object with the medians (seconds) and ratios.

    python benchmarks/conv_numpy_vs_tf.py                 # about a minute on 2 cores
    python benchmarks/conv_numpy_vs_tf.py --threads 2
    python benchmarks/conv_numpy_vs_tf.py --smoke         # tiny sizes, seconds (used by tests)

Timings on a shared machine are noisy: the 1-minute load average is printed with them.
"""
from __future__ import annotations

import _setup  # noqa: F401  (first: pins OPENBLAS_NUM_THREADS before numpy is imported)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from course4.week1 import network  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and TensorFlow thread count (default 1)")
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 64, 256],
                        help="batch sizes m (default 8 64 256)")
    parser.add_argument("--size", type=int, default=64,
                        help="image height = width, a multiple of 32 (default 64, the course's)")
    parser.add_argument("--loop-batch", type=int, default=2,
                        help="batch size at which the loop version is timed (default 2)")
    parser.add_argument("--repeats", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed passes per side (default 3)")
    parser.add_argument("--no-separate", action="store_true",
                        help="skip the separate-layers (unfused) numpy path")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes and few repeats: checks the script runs (tests)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.batches, args.size, args.loop_batch = [2, 4], 32, 1
        args.repeats, args.warmup = 3, 1
    for name in ("threads", "size", "loop_batch", "repeats", "warmup"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.size % 32:
        raise SystemExit(f"--size must be a multiple of 32 (pools 8 then 4), got {args.size}")
    if min(args.batches) < 1:
        raise SystemExit(f"--batches must be >= 1, got {args.batches}")
    return args


def make_problem(m: int, size: int, seed: int = 0, **options):
    """A float32 numpy model and a batch (X (m, size, size, 3) in [0, 1], one-hot Y (6, m))."""
    rng = np.random.default_rng(seed)
    model = network.build_model(np.random.default_rng(seed + 1), dtype=np.float32,
                                input_shape=(size, size, 3), **options)
    X = rng.random((m, size, size, 3), dtype=np.float32)
    Y = network.one_hot(rng.integers(0, network.N_CLASSES, m), network.N_CLASSES)
    return model, X, Y


def make_tf_step(tf, model, X: np.ndarray, Y: np.ndarray):
    """A compiled forward + backward of the same network and weights; returns (fn, cost)."""
    p = {k: tf.Variable(v) for k, v in model.parameters().items()}
    variables = list(p.values())
    x, y = tf.constant(X), tf.constant(Y.T)                   # (m, H, W, 3), (m, 6)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            a = tf.nn.relu(tf.nn.conv2d(x, p["layer0.W"], 1, "SAME") + p["layer0.b"])
            a = tf.nn.max_pool2d(a, 8, 8, "VALID")
            a = tf.nn.relu(tf.nn.conv2d(a, p["layer1.W"], 1, "SAME") + p["layer1.b"])
            a = tf.nn.max_pool2d(a, 4, 4, "VALID")
            flat = tf.reshape(a, (tf.shape(a)[0], -1))
            logits = tf.matmul(flat, p["layer3.W"], transpose_b=True) + tf.transpose(p["layer3.b"])
            cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        return cost, tape.gradient(cost, variables)

    def run():
        cost, grads = step(x, y)
        return float(cost)                                    # waits for the result

    return run


def bench_batch(tf, m: int, args: argparse.Namespace) -> dict:
    model, X, Y = make_problem(m, args.size)
    sides = {"numpy": lambda: model.loss_and_grads(X, Y)[0]}
    if not args.no_separate:
        separate, _, _ = make_problem(m, args.size, fused=False)
        sides["numpy_separate"] = lambda: separate.loss_and_grads(X, Y)[0]
    sides["tensorflow"] = make_tf_step(tf, model, X, Y)
    costs = {name: float(fn()) for name, fn in sides.items()}  # a guard: float32 round-off only
    for _ in range(args.warmup):
        for fn in sides.values():
            fn()
    times = {name: [] for name in sides}
    order = list(sides)
    for r in range(args.repeats):          # interleaved, rotating which side goes first
        for name in order[r % len(order):] + order[:r % len(order)]:
            start = time.perf_counter()
            sides[name]()
            times[name].append(time.perf_counter() - start)
    medians = {name: float(np.median(t)) for name, t in times.items()}
    spread = max(abs(c - costs["tensorflow"]) for c in costs.values())
    return {"medians": medians, "max_cost_diff": spread}


def bench_loops(args: argparse.Namespace) -> float:
    """Median seconds of the loop layers' forward + backward at batch ``--loop-batch``."""
    model, X, Y = make_problem(args.loop_batch, args.size, fused=False, implementation="loop")
    repeats = 1 if args.smoke else 3
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.loss_and_grads(X, Y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    tf = _setup.tensorflow_with_threads(args.threads)
    load = _setup.print_threads(tf)
    print(f"course CNN forward+backward, float32, images {args.size}x{args.size}x3; median of "
          f"{args.repeats} interleaved rounds")
    results = {m: bench_batch(tf, m, args) for m in args.batches}
    loop_s = bench_loops(args)
    per_example_loop = loop_s / args.loop_batch
    load_after = _setup.load_average()

    names = list(next(iter(results.values()))["medians"])
    header = f"{'batch':>6}" + "".join(f"{n + ' ms':>20}" for n in names) + \
        f"{'numpy/TF':>10}" + (f"{'separate/TF':>12}" if "numpy_separate" in names else "") + \
        f"{'loops/TF (extrap.)':>20}"
    print(header)
    ratios, separate_ratios, loop_ratios = {}, {}, {}
    for m, r in results.items():
        med = r["medians"]
        tf_s = med["tensorflow"]
        ratios[m] = med["numpy"] / tf_s
        loop_ratios[m] = per_example_loop * m / tf_s
        line = f"{m:>6}" + "".join(f"{1e3 * med[n]:>20.2f}" for n in names) + f"{ratios[m]:>10.2f}"
        if "numpy_separate" in med:
            separate_ratios[m] = med["numpy_separate"] / tf_s
            line += f"{separate_ratios[m]:>12.2f}"
        print(line + f"{loop_ratios[m]:>20.0f}")
    print(f"loops: {loop_s:.2f} s at batch {args.loop_batch} ({per_example_loop:.2f} s per "
          f"example), extrapolated linearly; max |cost difference| numpy vs TF "
          f"{max(r['max_cost_diff'] for r in results.values()):.1e}")
    print(f"1-min load average {load_after:.2f} (after); ratios below 1 mean numpy is faster")
    summary = {
        "benchmark": "course4_cnn_forward_backward", "dtype": "float32",
        "image_size": args.size, "threads": args.threads, "repeats": args.repeats,
        "load_average_1min": [load, load_after],
        "numpy_median_s": {f"m={m}": r["medians"]["numpy"] for m, r in results.items()},
        "tensorflow_median_s": {f"m={m}": r["medians"]["tensorflow"] for m, r in results.items()},
        "ratio_numpy_over_tensorflow": {f"m={m}": v for m, v in ratios.items()},
        "loop_median_s": {f"m={args.loop_batch}": loop_s},
        "ratio_loops_over_tensorflow_extrapolated": {f"m={m}": v for m, v in loop_ratios.items()},
    }
    if separate_ratios:
        summary["numpy_separate_median_s"] = {f"m={m}": r["medians"]["numpy_separate"]
                                              for m, r in results.items()}
        summary["ratio_separate_over_tensorflow"] = {f"m={m}": v for m, v in separate_ratios.items()}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
