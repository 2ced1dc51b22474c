"""Logistic regression as a neural network: cat vs non-cat, in numpy and in Keras.

Course 1 (Neural Networks and Deep Learning), week 2.
Lecture topics: binary classification, logistic regression, its cost function, gradient
descent, computation graph, vectorisation, broadcasting.

What it shows: one sigmoid unit on the 12,288 flattened pixels of a 64x64 RGB image, trained
three ways from zero weights with full-batch gradient descent (lr 0.005, 2,000 iterations):
from scratch in numpy, with the Keras Sequential API and with the Keras Functional API. The
three end on the same weights (the run prints the largest relative difference). Then the
cost curve, a comparison of learning rates (0.01, 0.001, 0.0001 for 1,500 iterations), and
the test images the numpy model gets wrong.
On the course's data: train accuracy ~99%, test ~70% (it overfits: 12,288 weights, 209
images). On the synthetic stand-in the numbers differ; the story (training fits far better
than test) is the same.

Expected CPU runtime: about 20 s on two idle cores (TensorFlow import included; 27-32 s on a
busy machine); --quick about 8 s.

    python course1/week2/run.py [--data auto|course|synthetic] [--quick] [--out DIR]
"""
from __future__ import annotations

import os

# One BLAS thread unless the learner chose otherwise (set before numpy is imported, so it acts
# when this file runs as a script). The products here are thin, (1, 12288) @ (12288, 209):
# on a busy 2-core machine two OpenBLAS threads spin-wait on each other, and the default run
# took 87 s with two threads against 32 s with one.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

import numpy as np  # noqa: E402

from common import datasets, plotting, runner  # noqa: E402
from course1.week2 import logistic_regression, validation  # noqa: E402


@dataclass(frozen=True)
class Config:
    learning_rate: float = 0.005       # the course's setting
    num_iterations: int = 2000         # the course's setting
    record_every: int = 100            # cost recorded every this many iterations
    compare_rates: tuple[float, ...] = (0.01, 0.001, 0.0001)
    compare_iterations: int = 1500
    max_misclassified: int = 18        # images shown in the grid


QUICK = Config(num_iterations=300, record_every=20, compare_iterations=100)


