"""Optimization algorithms: mini-batch gradient descent, momentum, Adam, learning-rate decay.

Course 2 (Improving Deep Neural Networks), week 2.
Lecture topics: mini-batch gradient descent, exponentially weighted averages, gradient
descent with momentum, RMSprop, Adam (bias correction), learning-rate decay.

What it shows (the course's comparison, on 300 "moons" points, network 2-5-2-1 with He
initialisation, shuffled mini-batches of 64, 5,000 epochs):
  - learning rate 0.0007: plain mini-batch GD and momentum (beta 0.9) are still slow after
    5,000 epochs (about 80% training accuracy), Adam reaches about 94-97%;
  - with stepwise decay lr = 0.1 / (1 + floor(epoch / 1000)) all three reach about 94-97%;
  - a table of accuracies, the six decision boundaries and the cost curves.
  --keras also shows how the update rules map onto keras.optimizers (SGD momentum, RMSprop,
  Adam): the mapped Keras optimizer reproduces the course's parameters step for step, the
  naive translation (same numbers in Keras' arguments) does not.

Expected runtime on 2 idle CPU cores: about 15 s (--quick: about 2 s; --keras adds ~15 s).
Run:  python course2/week2/run.py [--quick] [--keras]
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from common import plotting, runner, synthetic2d
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy
from course2.week1.model import DNNModel
from course2.week2 import mini_batches, optimizers, schedules


@dataclass(frozen=True)
class Config:
    hidden: tuple[int, ...] = (5, 2)
    m_train: int = 300
    m_test: int = 300
    mini_batch_size: int = 64
    epochs: int = 5000
    learning_rate: float = 0.0007
    beta: float = 0.9                     # momentum
    beta1: float = 0.9                    # Adam
    beta2: float = 0.999
    epsilon: float = 1e-8
    decay_learning_rate: float = 0.1      # the runs with learning-rate decay
    decay_rate: float = 1.0
    time_interval: int = 1000
    keras_steps: int = 100                # steps of the Keras mapping demo


QUICK = replace(Config(), epochs=300, time_interval=100, keras_steps=20)
OPTIMIZERS = ("gd", "momentum", "adam")
# As in course1/week3: the points are made in code, so --data has nothing to switch here.
DATA_NOTICE = ("data: the moons points are generated in code (common/synthetic2d.py; the course "
               "generates them too): this week has no course file, so --data {choice} changes nothing")


def make_optimizer(name: str, learning_rate: float, cfg: Config):
    extra = {"gd": {}, "momentum": {"beta": cfg.beta},
             "adam": {"beta1": cfg.beta1, "beta2": cfg.beta2, "epsilon": cfg.epsilon}}[name]
    return optimizers.get_optimizer(name, learning_rate=learning_rate, **extra)


def make_model(cfg: Config, optimizer) -> DNNModel:
    layers = [Dense(n, "relu", init="he") for n in cfg.hidden] + [Dense(1, "sigmoid", init="he")]
    return DNNModel(layers, BinaryCrossEntropy(), optimizer)


def train_all(cfg: Config, seed: int, train, test) -> tuple[dict, dict, dict]:
    """GD, momentum and Adam, without and with step decay; the same initial weights for all."""
    metrics, models, costs = {}, {}, {}
    for decay in (False, True):
        for name in OPTIMIZERS:
            key = f"{name}_decay" if decay else name
            lr = cfg.decay_learning_rate if decay else cfg.learning_rate
            schedule = schedules.StepDecay(cfg.decay_rate, cfg.time_interval) if decay else None
            model = make_model(cfg, make_optimizer(name, lr, cfg))
            history = model.fit(train[0], train[1], cfg.epochs, np.random.default_rng(seed),
                                mini_batch_size=cfg.mini_batch_size,
                                batch_iterator=mini_batches.random_mini_batches,
                                schedule=schedule, label=key)
            metrics[key] = {"train_accuracy": model.evaluate(*train), "test_accuracy": model.evaluate(*test),
                            "final_cost": history.costs[-1], "final_learning_rate": history.learning_rates[-1],
                            "steps": history.steps, "seconds": history.seconds}
            models[key], costs[key] = model, history.costs
    return metrics, models, costs


def keras_mapping_table(cfg: Config, seed: int) -> dict:
    """Course optimizer vs mapped and naive Keras optimizers on the same random gradients."""
    from course2.week2 import keras_mapping

    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(5, 2)), rng.normal(size=(5, 1))]
    grads = [[rng.normal(0, 0.1, p.shape) for p in params] for _ in range(cfg.keras_steps)]
    pairs = {"momentum": optimizers.Momentum(0.01, cfg.beta),
             "rmsprop": optimizers.RMSprop(0.01, cfg.beta2, 1e-12),
             "adam": optimizers.Adam(0.01, cfg.beta1, cfg.beta2, 1e-3)}   # a visible epsilon
    return {name: keras_mapping.compare(keras_mapping.float32_rounded(opt), params, grads)
            for name, opt in pairs.items()}


def main(argv=None) -> dict:
    parser = runner.make_parser(__doc__)
    parser.add_argument("--keras", action="store_true",
                        help="also show the Keras optimizer mapping (imports TensorFlow)")
    args = parser.parse_args(argv)
    if args.keras:    # TensorFlow first: the versions line names it, and seed_everything seeds it
        runner.import_tensorflow()
        import keras  # noqa: F401
    out = runner.prepare(args, "course2/week2")
    cfg = QUICK if args.quick else Config()
    runner.seed_everything(args.seed)
    print(DATA_NOTICE.format(choice=args.data))

    # %% data
    train = synthetic2d.moons(cfg.m_train, noise=0.2, seed=3)
    test = synthetic2d.moons(cfg.m_test, noise=0.2, seed=4)

    # %% train the six models
    start = time.perf_counter()
    metrics, models, costs = train_all(cfg, args.seed, train, test)
    seconds = time.perf_counter() - start
    print(f"\n{cfg.epochs} epochs, mini-batches of {cfg.mini_batch_size}; "
          f"decay: lr {cfg.decay_learning_rate} / (1 + {cfg.decay_rate} * floor(epoch / {cfg.time_interval}))")
    print(f"{'optimizer':<16}{'lr':>8}{'train':>8}{'test':>8}{'final cost':>12}")
    for key, r in metrics.items():
        lr = cfg.decay_learning_rate if key.endswith("decay") else cfg.learning_rate
        print(f"{key:<16}{lr:>8g}{r['train_accuracy']:>8.1%}{r['test_accuracy']:>8.1%}{r['final_cost']:>12.4f}")

    # %% figures
    panels = [(f"{k}: {metrics[k]['train_accuracy']:.1%}", m.predict) for k, m in models.items()]
    runner.save_figure(plotting.decision_boundaries(panels, *train, ncols=3,
                                                    suptitle="moons: decision boundaries (training points)"),
                       out / "decision_boundaries.png", close=not args.show)
    runner.save_figure(plotting.cost_curves(costs, xlabel="epoch", title="cost per epoch", logy=True),
                       out / "cost_curves.png", close=not args.show)

    result = {"data": "synthetic", **metrics, "seconds": {"training": seconds}}

    # %% (optional) Keras' conventions
    if args.keras:
        start = time.perf_counter()
        table = keras_mapping_table(cfg, args.seed)
        print(f"\nKeras mapping: max |course - keras| after {cfg.keras_steps} steps on the same gradients")
        print(f"{'optimizer':<12}{'mapped':>12}{'naive':>12}")
        for name, r in table.items():
            print(f"{name:<12}{r['mapped']:>12.2e}{r['naive']:>12.2e}")
        result["keras_mapping"] = table
        result["seconds"]["keras_mapping"] = time.perf_counter() - start

    runner.save_metrics(result, out / "metrics.json")
    print(f"time: training {seconds:.1f}s")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return result


if __name__ == "__main__":
    main()
