"""Whole networks: ResNet-50's parameter count, the low-level model and its Keras twin on the
same weights (outputs, moving statistics, gradients), save/load, and clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from common.runner import import_tensorflow
from course4.week2 import architectures
from course4.week2 import resnet_keras as rk
from course4.week2 import resnet_lowlevel as rl
from course4.week2.batchnorm import BNConfig

tf = import_tensorflow()


def _loss_and_grads(forward, x, y, variables):
    with tf.GradientTape() as tape:
        logits = forward(x)
        J = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return logits, tape.gradient(J, variables)


def _flat(tensors):
    return np.concatenate([np.ravel(t.numpy()) for t in tensors])


@pytest.fixture(scope="module")
def resnet50_pair():
    """ResNet-50 built twice (low-level and Keras), the Keras one holding the low-level weights."""
    rng = np.random.default_rng(50)
    model = rl.LowLevelResNet("resnet50", rng=rng)
    twin = rk.build_keras_resnet("resnet50")
    return model, twin


def test_resnet50_parameter_counts_match_the_course(resnet50_pair):
    model, twin = resnet50_pair
    counts = model.count_params()
    assert counts == {"total": 23_600_006, "trainable": 23_546_886, "non_trainable": 53_120}
    assert twin.count_params() == 23_600_006
    assert sum(int(np.prod(w.shape)) for w in twin.non_trainable_weights) == 53_120
    assert len(model.params) == len(twin.weights)


def test_resnet50_twin_equal_outputs_moving_stats_and_gradients(resnet50_pair, perturb):
    """One batch of 2 through both ResNet-50s: inference and training mode outputs within 1e-5,
    the same moving-statistics update, and the same gradients (float32)."""
    model, twin = resnet50_pair
    rng = np.random.default_rng(7)
    perturb(model, rng)
    rk.copy_to_keras(model.get_weights(), twin)
    logits_twin = rk.logits_model(twin)
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype(np.float32)
    y = np.array([2, 5])
    np.testing.assert_allclose(model(x, training=False).numpy(),
                               logits_twin(x, training=False).numpy(), atol=1e-5)
    np.testing.assert_allclose(model.predict_proba(x).numpy(), twin(x, training=False).numpy(),
                               atol=1e-6)
    names = list(model.params)
    trainable = [n for n in names if model.params[n].trainable]
    keras_vars = rk.weight_map(twin, names)
    ours, g_ours = _loss_and_grads(lambda a: model(a, training=True), x, y,
                                   [model.params[n] for n in trainable])
    theirs, g_theirs = _loss_and_grads(lambda a: logits_twin(a, training=True), x, y,
                                       [keras_vars[n] for n in trainable])
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)
    moved = rk.weights_from_keras(twin, names)
    for n in names:
        if n.endswith("moving_mean") or n.endswith("moving_variance"):
            np.testing.assert_allclose(model.params[n].numpy(), moved[n], atol=1e-5, err_msg=n)
    a, b = _flat(g_ours), _flat(g_theirs)
    assert np.linalg.norm(a - b) / np.linalg.norm(b) < 1e-4
    assert np.abs(a).max() > 0


@pytest.mark.parametrize("arch", ["resnet_tiny", "resnet_mini"])
def test_float64_twins_agree_to_rounding_in_both_modes(arch, perturb):
    rng = np.random.default_rng(3)
    model = rl.LowLevelResNet(arch, rng=rng, dtype="float64", bn_config=BNConfig(0.8, 1e-3))
    perturb(model, rng)
    twin = rk.build_keras_resnet(arch, bn_config=BNConfig(0.8, 1e-3), dtype="float64")
    rk.copy_to_keras(model.get_weights(), twin)
    logits_twin = rk.logits_model(twin)
    x = rng.uniform(0, 1, (4, 64, 64, 3))
    y = np.array([0, 1, 4, 5])
    names = list(model.params)
    trainable = [n for n in names if model.params[n].trainable]
    keras_vars = rk.weight_map(twin, names)
    for training in (False, True):
        ours, g_ours = _loss_and_grads(lambda a: model(a, training=training), x, y,
                                       [model.params[n] for n in trainable])
        theirs, g_theirs = _loss_and_grads(lambda a: logits_twin(a, training=training), x, y,
                                           [keras_vars[n] for n in trainable])
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-10)
        for n, ga, gb in zip(trainable, g_ours, g_theirs):
            np.testing.assert_allclose(ga.numpy(), gb.numpy(), atol=1e-9, rtol=1e-8, err_msg=n)
    moved = rk.weights_from_keras(twin, names)
    for n in names:
        np.testing.assert_allclose(model.params[n].numpy(), moved[n], atol=1e-12, err_msg=n)


def test_training_vs_inference_mode_differ_and_only_training_moves_statistics(rng):
    model = rl.LowLevelResNet("resnet_tiny", rng=rng)
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype(np.float32)
    before = model.get_weights()
    inference = model(x, training=False).numpy()
    assert all(np.array_equal(v, model.params[k].numpy()) for k, v in before.items())
    training = model(x, training=True).numpy()
    assert np.abs(training - inference).max() > 1e-3
    after = model.get_weights()
    changed = {k for k in before if not np.array_equal(before[k], after[k])}
    assert changed == {k for k in before if k.endswith(rl.NON_TRAINABLE)}


@pytest.mark.parametrize("suffix", [".npz", ".weights.h5"])
def test_save_load_gives_identical_outputs(tmp_path, rng, perturb, suffix):
    model = rl.LowLevelResNet("resnet_tiny", rng=rng)
    perturb(model, rng)
    path = model.save(tmp_path / f"tiny{suffix}")
    other = rl.LowLevelResNet("resnet_tiny", rng=np.random.default_rng(99))
    x = rng.uniform(0, 1, (3, 64, 64, 3)).astype(np.float32)
    assert np.abs(other(x).numpy() - model(x).numpy()).max() > 1e-4
    other.load(path)
    for training in (False, True):
        np.testing.assert_array_equal(other(x, training=training).numpy(),
                                      model(x, training=training).numpy())
    assert [p.name for p in tmp_path.iterdir()] == [path.name]         # no temp files left
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            assert "stage3/block2/bn1/moving_variance" in data.files


def test_keras_weights_h5_round_trip_maps_back_to_low_level(tmp_path, rng, perturb):
    model = rl.LowLevelResNet("resnet_tiny", rng=rng)
    perturb(model, rng)
    twin = rk.build_keras_resnet("resnet_tiny")
    rk.copy_to_keras(model.get_weights(), twin)
    twin.save_weights(tmp_path / "tiny.weights.h5")
    fresh_twin = rk.build_keras_resnet("resnet_tiny")
    fresh_twin.load_weights(tmp_path / "tiny.weights.h5")
    back = rl.LowLevelResNet("resnet_tiny", rng=np.random.default_rng(5))
    back.set_weights(rk.weights_from_keras(fresh_twin, list(back.params)))
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype(np.float32)
    np.testing.assert_array_equal(back(x).numpy(), model(x).numpy())


def test_loading_weights_of_another_architecture_is_a_clear_error(tmp_path, rng):
    tiny = rl.LowLevelResNet("resnet_tiny", rng=rng)
    path = tiny.save(tmp_path / "tiny.npz")
    mini = rl.LowLevelResNet("resnet_mini", rng=rng)
    with pytest.raises(ValueError, match=r"do not fit resnet_mini: missing \['stage4"):
        mini.load(path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mini.load(tmp_path / "absent.npz")
    with pytest.raises(ValueError, match=r"\.npz or \.weights\.h5"):
        mini.save(tmp_path / "weights.pkl")
    wrong = tiny.get_weights()
    wrong["head/logits/bias"] = np.zeros(7, np.float32)
    with pytest.raises(ValueError, match=r"head/logits/bias has shape \(7,\)"):
        tiny.set_weights(wrong)
    with pytest.raises(ValueError, match="does not match the low-level variables"):
        rk.copy_to_keras(tiny.get_weights(), rk.build_keras_resnet("resnet_mini"))


def test_wrong_input_shape_or_channels_is_a_clear_error(rng):
    model = rl.LowLevelResNet("resnet_tiny", rng=rng)
    with pytest.raises(ValueError, match=r"has 1 channels, expected 3"):
        model(np.zeros((2, 64, 64, 1), np.float32))
    with pytest.raises(ValueError, match=r"expects input of shape \(m, 64, 64, 3\), got \(2, 32, 32, 3\)"):
        model(np.zeros((2, 32, 32, 3), np.float32))
    with pytest.raises(ValueError, match="add a batch axis"):
        model(np.zeros((64, 64, 3), np.float32))
    with pytest.raises(ValueError, match="training must be a Python bool"):
        model(np.zeros((1, 64, 64, 3), np.float32), training="yes")


def test_unknown_architecture_and_too_small_input_are_clear_errors(rng):
    with pytest.raises(ValueError, match=r"unknown architecture 'resnet51'.*resnet50"):
        rl.LowLevelResNet("resnet51", rng=rng)
    with pytest.raises(ValueError, match="unknown architecture"):
        rk.build_keras_resnet("resnet51")
    with pytest.raises(ValueError, match="too small for resnet50: the output of head/avgpool"):
        architectures.layer_shapes(architectures.get_architecture("resnet50"), (32, 32, 3), 6)
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        rl.LowLevelResNet("resnet_tiny", input_shape=(64, 64), rng=rng)
    with pytest.raises(ValueError, match="np.random.Generator"):
        rl.LowLevelResNet("resnet_tiny")


def test_initialisation_is_glorot_uniform_and_reproducible():
    a = rl.LowLevelResNet("resnet_tiny", rng=np.random.default_rng(0)).get_weights()
    b = rl.LowLevelResNet("resnet_tiny", rng=np.random.default_rng(0)).get_weights()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    kernel = a["stage3/block1/conv2/kernel"]                       # (3, 3, 16, 16)
    limit = np.sqrt(6.0 / (9 * 16 + 9 * 16))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert np.all(a["stem/bn/moving_variance"] == 1) and np.all(a["stem/conv/bias"] == 0)
