"""Benchmark: one LSTM forward + backward pass, numpy (course5/week1/lstm.py) vs Keras.

Course 5 week 1. Both sides do the same work on the same float32 weights: run an LSTM over a
batch of sequences (T_x = 40 steps, m = 32 examples, n_x = 27 inputs, n_a = 50 and 128 units),
then backpropagate a fixed upstream gradient to the inputs, the initial states and all weights.

* numpy: ``lstm.lstm_forward`` + ``lstm.lstm_backward`` (one fused matmul for the four gates,
  the input projection of all steps before the loop, preallocated buffers, dW after the loop).
* TensorFlow: ``keras.layers.LSTM(return_sequences=True)`` inside a ``tf.function`` step with
  ``tf.GradientTape`` (graph mode, traced once during warm-up).

Before timing, both sides run once on the same weights and inputs and must agree (float32
round-off only): the output a, and every gradient (dx, da0, dc0, kernel, recurrent_kernel,
bias, mapped with ``keras_mapping``); otherwise the script stops with the array and the size
of the difference, since the timings would compare different computations.

Timings come from one process: warm-up first, then the two sides alternate (interleaved) for
``--repeats`` rounds and the median of each is reported, with the ratio numpy time /
TensorFlow time (below 1: numpy is faster). The BLAS thread count is pinned before numpy is
imported (``OPENBLAS_NUM_THREADS``, default 1, ``--threads``) and TensorFlow's intra/inter-op
thread pools are set to match; the counts in effect are printed. A readable table comes
first; the LAST line is one JSON object with the medians (seconds) and ratios.

    python benchmarks/lstm_numpy_vs_keras.py              # about a minute on 2 cores
    python benchmarks/lstm_numpy_vs_keras.py --threads 2
    python benchmarks/lstm_numpy_vs_keras.py --smoke      # tiny sizes, seconds (used by tests)

Timings on a shared machine are noisy: the 1-minute load average is printed with them.
"""
from __future__ import annotations

import _setup  # noqa: F401  (first: pins OPENBLAS_NUM_THREADS before numpy is imported)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from course5.week1 import keras_mapping, lstm  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and TensorFlow thread count (default 1)")
    parser.add_argument("--units", type=int, nargs="+", default=[50, 128], help="n_a values")
    parser.add_argument("--steps", type=int, default=40, help="T_x (default 40)")
    parser.add_argument("--batch", type=int, default=32, help="m (default 32)")
    parser.add_argument("--inputs", type=int, default=27, help="n_x (default 27)")
    parser.add_argument("--repeats", type=int, default=31, help="timed rounds (default 31)")
    parser.add_argument("--number", type=int, default=5,
                        help="passes per timed round (default 5; the round's mean is one sample)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed passes per side (default 5)")
    parser.add_argument("--xla", action="store_true", help="compile the TF step with XLA")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes and few repeats: checks the script runs (tests)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.units, args.steps, args.batch, args.inputs = [4, 6], 3, 2, 5
        args.repeats, args.number, args.warmup = 3, 1, 1
    for name in ("threads", "steps", "batch", "inputs", "repeats", "number", "warmup"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name} must be >= 1, got {getattr(args, name)}")
    return args


def make_problem(n_x: int, n_a: int, m: int, T_x: int, seed: int = 0) -> dict:
    """float32 weights, inputs, initial states and an upstream gradient (course layout)."""
    rng = np.random.default_rng(seed)
    params = lstm.init_params(n_x, n_a, rng, dtype=np.float32)
    for g in lstm.GATES:
        params["b" + g] += (0.1 * rng.standard_normal((n_a, 1))).astype(np.float32)
    f32 = np.float32
    return {
        "params": params,
        "x": rng.standard_normal((n_x, m, T_x)).astype(f32),
        "a0": (0.1 * rng.standard_normal((n_a, m))).astype(f32),
        "c0": (0.1 * rng.standard_normal((n_a, m))).astype(f32),
        "da": rng.standard_normal((n_a, m, T_x)).astype(f32),
    }