def parse_args(argv=None):
    parser = runner.make_parser(__doc__)
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"learning rate (default {Config.learning_rate})")
    parser.add_argument("--iterations", type=int, default=None,
                        help=f"gradient-descent iterations (default {Config.num_iterations})")
    return parser.parse_args(argv)


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / ||b||, or ||a|| when b is zero."""
    norm = np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / norm) if norm > 0 else float(np.linalg.norm(a))


def main(argv=None) -> dict:
    # %% Settings
    args = parse_args(argv)
    config = QUICK if args.quick else Config()
    if args.learning_rate is not None:
        config = replace(config, learning_rate=args.learning_rate)
    if args.iterations is not None:
        config = replace(config, num_iterations=args.iterations)
    validation.check_learning_rate(config.learning_rate)  # bad flags fail now, not after loading
    validation.check_iterations(config.num_iterations)
    # imports TensorFlow: before seeding and the versions line, so both include it
    from course1.week2 import keras_logistic
    out = runner.prepare(args, "course1/week2")
    runner.seed_everything(args.seed)  # nothing here is random (zero init, full batch); for habit
    start = time.perf_counter()

    # %% Data: (m, 64, 64, 3) uint8 images -> (12288, m) floats in [0, 1]
    # the stand-in is one fixed draw, like the course's file: --seed never changes the images
    data, source = datasets.load_cats(args.data, seed=0)
    X_train = datasets.flatten_images(data.train_x)   # (n_x, m_train)
    X_test = datasets.flatten_images(data.test_x)     # (n_x, m_test)
    Y_train = data.train_y.reshape(1, -1)             # (m_train,) -> (1, m_train)
    Y_test = data.test_y.reshape(1, -1)               # (m_test,) -> (1, m_test)
    print(f"train {X_train.shape[1]} images, test {X_test.shape[1]}, n_x = {X_train.shape[0]}; "
          f"classes {data.classes}; share of cats: train {Y_train.mean():.2f}, "
          f"test {Y_test.mean():.2f}")

    # %% Baseline: always answer the training set's majority class
    majority = int(Y_train.mean() >= 0.5)
    baseline = {"train_accuracy": float(np.mean(Y_train == majority)),
                "test_accuracy": float(np.mean(Y_test == majority))}

    # %% Model 1: numpy, from scratch
    t = time.perf_counter()
    numpy_fit = logistic_regression.fit(X_train, Y_train, config.learning_rate,
                                        config.num_iterations, config.record_every, progress=True)
    seconds = {"numpy": time.perf_counter() - t}
    results = {"numpy": {
        "train_accuracy": logistic_regression.accuracy(
            logistic_regression.predict(X_train, numpy_fit.w, numpy_fit.b), Y_train),
        "test_accuracy": logistic_regression.accuracy(
            logistic_regression.predict(X_test, numpy_fit.w, numpy_fit.b), Y_test),
        "final_cost": float(numpy_fit.costs[-1]),
    }}
    curves = {"numpy": numpy_fit.costs}

    # %% Models 2 and 3: Keras Sequential and Functional, same start, same gradient descent
    n_x = X_train.shape[0]
    for name, build in (("keras_sequential", keras_logistic.build_sequential),
                        ("keras_functional", keras_logistic.build_functional)):
        model = build(n_x)
        keras_logistic.compile_for_gradient_descent(model, config.learning_rate)
        t = time.perf_counter()
        curves[name] = keras_logistic.train_full_batch(model, X_train, Y_train,
                                                       config.num_iterations, config.record_every,
                                                       progress=True)
        seconds[name] = time.perf_counter() - t
        w, b = keras_logistic.get_parameters(model)
        results[name] = {
            "train_accuracy": logistic_regression.accuracy(
                keras_logistic.predict(model, X_train), Y_train),
            "test_accuracy": logistic_regression.accuracy(
                keras_logistic.predict(model, X_test), Y_test),
            "final_cost": float(curves[name][-1]),
            "relative_weight_difference_to_numpy": relative_difference(
                np.vstack([w, [[b]]]), np.vstack([numpy_fit.w, [[numpy_fit.b]]])),
        }

    # %% Learning rates: the same model from zero, three step sizes
    t = time.perf_counter()
    by_rate = [logistic_regression.fit(X_train, Y_train, rate, config.compare_iterations,
                                       config.record_every) for rate in config.compare_rates]
    seconds["learning_rates"] = time.perf_counter() - t
    rate_results = {}
    rate_curves = {}
    for rate, fit in zip(config.compare_rates, by_rate):
        train_acc = logistic_regression.accuracy(
            logistic_regression.predict(X_train, fit.w, fit.b), Y_train)
        test_acc = logistic_regression.accuracy(
            logistic_regression.predict(X_test, fit.w, fit.b), Y_test)
        rate_results[f"{rate:g}"] = {"train_accuracy": train_acc, "test_accuracy": test_acc,
                                     "final_cost": float(fit.costs[-1])}
        rate_curves[f"lr {rate:g} (train {train_acc:.1%}, test {test_acc:.0%})"] = fit.costs

    # %% Figures
    runner.save_figure(plotting.cost_curves(
        curves, every=config.record_every,
        title=f"cost, lr {config.learning_rate:g} ({source} data): the three curves coincide"),
        out / "cost.png")
    runner.save_figure(plotting.cost_curves(
        rate_curves, every=config.record_every,
        title=f"learning rates, {config.compare_iterations} iterations"),
        out / "learning_rates.png")
    predicted = logistic_regression.predict(X_test, numpy_fit.w, numpy_fit.b)[0]
    wrong = np.flatnonzero(predicted != Y_test[0])[:config.max_misclassified]
    titles = [f"said {data.classes[predicted[i]]}\nis {data.classes[Y_test[0, i]]}" for i in wrong]
    runner.save_figure(plotting.image_grid(
        data.test_x[wrong], titles, suptitle=f"test images the numpy model gets wrong "
                                             f"({len(wrong)} shown)"),
        out / "misclassified.png")

    # %% Report
    metrics = {"data": source, **results, "majority_baseline": baseline,
               "learning_rates": rate_results,
               "misclassified_test_images": int(np.sum(predicted != Y_test[0])),
               "seconds": {**seconds, "total": time.perf_counter() - start},
               "config": {"learning_rate": config.learning_rate,
                          "num_iterations": config.num_iterations}}
    print(f"{'model':<18}{'train acc':>10}{'test acc':>10}{'final cost':>12}{'seconds':>9}")
    for name in ("numpy", "keras_sequential", "keras_functional"):
        r = results[name]
        print(f"{name:<18}{r['train_accuracy']:>10.2%}{r['test_accuracy']:>10.2%}"
              f"{r['final_cost']:>12.6f}{seconds[name]:>9.1f}")
    print(f"{'majority baseline':<18}{baseline['train_accuracy']:>10.2%}"
          f"{baseline['test_accuracy']:>10.2%}")
    for name in ("keras_sequential", "keras_functional"):
        print(f"{name} weights vs numpy: relative difference "
              f"{results[name]['relative_weight_difference_to_numpy']:.2e}")
    for rate, r in rate_results.items():
        print(f"lr {rate:<8} train {r['train_accuracy']:.2%}  test {r['test_accuracy']:.2%}  "
              f"final cost {r['final_cost']:.4f}")
    runner.save_metrics(metrics, out / "metrics.json")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
