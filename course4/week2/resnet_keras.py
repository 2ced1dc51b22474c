"""The Keras Functional twin of ``resnet_lowlevel``: the same architecture from Keras layers
(how the course and practitioners write it), and the weight mapping between the two.

Layer names follow the low-level variable names with "/" -> "_": the low-level variable
``stage3/block2/bn1/moving_mean`` is the ``moving_mean`` weight of the Keras layer
``stage3_block2_bn1``. BatchNormalization gets the low-level ``BNConfig``'s momentum and
epsilon explicitly (both use Keras' momentum convention, see ``batchnorm``).

The head is ``Dense(num_classes)`` named ``head_logits`` followed by a softmax ``Activation``
named ``probs``: the same function and parameters as the course's ``Dense(6,
activation="softmax")``, but the logits stay reachable (``logits_model``) so losses can be
computed from logits in both twins.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from common.runner import import_tensorflow
from course4.week2 import architectures
from course4.week2.architectures import ResNetSpec
from course4.week2.batchnorm import BNConfig

import_tensorflow()
import keras  # noqa: E402  (after TensorFlow, quietly)
from keras import layers  # noqa: E402


def keras_layer_name(prefix: str) -> str:
    """"stage2/block1/conv1" -> "stage2_block1_conv1"."""
    return prefix.replace("/", "_")


def split_name(name: str) -> tuple[str, str]:
    """A low-level variable name -> (Keras layer name, weight name):
    "stage2/block1/bn1/gamma" -> ("stage2_block1_bn1", "gamma")."""
    prefix, _, weight = name.rpartition("/")
    return keras_layer_name(prefix), weight


def _conv(x, filters: int, f: int, stride: int, padding: str, name: str, dtype):
    return layers.Conv2D(filters, f, strides=stride, padding=padding,
                         kernel_initializer="glorot_uniform", name=keras_layer_name(name),
                         dtype=dtype)(x)


def _bn(x, name: str, config: BNConfig, dtype):
    return layers.BatchNormalization(axis=-1, momentum=config.momentum, epsilon=config.epsilon,
                                     name=keras_layer_name(name), dtype=dtype)(x)


def _main_path(x, prefix: str, filters, f: int, stride: int, config: BNConfig, dtype):
    F1, F2, F3 = filters
    x = _conv(x, F1, 1, stride, "valid", f"{prefix}/conv1", dtype)
    x = _bn(x, f"{prefix}/bn1", config, dtype)
    x = layers.ReLU(name=keras_layer_name(f"{prefix}/relu1"), dtype=dtype)(x)
    x = _conv(x, F2, f, 1, "same", f"{prefix}/conv2", dtype)
    x = _bn(x, f"{prefix}/bn2", config, dtype)
    x = layers.ReLU(name=keras_layer_name(f"{prefix}/relu2"), dtype=dtype)(x)
    x = _conv(x, F3, 1, 1, "valid", f"{prefix}/conv3", dtype)
    return _bn(x, f"{prefix}/bn3", config, dtype)


def keras_identity_block(x, prefix: str, filters, f: int, config: BNConfig, dtype="float32"):
    """Keras identity block: ReLU(main path + x)."""
    main = _main_path(x, prefix, filters, f, 1, config, dtype)
    x = layers.Add(name=keras_layer_name(f"{prefix}/add"), dtype=dtype)([main, x])
    return layers.ReLU(name=keras_layer_name(f"{prefix}/out"), dtype=dtype)(x)


def keras_convolutional_block(x, prefix: str, filters, f: int, stride: int, config: BNConfig,
                              dtype="float32"):
    """Keras convolutional block: ReLU(main path + BN(CONV 1x1/stride (x)))."""
    shortcut = _conv(x, filters[2], 1, stride, "valid", f"{prefix}/shortcut_conv", dtype)
    shortcut = _bn(shortcut, f"{prefix}/shortcut_bn", config, dtype)
    main = _main_path(x, prefix, filters, f, stride, config, dtype)
    x = layers.Add(name=keras_layer_name(f"{prefix}/add"), dtype=dtype)([main, shortcut])
    return layers.ReLU(name=keras_layer_name(f"{prefix}/out"), dtype=dtype)(x)


def build_keras_resnet(arch: str | ResNetSpec = "resnet_mini", input_shape=(64, 64, 3),
                       num_classes: int = 6, bn_config: BNConfig = BNConfig(),
                       dtype: str = "float32") -> "keras.Model":
    """The Keras Functional ResNet for ``arch``: (m, *input_shape) -> softmax (m, num_classes).

    Its initial weights come from Keras' own initialisers; the twins are compared after
    ``copy_to_keras``, which matches weights by name (never by position)."""
    spec = architectures.get_architecture(arch)
    architectures.layer_shapes(spec, tuple(input_shape), num_classes)  # size checks
    inputs = keras.Input(shape=tuple(input_shape), name="images", dtype=dtype)
    x = layers.ZeroPadding2D(spec.stem_pad, name="stem_pad", dtype=dtype)(inputs)
    x = _conv(x, spec.stem_filters, spec.stem_kernel, spec.stem_stride, "valid", "stem/conv", dtype)
    x = _bn(x, "stem/bn", bn_config, dtype)
    x = layers.ReLU(name="stem_relu", dtype=dtype)(x)
    x = layers.MaxPooling2D(spec.pool_size, strides=spec.pool_stride, name="stem_maxpool",
                            dtype=dtype)(x)
    for prefix, kind, stage in architectures.block_names(spec):
        if kind == "conv":
            x = keras_convolutional_block(x, prefix, stage.filters, spec.kernel_size, stage.stride,
                                          bn_config, dtype)
        else:
            x = keras_identity_block(x, prefix, stage.filters, spec.kernel_size, bn_config, dtype)
    x = layers.AveragePooling2D(spec.avg_pool, name="head_avgpool", dtype=dtype)(x)
    x = layers.Flatten(name="head_flatten", dtype=dtype)(x)
    x = layers.Dense(num_classes, name="head_logits", dtype=dtype)(x)
    outputs = layers.Activation("softmax", name="probs", dtype=dtype)(x)
    return keras.Model(inputs, outputs, name=spec.name)


def logits_model(model: "keras.Model") -> "keras.Model":
    """The same layers (shared weights), stopping before the softmax: x -> logits."""
    return keras.Model(model.input, model.get_layer("head_logits").output, name=f"{model.name}_logits")


def low_level_prefix(layer_name: str) -> str:
    """The inverse of ``keras_layer_name``: "stage2_block1_shortcut_conv" ->
    "stage2/block1/shortcut_conv", "stem_conv" -> "stem/conv", "head_logits" -> "head/logits"
    (stage and block are the first two parts; the layer name may itself contain "_")."""
    return layer_name.replace("_", "/", 2 if layer_name.startswith("stage") else 1)


def _keras_weights(model: "keras.Model") -> dict[str, object]:
    """Every Keras weight by low-level name, e.g. "stage2/block1/bn1/gamma" -> variable."""
    return {f"{low_level_prefix(layer.name)}/{w.name}": w
            for layer in model.layers for w in layer.weights}


def weight_map(model: "keras.Model", names) -> dict[str, object]:
    """Low-level name -> Keras variable for every name in ``names``; ``ValueError`` when the
    two do not correspond one to one."""
    keras_vars = _keras_weights(model)
    missing = sorted(set(names) - set(keras_vars))
    unexpected = sorted(set(keras_vars) - set(names))
    if missing or unexpected:
        raise ValueError(f"Keras model {model.name!r} does not match the low-level variables: "
                         f"missing in Keras {missing[:5]} ({len(missing)}), extra in Keras "
                         f"{unexpected[:5]} ({len(unexpected)})")
    return {name: keras_vars[name] for name in names}


def copy_to_keras(weights: Mapping[str, np.ndarray], model: "keras.Model") -> None:
    """Assign low-level weights (name -> array, e.g. ``LowLevelResNet.get_weights()``) to the
    Keras twin; shapes must match."""
    for name, var in weight_map(model, list(weights)).items():
        value = np.asarray(weights[name])
        if tuple(var.shape) != value.shape:
            raise ValueError(f"{name}: low-level shape {value.shape}, Keras shape {tuple(var.shape)}")
        var.assign(value)


def weights_from_keras(model: "keras.Model", names) -> dict[str, np.ndarray]:
    """The Keras twin's weights under the low-level names (for ``LowLevelResNet.set_weights``)."""
    return {name: np.asarray(var.numpy()) for name, var in weight_map(model, names).items()}
