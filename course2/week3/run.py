"""Hyperparameter tuning, batch normalisation and programming frameworks.

Course 2 (Improving Deep Neural Networks), week 3.
Lecture topics: tuning process, picking hyperparameters on the right scale, normalising
activations (batch norm), fitting batch norm into a network, why batch norm works, batch
norm at test time, softmax regression, deep learning frameworks, TensorFlow.

What it shows (--part bn|search|tf|all, default all):
  bn      The numpy BatchNorm layer in a deep network (5 hidden ReLU layers of 32 units) on the
          2-D "flower" points, with and without batch norm, from He and from small (std 0.01)
          initial weights, Momentum, mini-batches of 128. From He both train (the plain net a
          little better on this small 2-D problem: batch-statistics noise); from small weights
          the signal vanishes through the layers and the plain net stays at chance, while the
          BN net trains normally (BN(a Z) = BN(Z): the weight scale no longer matters).
          Evaluation uses the running averages; the gap to the exact statistics is reported.
  search  Random search on log scales on two noisy circles split train/validation/test:
          learning rate 10^U(-4,-1), momentum 1 - beta = 10^U(-3,-1), L2 lambda 10^U(-4,0),
          keep_prob U(0.6,1), 4-48 hidden units, 1-3 hidden layers; 40 trials of 100 short
          epochs in the numpy engine; a results table (CSV and JSON), the sampled points
          coloured by validation accuracy, and the best configuration retrained longer and
          scored on the test split. The learning rate dominates: the good trials sit at
          10^-2..10^-1.
  tf      The course's TensorFlow introduction done the TF2 way: a [12288, 25, 12, 6] softmax
          classifier on SIGNS written with tf.Variable, tf.GradientTape, tf.data and a
          tf.function training step (Glorot init, Adam 0.0001, mini-batches of 32; 30 epochs
          instead of the course's 100 to fit the CPU budget). The same network in the numpy
          engine, from the same initial weights, gives the same logits, cost and gradients
          (printed); --numpy-twin also trains it with the engine's Adam (slower: numpy runs
          the 12288 x 25 layer without TensorFlow's fused kernels).

Expected runtime on 2 idle CPU cores: about 20 s for all parts (TensorFlow import included;
up to a minute or two on a busy machine); --quick about 10 s.
Run:  python course2/week3/run.py [--part bn|search|tf|all] [--data auto|course|synthetic] [--quick]
      [--trials N] [--tf-epochs N] [--numpy-twin]
"""
from __future__ import annotations

import os

# One BLAS thread unless the learner chose otherwise (set before numpy is imported, so it acts
# when this file runs as a script). The products here are thin (32 columns against 12,288
# rows); on a busy 2-core machine a second OpenBLAS thread spin-waits and made them up to
# 100x slower, while one thread loses almost nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

import numpy as np  # noqa: E402

from common import datasets, plotting, runner, synthetic2d  # noqa: E402
from course2.week3 import bn_demo  # noqa: E402
from course2.week3 import hyperparameter_search as hs  # noqa: E402

PARTS = ("bn", "search", "tf", "all")


@dataclass(frozen=True)
class Config:
    # bn: deep ReLU nets on the flower points
    bn_points: int = 800
    bn_depth: int = 5
    bn_width: int = 32
    bn_learning_rate: float = 0.1
    bn_epochs: int = 100
    bn_mini_batch: int = 128
    # search: random search on circles
    search_points: int = 600
    search_trials: int = 40
    search_epochs: int = 100
    search_mini_batch: int = 32
    retrain_epochs: int = 400
    # tf: the SIGNS softmax classifier
    tf_layer_dims: tuple[int, ...] = (12288, 25, 12, 6)
    tf_learning_rate: float = 1e-4
    tf_mini_batch: int = 32
    tf_epochs: int = 30
    tf_record_every: int = 10


QUICK = replace(Config(), bn_epochs=20, search_trials=6, search_epochs=20, retrain_epochs=60,
                tf_epochs=3, tf_learning_rate=1e-3, tf_record_every=1)


