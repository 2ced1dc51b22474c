"""Residual networks in low-level TensorFlow, trained on SIGNS without model.fit.

Course 4 (Convolutional Neural Networks), week 2 (Deep convolutional models: case studies).
Lecture topics: ResNets, why ResNets work, 1x1 convolutions, the identity and convolutional
(bottleneck) blocks, ResNet-50; batch norm at training vs test time (from Course 2 week 3).

What it shows:
  * a ResNet built from tf.Variable and tf.nn ops (batch norm written out, with its backward
    pass by hand), trained with a compiled tf.function step, tf.GradientTape and Adam on
    tf.data mini-batches (randomly flipped and shifted), one line per epoch;
  * batch norm at test time: accuracy with the moving statistics left by training, then with
    statistics recomputed for the final weights (the gap can be large on a short run);
  * its Keras Functional twin: the trained weights are copied into it and both give the same
    predictions (the tests also prove equal gradients and the ResNet-50 parameter count,
    23,600,006);
  * train/test accuracy, loss and accuracy curves, and a grid of test predictions.

Default: "resnet_mini" (the same blocks, three narrower stages, 231,302 parameters) for 10
epochs, about 30 s on two idle CPU cores (a minute on a busy machine). --arch resnet50 trains
the course's ResNet-50 (23.6M parameters; 30-55 s per epoch on two CPU cores, about 5-9
minutes for its 10 epochs). --quick: "resnet_tiny" on 480 images for 5 epochs, about 11 s
with the TensorFlow import.

    python course4/week2/run.py                 # resnet_mini on SIGNS (course files or stand-in)
    python course4/week2/run.py --arch resnet50
    python course4/week2/run.py --quick
"""
from __future__ import annotations

# %% Imports and hyperparameters
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from common import datasets, plotting, runner


@dataclass(frozen=True)
class Hyperparameters:
    arch: str = "resnet_mini"
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 2e-3
    # Keras convention: moving = momentum * moving + (1 - momentum) * batch. A run of ~340
    # steps needs 0.9: with Keras' default 0.99 the moving statistics would still carry
    # 0.99**340 ~ 3% of their initial values (mean 0, variance 1) at the end.
    bn_momentum: float = 0.9
    bn_epsilon: float = 1e-3
    flip: bool = True                  # augmentation: random left-right flips ...
    max_shift: int = 6                 # ... and shifts of up to 6 pixels (1,080 images overfit)
    recompute_bn: bool = True          # average fresh BN statistics of the final weights
    train_limit: int | None = None     # use only the first n training images (None: all)


DEFAULT = Hyperparameters()
QUICK = Hyperparameters(arch="resnet_tiny", epochs=5, learning_rate=3e-3, flip=False,
                        max_shift=0, train_limit=480)
# The course's ResNet-50 with Keras' default BN momentum; 10 epochs of batch 32.
PRESETS = {
    "resnet50": Hyperparameters(arch="resnet50", epochs=10, batch_size=32, learning_rate=1e-3,
                                bn_momentum=0.99),
}
PREDICTION_GRID = 18


def build_parser():
    from course4.week2 import architectures

    parser = runner.make_parser(__doc__)
    parser.add_argument("--arch", default=None,
                        help=f"architecture by name, one of {sorted(architectures.ARCHITECTURES)} "
                             f"(default {DEFAULT.arch}; {QUICK.arch} with --quick)")
    parser.add_argument("--epochs", type=int, default=None, help=f"default {DEFAULT.epochs}")
    parser.add_argument("--batch-size", type=int, default=None, help=f"default {DEFAULT.batch_size}")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help=f"Adam's learning rate (default {DEFAULT.learning_rate})")
    parser.add_argument("--bn-momentum", type=float, default=None,
                        help="BN moving-average momentum, Keras convention (default "
                             f"{DEFAULT.bn_momentum}; 0.99 for resnet50)")
    parser.add_argument("--no-augment", action="store_true",
                        help="train on the images as they are (no random flips and shifts)")
    parser.add_argument("--no-recompute-bn", action="store_true",
                        help="evaluate with the moving BN statistics from training as they are")
    return parser


