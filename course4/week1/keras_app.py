"""The convolution application in Keras: a Sequential binary classifier and a Functional
6-class classifier (Course 4, week 1, "Convolutional Model: Application").

Course 4 (Convolutional Neural Networks), week 1.
Lecture topics: the same CNN building blocks (Conv2D, pooling, padding, Flatten, Dense) written
the way practitioners write them; the Sequential API (a plain stack) versus the Functional API
(tensors passed from layer to layer, which also allows branches and several inputs/outputs).

What it shows:
1. "Happy faces" (smiling or not; the course's train_happy.h5/test_happy.h5 when present, the
   synthetic stand-in otherwise) with a Sequential model:
       ZeroPadding2D 3 -> Conv2D 32 7x7 -> BatchNorm -> ReLU -> MaxPool 2x2 -> Flatten -> Dense 1 sigmoid
2. SIGNS (hand signs 0-5) with a Functional model: the same network as the numpy one in run.py
       Conv2D 8 4x4 same -> ReLU -> MaxPool 8/8 same -> Conv2D 16 2x2 same -> ReLU
       -> MaxPool 4/4 same -> Flatten -> Dense 6 softmax
   (tests load the numpy network's weights into it and get the same outputs), fed the same
   centred pixels as run.py (zero mean, unit variance per channel).
Both are trained with Adam, evaluated, their summaries printed, their training curves saved.

Expected CPU runtime (2 cores): about 30 s with the TensorFlow import on an idle machine
(twice that on a busy one); --quick about 10 s.

    python course4/week1/keras_app.py [--data auto|course|synthetic] [--quick] [--out DIR]
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import datasets, plotting, runner
from course4.week1 import network


@dataclass(frozen=True)
class KerasConfig:
    happy_epochs: int = 6
    happy_batch_size: int = 16         # the course's setting
    happy_learning_rate: float = 0.001  # Keras' Adam default, as in the course
    signs_epochs: int = 40
    signs_batch_size: int = 64         # the course's setting
    signs_learning_rate: float = 0.005
    train_limit: int | None = None


QUICK = KerasConfig(happy_epochs=3, signs_epochs=4, train_limit=192, signs_learning_rate=0.01)


def _keras():
    runner.import_tensorflow()
    import keras

    return keras


def happy_classifier(input_shape=(64, 64, 3)):
    """The Sequential binary classifier (a stack: each layer feeds the next)."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.ZeroPadding2D(padding=3),                       # (70, 70, 3)
        layers.Conv2D(32, 7, strides=1, name="conv0"),        # (64, 64, 32)
        layers.BatchNormalization(axis=3, name="bn0"),
        layers.ReLU(),
        layers.MaxPool2D(name="max_pool"),                     # (32, 32, 32)
        layers.Flatten(),                                      # (32768,)
        layers.Dense(1, activation="sigmoid", name="fc"),
    ], name="happy_sequential")


def signs_classifier(input_shape=(64, 64, 3), n_classes: int = 6):
    """The Functional 6-class model: the numpy network of run.py, layer for layer."""
    keras = _keras()
    layers = keras.layers
    inputs = keras.Input(shape=input_shape)
    Z1 = layers.Conv2D(8, 4, strides=1, padding="same", name="conv1")(inputs)   # (64, 64, 8)
    A1 = layers.ReLU()(Z1)
    P1 = layers.MaxPool2D(8, strides=8, padding="same")(A1)                      # (8, 8, 8)
    Z2 = layers.Conv2D(16, 2, strides=1, padding="same", name="conv2")(P1)      # (8, 8, 16)
    A2 = layers.ReLU()(Z2)
    P2 = layers.MaxPool2D(4, strides=4, padding="same")(A2)                      # (2, 2, 16)
    F = layers.Flatten()(P2)                                                     # (64,)
    outputs = layers.Dense(n_classes, activation="softmax", name="fc")(F)
    return keras.Model(inputs=inputs, outputs=outputs, name="signs_functional")


def load_numpy_weights(keras_model, numpy_model) -> None:
    """Copy the numpy course network's parameters (network.build_model, fused) into
    ``signs_classifier``: conv W/b keep their layout; Dense W (n, n_prev) is Keras' kernel
    transposed, b (n, 1) its bias as a vector."""
    p = numpy_model.parameters()
    keras_model.get_layer("conv1").set_weights([p["layer0.W"], p["layer0.b"]])
    keras_model.get_layer("conv2").set_weights([p["layer1.W"], p["layer1.b"]])
    keras_model.get_layer("fc").set_weights([p["layer3.W"].T, p["layer3.b"].ravel()])


def _summary(model) -> str:
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return "\n".join(lines)


