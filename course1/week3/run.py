"""Planar data classification with one hidden layer: the flower, in numpy and TensorFlow.

Course 1 (Neural Networks and Deep Learning), week 3.
Lecture topics: neural network representation, computing the output, vectorising across
examples, activation functions (tanh, sigmoid), gradient descent and backpropagation for a
2-layer network, random initialisation.

What it shows: a straight line (logistic regression, week 2's code) cannot separate the petals
of the "flower" (~50%), while a 4-unit tanh hidden layer draws them (course ~90%; here ~94%).
The network is written twice, in numpy with a hand-written backward pass and in TensorFlow
with tf.Variable + tf.GradientTape, and from the same start the two end on the same weights.
Then a sweep of the hidden-layer size (1, 2, 3, 4, 5, 20, 50 units) on one figure, with the
accuracy on a fresh sample of the flower (the big layers fit the training points better and
the fresh ones worse), and the same comparison on four other 2-D sets.
The points are made in code (common/synthetic2d.py, as the course makes its own), so there is
no course file; --data is accepted for uniformity and always means the generated sets.

Expected CPU runtime: about 10 s on two idle cores (TensorFlow import included); --quick about 6 s.

    python course1/week3/run.py [--quick] [--hidden-units 4] [--out DIR]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from common import plotting, runner, synthetic2d
from course1.week2 import logistic_regression, validation
from course1.week3 import shallow_network


@dataclass(frozen=True)
class Config:
    hidden_units: int = 4              # the course's choice for the flower
    learning_rate: float = 1.2         # the course's setting
    num_iterations: int = 10000        # the course's setting
    init_scale: float = 0.01           # W = randn * 0.01 (the course's)
    record_every: int = 1000
    sweep_sizes: tuple[int, ...] = (1, 2, 3, 4, 5, 20, 50)
    sweep_iterations: int = 5000       # the course's sweep uses 5,000
    extra_iterations: int = 5000
    baseline_learning_rate: float = 0.05   # small enough for the unscaled blobs (|x| ~ 10)
    baseline_iterations: int = 1000
    m: int = 400                       # flower points (train; a fresh sample of m to test)


QUICK = Config(num_iterations=1500, record_every=250, sweep_sizes=(1, 4, 20),
               sweep_iterations=800, extra_iterations=800, baseline_iterations=200, m=200)


def parse_args(argv=None):
    parser = runner.make_parser(__doc__)
    parser.add_argument("--hidden-units", type=int, default=None,
                        help=f"hidden-layer size of the main model (default {Config.hidden_units})")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"learning rate (default {Config.learning_rate})")
    parser.add_argument("--iterations", type=int, default=None,
                        help=f"gradient-descent iterations (default {Config.num_iterations})")
    return parser.parse_args(argv)


def accuracy(predict, X: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean(predict(X) == Y))


def main(argv=None) -> dict:
    # %% Settings
    args = parse_args(argv)
    config = QUICK if args.quick else Config()
    for flag, field in (("hidden_units", "hidden_units"), ("learning_rate", "learning_rate"),
                        ("iterations", "num_iterations")):
        if getattr(args, flag) is not None:
            config = replace(config, **{field: getattr(args, flag)})
    validation.check_learning_rate(config.learning_rate)  # bad flags fail now, before the work
    validation.check_iterations(config.num_iterations)
    validation.check_iterations(config.hidden_units, "n_h")  # "a whole number >= 1" fits too
    from course1.week3 import tf_shallow  # imports TensorFlow: before seeding and the versions line

    out = runner.prepare(args, "course1/week3")
    rng = runner.seed_everything(args.seed)
    start = time.perf_counter()

    # %% Data: the flower (train) and a fresh sample of it (test)
    print(f"data: the 2-D sets are generated in code (common/synthetic2d.py); "
          f"this week has no course file (--data {args.data} changes nothing)")
    X, Y = synthetic2d.flower(m=config.m, seed=1)              # (2, m), (1, m)
    X_test, Y_test = synthetic2d.flower(m=config.m, seed=2)

    # %% Baseline: logistic regression (week 2) draws one straight line
    base = logistic_regression.fit(X, Y, config.baseline_learning_rate, config.baseline_iterations)

    def predict_lr(P):
        return logistic_regression.predict(P, base.w, base.b)

    results = {"logistic_regression": {"train_accuracy": accuracy(predict_lr, X, Y),
                                       "test_accuracy": accuracy(predict_lr, X_test, Y_test)}}

    # %% The network in numpy, then in TensorFlow from the same initial weights
    initial = shallow_network.initialize_parameters(2, config.hidden_units, rng, config.init_scale)
    t = time.perf_counter()
    trained = shallow_network.gradient_descent(X, Y, initial, config.learning_rate,
                                               config.num_iterations, config.record_every,
                                               progress=True)
    seconds = {"numpy": time.perf_counter() - t}

    def predict_np(P):
        return shallow_network.predict(P, trained.parameters)

    network = tf_shallow.TFShallowNetwork(initial)
    t = time.perf_counter()
    tf_costs = network.train(X, Y, config.learning_rate, config.num_iterations,
                             config.record_every, progress=True)
    seconds["tensorflow"] = time.perf_counter() - t
    tf_parameters = network.parameters()
    difference = max(float(np.max(np.abs(tf_parameters[k] - trained.parameters[k])))
                     for k in shallow_network.PARAMETER_NAMES)
    results["numpy_network"] = {"train_accuracy": accuracy(predict_np, X, Y),
                                "test_accuracy": accuracy(predict_np, X_test, Y_test),
                                "final_cost": float(trained.costs[-1])}
    results["tensorflow_network"] = {"train_accuracy": accuracy(network.predict, X, Y),
                                     "test_accuracy": accuracy(network.predict, X_test, Y_test),
                                     "final_cost": float(tf_costs[-1]),
                                     "max_abs_weight_difference_to_numpy": difference}

    # %% Hidden-layer sizes
    sweep = {}
    sweep_panels = []
    for n_h in config.sweep_sizes:
        fit = shallow_network.fit(X, Y, n_h, rng, config.learning_rate, config.sweep_iterations,
                                  config.init_scale, config.sweep_iterations)

        def predict_fit(P, parameters=fit.parameters):
            return shallow_network.predict(P, parameters)

        sweep[str(n_h)] = {"train_accuracy": accuracy(predict_fit, X, Y),
                           "test_accuracy": accuracy(predict_fit, X_test, Y_test)}
        sweep_panels.append((f"{n_h} hidden: train {sweep[str(n_h)]['train_accuracy']:.1%}, "
                             f"test {sweep[str(n_h)]['test_accuracy']:.1%}", predict_fit))

    # %% Other 2-D sets: the same network (and the straight-line baseline) on each
    extra = {}
    extra_panels = []
    for name, make in synthetic2d.EXTRA_DATASETS.items():
        X_e, Y_e = make()
        line = logistic_regression.fit(X_e, Y_e, config.baseline_learning_rate,
                                       config.baseline_iterations)
        fit = shallow_network.fit(X_e, Y_e, config.hidden_units, rng, config.learning_rate,
                                  config.extra_iterations, config.init_scale,
                                  config.extra_iterations)

        def predict_line(P, w=line.w, b=line.b):
            return logistic_regression.predict(P, w, b)

        def predict_net(P, parameters=fit.parameters):
            return shallow_network.predict(P, parameters)

        extra[name] = {"logistic_regression": {"train_accuracy": accuracy(predict_line, X_e, Y_e)},
                       "network": {"train_accuracy": accuracy(predict_net, X_e, Y_e)}}
        extra_panels.append((name, X_e, Y_e, predict_line, predict_net))

    # %% Figures
    title = f"{config.hidden_units} hidden units"
    runner.save_figure(plotting.decision_boundaries(
        [(f"logistic regression: {results['logistic_regression']['train_accuracy']:.1%}",
          predict_lr),
         (f"numpy, {title}: {results['numpy_network']['train_accuracy']:.1%}", predict_np),
         (f"TensorFlow, {title}: {results['tensorflow_network']['train_accuracy']:.1%}",
          network.predict)],
        X, Y, ncols=3, suptitle="the flower: a line vs one hidden layer (training accuracy)"),
        out / "flower_boundaries.png")
    runner.save_figure(plotting.cost_curves(
        {"numpy": trained.costs, "TensorFlow": tf_costs}, every=config.record_every,
        title=f"cost, {title}, lr {config.learning_rate:g}: the curves coincide"),
        out / "cost.png")
    runner.save_figure(plotting.decision_boundaries(
        sweep_panels, X, Y, ncols=4,
        suptitle=f"hidden-layer size ({config.sweep_iterations} iterations each)"),
        out / "hidden_sizes.png")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(extra_panels), figsize=(3 * len(extra_panels), 6),
                             squeeze=False)
    for col, (name, X_e, Y_e, predict_line, predict_net) in enumerate(extra_panels):
        plotting.draw_decision_boundary(
            axes[0, col], predict_line, X_e, Y_e,
            f"{name}\nlogistic regression "
            f"{extra[name]['logistic_regression']['train_accuracy']:.0%}")
        plotting.draw_decision_boundary(
            axes[1, col], predict_net, X_e, Y_e,
            f"{name}\n{title} {extra[name]['network']['train_accuracy']:.0%}")
    fig.tight_layout()
    runner.save_figure(fig, out / "extra_datasets.png")

    # %% Report
    metrics = {"data": "synthetic", **results, "hidden_sizes": sweep, "extra_datasets": extra,
               "seconds": {**seconds, "total": time.perf_counter() - start},
               "config": {"hidden_units": config.hidden_units,
                          "learning_rate": config.learning_rate,
                          "num_iterations": config.num_iterations, "seed": args.seed}}
    print(f"{'model':<22}{'train acc':>10}{'test acc':>10}")
    for name in ("logistic_regression", "numpy_network", "tensorflow_network"):
        print(f"{name:<22}{results[name]['train_accuracy']:>10.2%}"
              f"{results[name]['test_accuracy']:>10.2%}")
    print(f"TensorFlow vs numpy weights after {config.num_iterations} steps: "
          f"max |difference| {difference:.1e}")
    for n_h, r in sweep.items():
        print(f"{n_h:>3} hidden units: train {r['train_accuracy']:.2%}  "
              f"test {r['test_accuracy']:.2%}")
    for name, r in extra.items():
        print(f"{name:<20} logistic regression {r['logistic_regression']['train_accuracy']:.0%}  "
              f"network {r['network']['train_accuracy']:.0%}")
    runner.save_metrics(metrics, out / "metrics.json")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
