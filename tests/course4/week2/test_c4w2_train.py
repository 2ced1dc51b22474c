"""Training without model.fit: Adam on tf.Variables equals keras.optimizers.Adam, the low-level
model and its Keras twin follow the same trajectory, input checks, NaN stops, tf.data batches."""
from __future__ import annotations

import numpy as np
import pytest

from common.runner import NonFiniteLossError, import_tensorflow
from course4.week2 import resnet_keras as rk
from course4.week2.architectures import ResNetSpec, StageSpec
from course4.week2 import resnet_lowlevel as rl
from course4.week2 import train
from course4.week2.batchnorm import BNConfig

tf = import_tensorflow()

# A one-stage network with both block kinds: tracing a compiled step costs time per op.
MICRO = ResNetSpec("resnet_micro", stem_filters=4, stages=(StageSpec((4, 4, 8), 2, 1),))


def test_adam_equals_keras_adam_step_by_step(rng):
    import keras

    W0 = rng.normal(size=(3, 4))
    ours, theirs = tf.Variable(W0), tf.Variable(W0)
    # Keras keeps the learning rate in a float32 variable and rounds the betas to float32 in
    # the bias correction: pick hyperparameters float32 represents exactly, so float64 agrees
    # to the last bits (with 0.9/0.999 the two differ by float32 rounding, ~1e-8 relative).
    hp = dict(learning_rate=2.0 ** -4, beta1=0.75, beta2=0.9375, epsilon=2.0 ** -13)
    adam = train.Adam([ours], **hp)
    keras_adam = keras.optimizers.Adam(learning_rate=hp["learning_rate"], beta_1=hp["beta1"],
                                       beta_2=hp["beta2"], epsilon=hp["epsilon"])
    for step in range(5):
        g = tf.constant(rng.normal(size=(3, 4)) * (step + 1))
        adam.apply([g], [ours])
        keras_adam.apply_gradients([(g, theirs)])
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    assert int(adam.t.numpy()) == 5
    assert np.abs(ours.numpy() - W0).max() > 0.1


def test_adam_update_is_the_lectures_bias_corrected_rule(rng):
    """One step from zero state: v_hat = g, s_hat = g^2, so W moves by lr * g / (|g| + eps_1)
    with the lecture's eps_1 = eps / sqrt(1 - beta2)."""
    W0, g = rng.normal(size=5), rng.normal(size=5)
    W = tf.Variable(W0)
    adam = train.Adam([W], learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-3)
    adam.apply([tf.constant(g)], [W])
    eps_1 = 1e-3 / np.sqrt(1 - 0.999)
    np.testing.assert_allclose(W.numpy(), W0 - 0.1 * g / (np.abs(g) + eps_1), atol=1e-12)


def test_low_level_and_keras_twin_follow_the_same_training_trajectory(rng, perturb):
    """Three compiled low-level steps (tf.function + GradientTape + our Adam) against three
    Keras steps (GradientTape + keras Adam) on the same float64 weights and batches."""
    import keras

    config = BNConfig(momentum=0.9, epsilon=1e-3)
    model = rl.LowLevelResNet(MICRO, rng=rng, bn_config=config, dtype="float64")
    perturb(model, rng)
    before = model.get_weights()
    twin = rk.build_keras_resnet(MICRO, bn_config=config, dtype="float64")
    rk.copy_to_keras(model.get_weights(), twin)
    logits_twin = rk.logits_model(twin)
    # hyperparameters exact in float32 (see test_adam_equals_keras_adam_step_by_step)
    adam = train.Adam(model.trainable_params, learning_rate=2.0 ** -7, beta1=0.75, beta2=0.9375)
    step = train.make_train_step(model, adam)
    keras_adam = keras.optimizers.Adam(learning_rate=2.0 ** -7, beta_1=0.75, beta_2=0.9375,
                                       epsilon=adam.epsilon)
    names = list(model.params)
    trainable = [n for n in names if model.params[n].trainable]
    keras_vars = rk.weight_map(twin, names)
    losses = []
    for _ in range(3):
        x = rng.uniform(0, 1, (8, 64, 64, 3)).astype(np.float32)
        y = rng.integers(0, 6, 8)
        loss, correct = step(tf.constant(x), tf.constant(y))
        with tf.GradientTape() as tape:
            keras_loss = train.cross_entropy(logits_twin(x.astype(np.float64), training=True), y)
        grads = tape.gradient(keras_loss, [keras_vars[n] for n in trainable])
        keras_adam.apply_gradients(zip(grads, [keras_vars[n] for n in trainable]))
        assert float(loss) == pytest.approx(float(keras_loss), abs=1e-10)
        assert 0 <= float(correct) <= 8
        losses.append(float(loss))
    moved = rk.weights_from_keras(twin, names)
    for n in names:
        np.testing.assert_allclose(model.params[n].numpy(), moved[n], atol=1e-9, err_msg=n)
    # Every weight moved, except the conv biases: each conv feeds a training-mode BN, which
    # subtracts the batch mean, so their gradient is exactly zero (the bias is redundant next
    # to BN's beta; Keras keeps it, and so do we, to match the course's parameter count).
    for n in trainable:
        moved_by = np.abs(model.params[n].numpy() - before[n]).max()
        if n.endswith("/bias") and not n.startswith("head"):
            assert moved_by < 1e-7, n          # rounding-level gradients only
        else:
            assert moved_by > 1e-4, n