def _fit_and_evaluate(model, X_train, Y_train, X_test, Y_test, epochs: int, batch_size: int,
                      loss: str, learning_rate: float) -> tuple[dict, dict]:
    keras = _keras()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    print(_summary(model))
    start = time.perf_counter()
    history = model.fit(X_train, Y_train, epochs=epochs, batch_size=batch_size, verbose=2,
                        validation_data=(X_test, Y_test),
                        callbacks=[runner.stop_on_nonfinite_loss("lower the learning rate")])
    seconds = time.perf_counter() - start
    train_loss, train_acc = model.evaluate(X_train, Y_train, verbose=0)
    test_loss, test_acc = model.evaluate(X_test, Y_test, verbose=0)
    for value in (train_loss, test_loss):
        runner.check_finite(value, epochs, "lower the learning rate")
    metrics = {"train_accuracy": float(train_acc), "test_accuracy": float(test_acc),
               "train_loss": float(train_loss), "test_loss": float(test_loss),
               "epochs": epochs, "train_seconds": seconds,
               "parameters": int(model.count_params())}
    print(f"{model.name}: train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f} "
          f"({seconds:.1f} s)")
    return metrics, history.history


def _limit(x: np.ndarray, y: np.ndarray, limit: int | None):
    return (x, y) if limit is None else (x[:limit], y[:limit])


def run(data: str, seed: int, quick: bool, out: Path) -> dict:
    """Train and evaluate both Keras models; save their curves; return their metrics
    (``{"happy_sequential": {...}, "signs_functional": {...}, "data": ...}``).

    ``seed`` picks the stand-in's draw; the caller's ``main()`` seeds Keras
    (``runner.seed_everything``) before calling this."""
    config = QUICK if quick else KerasConfig()
    _keras()
    results: dict = {}
    curves: dict = {}
    sources = set()

    # %% 1. Happy faces, Sequential, binary cross-entropy
    happy, source = datasets.load_happy(data, seed=seed)
    sources.add(source)
    x, y = _limit(happy.train_x, happy.train_y, config.train_limit)
    metrics, history = _fit_and_evaluate(
        happy_classifier(x.shape[1:]), (x / 255.0).astype(np.float32), y.reshape(-1, 1).astype(np.float32),
        (happy.test_x / 255.0).astype(np.float32), happy.test_y.reshape(-1, 1).astype(np.float32),
        config.happy_epochs, config.happy_batch_size, "binary_crossentropy",
        config.happy_learning_rate)
    results["happy_sequential"] = {**metrics, "data": source, "chance": float(
        max(np.mean(happy.test_y), 1 - np.mean(happy.test_y)))}
    curves["happy (Sequential)"] = history

    # %% 2. SIGNS, Functional, categorical cross-entropy
    signs, source = datasets.load_signs(data, seed=seed)
    sources.add(source)
    x, y = _limit(signs.train_x, signs.train_y, config.train_limit)
    n_classes = len(signs.classes)
    X_train = network.images_to_inputs(x)                  # (m, 64, 64, 3) in [0, 1]
    mean, std = network.channel_statistics(X_train)       # centred inputs, as in run.py
    X_train = network.standardize(X_train, mean, std)
    X_test = network.standardize(network.images_to_inputs(signs.test_x), mean, std)
    metrics, history = _fit_and_evaluate(
        signs_classifier(x.shape[1:], n_classes), X_train,
        np.eye(n_classes, dtype=np.float32)[y], X_test,
        np.eye(n_classes, dtype=np.float32)[signs.test_y], config.signs_epochs,
        config.signs_batch_size, "categorical_crossentropy", config.signs_learning_rate)
    results["signs_functional"] = {**metrics, "data": source, "chance": 1.0 / n_classes}
    curves["SIGNS (Functional)"] = history

    # %% Figures: loss and accuracy per epoch, train and test
    for key, ylabel in (("loss", "loss"), ("accuracy", "accuracy")):
        series = {}
        for name, hist in curves.items():
            series[f"{name} train"] = hist[key]
            series[f"{name} test"] = hist[f"val_{key}"]
        runner.save_figure(plotting.cost_curves(series, xlabel="epoch", ylabel=ylabel,
                                                title=f"Keras models: {ylabel} per epoch"),
                           Path(out) / f"keras_{key}.png")
    results["data"] = "course" if sources == {"course"} else "synthetic"
    return results


def main(argv=None) -> dict:
    """``python course4/week1/keras_app.py [flags]`` is ``run.py --part keras [flags]``: one
    script owns the run plumbing (arguments, outputs, seeding, ``--show``)."""
    import sys

    from course4.week1 import run as run_script

    return run_script.main(["--part", "keras", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