def numpy_step(problem: dict):
    a, cache = lstm.lstm_forward(problem["x"], problem["a0"], problem["params"], problem["c0"])
    return a, lstm.lstm_backward(problem["da"], cache)


def make_keras_step(problem: dict, xla: bool):
    """The Keras layer with the same weights, and a compiled forward+backward step."""
    import keras
    import tensorflow as tf

    n_x, m, T_x = problem["x"].shape
    n_a = problem["a0"].shape[0]
    layer = keras.layers.LSTM(n_a, return_sequences=True, dtype="float32")
    layer.build((m, T_x, n_x))
    layer.set_weights(keras_mapping.lstm_to_keras(problem["params"]))
    inputs = [tf.constant(keras_mapping.sequence_to_keras(problem["x"])),   # (m, T_x, n_x)
              tf.constant(keras_mapping.state_to_keras(problem["a0"])),     # (m, n_a)
              tf.constant(keras_mapping.state_to_keras(problem["c0"])),
              tf.constant(keras_mapping.sequence_to_keras(problem["da"]))]  # (m, T_x, n_a)

    @tf.function(jit_compile=xla)
    def step(x, h0, c0, upstream):
        with tf.GradientTape() as tape:
            tape.watch([x, h0, c0])
            out = layer(x, initial_state=[h0, c0])
            loss = tf.reduce_sum(out * upstream)
        return out, tape.gradient(loss, [x, h0, c0] + layer.trainable_weights)

    return lambda: step(*inputs)


A_TOLERANCE = 1e-4       # max |a numpy - a Keras| (|a| < 1), float32
GRAD_TOLERANCE = 1e-4    # max |difference| / max |Keras gradient|, per array, float32


def compare_with_keras(a_np: np.ndarray, grads_np: dict[str, np.ndarray], out_tf: np.ndarray,
                       grads_tf: list[np.ndarray]) -> dict[str, float]:
    """The numpy and Keras results of one step side by side, in the Keras layout.

    a_np (n_a, m, T_x) and grads_np (``lstm.lstm_backward``'s dict); out_tf (m, T_x, n_a) and
    grads_tf = [dx (m, T_x, n_x), dh0 (m, n_a), dc0 (m, n_a), kernel, recurrent_kernel, bias].
    Returns {"a": max abs difference, "<gradient>": max abs difference / max abs entry, ...};
    raises SystemExit naming the first array outside its tolerance.
    """
    ours = [keras_mapping.sequence_to_keras(grads_np["dx"]),      # (n_x, m, T) -> (m, T, n_x)
            keras_mapping.state_to_keras(grads_np["da0"]),        # (n_a, m) -> (m, n_a)
            keras_mapping.state_to_keras(grads_np["dc0"]),
            *keras_mapping.lstm_to_keras({k: grads_np["d" + k] for k in lstm.PARAM_KEYS})]
    names = ["dx", "da0", "dc0", "dkernel", "drecurrent_kernel", "dbias"]
    if len(grads_tf) != len(names):
        raise SystemExit(f"expected {len(names)} Keras gradients ({', '.join(names)}), "
                         f"got {len(grads_tf)}")
    diffs = {"a": float(np.max(np.abs(keras_mapping.sequence_to_keras(a_np) - out_tf)))}
    for name, mine, theirs in zip(names, ours, grads_tf):
        if mine.shape != theirs.shape:
            raise SystemExit(f"numpy and Keras disagree: {name} has shape {mine.shape} in numpy "
                             f"and {theirs.shape} in Keras")
        scale = max(float(np.max(np.abs(theirs))), np.finfo(np.float32).tiny)
        diffs[name] = float(np.max(np.abs(mine - theirs))) / scale
    for name, diff in diffs.items():
        tol = A_TOLERANCE if name == "a" else GRAD_TOLERANCE
        if not diff <= tol:                # also catches NaN
            kind = "max abs difference" if name == "a" else "max relative difference"
            raise SystemExit(f"numpy and Keras disagree on the same weights: {name} {kind} "
                             f"{diff:.2e} > {tol:.0e}; the timings would compare different "
                             f"computations, so the benchmark stops here")
    return diffs


