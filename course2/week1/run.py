"""Practical aspects of deep learning: initialisation, regularisation, gradient checking.

Course 2 (Improving Deep Neural Networks), week 1.
Lecture topics: weight initialisation (zeros, large random, He), L2 regularisation, inverted
dropout, numerical gradient checking.

What it shows:
  1. Initialisation, on two noisy circles (a built-in stand-in for the course's make_circles
     points), network 2-10-5-1, 15,000 full-batch GD iterations at learning rate 0.01:
     zeros stays at 50% (symmetry never breaks), large random (randn * 10) starts with a huge
     cost and descends slowly and unevenly, He trains to 99-100%.
  2. Regularisation, on the football points (data.mat when present, else a 2-D stand-in),
     network 2-20-3-1, 30,000 full-batch GD iterations at learning rate 0.3: no
     regularisation vs L2 (lambda 0.7) vs dropout (keep_prob 0.86) vs both, with decision
     boundaries and train/test accuracies (course data: the unregularised net fits the noise,
     the regularised ones generalise better).
  3. Gradient checking of a small network with L2 and dropout: the model's backward agrees
     with centred differences (about 1e-9), and a deliberately wrong backward
     (gradient_check.backward_with_bug) is caught (difference about 1) and located in db.
  --keras also trains the Keras twin (same weights, kernel L2 lambda / (2 m), Dropout) of the
     L2 + dropout model and reports its accuracies.

Expected runtime on 2 idle CPU cores: about 20 s (--quick: about 4 s; --keras adds ~25 s).
Run:  python course2/week1/run.py [--data auto|course|synthetic] [--quick] [--keras]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from common import datasets, plotting, runner, synthetic2d
from course2.week1 import gradient_check
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel
from course2.week1.optimizers import GradientDescent


@dataclass(frozen=True)
class Config:
    # 1. initialisation (the course: 2-10-5-1, 15,000 iterations, learning rate 0.01)
    init_hidden: tuple[int, ...] = (10, 5)
    init_schemes: tuple[str, ...] = ("zeros", "large_random", "he")
    init_iterations: int = 15_000
    init_learning_rate: float = 0.01
    circles_train: int = 300
    circles_test: int = 100
    # 2. regularisation (the course: 2-20-3-1, 30,000 iterations, learning rate 0.3)
    reg_hidden: tuple[int, ...] = (20, 3)
    reg_iterations: int = 30_000
    reg_learning_rate: float = 0.3
    l2_lambda: float = 0.7
    keep_prob: float = 0.86
    # 3. gradient checking: a small network on a few points
    check_hidden: tuple[int, ...] = (5, 3)
    check_points: int = 20


QUICK = replace(Config(), init_iterations=1500, reg_iterations=2500)

REG_VARIANTS = {                      # name: (l2_lambda factor, use dropout)
    "none": (0.0, False),
    "l2": (1.0, False),
    "dropout": (0.0, True),
    "l2_dropout": (1.0, True),
}


def make_model(hidden: tuple[int, ...], init: str, learning_rate: float,
               l2_lambda: float = 0.0, keep_prob: float = 1.0) -> DNNModel:
    """2 -> hidden ReLU layers (dropout keep_prob on each) -> 1 sigmoid unit."""
    layers = [Dense(n, "relu", keep_prob=keep_prob, init=init) for n in hidden]
    layers.append(Dense(1, "sigmoid", init=init))
    return DNNModel(layers, BinaryCrossEntropy(), GradientDescent(learning_rate), l2_lambda=l2_lambda)


def compare_initialisations(cfg: Config, seed: int
                            ) -> tuple[dict, dict, dict, tuple[np.ndarray, np.ndarray]]:
    """Train one network per scheme on circles.

    Returns (metrics, models, cost histories, (train_X (2, m), train_Y (1, m))): the training
    points come back so the decision-boundary figure can draw them."""
    train_X, train_Y = synthetic2d.circles(cfg.circles_train, noise=0.05, seed=seed)
    test_X, test_Y = synthetic2d.circles(cfg.circles_test, noise=0.05, seed=seed + 1)
    metrics, models, costs = {}, {}, {}
    for scheme in cfg.init_schemes:
        model = make_model(cfg.init_hidden, scheme, cfg.init_learning_rate)
        with np.errstate(over="ignore"):       # exp overflow of a saturated sigmoid (large random)
            history = model.fit(train_X, train_Y, cfg.init_iterations, np.random.default_rng(seed),
                                label=f"init {scheme}")
        c = np.asarray(history.costs)
        metrics[f"init_{scheme}"] = {
            "train_accuracy": model.evaluate(train_X, train_Y),
            "test_accuracy": model.evaluate(test_X, test_Y),
            "first_cost": float(c[0]), "final_cost": float(c[-1]),
            "cost_increases": int(np.sum(np.diff(c) > 0)),   # steps where the cost went UP
            "seconds": history.seconds}
        models[scheme], costs[scheme] = model, c
    return metrics, models, costs, (train_X, train_Y)


def compare_regularisation(cfg: Config, data: datasets.PointsDataset, seed: int,
                           variants: tuple[str, ...] = tuple(REG_VARIANTS)) -> tuple[dict, dict, dict]:
    """None vs L2 vs dropout vs both on the football points (same initial weights for all)."""
    metrics, models, costs = {}, {}, {}
    for name in variants:
        lambda_factor, dropout = REG_VARIANTS[name]
        model = make_model(cfg.reg_hidden, "xavier", cfg.reg_learning_rate,
                           l2_lambda=cfg.l2_lambda * lambda_factor,
                           keep_prob=cfg.keep_prob if dropout else 1.0)
        history = model.fit(data.train_X, data.train_Y, cfg.reg_iterations,
                            np.random.default_rng(seed), label=f"regularisation {name}")
        metrics[f"reg_{name}"] = {
            "train_accuracy": model.evaluate(data.train_X, data.train_Y),
            "test_accuracy": model.evaluate(data.test_X, data.test_Y),
            "final_cost": history.costs[-1], "seconds": history.seconds}
        models[name], costs[name] = model, history.costs
    return metrics, models, costs


def gradient_check_demo(cfg: Config, data: datasets.PointsDataset, seed: int) -> dict:
    """The model's backward vs backward_with_bug, both against centred differences."""
    model = make_model(cfg.check_hidden, "xavier", 0.1, l2_lambda=cfg.l2_lambda, keep_prob=cfg.keep_prob)
    X, Y = data.train_X[:, :cfg.check_points], data.train_Y[:, :cfg.check_points]
    model.build((X.shape[0],), np.random.default_rng(seed))
    for p in model.parameters().values():            # non-zero biases: a bug in db must show
        p += np.random.default_rng(seed + 1).normal(0, 0.1, p.shape)
    good = gradient_check.check_model(model, X, Y, seed=seed)
    bad = gradient_check.check_model(model, X, Y, seed=seed, backward=gradient_check.backward_with_bug)
    return {"correct": good, "with_bug": bad}


