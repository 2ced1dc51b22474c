"""A residual network from ``tf.Variable`` and ``tf.nn`` ops only (lectures "ResNets", "Why
ResNets work", "Networks in networks and 1x1 convolutions").

The two blocks of the lecture, for a activation ``x: (m, n_H, n_W, n_C)``:

identity block (input and output have the same shape, n_C = F3):

    x -> CONV 1x1 F1 -> BN -> ReLU -> CONV f x f 'same' F2 -> BN -> ReLU -> CONV 1x1 F3 -> BN
      -> (+ x) -> ReLU                                    a[l+2] = g(z[l+2] + a[l])

convolutional block (changes the channels to F3 and the size by ``stride``):

    main:     x -> CONV 1x1 / s F1 -> BN -> ReLU -> CONV f x f 'same' F2 -> BN -> ReLU
                -> CONV 1x1 F3 -> BN
    shortcut: x -> CONV 1x1 / s F3 -> BN                  (the projection W_s a[l])
    out = ReLU(main + shortcut)

Why the shortcut helps: if the main path's last BN has gamma = beta = 0 the block is the
identity (identity block) and the gradient passes through unchanged, so adding blocks cannot
make the network worse at the start; the tests show exactly this.

Parameters live in one ordered dict of ``tf.Variable``s named by stage and block, e.g.

    stem/conv/kernel (7, 7, 3, 64)          stem/bn/gamma (64,)
    stage2/block1/conv1/kernel (1, 1, 64, 64)   stage2/block1/bn3/moving_mean (256,)
    stage2/block1/shortcut_conv/kernel ...  head/logits/kernel (2048, 6)

so weights can be saved (``.npz`` or ``.weights.h5``), loaded and mapped onto the Keras twin
(``resnet_keras``). BN moving statistics are non-trainable variables. The forward functions
are plain functions of ``(x, params, ...)``; ``LowLevelResNet`` holds the variables and calls them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np

from common import runner
from common.runner import import_tensorflow
from course4.week2 import architectures
from course4.week2.architectures import ResNetSpec
from course4.week2.batchnorm import BNConfig, batch_norm

tf = import_tensorflow()

NON_TRAINABLE = ("moving_mean", "moving_variance")


# ---------------------------------------------------------------------------------------------
# Parameter initialisation (numpy, with an explicit Generator)
# ---------------------------------------------------------------------------------------------
def glorot_uniform(rng: np.random.Generator, shape: tuple[int, ...], dtype) -> np.ndarray:
    """Glorot/Xavier uniform, Keras' default for Conv2D and Dense (and the course's choice):
    U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)); for a conv kernel
    (f, f, n_C_prev, n_C) fan_in = f*f*n_C_prev and fan_out = f*f*n_C."""
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def _conv_params(rng, name: str, f: int, n_C_prev: int, n_C: int, dtype) -> dict[str, np.ndarray]:
    return {f"{name}/kernel": glorot_uniform(rng, (f, f, n_C_prev, n_C), dtype),
            f"{name}/bias": np.zeros(n_C, dtype)}


def _bn_params(name: str, n_C: int, dtype) -> dict[str, np.ndarray]:
    return {f"{name}/gamma": np.ones(n_C, dtype), f"{name}/beta": np.zeros(n_C, dtype),
            f"{name}/moving_mean": np.zeros(n_C, dtype),
            f"{name}/moving_variance": np.ones(n_C, dtype)}


def init_block_params(rng: np.random.Generator, prefix: str, kind: str, n_C_prev: int,
                      filters: tuple[int, int, int], f: int, dtype=np.float32) -> dict[str, np.ndarray]:
    """Initial parameters of one block (``kind`` is "identity" or "conv"); names start with
    ``prefix`` ("stage2/block1"). An identity block needs ``n_C_prev == F3``."""
    F1, F2, F3 = filters
    if kind == "identity" and n_C_prev != F3:
        raise ValueError(f"an identity block adds its input to its output, so the input channels "
                         f"({n_C_prev}) must equal F3 ({F3}) at {prefix}")
    params: dict[str, np.ndarray] = {}
    for i, (k, c_in, c_out) in enumerate(((1, n_C_prev, F1), (f, F1, F2), (1, F2, F3)), start=1):
        params.update(_conv_params(rng, f"{prefix}/conv{i}", k, c_in, c_out, dtype))
        params.update(_bn_params(f"{prefix}/bn{i}", c_out, dtype))
    if kind == "conv":
        params.update(_conv_params(rng, f"{prefix}/shortcut_conv", 1, n_C_prev, F3, dtype))
        params.update(_bn_params(f"{prefix}/shortcut_bn", F3, dtype))
    elif kind != "identity":
        raise ValueError(f"block kind must be 'identity' or 'conv', got {kind!r}")
    return params


def init_resnet_params(spec: ResNetSpec, input_shape: tuple[int, int, int], num_classes: int,
                       rng: np.random.Generator, dtype=np.float32) -> dict[str, np.ndarray]:
    """All parameters of ``spec`` in forward order (the order Keras creates them in).

    input_shape: (n_H, n_W, n_C). Raises ``ValueError`` if the input is too small for ``spec``.
    """
    shapes = architectures.layer_shapes(spec, input_shape, num_classes)
    n_C = input_shape[-1]
    params = _conv_params(rng, "stem/conv", spec.stem_kernel, n_C, spec.stem_filters, dtype)
    params.update(_bn_params("stem/bn", spec.stem_filters, dtype))
    n_C = spec.stem_filters
    for prefix, kind, stage in architectures.block_names(spec):
        params.update(init_block_params(rng, prefix, kind, n_C, stage.filters, spec.kernel_size, dtype))
        n_C = stage.filters[2]
    flat = dict(shapes)["head/flatten"][0]
    params["head/logits/kernel"] = glorot_uniform(rng, (flat, num_classes), dtype)
    params["head/logits/bias"] = np.zeros(num_classes, dtype)
    return params


# ---------------------------------------------------------------------------------------------
# Forward pass: plain functions of (x, params)
# ---------------------------------------------------------------------------------------------
def conv2d(x, params: Mapping, name: str, stride: int = 1, padding: str = "VALID"):
    """x: (m, n_H, n_W, n_C_prev) -> (m, n_H', n_W', n_C) with params[name/kernel]:
    (f, f, n_C_prev, n_C) and params[name/bias]: (n_C,)."""
    Z = tf.nn.conv2d(x, params[f"{name}/kernel"], strides=stride, padding=padding)
    return tf.nn.bias_add(Z, params[f"{name}/bias"])


def bn(x, params: Mapping, name: str, training: bool, config: BNConfig):
    """Batch norm with the variables ``name/{gamma,beta,moving_mean,moving_variance}``."""
    return batch_norm(x, params[f"{name}/gamma"], params[f"{name}/beta"],
                      params[f"{name}/moving_mean"], params[f"{name}/moving_variance"],
                      training, config)


def main_path(x, params: Mapping, prefix: str, f: int, stride: int, training: bool,
              config: BNConfig):
    """The bottleneck both blocks share: 1x1/stride -> f x f 'same' -> 1x1, BN after each,
    ReLU after the first two. x: (m, n_H, n_W, n_C_prev) -> (m, n_H/stride, n_W/stride, F3)."""
    Z = conv2d(x, params, f"{prefix}/conv1", stride, "VALID")
    A = tf.nn.relu(bn(Z, params, f"{prefix}/bn1", training, config))
    Z = conv2d(A, params, f"{prefix}/conv2", 1, "SAME")
    A = tf.nn.relu(bn(Z, params, f"{prefix}/bn2", training, config))
    Z = conv2d(A, params, f"{prefix}/conv3", 1, "VALID")
    return bn(Z, params, f"{prefix}/bn3", training, config)


def identity_block(x, params: Mapping, prefix: str, f: int, training: bool, config: BNConfig):
    """a[l+2] = ReLU(main_path(a[l]) + a[l]). x: (m, n_H, n_W, F3) -> (m, n_H, n_W, F3)."""
    return tf.nn.relu(main_path(x, params, prefix, f, 1, training, config) + x)


def convolutional_block(x, params: Mapping, prefix: str, f: int, stride: int, training: bool,
                        config: BNConfig):
    """ReLU(main_path(x) + BN(CONV 1x1/stride (x))).
    x: (m, n_H, n_W, n_C_prev) -> (m, ceil(n_H/stride), ceil(n_W/stride), F3)."""
    shortcut = conv2d(x, params, f"{prefix}/shortcut_conv", stride, "VALID")
    shortcut = bn(shortcut, params, f"{prefix}/shortcut_bn", training, config)
    return tf.nn.relu(main_path(x, params, prefix, f, stride, training, config) + shortcut)


def stem(x, params: Mapping, spec: ResNetSpec, training: bool, config: BNConfig):
    """ZeroPad -> CONV f_s x f_s / s -> BN -> ReLU -> MAXPOOL. (m, 64, 64, 3) -> (m, 15, 15, 64)
    for ResNet-50."""
    p = spec.stem_pad
    x = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]])                  # (m, n_H+2p, n_W+2p, n_C)
    Z = conv2d(x, params, "stem/conv", spec.stem_stride, "VALID")
    A = tf.nn.relu(bn(Z, params, "stem/bn", training, config))
    return tf.nn.max_pool2d(A, ksize=spec.pool_size, strides=spec.pool_stride, padding="VALID")


def head(x, params: Mapping, spec: ResNetSpec):
    """AVGPOOL -> flatten -> dense: (m, n_H, n_W, n_C) -> logits (m, num_classes)."""
    A = tf.nn.avg_pool2d(x, ksize=spec.avg_pool, strides=spec.avg_pool, padding="VALID")
    A = tf.reshape(A, [tf.shape(A)[0], -1])                           # (m, n_H' * n_W' * n_C)
    return tf.matmul(A, params["head/logits/kernel"]) + params["head/logits/bias"]


def resnet_forward(x, params: Mapping, spec: ResNetSpec, training: bool, config: BNConfig):
    """The whole network. x: (m, n_H, n_W, n_C) floats -> logits (m, num_classes).
    ``training`` must be a Python bool (it picks batch or moving BN statistics)."""
    A = stem(x, params, spec, training, config)
    for prefix, kind, stage in architectures.block_names(spec):
        if kind == "conv":
            A = convolutional_block(A, params, prefix, spec.kernel_size, stage.stride, training, config)
        else:
            A = identity_block(A, params, prefix, spec.kernel_size, training, config)
    return head(A, params, spec)


# ---------------------------------------------------------------------------------------------
# The model: variables + forward + save/load
# ---------------------------------------------------------------------------------------------
class LowLevelResNet(tf.Module):
    """A ResNet whose parameters are ``tf.Variable``s in ``self.params`` (name -> variable).

    model = LowLevelResNet("resnet50", rng=np.random.default_rng(0))
    logits = model(x, training=False)          # x: (m, 64, 64, 3) float32 -> (m, 6)
    """

    def __init__(self, arch: str | ResNetSpec = "resnet_mini", input_shape=(64, 64, 3),
                 num_classes: int = 6, rng: np.random.Generator | None = None,
                 bn_config: BNConfig = BNConfig(), dtype: str = "float32") -> None:
        super().__init__(name=None)
        if rng is None:
            raise ValueError("LowLevelResNet needs an np.random.Generator (rng=...) for its "
                             "initial weights")
        self.spec = architectures.get_architecture(arch)
        self.input_shape = tuple(int(d) for d in input_shape)
        self.num_classes = int(num_classes)
        self.bn_config = bn_config
        self.dtype = tf.as_dtype(dtype)
        values = init_resnet_params(self.spec, self.input_shape, self.num_classes, rng,
                                    self.dtype.as_numpy_dtype)
        self.params = {name: tf.Variable(v, name=name, trainable=not name.endswith(NON_TRAINABLE))
                       for name, v in values.items()}

    # -- forward ----------------------------------------------------------------------------
    def check_input(self, x) -> None:
        """Raise ``ValueError`` unless x has shape (m, *input_shape)."""
        shape = tuple(x.shape)
        if len(shape) != 4 or tuple(shape[1:]) != self.input_shape:
            hint = ""
            if len(shape) == 4 and shape[1:3] == self.input_shape[:2]:
                hint = f" (it has {shape[3]} channels, expected {self.input_shape[2]})"
            elif len(shape) == 3:
                hint = " (a single image? add a batch axis: x[None])"
            raise ValueError(f"{self.spec.name} expects input of shape (m, "
                             f"{', '.join(map(str, self.input_shape))}), got {shape}{hint}")

    def __call__(self, x, training: bool = False):
        """Logits (m, num_classes) for x: (m, n_H, n_W, n_C) floats."""
        if not isinstance(training, bool):
            raise ValueError(f"training must be a Python bool, got {training!r}")
        self.check_input(x)
        x = tf.cast(x, self.dtype)
        return resnet_forward(x, self.params, self.spec, training, self.bn_config)

    def predict_proba(self, x):
        """Softmax probabilities (m, num_classes), inference mode."""
        return tf.nn.softmax(self(x, training=False), axis=-1)

    # -- variables ----------------------------------------------------------------------------
    @property
    def trainable_params(self) -> list:
        return [v for v in self.params.values() if v.trainable]

    @property
    def non_trainable_params(self) -> list:
        return [v for v in self.params.values() if not v.trainable]

    def count_params(self) -> dict[str, int]:
        """{"total", "trainable", "non_trainable"} numbers of scalars."""
        trainable = sum(int(np.prod(v.shape)) for v in self.trainable_params)
        non_trainable = sum(int(np.prod(v.shape)) for v in self.non_trainable_params)
        return {"total": trainable + non_trainable, "trainable": trainable,
                "non_trainable": non_trainable}

    def get_weights(self) -> dict[str, np.ndarray]:
        return {name: v.numpy() for name, v in self.params.items()}

    def set_weights(self, weights: Mapping[str, np.ndarray], source: str = "weights") -> None:
        """Assign every variable from ``weights`` (name -> array). The names and shapes must
        match exactly; a ``ValueError`` lists what is missing, unexpected or mis-shaped."""
        missing = sorted(set(self.params) - set(weights))
        unexpected = sorted(set(weights) - set(self.params))
        if missing or unexpected:
            raise ValueError(
                f"{source} do not fit {self.spec.name}: missing {missing[:5]}"
                f"{' ...' if len(missing) > 5 else ''} ({len(missing)}), unexpected "
                f"{unexpected[:5]}{' ...' if len(unexpected) > 5 else ''} ({len(unexpected)})")
        for name, var in self.params.items():
            value = np.asarray(weights[name])
            if value.shape != tuple(var.shape):
                raise ValueError(f"{source}: {name} has shape {value.shape}, {self.spec.name} "
                                 f"expects {tuple(var.shape)}")
        for name, var in self.params.items():
            var.assign(np.asarray(weights[name], dtype=var.dtype.as_numpy_dtype))

    # -- files -------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write all variables to ``.npz`` (numpy, no pickle) or ``.weights.h5`` (one HDF5
        dataset per variable name), whole: a temp file then rename."""
        path = Path(path)
        kind = _file_kind(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        weights = self.get_weights()

        def write(tmp: str) -> None:
            if kind == "npz":
                with open(tmp, "wb") as fh:       # a file object: np.savez adds no suffix
                    np.savez(fh, **weights)
            else:
                import h5py

                with h5py.File(tmp, "w") as fh:
                    fh.attrs["architecture"] = self.spec.name
                    for name, value in weights.items():
                        fh[name] = value

        return runner.atomic_write(path, write)

    def load(self, path: str | Path) -> None:
        """Read variables written by ``save`` (``.npz`` with allow_pickle=False or
        ``.weights.h5``); names and shapes must match this model."""
        path = Path(path)
        kind = _file_kind(path)
        if not path.is_file():
            raise FileNotFoundError(f"weights file {path} does not exist")
        if kind == "npz":
            with np.load(path, allow_pickle=False) as data:
                weights = {k: data[k] for k in data.files}
        else:
            import h5py

            weights = {}
            with h5py.File(path, "r") as fh:
                fh.visititems(lambda name, obj: weights.__setitem__(name, obj[()])
                              if isinstance(obj, h5py.Dataset) else None)
        self.set_weights(weights, source=f"weights in {path}")


def _file_kind(path: Path) -> str:
    name = path.name
    if name.endswith(".npz"):
        return "npz"
    if name.endswith(".weights.h5"):
        return "h5"
    raise ValueError(f"weights file must end in .npz or .weights.h5, got {name!r}")