# %% part 1: batch norm in a deep network
def boundaries_figure(results: dict, X: np.ndarray, Y: np.ndarray):
    """2 x 2 decision boundaries (a 100 x 100 grid: four deep nets stay quick to draw)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(7, 6.4))
    for ax, (name, r) in zip(axes.flat, results.items()):
        plotting.draw_decision_boundary(ax, r.model.predict, X, Y, f"{name}: test {r.test_accuracy:.1%}",
                                        resolution=100)
    fig.suptitle("decision boundaries (test points)", fontsize=10)
    fig.tight_layout()
    return fig


def part_bn(cfg: Config, seed: int, out, show: bool) -> dict:
    X, Y = synthetic2d.flower(m=cfg.bn_points, seed=seed)
    split = hs.split_points(X, Y, fractions=(0.6, 0.2), rng=np.random.default_rng(seed))
    variants = bn_demo.variants_with(cfg.bn_learning_rate, cfg.bn_depth, cfg.bn_width)
    results = bn_demo.compare(split.train_X, split.train_Y, split.test_X, split.test_Y, variants,
                              cfg.bn_epochs, cfg.bn_mini_batch, np.random.default_rng(seed))
    print(f"\nbatch norm: {cfg.bn_depth} hidden ReLU layers of {cfg.bn_width}, flower points "
          f"(synthetic), Momentum lr {cfg.bn_learning_rate}, {cfg.bn_epochs} epochs of mini-batches "
          f"of {cfg.bn_mini_batch}")
    print(f"{'model':<18}{'std layer 1 -> 5 at init':>28}{'final cost':>12}{'train':>8}{'test':>8}")
    metrics: dict = {"data": "synthetic"}
    for name, r in results.items():
        scales = f"{r.scales_at_init[0]:.2g} -> {r.scales_at_init[-1]:.2g}"
        print(f"{name:<18}{scales:>28}{r.history.costs[-1]:>12.4f}{r.train_accuracy:>8.1%}"
              f"{r.test_accuracy:>8.1%}")
        metrics[name] = {"train_accuracy": r.train_accuracy, "test_accuracy": r.test_accuracy,
                         "final_cost": r.history.costs[-1], "seconds": r.history.seconds,
                         "output_std_at_init": r.scales_at_init}
        if name.startswith("bn"):
            gap = bn_demo.population_gap(r.model, split.train_X)
            metrics[name]["running_stats_gap"] = gap
            print(f"{'':<18}running averages vs exact training-set statistics: max gap {gap:.3f} "
                  f"(in units of the unit's std / variance)")
    runner.save_figure(plotting.cost_curves({n: r.history.costs for n, r in results.items()},
                                            xlabel="epoch", title="training cost with and without batch norm"),
                       out / "bn_costs.png", close=not show)
    runner.save_figure(bn_demo.scales_figure(results), out / "bn_activation_scales.png", close=not show)
    runner.save_figure(boundaries_figure(results, split.test_X, split.test_Y),
                       out / "bn_boundaries.png", close=not show)
    return metrics


# %% part 2: random search on log scales
def part_search(cfg: Config, seed: int, out, show: bool) -> dict:
    X, Y = synthetic2d.circles(m=cfg.search_points, noise=0.1, factor=0.5, seed=seed)
    split = hs.split_points(X, Y, fractions=(0.5, 0.25), rng=np.random.default_rng(seed))
    space = hs.default_space()
    print(f"\nrandom search: {cfg.search_trials} trials x {cfg.search_epochs} epochs (mini-batches of "
          f"{cfg.search_mini_batch}) on circles (synthetic): {split.train_X.shape[1]} train, "
          f"{split.val_X.shape[1]} validation, {split.test_X.shape[1]} test points")
    for name, dist in space.items():
        print(f"  {name:<16}{dist}")
    train_fn = hs.engine_train_fn(split, cfg.search_epochs, cfg.search_mini_batch)
    results = hs.run_search(space, cfg.search_trials, train_fn, np.random.default_rng(seed))
    hs.write_results_csv(results, out / "search_results.csv")
    hs.write_results_json(results, out / "search_results.json")
    runner.save_figure(hs.scatter_figure(results, space), out / "search_scatter.png", close=not show)

    best = hs.best_result(results)
    print(f"best trial {best.trial + 1}: val acc {best.val_accuracy:.3f}  "
          + "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in best.config.items()))
    retrain_metrics, model = hs.train_engine_trial(best.config, split, cfg.retrain_epochs,
                                                   cfg.search_mini_batch,
                                                   np.random.default_rng(seed).spawn(1)[0])
    test_acc = model.evaluate(split.test_X, split.test_Y)
    print(f"retrained for {cfg.retrain_epochs} epochs: train {retrain_metrics['train_accuracy']:.1%}, "
          f"validation {retrain_metrics['val_accuracy']:.1%}, test {test_acc:.1%}")
    runner.save_figure(plotting.decision_boundary(
        model.predict, split.test_X, split.test_Y,
        title=f"best configuration retrained: test {test_acc:.1%}"), out / "search_best_boundary.png",
        close=not show)
    val = np.array([r.val_accuracy for r in results])
    return {"data": "synthetic", "n_trials": len(results), "best_trial": best.trial,
            "best_config": best.config, "best_search_val_accuracy": best.val_accuracy,
            "median_val_accuracy": float(np.median(val)),
            "best_retrained": {"train_accuracy": retrain_metrics["train_accuracy"],
                               "val_accuracy": retrain_metrics["val_accuracy"],
                               "test_accuracy": test_acc}}


# %% part 3: TensorFlow from scratch, and the numpy twin
def part_tf(cfg: Config, args, out, show: bool, train_twin: bool = False,
            raw_pixels: bool = False) -> dict:
    from course2.week3 import tf_classifier as tc

    tf = runner.import_tensorflow()
    print("\n" + runner.versions_line())
    rng = runner.seed_everything(args.seed)           # now TensorFlow is imported too
    data, source = datasets.load_signs(args.data, seed=0)
    X_train, X_test = tc.images_to_columns(data.train_x), tc.images_to_columns(data.test_x)
    n_y = cfg.tf_layer_dims[-1]
    Y_train, Y_test = tc.one_hot(data.train_y, n_y), tc.one_hot(data.test_y, n_y)
    if not raw_pixels:
        # pixels in [0, 1] all have a mean near 0.6: Adam's first, sign-like steps then move
        # every Z1 the same way at once and the ReLUs die (cost stuck at log 6); centring and
        # scaling each pixel with the training set's statistics avoids it (--raw-pixels shows it)
        scale = tc.fit_standardizer(X_train)
        X_train, X_test = scale(X_train), scale(X_test)
    print(f"SIGNS ({source}): X_train {X_train.shape}, X_test {X_test.shape}, {n_y} classes, "
          f"inputs {'pixels / 255' if raw_pixels else 'standardised per pixel'}")

    params = tc.initialize_parameters(rng, cfg.tf_layer_dims)
    # the numpy twin: same initial weights; compare on one mini-batch, in float64 on both sides
    twin = tc.numpy_twin(params, learning_rate=cfg.tf_learning_rate)
    batch = np.arange(min(cfg.tf_mini_batch, X_train.shape[1]))
    Xb, Yb = X_train[:, batch], Y_train[:, batch]
    params64 = {k: tf.Variable(tf.cast(v, tf.float64)) for k, v in params.items()}
    tf_cost, tf_grads = tc.cost_and_gradients(params64, Xb, Yb)
    np_cost, np_grads = twin.loss_and_grads(Xb, Yb)
    logits_diff = float(np.abs(tc.forward(params64, tf.constant(Xb.T)).numpy() - twin.layers[-1].logits).max())
    grad_diff = max(float(np.abs(np_grads[f"layer{l - 1}.{w}"] - tf_grads[f"d{w}{l}"]).max())
                    for l in range(1, len(cfg.tf_layer_dims)) for w in ("W", "b"))
    print(f"same weights, one batch of {len(batch)}: TF cost {tf_cost:.6f}, numpy cost {np_cost:.6f}; "
          f"max |diff| logits {logits_diff:.1e}, gradients {grad_diff:.1e}")

    history = tc.train(params, X_train, Y_train, X_test, Y_test, rng, epochs=cfg.tf_epochs,
                       learning_rate=cfg.tf_learning_rate, batch_size=cfg.tf_mini_batch,
                       record_every=cfg.tf_record_every)
    metrics = {"data": source, "inputs": "pixels/255" if raw_pixels else "standardised",
               "twin_check": {"tf_cost": tf_cost, "numpy_cost": np_cost,
                              "max_abs_diff_logits": logits_diff, "max_abs_diff_gradients": grad_diff},
               "tf_from_scratch": {"train_accuracy": history.train_accuracy[-1],
                                   "test_accuracy": history.test_accuracy[-1],
                                   "final_cost": history.cost[-1], "seconds": history.seconds}}
    curves = {"TensorFlow (tf.function step)": history.cost}
    if train_twin:
        from course2.week2.mini_batches import random_mini_batches

        np_history = twin.fit(X_train, Y_train, epochs=cfg.tf_epochs, rng=rng,
                              mini_batch_size=cfg.tf_mini_batch, batch_iterator=random_mini_batches,
                              label="numpy engine twin")
        metrics["numpy_engine"] = {"train_accuracy": twin.evaluate(X_train, Y_train),
                                   "test_accuracy": twin.evaluate(X_test, Y_test),
                                   "final_cost": np_history.costs[-1], "seconds": np_history.seconds}
        curves["numpy engine (same start)"] = np_history.costs
    print(f"{'model':<18}{'final cost':>12}{'train':>8}{'test':>8}{'seconds':>9}")
    for name in ("tf_from_scratch", "numpy_engine"):
        if name in metrics:
            r = metrics[name]
            print(f"{name:<18}{r['final_cost']:>12.4f}{r['train_accuracy']:>8.1%}{r['test_accuracy']:>8.1%}"
                  f"{r['seconds']:>9.1f}")
    runner.save_figure(plotting.cost_curves(curves, xlabel="epoch",
                                            title=f"softmax classifier on SIGNS ({source}), Adam "
                                                  f"{cfg.tf_learning_rate:g}"),
                       out / "tf_costs.png", close=not show)
    predictions = tc.predict(params, X_test[:, :12])
    titles = [f"pred {p} / true {t}" for p, t in zip(predictions, data.test_y[:12])]
    runner.save_figure(plotting.image_grid(data.test_x[:12], titles, ncols=6,
                                           suptitle="TensorFlow classifier on test images"),
                       out / "tf_predictions.png", close=not show)
    return metrics


def main(argv=None) -> dict:
    parser = runner.make_parser(__doc__)
    parser.add_argument("--part", choices=PARTS, default="all",
                        help="which demonstration to run (default all)")
    parser.add_argument("--trials", type=int, default=None,
                        help="number of random-search trials (default 40; --quick 6)")
    parser.add_argument("--tf-epochs", type=int, default=None,
                        help=f"epochs of the TensorFlow classifier (default {Config.tf_epochs}; --quick 3)")
    parser.add_argument("--numpy-twin", action="store_true",
                        help="part tf: also train the numpy-engine twin with Adam for the same epochs "
                             "(about 0.5 s per epoch on 2 cores)")
    parser.add_argument("--raw-pixels", action="store_true",
                        help="part tf: feed pixels / 255 as the course does, without standardising "
                             "(on the stand-in the ReLUs die and the cost stays at log 6)")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    if args.trials is not None:
        if args.trials < 1:
            parser.error(f"--trials must be >= 1, got {args.trials}")
        cfg = replace(cfg, search_trials=args.trials)
    if args.tf_epochs is not None:
        if args.tf_epochs < 1:
            parser.error(f"--tf-epochs must be >= 1, got {args.tf_epochs}")
        cfg = replace(cfg, tf_epochs=args.tf_epochs)
    out = runner.prepare(args, "course2/week3")
    runner.seed_everything(args.seed)
    parts = ("bn", "search", "tf") if args.part == "all" else (args.part,)

    metrics: dict = {}
    timings: dict = {}
    for part in parts:
        start = time.perf_counter()
        if part == "bn":
            metrics["bn"] = part_bn(cfg, args.seed, out, args.show)
        elif part == "search":
            metrics["search"] = part_search(cfg, args.seed, out, args.show)
        else:
            metrics["tf"] = part_tf(cfg, args, out, args.show, train_twin=args.numpy_twin,
                                    raw_pixels=args.raw_pixels)
        timings[part] = time.perf_counter() - start
    # the top-level "data" says where the course's own files could be used (SIGNS in part tf)
    metrics["data"] = metrics["tf"]["data"] if "tf" in metrics else "synthetic"
    metrics["seconds"] = timings
    runner.save_metrics(metrics, out / "metrics.json")
    print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
