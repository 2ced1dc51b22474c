"""The low-level batch norm: forward, hand-written backward (float64 gradient checks, TF
autodiff, Course 2 week 3's numpy BN), training vs inference, moving statistics, conventions."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from common.runner import import_tensorflow
from course2.week3 import batchnorm as c2w3_bn
from course4.week2 import batchnorm as bn

tf = import_tensorflow()

EPS = 1e-3


def _inputs(rng, shape=(3, 4, 4, 5)):
    x = rng.normal(1.5, 2.0, shape)                          # non-zero mean, non-unit variance
    n_C = shape[-1]
    return x, rng.uniform(0.5, 1.5, n_C), rng.normal(0.0, 0.5, n_C)


def _as_columns(a):
    """(m, n_H, n_W, n_C) -> (n_C, m*n_H*n_W): Course 2's (units, examples) layout."""
    return a.reshape(-1, a.shape[-1]).T


def test_forward_matches_tf_nn_ops_and_normalises_each_channel(rng):
    x, gamma, beta = _inputs(rng)
    y, mean, var, cache = bn.batch_norm_train_forward(x, gamma, beta, EPS)
    y_ref, mean_ref, var_ref = bn.batch_norm_reference(tf.constant(x), gamma, beta, EPS)
    np.testing.assert_allclose(y.numpy(), y_ref.numpy(), atol=1e-12)
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=(0, 1, 2)), atol=1e-12)
    np.testing.assert_allclose(var.numpy(), x.var(axis=(0, 1, 2)), atol=1e-12)    # biased (ddof=0)
    x_hat = cache.x_hat.numpy()
    np.testing.assert_allclose(x_hat.mean(axis=(0, 1, 2)), 0.0, atol=1e-12)
    np.testing.assert_allclose(x_hat.var(axis=(0, 1, 2)), var / (var + EPS), rtol=1e-10)


def test_per_channel_equals_course2_numpy_batch_norm(rng):
    """A conv BN is Course 2's BN with every (example, row, column) position as an example."""
    x, gamma, beta = _inputs(rng)
    dy = rng.normal(size=x.shape)
    y, _, _, cache = bn.batch_norm_train_forward(x, gamma, beta, EPS)
    out, c2_cache = c2w3_bn.batchnorm_forward(_as_columns(x), gamma[:, None], beta[:, None], EPS)
    np.testing.assert_allclose(_as_columns(y.numpy()), out, atol=1e-12)
    grads = bn.batch_norm_train_backward(tf.constant(dy), cache)
    c2 = c2w3_bn.batchnorm_backward(_as_columns(dy), c2_cache)
    np.testing.assert_allclose(_as_columns(grads.dx.numpy()), c2.dZ, atol=1e-11)
    np.testing.assert_allclose(grads.dgamma.numpy(), c2.dgamma[:, 0], atol=1e-11)
    np.testing.assert_allclose(grads.dbeta.numpy(), c2.dbeta[:, 0], atol=1e-11)


def test_hand_backward_passes_float64_gradient_check(rng):
    x, gamma, beta = _inputs(rng, (2, 3, 3, 4))
    G = rng.normal(size=x.shape)                              # random upstream gradient

    def J():
        return float(tf.reduce_sum(bn.batch_norm_train_forward(x, gamma, beta, EPS)[0] * G))

    _, _, _, cache = bn.batch_norm_train_forward(x, gamma, beta, EPS)
    grads = bn.batch_norm_train_backward(tf.constant(G), cache)
    report = gradcheck.check_gradients(
        J, {"x": x, "gamma": gamma, "beta": beta},
        {"x": grads.dx.numpy(), "gamma": grads.dgamma.numpy(), "beta": grads.dbeta.numpy()})
    assert report.max_relative_error < 1e-7, str(report)


def test_custom_gradient_equals_tf_autodiff_of_reference(rng):
    x, gamma, beta = (tf.constant(a) for a in _inputs(rng))
    G = tf.constant(rng.normal(size=x.shape))
    grads = []
    for fn in (bn.batch_norm_train, bn.batch_norm_reference):
        with tf.GradientTape() as tape:
            tape.watch([x, gamma, beta])
            y, _, _ = fn(x, gamma, beta, EPS)
            J = tf.reduce_sum(y * G)
        grads.append(tape.gradient(J, [x, gamma, beta]))
    for mine, ref in zip(*grads):
        assert gradcheck.relative_error(mine.numpy(), ref.numpy()) < 1e-12