def test_dataset_batches_cover_the_data_and_reshuffle(rng):
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1) * np.ones((10, 2, 2, 3), np.float32)
    y = np.arange(10)
    ds = train.make_dataset(x, y, batch_size=4, shuffle=True, seed=0)
    epochs = [[yb.numpy() for _, yb in ds] for _ in range(2)]
    assert [len(b) for b in epochs[0]] == [4, 4, 2]
    assert sorted(np.concatenate(epochs[0]).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    for xb, yb in ds:
        np.testing.assert_array_equal(xb.numpy()[:, 0, 0, 0], yb.numpy())    # pairs stay paired


def test_images_and_labels_are_checked():
    assert train.to_float_images(np.full((1, 2, 2, 3), 255, np.uint8)).max() == 1.0
    with pytest.raises(ValueError, match=r"\(m, height, width, channels\)"):
        train.to_float_images(np.zeros((2, 64, 64)))
    with pytest.raises(ValueError, match=r"integers in 0\.\.5.*range \[0, 6\]"):
        train.check_labels(np.array([0, 6]), 6, 2)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        train.check_labels(np.array([0, 1]), 6, 3)


def test_a_nan_loss_stops_training_with_the_iteration(rng):
    model = rl.LowLevelResNet(MICRO, rng=rng)
    x = rng.uniform(0, 1, (8, 64, 64, 3)).astype(np.float32)
    x[3, 10, 10, 0] = np.nan
    with pytest.raises(NonFiniteLossError, match="iteration 1"):
        train.fit(model, x, np.zeros(8, np.int64), x[:2], np.zeros(2, np.int64), epochs=1,
                  batch_size=8, learning_rate=1e-3, seed=0, verbose=False)
    with pytest.raises(ValueError, match="epochs must be a positive number"):
        train.fit(model, x, np.zeros(8, np.int64), x[:2], np.zeros(2, np.int64), epochs=0,
                  batch_size=8, learning_rate=1e-3, seed=0)


def test_augmentation_flips_and_shifts_each_image_and_keeps_labels(rng):
    x = rng.uniform(0, 1, (6, 8, 8, 3)).astype(np.float32)
    y = np.arange(6)
    p = 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)), mode="reflect")
    ds = train.make_dataset(x, y, batch_size=6, shuffle=False, seed=3, flip=True, max_shift=p)
    first = [(xb.numpy(), yb.numpy()) for xb, yb in ds]
    again = [(xb.numpy(), yb.numpy()) for xb, yb in ds]
    xb, yb = first[0]
    np.testing.assert_array_equal(yb, y)
    kinds = set()
    for i in range(6):
        candidates = {}
        for dy in range(2 * p + 1):
            for dx in range(2 * p + 1):
                crop = padded[i, dy:dy + 8, dx:dx + 8]
                candidates[(dy, dx, False)] = crop
                candidates[(dy, dx, True)] = np.pad(x[i, :, ::-1], ((p, p), (p, p), (0, 0)),
                                                    mode="reflect")[dy:dy + 8, dx:dx + 8]
        matches = [k for k, c in candidates.items() if np.array_equal(c, xb[i])]
        assert matches, f"image {i} is not a flipped/shifted copy"
        kinds.update(matches)
    assert len(kinds) > 1                                    # not the same transform for all
    assert not np.array_equal(first[0][0], again[0][0])      # a fresh draw every epoch
    ds_same = train.make_dataset(x, y, batch_size=6, shuffle=False, seed=3, flip=True, max_shift=p)
    np.testing.assert_array_equal(next(iter(ds_same))[0].numpy(), xb)   # reproducible by seed
    with pytest.raises(ValueError, match="max_shift must be in 0..7"):
        train.make_dataset(x, y, batch_size=6, shuffle=False, seed=3, max_shift=8)


def test_recompute_bn_statistics_averages_batch_statistics_of_the_final_weights(rng, perturb):
    model = rl.LowLevelResNet(MICRO, rng=rng, dtype="float64")
    perturb(model, rng)
    before = model.get_weights()
    x = rng.uniform(0, 1, (8, 64, 64, 3)).astype(np.float32)
    train.recompute_bn_statistics(model, x, batch_size=5)              # batches of 5 and 3
    # the stem's BN sees the stem conv's output, which no BN statistics affect
    p = model.params
    Z = rl.conv2d(tf.pad(tf.constant(x, tf.float64), [[0, 0], [3, 3], [3, 3], [0, 0]]), p,
                  "stem/conv", 2).numpy()
    Z1, Z2 = Z[:5], Z[5:]
    np.testing.assert_allclose(p["stem/bn/moving_mean"].numpy(), Z.mean(axis=(0, 1, 2)), atol=1e-12)
    weighted_var = (5 * Z1.var(axis=(0, 1, 2)) + 3 * Z2.var(axis=(0, 1, 2))) / 8
    np.testing.assert_allclose(p["stem/bn/moving_variance"].numpy(), weighted_var, atol=1e-12)
    after = model.get_weights()
    for name in before:
        if name.endswith(rl.NON_TRAINABLE):
            assert not np.allclose(after[name], before[name]), name
        else:
            np.testing.assert_array_equal(after[name], before[name])
    assert model.bn_config.momentum == BNConfig().momentum              # restored