def choose_hyperparameters(args) -> Hyperparameters:
    """--quick or the architecture's preset, then any flags given explicitly."""
    from course4.week2 import architectures

    if args.quick:
        hp = QUICK
    else:
        hp = PRESETS.get(args.arch, DEFAULT)
    if args.arch is not None:
        architectures.get_architecture(args.arch)          # unknown name -> ValueError
        hp = replace(hp, arch=args.arch)
    for flag in ("epochs", "batch_size", "learning_rate", "bn_momentum"):
        value = getattr(args, flag)
        if value is not None:
            hp = replace(hp, **{flag: value})
    if args.no_augment:
        hp = replace(hp, flip=False, max_shift=0)
    if args.no_recompute_bn:
        hp = replace(hp, recompute_bn=False)
    runner.check_positive("--epochs", hp.epochs)
    runner.check_positive("--batch-size", hp.batch_size)
    runner.check_positive("--learning-rate", hp.learning_rate)
    return hp


def history_figure(history, title: str, recomputed_test: float | None = None):
    """Loss and accuracy per epoch, side by side (epochs numbered from 1); a star marks the
    final test accuracy with recomputed BN statistics when given."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = np.arange(1, len(history.loss) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_loss.plot(epochs, history.loss, marker="o")
    ax_loss.set_ylabel("cross-entropy (mean over mini-batches)")
    ax_acc.plot(epochs, history.train_accuracy, marker="o", label="train (running, training-mode BN)")
    ax_acc.plot(epochs, history.test_accuracy, marker="o", label="test (inference mode)")
    if recomputed_test is not None:
        ax_acc.scatter([epochs[-1]], [recomputed_test], marker="*", s=160, color="C3", zorder=3,
                       label="test, BN statistics recomputed")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.02)
    ax_acc.legend(fontsize=8, loc="lower right")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def main(argv=None) -> dict:
    args = build_parser().parse_args(argv)
    hp = choose_hyperparameters(args)
    tf = runner.import_tensorflow()
    from course4.week2 import architectures, resnet_keras, train
    from course4.week2.batchnorm import BNConfig
    from course4.week2.resnet_lowlevel import LowLevelResNet

    out = runner.prepare(args, "course4/week2")             # prints versions and the device
    rng = runner.seed_everything(args.seed)

    # %% Data: SIGNS images (m, 64, 64, 3) uint8, labels 0..5
    data, source = datasets.load_signs(args.data, seed=args.seed)
    x_train = train.to_float_images(data.train_x)                 # (m, 64, 64, 3) in [0, 1]
    y_train = np.asarray(data.train_y, dtype=np.int64)
    if hp.train_limit is not None:
        x_train, y_train = x_train[:hp.train_limit], y_train[:hp.train_limit]
    x_test = train.to_float_images(data.test_x)
    y_test = np.asarray(data.test_y, dtype=np.int64)
    num_classes = len(data.classes)
    print(f"SIGNS ({source}): train {x_train.shape}, test {x_test.shape}, {num_classes} classes")

    # %% Model: the low-level ResNet
    bn_config = BNConfig(momentum=hp.bn_momentum, epsilon=hp.bn_epsilon)
    model = LowLevelResNet(hp.arch, input_shape=x_train.shape[1:], num_classes=num_classes,
                           rng=rng, bn_config=bn_config)
    counts = model.count_params()
    print(model.spec.describe())
    shapes = architectures.layer_shapes(model.spec, model.input_shape, num_classes)
    stage_ends = {}                                # the last block of each stage gives its shape
    for name, shape in shapes:
        stage_ends[name.split("/")[0] if name.startswith("stage") else name] = shape
    print("activation shapes: " + " -> ".join(f"{k} {v}" for k, v in stage_ends.items()))
    print(f"parameters: {counts['total']:,} ({counts['trainable']:,} trainable, "
          f"{counts['non_trainable']:,} non-trainable BN moving statistics)")
    print(f"training: {hp}")

    # %% Train: tf.data mini-batches, tf.function step with GradientTape, Adam
    start = time.perf_counter()
    history = train.fit(model, x_train, y_train, x_test, y_test, epochs=hp.epochs,
                        batch_size=hp.batch_size, learning_rate=hp.learning_rate, seed=args.seed,
                        flip=hp.flip, max_shift=hp.max_shift)
    train_seconds = time.perf_counter() - start

    # %% Evaluate in inference mode (moving BN statistics), then with recomputed statistics
    predict = train.make_predict(model)

    def evaluate() -> tuple[float, float, np.ndarray]:
        test_logits = train.predict_logits(predict, x_test)
        return (train.accuracy(train.predict_logits(predict, x_train), y_train),
                train.accuracy(test_logits, y_test), test_logits)

    moving_train, moving_test, test_logits = evaluate()
    print(f"{hp.arch} with the moving BN statistics from training: train accuracy "
          f"{moving_train:.3f}, test accuracy {moving_test:.3f}")
    train_accuracy, test_accuracy = moving_train, moving_test
    if hp.recompute_bn:
        train.recompute_bn_statistics(model, x_train)
        train_accuracy, test_accuracy, test_logits = evaluate()
        print(f"{hp.arch} with BN statistics recomputed on the training images: train accuracy "
              f"{train_accuracy:.3f}, test accuracy {test_accuracy:.3f}")
    print(f"{hp.arch}: train accuracy {train_accuracy:.3f}, test accuracy {test_accuracy:.3f} "
          f"(inference mode), {train_seconds:.1f}s training")

    # %% The Keras twin: same weights, same predictions
    twin = resnet_keras.build_keras_resnet(hp.arch, x_train.shape[1:], num_classes, bn_config)
    resnet_keras.copy_to_keras(model.get_weights(), twin)
    twin_probs = np.concatenate([twin(x_test[i:i + 128], training=False).numpy()
                                 for i in range(0, len(x_test), 128)])
    low_probs = tf.nn.softmax(test_logits).numpy()
    twin_diff = float(np.abs(twin_probs - low_probs).max())
    print(f"Keras twin ({twin.count_params():,} parameters) with the same weights: "
          f"max |probability difference| on the test set {twin_diff:.2e}")
    weights_path = model.save(out / f"{hp.arch}.npz")
    print(f"saved {weights_path}")

    # %% Plots: curves and a grid of test predictions
    runner.save_figure(history_figure(history, f"{hp.arch} on SIGNS ({source})",
                                      test_accuracy if hp.recompute_bn else None),
                       out / "curves.png", close=not args.show)
    predicted = np.argmax(test_logits, axis=1)
    wrong = np.flatnonzero(predicted != y_test)
    right = np.flatnonzero(predicted == y_test)
    shown = np.concatenate([wrong[:PREDICTION_GRID // 2], right])[:PREDICTION_GRID]
    titles = [f"pred {data.classes[predicted[i]]} / true {data.classes[y_test[i]]}"
              + ("" if predicted[i] == y_test[i] else " X") for i in shown]
    grid = plotting.image_grid(data.test_x[shown], titles, ncols=6,
                               suptitle=f"{hp.arch}: {len(wrong)} of {len(y_test)} test images "
                                        f"wrong; mistakes first (X)")
    runner.save_figure(grid, out / "predictions.png", close=not args.show)

    metrics = {
        "data": source,
        "arch": hp.arch,
        "params": counts,
        "hyperparameters": asdict(hp),
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "moving_stats": {"train_accuracy": moving_train, "test_accuracy": moving_test},
        "final_loss": history.loss[-1],
        "train_seconds": train_seconds,
        "twin_max_abs_diff": twin_diff,
        "history": asdict(history),
    }
    runner.save_metrics(metrics, out / "metrics.json")
    if args.show:   # runner.prepare kept the saved figures open: show them now
        import matplotlib.pyplot as plt

        plt.show()
    return metrics


if __name__ == "__main__":
    main()
