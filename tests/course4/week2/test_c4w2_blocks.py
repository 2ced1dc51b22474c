"""Residual blocks: values against a numpy hand computation and the Keras twin, shapes, and the
shortcut that carries the gradient."""
from __future__ import annotations

import numpy as np
import pytest

from common.runner import import_tensorflow
from course4.week2 import architectures
from course4.week2 import resnet_lowlevel as rl
from course4.week2.batchnorm import BNConfig

tf = import_tensorflow()

CONFIG = BNConfig(momentum=0.9, epsilon=1e-3)


def _block(rng, kind, n_C_prev, filters, f=3):
    """float64 parameters of one block with non-trivial BN state and biases."""
    p = rl.init_block_params(rng, "s/b", kind, n_C_prev, filters, f, np.float64)
    for name in p:
        n = p[name].shape
        if name.endswith("gamma"):
            p[name] = rng.uniform(0.5, 1.5, n)
        elif name.endswith("beta") or name.endswith("bias"):
            p[name] = rng.normal(0.0, 0.2, n)
        elif name.endswith("moving_mean"):
            p[name] = rng.normal(0.0, 0.3, n)
        elif name.endswith("moving_variance"):
            p[name] = rng.uniform(0.5, 2.0, n)
    return p


def _variables(p):
    return {k: tf.Variable(v) for k, v in p.items()}


def _numpy_main_path(x, p, stride, training, conv, bnorm):
    A = np.maximum(0, bnorm(conv(x, p["s/b/conv1/kernel"], p["s/b/conv1/bias"], stride, 0),
                            p, "s/b/bn1", training, CONFIG.epsilon))
    A = np.maximum(0, bnorm(conv(A, p["s/b/conv2/kernel"], p["s/b/conv2/bias"], 1, 1),
                            p, "s/b/bn2", training, CONFIG.epsilon))
    return bnorm(conv(A, p["s/b/conv3/kernel"], p["s/b/conv3/bias"], 1, 0), p, "s/b/bn3",
                 training, CONFIG.epsilon)


@pytest.mark.parametrize("training", [False, True])
def test_identity_block_equals_numpy_hand_computation(rng, numpy_oracle, training):
    conv, bnorm = numpy_oracle
    p = _block(rng, "identity", 4, (2, 3, 4))
    x = rng.normal(0.0, 1.0, (2, 4, 4, 4))
    out = rl.identity_block(tf.constant(x), _variables(p), "s/b", 3, training, CONFIG).numpy()
    expected = np.maximum(0, _numpy_main_path(x, p, 1, training, conv, bnorm) + x)
    assert out.shape == (2, 4, 4, 4)
    np.testing.assert_allclose(out, expected, atol=1e-12)


@pytest.mark.parametrize("training", [False, True])
def test_convolutional_block_equals_numpy_hand_computation(rng, numpy_oracle, training):
    conv, bnorm = numpy_oracle
    p = _block(rng, "conv", 3, (2, 3, 5))
    x = rng.normal(0.0, 1.0, (2, 5, 5, 3))
    out = rl.convolutional_block(tf.constant(x), _variables(p), "s/b", 3, 2, training, CONFIG).numpy()
    shortcut = bnorm(conv(x, p["s/b/shortcut_conv/kernel"], p["s/b/shortcut_conv/bias"], 2, 0),
                     p, "s/b/shortcut_bn", training, CONFIG.epsilon)
    expected = np.maximum(0, _numpy_main_path(x, p, 2, training, conv, bnorm) + shortcut)
    assert out.shape == (2, 3, 3, 5)                   # ceil(5 / 2) = 3, F3 = 5 channels
    np.testing.assert_allclose(out, expected, atol=1e-12)


@pytest.mark.parametrize("kind", ["identity", "conv"])
@pytest.mark.parametrize("training", [False, True])
def test_blocks_equal_their_keras_twins(rng, kind, training):
    import keras

    from course4.week2 import resnet_keras as rk

    n_C_prev, filters, stride = (6, (3, 4, 6), 1) if kind == "identity" else (4, (3, 4, 6), 2)
    p = rl.init_block_params(rng, "stage3/block1", kind, n_C_prev, filters, 3, np.float32)
    inputs = keras.Input((6, 6, n_C_prev))
    if kind == "identity":
        outputs = rk.keras_identity_block(inputs, "stage3/block1", filters, 3, CONFIG)
    else:
        outputs = rk.keras_convolutional_block(inputs, "stage3/block1", filters, 3, stride, CONFIG)
    model = keras.Model(inputs, outputs)
    variables = _variables(p)
    for name, var in rk.weight_map(model, list(variables)).items():
        value = rng.uniform(0.5, 1.5, var.shape) if "variance" in name or "gamma" in name \
            else (p[name] if name.endswith("kernel") else rng.normal(0, 0.2, var.shape))
        variables[name].assign(value.astype(np.float32))
        var.assign(value.astype(np.float32))
    x = rng.normal(size=(3, 6, 6, n_C_prev)).astype(np.float32)
    if kind == "identity":
        ours = rl.identity_block(tf.constant(x), variables, "stage3/block1", 3, training, CONFIG)
    else:
        ours = rl.convolutional_block(tf.constant(x), variables, "stage3/block1", 3, stride,
                                      training, CONFIG)
    theirs = model(x, training=training)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)


