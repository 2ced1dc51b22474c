"""DNNModel: the one numpy model class of the repository (Course 2, week 1 onwards).

    model = DNNModel([Dense(20, "relu", keep_prob=0.86), Dense(3, "relu", keep_prob=0.86),
                      Dense(1, "sigmoid")],
                     loss=BinaryCrossEntropy(), optimizer=GradientDescent(0.3), l2_lambda=0.7)
    history = model.fit(X, Y, epochs=30_000, rng=rng)     # X (n_x, m), Y (1, m)
    model.evaluate(X_test, Y_test)                          # accuracy, no dropout
    model.save("weights.npz"); model.load_weights("weights.npz")

THE CONTRACT (later weeks plug in layers, losses, optimizers, schedules and batch iterators):

- ``layers``: objects following layers.Layer; ``loss``: losses.Loss; ``optimizer``:
  optimizers.Optimizer (GradientDescent here; Momentum/RMSprop/Adam in course2/week2).
- ``batch_axis``: where the examples are in X: -1 for course 1-2 layout (n_x, m), 0 for
  course 4 layout (m, n_H, n_W, n_C). Labels Y are always (n_y, m); the network's output AL is
  (n_y, m) too (a Flatten layer maps images to columns).
- ``build(input_shape, rng)`` with the per-example shape (no batch axis) creates every
  layer's params; ``fit`` and ``forward`` call it on first use from X's shape.
- ``forward(X, training, rng) -> AL``; ``compute_cost(AL, Y) -> J`` (mean loss plus
  l2_lambda / (2 m) * sum ||P||^2 over every layer's ``regularized`` params, m = Y.shape[1]);
  ``backward(AL, Y)`` fills every layer's ``grads`` with dJ/dparam (L2 term included:
  + l2_lambda / m * P); ``loss_and_grads(X, Y, rng) -> (J, {"layer{i}.{name}": grad})``.
- ``fit(X, Y, epochs, rng, mini_batch_size=None, batch_iterator=None, schedule=None, ...)``:
  each epoch asks ``schedule(learning_rate0, epoch) -> learning_rate`` (course2/week2), then
  loops over ``batch_iterator(X, Y, mini_batch_size, rng, batch_axis)`` (an iterable of
  (X_batch, Y_batch); ``full_batch`` by default, course2/week2's ``random_mini_batches`` for
  mini-batches) doing forward (training=True), cost, backward and one optimizer update of every
  parameter. Optimizer state: one per (layer index, param name), created on the first step.
  Returns a History (cost per epoch = mean of the batch costs weighted by batch size).
- ``predict_proba(X)`` (training=False: no dropout, BatchNorm running stats), ``predict(X)``
  -> labels (1, m) (AL > 0.5 for one output unit, argmax over units otherwise),
  ``evaluate(X, Y) -> accuracy`` (Y one-hot (n_y, m) for several classes).
- ``save(path)`` / ``load_weights(path)``: an .npz (allow_pickle=False) with keys
  "layer{i}.param.{name}" and "layer{i}.buffer.{name}", plus "__config__" (JSON of the layers)
  and "__input_shape__"; written whole (temp file, then rename).
- Fused output: when the last layer computes ``loss.activation`` itself without dropout
  (sigmoid + binary cross-entropy), the cost is computed from its logits and the backward
  starts from dZ = AL - Y (stable even when the sigmoid saturates). ``fuse_output=False``
  forces the lecture's generic path dAL = dL/dAL (used by a test to show both agree).
- A NaN/inf cost stops ``fit`` with the iteration and a hint (common.runner.check_finite).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from common import runner
from common.progress import Progress
from course2.week1 import optimizers, regularization

BatchIterator = Callable[[np.ndarray, np.ndarray, "int | None", np.random.Generator, int],
                         Iterable[tuple[np.ndarray, np.ndarray]]]
Schedule = Callable[[float, int], float]


def full_batch(X: np.ndarray, Y: np.ndarray, mini_batch_size: int | None,
               rng: np.random.Generator | None, batch_axis: int = -1
               ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The whole training set as one batch (batch gradient descent)."""
    yield X, Y


@dataclass
class History:
    """What ``fit`` recorded: one entry per epoch."""

    costs: list[float] = field(default_factory=list)            # mean cost of each epoch
    learning_rates: list[float] = field(default_factory=list)   # the rate used in each epoch
    steps: int = 0                                              # optimizer updates made
    seconds: float = 0.0                                        # wall time of fit