def time_round(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def bench_one(n_a: int, args: argparse.Namespace) -> dict:
    problem = make_problem(args.inputs, n_a, args.batch, args.steps)
    np_fn = lambda: numpy_step(problem)  # noqa: E731
    tf_fn = make_keras_step(problem, args.xla)
    # Same numbers on both sides, values and gradients (float32 round-off only), or stop.
    a_np, grads_np = np_fn()
    out_tf, grads_tf = tf_fn()
    diffs = compare_with_keras(a_np, grads_np, out_tf.numpy(), [g.numpy() for g in grads_tf])
    for _ in range(args.warmup):
        np_fn()
        tf_fn()
    np_times, tf_times = [], []
    for r in range(args.repeats):     # interleaved, alternating which side goes first
        pair = [(np_fn, np_times), (tf_fn, tf_times)]
        for fn, sink in (pair if r % 2 == 0 else pair[::-1]):
            sink.append(time_round(fn, args.number))
    numpy_s, tf_s = float(np.median(np_times)), float(np.median(tf_times))
    return {"numpy_s": numpy_s, "tensorflow_s": tf_s, "ratio": numpy_s / tf_s,
            "max_abs_diff_a": diffs["a"],
            "max_rel_diff_grads": max(v for k, v in diffs.items() if k != "a")}


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    tf = _setup.tensorflow_with_threads(args.threads)     # also pins BLAS to args.threads
    import keras

    load = _setup.print_threads(tf)
    blas = _setup.blas_threads_in_effect()
    print(f"LSTM forward+backward, float32, T_x={args.steps}, m={args.batch}, n_x={args.inputs}; "
          f"median of {args.repeats} interleaved rounds x {args.number} passes"
          f"{', XLA' if args.xla else ''}")
    results = {}
    for n_a in args.units:
        results[n_a] = bench_one(n_a, args)
    load_after = _setup.load_average()

    print(f"{'n_a':>5} {'numpy ms':>10} {'keras ms':>10} {'numpy/keras':>12} {'max|a diff|':>12} "
          f"{'max grad diff':>14}")
    for n_a, r in results.items():
        print(f"{n_a:>5} {1e3 * r['numpy_s']:>10.3f} {1e3 * r['tensorflow_s']:>10.3f} "
              f"{r['ratio']:>12.2f} {r['max_abs_diff_a']:>12.1e} {r['max_rel_diff_grads']:>14.1e}")
    print("max grad diff: the largest |numpy - Keras| / max |Keras| over dx, da0, dc0 and the "
          "weight gradients (checked before timing)")
    print(f"1-min load average {load_after:.2f} (after); ratios below 1 mean numpy is faster")
    summary = {
        "benchmark": "lstm_forward_backward",
        "dtype": "float32", "T_x": args.steps, "m": args.batch, "n_x": args.inputs,
        "threads": args.threads, "blas_threads_in_effect": blas,
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "xla": args.xla, "repeats": args.repeats,
        "load_average_1min": [load, load_after],
        "numpy_median_s": {f"n_a={k}": r["numpy_s"] for k, r in results.items()},
        "tensorflow_median_s": {f"n_a={k}": r["tensorflow_s"] for k, r in results.items()},
        "ratio_numpy_over_tensorflow": {f"n_a={k}": r["ratio"] for k, r in results.items()},
        "max_abs_diff_a": {f"n_a={k}": r["max_abs_diff_a"] for k, r in results.items()},
        "max_rel_diff_grads": {f"n_a={k}": r["max_rel_diff_grads"] for k, r in results.items()},
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