def test_resnet50_stage_shapes_match_the_course():
    shapes = dict(architectures.layer_shapes(architectures.get_architecture("resnet50"), (64, 64, 3), 6))
    assert shapes["stem/conv"] == (32, 32, 64)
    assert shapes["stem/maxpool"] == (15, 15, 64)
    assert shapes["stage2/block3"] == (15, 15, 256)
    assert shapes["stage3/block4"] == (8, 8, 512)
    assert shapes["stage4/block6"] == (4, 4, 1024)
    assert shapes["stage5/block3"] == (2, 2, 2048)
    assert shapes["head/avgpool"] == (1, 1, 2048)
    assert shapes["head/logits"] == (6,)
    blocks = [b for b in shapes if b.startswith("stage")]
    assert len(blocks) == 16                             # 3 + 4 + 6 + 3 bottlenecks: 16 x 3 + 2 = 50


def test_actual_tensor_shapes_follow_layer_shapes(rng):
    model = rl.LowLevelResNet("resnet_mini", rng=rng)
    expected = dict(architectures.layer_shapes(model.spec, (64, 64, 3), 6))
    A = rl.stem(tf.zeros((2, 64, 64, 3)), model.params, model.spec, False, model.bn_config)
    assert tuple(A.shape[1:]) == expected["stem/maxpool"]
    for prefix, kind, stage in architectures.block_names(model.spec):
        if kind == "conv":
            A = rl.convolutional_block(A, model.params, prefix, 3, stage.stride, False, model.bn_config)
        else:
            A = rl.identity_block(A, model.params, prefix, 3, False, model.bn_config)
        assert tuple(A.shape[1:]) == expected[prefix], prefix
    assert tuple(rl.head(A, model.params, model.spec).shape) == (2, 6)


@pytest.mark.parametrize("training", [False, True])
def test_identity_block_with_zero_last_gamma_is_the_identity_and_passes_the_gradient(rng, training):
    """With the main path's last BN at gamma = beta = 0 the block is a[l+2] = ReLU(a[l]) = a[l]
    for the non-negative activations a ReLU network feeds it: adding the block cannot hurt, and
    the gradient reaches the input unchanged through the shortcut."""
    p = _block(rng, "identity", 4, (2, 3, 4))
    p["s/b/bn3/gamma"] = np.zeros(4)
    p["s/b/bn3/beta"] = np.zeros(4)
    variables = _variables(p)
    x = tf.constant(np.abs(rng.normal(size=(2, 4, 4, 4))) + 0.1)
    G = tf.constant(rng.normal(size=(2, 4, 4, 4)))          # random upstream gradient
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        out = rl.identity_block(x, variables, "s/b", 3, training, CONFIG)
        J = tf.reduce_sum(out * G)
        J_main = tf.reduce_sum(rl.main_path(x, variables, "s/b", 3, 1, training, CONFIG) * G)
    np.testing.assert_allclose(out.numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(tape.gradient(J, x).numpy(), G.numpy(), atol=1e-12)
    # the main path alone (a "plain" network) passes no gradient at all in this state
    np.testing.assert_allclose(tape.gradient(J_main, x).numpy(), 0.0, atol=1e-12)


def test_convolutional_block_gradient_flows_through_the_projection_shortcut(rng):
    p = _block(rng, "conv", 3, (2, 3, 5))
    p["s/b/bn3/gamma"] = np.zeros(5)
    variables = _variables(p)
    x = tf.constant(rng.normal(size=(2, 5, 5, 3)))
    G = tf.constant(rng.normal(size=(2, 3, 3, 5)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        J = tf.reduce_sum(rl.convolutional_block(x, variables, "s/b", 3, 2, True, CONFIG) * G)
        shortcut = rl.bn(rl.conv2d(x, variables, "s/b/shortcut_conv", 2), variables,
                         "s/b/shortcut_bn", True, CONFIG)
        J_short = tf.reduce_sum(tf.nn.relu(shortcut + variables["s/b/bn3/beta"]) * G)
    dx = tape.gradient(J, x).numpy()
    assert np.abs(dx).max() > 1e-3
    np.testing.assert_allclose(dx, tape.gradient(J_short, x).numpy(), atol=1e-12)


def test_identity_block_rejects_mismatched_channels(rng):
    with pytest.raises(ValueError, match="must equal F3"):
        rl.init_block_params(rng, "stage2/block2", "identity", 64, (64, 64, 256), 3)
    with pytest.raises(ValueError, match="'identity' or 'conv'"):
        rl.init_block_params(rng, "stage2/block2", "plain", 64, (64, 64, 256), 3)


def test_convolutional_block_gradients_pass_a_float64_numerical_check(rng):
    """The whole block in training mode (three convs, four BNs with the hand-written backward,
    ReLUs, the sum): TensorFlow's gradients against centred differences."""
    from common import gradcheck

    p = _block(rng, "conv", 2, (2, 3, 3))
    x = rng.normal(size=(2, 3, 3, 2))
    G = rng.normal(size=(2, 2, 2, 3))
    checked = ("s/b/bn1/gamma", "s/b/conv2/kernel", "s/b/shortcut_bn/beta")

    moving = {k: tf.Variable(v) for k, v in p.items() if "moving" in k}   # updated, unused

    @tf.function(autograph=False)          # traced once: ~200 evaluations stay cheap
    def block_J(x, weights):
        out = rl.convolutional_block(x, weights | moving, "s/b", 3, 2, True, CONFIG)
        return tf.reduce_sum(out * G)

    def J():
        return float(block_J(tf.constant(x), {k: tf.constant(v) for k, v in p.items()
                                               if "moving" not in k}))

    variables = _variables(p)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = rl.convolutional_block(xt, variables, "s/b", 3, 2, True, CONFIG)
        Jt = tf.reduce_sum(out * G)
    grads = tape.gradient(Jt, [xt] + [variables[k] for k in checked])
    analytic = {"x": grads[0].numpy()} | {k: g.numpy() for k, g in zip(checked, grads[1:])}
    report = gradcheck.check_gradients(J, {"x": x} | {k: p[k] for k in checked}, analytic)
    assert report.max_relative_error < 1e-7, str(report)