def test_gradients_through_the_statistics_outputs(rng):
    """A loss that also uses the batch mean and variance: the custom gradient covers them."""
    x, gamma, beta = _inputs(rng, (2, 2, 3, 3))
    G = rng.normal(size=x.shape)
    a, c = rng.normal(size=3), rng.normal(size=3)

    def loss(xt):
        y, mean, var = bn.batch_norm_train(xt, gamma, beta, EPS)
        return tf.reduce_sum(y * G) + tf.reduce_sum(a * mean) + tf.reduce_sum(c * var)

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        J = loss(xt)
    dx = tape.gradient(J, xt).numpy()
    report = gradcheck.check_gradients(lambda: float(loss(tf.constant(x))), {"x": x}, {"x": dx})
    assert report.max_relative_error < 1e-7, str(report)


def test_training_mode_uses_batch_stats_and_updates_moving_stats_with_keras_momentum(rng):
    x, gamma, beta = _inputs(rng)
    old_mean, old_var = rng.normal(size=5), rng.uniform(0.5, 2.0, 5)
    mm, mv = tf.Variable(old_mean), tf.Variable(old_var)
    config = bn.BNConfig(momentum=0.8, epsilon=EPS)
    y = bn.batch_norm(tf.constant(x), gamma, beta, mm, mv, training=True, config=config).numpy()
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(y, gamma * (x - mean) / np.sqrt(var + EPS) + beta, atol=1e-12)
    np.testing.assert_allclose(mm.numpy(), 0.8 * old_mean + 0.2 * mean, atol=1e-12)
    np.testing.assert_allclose(mv.numpy(), 0.8 * old_var + 0.2 * var, atol=1e-12)   # biased var
    assert config.pytorch_momentum == pytest.approx(0.2)


def test_inference_mode_uses_moving_stats_and_leaves_them_alone(rng):
    x, gamma, beta = _inputs(rng)
    old_mean, old_var = rng.normal(size=5), rng.uniform(0.5, 2.0, 5)
    mm, mv = tf.Variable(old_mean), tf.Variable(old_var)
    config = bn.BNConfig(momentum=0.8, epsilon=EPS)
    y = bn.batch_norm(tf.constant(x), gamma, beta, mm, mv, training=False, config=config).numpy()
    np.testing.assert_allclose(y, gamma * (x - old_mean) / np.sqrt(old_var + EPS) + beta, atol=1e-12)
    np.testing.assert_array_equal(mm.numpy(), old_mean)
    np.testing.assert_array_equal(mv.numpy(), old_var)
    # inference output of one example does not depend on the rest of the batch; training's does
    one = bn.batch_norm(tf.constant(x[:1]), gamma, beta, mm, mv, training=False, config=config)
    np.testing.assert_allclose(one.numpy(), y[:1], atol=1e-12)
    y_train = bn.batch_norm(tf.constant(x), gamma, beta, tf.Variable(old_mean), tf.Variable(old_var),
                            training=True, config=config).numpy()
    assert np.abs(y_train - y).max() > 0.1


def test_moving_stats_and_outputs_equal_keras_batch_normalization(rng):
    """The explicit mapping: BNConfig(momentum, epsilon) == keras BatchNormalization(momentum,
    epsilon), over several training steps and then in inference mode."""
    import keras

    config = bn.BNConfig(momentum=0.7, epsilon=1e-2)
    layer = keras.layers.BatchNormalization(momentum=config.momentum, epsilon=config.epsilon,
                                            dtype="float64")
    layer.build((None, 4, 4, 5))
    _, gamma, beta = _inputs(rng)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    mm, mv = tf.Variable(np.zeros(5)), tf.Variable(np.ones(5))
    for step in range(3):
        x = tf.constant(rng.normal(step, 1.0 + step, (3, 4, 4, 5)))
        ours = bn.batch_norm(x, gamma, beta, mm, mv, training=True, config=config)
        theirs = layer(x, training=True)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    np.testing.assert_allclose(mm.numpy(), layer.moving_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(mv.numpy(), layer.moving_variance.numpy(), atol=1e-12)
    x = tf.constant(rng.normal(size=(2, 4, 4, 5)))
    np.testing.assert_allclose(bn.batch_norm(x, gamma, beta, mm, mv, False, config).numpy(),
                               layer(x, training=False).numpy(), atol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(momentum=1.0), dict(momentum=-0.1), dict(epsilon=0.0)])
def test_bad_config_is_a_clear_error(kwargs):
    with pytest.raises(ValueError, match="momentum|epsilon"):
        bn.BNConfig(**kwargs)


def test_bad_input_shapes_are_clear_errors(rng):
    with pytest.raises(ValueError, match=r"\(m, n_H, n_W, n_C\)"):
        bn.batch_norm_train_forward(rng.normal(size=(4, 5)), np.ones(5), np.zeros(5), EPS)
    with pytest.raises(ValueError, match="3 channels but the input has 5"):
        bn.batch_norm_inference(rng.normal(size=(1, 2, 2, 5)), np.ones(3), np.zeros(3),
                                np.zeros(3), np.ones(3), EPS)