def gradient_check_figure(results: dict):
    import matplotlib.pyplot as plt

    names = list(results["correct"].per_parameter)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(x - 0.2, [results["correct"].per_parameter[n] for n in names], 0.4, label="model.backward")
    ax.bar(x + 0.2, [results["with_bug"].per_parameter[n] for n in names], 0.4, label="backward_with_bug")
    ax.axhline(1e-7, color="k", ls="--", lw=1, label="1e-7")
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=30, fontsize=8)
    ax.set_ylabel("relative difference")
    ax.set_title("gradient checking, per parameter (L2 + dropout, fixed masks)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def main(argv=None) -> dict:
    parser = runner.make_parser(__doc__)
    parser.add_argument("--keras", action="store_true",
                        help="also train the Keras twin of the L2 + dropout model (imports TensorFlow)")
    # seed 3 by default: with a 3-unit ReLU layer and learning rate 0.3, about 1 seed in 12 lets
    # the ReLUs die in the first steps (cost stuck at 0.693, 50%); seed 3 is one that does not
    parser.set_defaults(seed=3)
    args = parser.parse_args(argv)
    if args.keras:    # TensorFlow first: the versions line names it, and seed_everything seeds it
        from course2.week1 import keras_twin

        runner.import_tensorflow()
        import keras  # noqa: F401
    out = runner.prepare(args, "course2/week1")
    cfg = QUICK if args.quick else Config()
    runner.seed_everything(args.seed)
    timings = {}

    # %% 1. initialisation on circles
    start = time.perf_counter()
    init_metrics, init_models, init_costs, (cX, cY) = compare_initialisations(cfg, args.seed)
    timings["initialisation"] = time.perf_counter() - start
    print(f"\ninitialisation (circles stand-in, {cfg.init_iterations} iterations, lr {cfg.init_learning_rate}):")
    print(f"{'scheme':<14}{'first cost':>12}{'final cost':>12}{'cost ups':>10}{'train':>8}{'test':>8}")
    for scheme in cfg.init_schemes:
        r = init_metrics[f"init_{scheme}"]
        print(f"{scheme:<14}{r['first_cost']:>12.4g}{r['final_cost']:>12.4f}{r['cost_increases']:>10d}"
              f"{r['train_accuracy']:>8.1%}{r['test_accuracy']:>8.1%}")
    panels = [(f"{s}: train {init_metrics[f'init_{s}']['train_accuracy']:.0%}", m.predict)
              for s, m in init_models.items()]
    runner.save_figure(plotting.decision_boundaries(panels, cX, cY, ncols=3,
                                                    suptitle="initialisation (training points)"),
                       out / "init_boundaries.png", close=not args.show)
    runner.save_figure(plotting.cost_curves(init_costs, title="cost by initialisation", logy=True),
                       out / "init_costs.png", close=not args.show)

    # %% 2. regularisation on the football points
    data, source = datasets.load_football(args.data, seed=0)
    start = time.perf_counter()
    reg_metrics, reg_models, reg_costs = compare_regularisation(cfg, data, args.seed)
    timings["regularisation"] = time.perf_counter() - start
    print(f"\nregularisation ({source} football points, {cfg.reg_iterations} iterations, "
          f"lambda {cfg.l2_lambda}, keep_prob {cfg.keep_prob}):")
    print(f"{'model':<14}{'train':>8}{'test':>8}{'final cost':>12}")
    for name in REG_VARIANTS:
        r = reg_metrics[f"reg_{name}"]
        print(f"{name:<14}{r['train_accuracy']:>8.1%}{r['test_accuracy']:>8.1%}{r['final_cost']:>12.4f}")
    panels = [(f"{n}: train {reg_metrics[f'reg_{n}']['train_accuracy']:.1%}, "
               f"test {reg_metrics[f'reg_{n}']['test_accuracy']:.1%}", m.predict)
              for n, m in reg_models.items()]
    runner.save_figure(plotting.decision_boundaries(panels, data.train_X, data.train_Y, ncols=2,
                                                    suptitle=f"regularisation ({source} data, training points)"),
                       out / "regularization_boundaries.png", close=not args.show)
    runner.save_figure(plotting.cost_curves(reg_costs, title="cost (with its L2 term; dropout: noisy)",
                                            logy=True),
                       out / "regularization_costs.png", close=not args.show)

    # %% 3. gradient checking
    start = time.perf_counter()
    checks = gradient_check_demo(cfg, data, args.seed)
    timings["gradient_check"] = time.perf_counter() - start
    print("\ngradient check (relative difference; <= 1e-7 passes):")
    print(f"  model.backward     {checks['correct'].difference:.2e}  "
          f"{'passed' if checks['correct'].passed() else 'FAILED'}")
    print(f"  backward_with_bug  {checks['with_bug'].difference:.2e}  "
          f"{'passed' if checks['with_bug'].passed() else 'caught'}; worst parameters: "
          + ", ".join(n for n, d in checks["with_bug"].per_parameter.items() if d > 1e-7))
    runner.save_figure(gradient_check_figure(checks), out / "gradient_check.png", close=not args.show)

    metrics = {"data": source, "init_data": "synthetic", **init_metrics, **reg_metrics,
               "gradient_check": {"correct_backward": checks["correct"].difference,
                                  "backward_with_bug": checks["with_bug"].difference,
                                  "per_parameter_with_bug": checks["with_bug"].per_parameter}}

    # %% 4. (optional) the Keras twin of the L2 + dropout model
    if args.keras:
        start = time.perf_counter()
        twin_model = make_model(cfg.reg_hidden, "xavier", cfg.reg_learning_rate,
                                l2_lambda=cfg.l2_lambda, keep_prob=cfg.keep_prob)
        twin_model.build((2,), np.random.default_rng(args.seed))
        twin = keras_twin.build_keras_twin(twin_model, data.train_X.shape[1])
        keras_twin.train_keras_twin(twin, data.train_X, data.train_Y, cfg.reg_iterations, cfg.reg_learning_rate)
        acc = {split: float(np.mean(keras_twin.keras_predict(twin, X) == Y))
               for split, X, Y in (("train", data.train_X, data.train_Y), ("test", data.test_X, data.test_Y))}
        metrics["keras_l2_dropout"] = {"train_accuracy": acc["train"], "test_accuracy": acc["test"]}
        timings["keras"] = time.perf_counter() - start
        print(f"\nKeras twin (L2 + dropout): train {acc['train']:.1%}, test {acc['test']:.1%}")

    metrics["seconds"] = timings
    runner.save_metrics(metrics, out / "metrics.json")
    print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