def _check_layer(i: int, layer) -> None:
    missing = [a for a in ("params", "grads", "buffers", "regularized", "build", "forward", "backward")
               if not hasattr(layer, a)]
    if missing:
        raise ValueError(f"layer {i} ({layer!r}) is not a layer: it lacks {missing} "
                         f"(see course2/week1/layers.py for the Layer protocol)")


class DNNModel:
    """A stack of layers trained with one loss and one optimizer (see the module docstring)."""

    def __init__(self, layers: Sequence, loss, optimizer=None, l2_lambda: float = 0.0,
                 batch_axis: int = -1, fuse_output: bool = True) -> None:
        if not isinstance(layers, (list, tuple)) or len(layers) == 0:
            raise ValueError(f"layers must be a non-empty list of layer objects, got {layers!r}")
        for i, layer in enumerate(layers):
            _check_layer(i, layer)
        if not (hasattr(loss, "forward") and hasattr(loss, "backward")):
            raise ValueError(f"loss must be a loss object with forward(AL, Y) and backward(AL, Y), "
                             f"got {loss!r} (see course2/week1/losses.py)")
        if batch_axis not in (0, -1):
            raise ValueError(f"batch_axis must be -1 (X is (n_x, m)) or 0 (X is (m, ...)), got {batch_axis!r}")
        self.layers = list(layers)
        self.loss = loss
        self.optimizer = optimizers.check_optimizer(optimizer) if optimizer is not None else None
        self.l2_lambda = regularization.check_l2_lambda(l2_lambda)
        self.batch_axis = batch_axis
        self.fuse_output = fuse_output
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.optimizer_states: dict[tuple[int, str], object] = {}
        self.steps = 0

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"DNNModel([{inner}], l2_lambda={self.l2_lambda})"

    # -- construction ----------------------------------------------------------------------
    @property
    def built(self) -> bool:
        return self.input_shape is not None

    def build(self, input_shape: Sequence[int], rng: np.random.Generator) -> "DNNModel":
        """Create every layer's params for per-example input shape ``input_shape``
        ((n_x,) for course 1-2, (n_H, n_W, n_C) for course 4)."""
        shape = tuple(int(s) for s in input_shape)
        self.input_shape = shape
        for layer in self.layers:
            shape = tuple(layer.build(shape, rng))
        self.output_shape = shape
        self.optimizer_states = {}
        return self

    def _example_shape(self, X: np.ndarray) -> tuple[int, ...]:
        return X.shape[:-1] if self.batch_axis == -1 else X.shape[1:]

    def _ensure_built(self, X: np.ndarray, rng: np.random.Generator | None) -> None:
        if self.built:
            if self._example_shape(X) != self.input_shape:
                raise ValueError(f"the model was built for examples of shape {self.input_shape}, "
                                 f"got X of shape {X.shape} (batch_axis={self.batch_axis})")
            return
        if rng is None:
            raise ValueError("the model is not built yet: pass an np.random.Generator rng (or call "
                             "model.build(input_shape, rng) / load_weights first)")
        self.build(self._example_shape(X), rng)

    def n_examples(self, X: np.ndarray) -> int:
        return X.shape[self.batch_axis]

    def check_data(self, X: np.ndarray, Y: np.ndarray) -> None:
        """A ValueError when X and Y do not describe the same m examples."""
        if not isinstance(X, np.ndarray) or not isinstance(Y, np.ndarray):
            raise ValueError(f"X and Y must be numpy arrays, got {type(X).__name__} and {type(Y).__name__}")
        if Y.ndim != 2:
            raise ValueError(f"Y must have shape (n_y, m), got {Y.shape}")
        if X.ndim < 2 or X.shape[self.batch_axis] != Y.shape[1]:
            where = "last" if self.batch_axis == -1 else "first"
            raise ValueError(f"X and Y must hold the same number of examples m (X's {where} axis, "
                             f"Y's second axis): got X {X.shape} and Y {Y.shape}")

    # -- forward / cost / backward ----------------------------------------------------------
    def forward(self, X: np.ndarray, training: bool = False,
                rng: np.random.Generator | None = None) -> np.ndarray:
        """X: (n_x, m) or (m, ...) -> AL: (n_y, m). ``training`` turns dropout on."""
        self._ensure_built(X, rng)
        A = X
        for layer in self.layers:
            A = layer.forward(A, training, rng)
        return A

    def _fused(self) -> bool:
        last = self.layers[-1]
        return (self.fuse_output and hasattr(self.loss, "forward_from_logits")
                and getattr(last, "activation", None) == getattr(self.loss, "activation", None)
                and getattr(last, "fusable", False))

    def regularized_params(self) -> Iterator[np.ndarray]:
        for layer in self.layers:
            for name in layer.regularized:
                yield layer.params[name]

    def compute_cost(self, AL: np.ndarray, Y: np.ndarray) -> float:
        """J = mean loss over the m columns + l2_lambda / (2 m) * sum ||P||^2 (after a forward)."""
        if self._fused():
            cost = self.loss.forward_from_logits(self.layers[-1].logits, Y)
        else:
            cost = self.loss.forward(AL, Y)
        return cost + regularization.l2_cost(self.regularized_params(), self.l2_lambda, Y.shape[1])

    def backward(self, AL: np.ndarray, Y: np.ndarray) -> None:
        """Fill every layer's grads with dJ/dparam, after forward on the same batch."""
        layers = self.layers
        if self._fused():
            dA = layers[-1].backward_from_logits(self.loss.backward_from_logits(AL, Y))
            rest = layers[-2::-1]
        else:
            dA = self.loss.backward(AL, Y)
            rest = layers[::-1]
        for layer in rest:
            dA = layer.backward(dA)
        if self.l2_lambda:
            m = Y.shape[1]
            for layer in layers:
                for name in layer.regularized:
                    layer.grads[name] = layer.grads[name] + regularization.l2_grad(
                        layer.params[name], self.l2_lambda, m)

    def loss_and_grads(self, X: np.ndarray, Y: np.ndarray, rng: np.random.Generator | None = None,
                       training: bool = True) -> tuple[float, dict[str, np.ndarray]]:
        """One forward + backward: (J, {"layer{i}.{name}": dJ/dparam}). With dropout, the masks
        come from ``rng`` (a fresh Generator with a fixed seed repeats them)."""
        self.check_data(X, Y)
        AL = self.forward(X, training, rng)
        cost = self.compute_cost(AL, Y)
        self.backward(AL, Y)
        return cost, self.gradients()

    def parameters(self) -> dict[str, np.ndarray]:
        """Every trainable array, by "layer{i}.{name}" (the arrays themselves, not copies)."""
        return {f"layer{i}.{name}": p for i, layer in enumerate(self.layers)
                for name, p in layer.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradients of the last backward, keyed like ``parameters()``."""
        return {f"layer{i}.{name}": layer.grads[name] for i, layer in enumerate(self.layers)
                for name in layer.params}

    # -- training ---------------------------------------------------------------------------
    def apply_gradients(self, learning_rate: float) -> None:
        """One optimizer update of every parameter with the grads of the last backward."""
        opt = self.optimizer
        states = self.optimizer_states
        for i, layer in enumerate(self.layers):
            for name, param in layer.params.items():
                key = (i, name)
                state = states.get(key)
                if state is None:
                    state = states[key] = opt.init_state(param)
                opt.update(param, layer.grads[name], state, learning_rate)
        self.steps += 1

    def train_step(self, X: np.ndarray, Y: np.ndarray, rng: np.random.Generator,
                   learning_rate: float) -> float:
        """forward (training) -> cost -> backward -> update; returns the batch cost."""
        AL = self.forward(X, True, rng)
        cost = self.compute_cost(AL, Y)
        runner.check_finite(cost, self.steps + 1,
                            "lower the learning rate (the updates diverged), check that the inputs are "
                            "scaled to about unit size, or use a smaller initialisation")
        self.backward(AL, Y)
        self.apply_gradients(learning_rate)
        return cost

    def fit(self, X: np.ndarray, Y: np.ndarray, epochs: int, rng: np.random.Generator,
            mini_batch_size: int | None = None, batch_iterator: BatchIterator | None = None,
            schedule: Schedule | None = None, progress: bool = True, label: str = "") -> History:
        """Train for ``epochs`` passes over (X, Y); see the module docstring. Returns a History."""
        if self.optimizer is None:
            raise ValueError("the model has no optimizer: pass optimizer=GradientDescent(lr) (or another)")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
        self.check_data(X, Y)
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be an np.random.Generator, got {type(rng).__name__}")
        if batch_iterator is None:
            if mini_batch_size is not None:
                raise ValueError("mini_batch_size needs a batch_iterator: pass "
                                 "batch_iterator=course2.week2.mini_batches.random_mini_batches")
            batch_iterator = full_batch
        elif mini_batch_size is not None:
            runner.check_positive("mini_batch_size", mini_batch_size)
        self._ensure_built(X, rng)
        m = Y.shape[1]
        lr0 = self.optimizer.learning_rate
        history = History()
        bar = Progress(epochs, label=label or "training", enabled=progress)
        start = time.perf_counter()
        for epoch in range(epochs):
            lr = schedule(lr0, epoch) if schedule is not None else lr0
            total = 0.0
            for X_batch, Y_batch in batch_iterator(X, Y, mini_batch_size, rng, self.batch_axis):
                total += self.train_step(X_batch, Y_batch, rng, lr) * Y_batch.shape[1]
            cost = total / m
            history.costs.append(cost)
            history.learning_rates.append(lr)
            bar.update(epoch + 1, cost=cost)
        bar.close(cost=history.costs[-1])
        history.steps = self.steps
        history.seconds = time.perf_counter() - start
        return history

    # -- inference --------------------------------------------------------------------------
    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """AL: (n_y, m) with training=False (no dropout)."""
        if not self.built:
            raise ValueError("the model has no weights yet: fit, build or load_weights first")
        return self.forward(X, training=False)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels (1, m): AL > 0.5 for one output unit, else the argmax over the units."""
        AL = self.predict_proba(X)
        if AL.shape[0] == 1:
            return (AL > 0.5).astype(np.int64)
        return np.argmax(AL, axis=0)[None, :].astype(np.int64)

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Accuracy in [0, 1] (no dropout). Y: (1, m) labels or (n_y, m) one-hot."""
        self.check_data(X, Y)
        labels = Y if Y.shape[0] == 1 else np.argmax(Y, axis=0)[None, :]
        return float(np.mean(self.predict(X) == labels))

    # -- weights on disk ----------------------------------------------------------------------
    def config(self) -> dict:
        return {"layers": [layer.config() if hasattr(layer, "config") else {"class": type(layer).__name__}
                           for layer in self.layers],
                "l2_lambda": self.l2_lambda, "batch_axis": self.batch_axis}

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = {}
        for i, layer in enumerate(self.layers):
            for name, p in layer.params.items():
                arrays[f"layer{i}.param.{name}"] = p
            for name, buf in layer.buffers.items():
                arrays[f"layer{i}.buffer.{name}"] = buf
        return arrays

    def save(self, path: str | os.PathLike) -> Path:
        """Write params and buffers to ``path`` (.npz, no pickle), whole: temp file then rename."""
        if not self.built:
            raise ValueError("the model has no weights yet: fit or build it before saving")
        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"weights are saved as .npz; got the file name {path.name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = self._arrays()
        arrays["__config__"] = np.array(json.dumps(self.config()))
        arrays["__input_shape__"] = np.array(self.input_shape, dtype=np.int64)

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:          # a file object: np.savez adds no suffix
                np.savez(fh, **arrays)

        return runner.atomic_write(path, write)

    def load_weights(self, path: str | os.PathLike) -> "DNNModel":
        """Read weights written by ``save`` into this model (same layers). Builds the model
        first when needed (from the saved input shape; the drawn values are overwritten)."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no weights file at {path}")
        with np.load(path, allow_pickle=False) as data:
            stored = {k: data[k] for k in data.files}
        if "__input_shape__" not in stored:
            raise ValueError(f"{path} is not a DNNModel weights file (no '__input_shape__' entry)")
        input_shape = tuple(int(s) for s in stored.pop("__input_shape__"))
        saved_config = json.loads(str(stored.pop("__config__", np.array("{}"))))
        if not self.built:
            self.build(input_shape, np.random.default_rng(0))   # values overwritten just below
        elif input_shape != self.input_shape:
            raise ValueError(f"{path} holds weights for inputs of shape {input_shape}, "
                             f"this model was built for {self.input_shape}")
        expected = self._arrays()
        missing = sorted(set(expected) - set(stored))
        unexpected = sorted(set(stored) - set(expected))
        if missing or unexpected:
            raise ValueError(f"{path} does not match this model's layers: missing {missing}, "
                             f"unexpected {unexpected}; saved layers: {saved_config.get('layers')}")
        for key, target in expected.items():
            if stored[key].shape != target.shape:
                raise ValueError(f"{path}: {key} has shape {stored[key].shape}, "
                                 f"this model expects {target.shape}")
        for key, target in expected.items():
            target[...] = stored[key]          # in place: optimizer states keep pointing at them
        return self

    def summary(self) -> str:
        """One line per layer with its parameter shapes and the total count."""
        lines, total = [], 0
        for i, layer in enumerate(self.layers):
            shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in layer.params.items())
            total += sum(v.size for v in layer.params.values())
            lines.append(f"  layer{i}: {layer!r}  {shapes}")
        lines.append(f"  trainable parameters: {total}")
        return "\n".join(lines)
