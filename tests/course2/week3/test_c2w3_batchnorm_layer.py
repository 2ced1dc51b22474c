"""The BatchNorm layer inside the numpy engine: whole-network gradient checks (Dense -> BN ->
activation -> Dense ...), train/eval modes, running buffers saved with the weights, errors."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course2.week1.layers import Dense
from course2.week1.losses import BinaryCrossEntropy, CategoricalCrossEntropy
from course2.week1.model import DNNModel
from course2.week1.optimizers import GradientDescent
from course2.week3 import batchnorm as bn
from course2.week3.activation_layer import Activation


def bn_network(n_out=1, hidden=(5, 4), backward="compact", momentum=0.9, fuse_output=True):
    layers = []
    for i, n in enumerate(hidden):
        layers += [Dense(n, "linear"), bn.BatchNorm(momentum=momentum, backward=backward),
                   Activation("relu" if i % 2 == 0 else "tanh")]
    layers.append(Dense(n_out, "sigmoid" if n_out == 1 else "softmax"))
    loss = BinaryCrossEntropy() if n_out == 1 else CategoricalCrossEntropy()
    # fuse_output=False: the lecture's generic path dAL = dL/dAL through the output activation
    return DNNModel(layers, loss, GradientDescent(0.1), l2_lambda=0.3, fuse_output=fuse_output)


def _randomise_bn(model, rng):
    """gamma != 1, beta != 0, non-trivial running statistics (as after some training)."""
    for layer in model.layers:
        if isinstance(layer, bn.BatchNorm):
            n = layer.params["gamma"].shape[0]
            layer.params["gamma"][...] = rng.uniform(0.5, 2.0, (n, 1))
            layer.params["beta"][...] = rng.normal(0.0, 0.5, (n, 1))
            layer.buffers["running_mean"][...] = rng.normal(0.0, 0.5, (n, 1))
            layer.buffers["running_var"][...] = rng.uniform(0.5, 2.0, (n, 1))


def _data(rng, n_x=3, m=10, n_out=1):
    X = rng.normal(size=(n_x, m))
    if n_out == 1:
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(np.float64)
    else:
        Y = np.eye(n_out)[rng.integers(0, n_out, m)].T        # (n_out, m) one-hot
    return X, Y


def _gradient_check(model, X, Y, training):
    def J():
        return model.compute_cost(model.forward(X, training, None), Y)

    J()
    model.backward(model.forward(X, training, None), Y)
    analytic = {k: v.copy() for k, v in model.gradients().items()}
    params = model.parameters()
    # a Dense bias right before a BatchNorm does nothing (the mean subtraction removes it):
    # its gradient is exactly zero, so a relative error would compare rounding noise with noise
    redundant = [f"layer{i}.b" for i, layer in enumerate(model.layers[:-1])
                 if isinstance(model.layers[i + 1], bn.BatchNorm)]
    checked = {k: v for k, v in params.items() if not (training and k in redundant)}
    report = gradcheck.check_gradients(J, checked, analytic)
    if training:
        for k in redundant:
            num = gradcheck.numerical_gradient(J, params[k])
            assert np.abs(analytic[k]).max() < 1e-12 and np.abs(num).max() < 1e-8, k
    return report


@pytest.mark.parametrize("n_out,fuse_output", [(1, True), (3, True), (3, False)])
@pytest.mark.parametrize("backward", ["compact", "staged"])
def test_stacked_network_gradient_check_training_mode(rng, n_out, fuse_output, backward):
    model = bn_network(n_out=n_out, backward=backward, fuse_output=fuse_output)
    X, Y = _data(rng, n_out=n_out)
    model.build((3,), rng)
    _randomise_bn(model, rng)
    report = _gradient_check(model, X, Y, training=True)
    assert report.max_relative_error < 1e-7, str(report)
    assert any("gamma" in p.name for p in report.params)


def test_stacked_network_gradient_check_inference_mode(rng):
    model = bn_network(n_out=3)
    X, Y = _data(rng, n_out=3)
    model.build((3,), rng)
    _randomise_bn(model, rng)
    report = _gradient_check(model, X, Y, training=False)
    assert report.max_relative_error < 1e-7, str(report)


def test_staged_and_compact_layers_give_the_same_network_gradients(rng):
    X, Y = _data(rng, n_out=3)
    a, b = bn_network(3, backward="compact"), bn_network(3, backward="staged")
    a.build((3,), np.random.default_rng(5))
    b.build((3,), np.random.default_rng(5))
    _, ga = a.loss_and_grads(X, Y)
    _, gb = b.loss_and_grads(X, Y)
    for k in ga:
        np.testing.assert_allclose(ga[k], gb[k], rtol=1e-10, atol=1e-13)


def test_training_forward_moves_the_running_averages(rng):
    layer = bn.BatchNorm(momentum=0.75)
    layer.build((2,))
    Z = rng.normal(3.0, 2.0, (2, 50))
    layer.forward(Z, training=True)
    np.testing.assert_allclose(layer.buffers["running_mean"], 0.25 * Z.mean(1, keepdims=True))
    np.testing.assert_allclose(layer.buffers["running_var"], 0.75 + 0.25 * Z.var(1, keepdims=True))
    before = {k: v.copy() for k, v in layer.buffers.items()}
    layer.forward(Z, training=False)                       # evaluation leaves them alone
    for k in before:
        np.testing.assert_array_equal(layer.buffers[k], before[k])


def test_evaluation_normalises_each_example_on_its_own(rng):
    model = bn_network(n_out=3)
    X, Y = _data(rng, m=12, n_out=3)
    model.fit(X, Y, epochs=5, rng=rng, progress=False)
    whole = model.predict_proba(X)
    one_by_one = np.hstack([model.predict_proba(X[:, i:i + 1]) for i in range(X.shape[1])])
    np.testing.assert_allclose(whole, one_by_one, atol=1e-12)
    # while in training mode the batch matters: a different batch changes the outputs
    assert not np.allclose(model.forward(X[:, :6], True)[:, :3], model.forward(X[:, :3], True))


def test_save_and_load_keep_gamma_beta_and_running_buffers(rng, tmp_path):
    model = bn_network(n_out=1)
    X, Y = _data(rng, m=20)
    model.fit(X, Y, epochs=3, rng=rng, progress=False)
    path = model.save(tmp_path / "bn.npz")
    fresh = bn_network(n_out=1).load_weights(path)
    for a, b in zip(model.layers, fresh.layers):
        for k in a.params:
            np.testing.assert_array_equal(a.params[k], b.params[k])
        for k in a.buffers:
            np.testing.assert_array_equal(a.buffers[k], b.buffers[k])
    np.testing.assert_array_equal(model.predict_proba(X), fresh.predict_proba(X))
    stored = np.load(path)
    assert "layer1.buffer.running_var" in stored.files and "layer1.param.gamma" in stored.files


def test_gamma_and_beta_are_not_l2_regularised(rng):
    layer = bn.BatchNorm()
    assert layer.regularized == ()
    X, Y = _data(rng)
    plain, reg = bn_network(), bn_network()
    for m in (plain, reg):
        m.build((3,), np.random.default_rng(2))
    plain.l2_lambda = 0.0
    _, g0 = plain.loss_and_grads(X, Y)
    _, g1 = reg.loss_and_grads(X, Y)
    np.testing.assert_allclose(g0["layer1.gamma"], g1["layer1.gamma"])
    assert not np.allclose(g0["layer0.W"], g1["layer0.W"])


def test_layer_rejects_bad_arguments_and_shapes(rng):
    with pytest.raises(ValueError, match="momentum must be in"):
        bn.BatchNorm(momentum=1.0)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        bn.BatchNorm(eps=0)
    with pytest.raises(ValueError, match="backward must be one of"):
        bn.BatchNorm(backward="fast")
    layer = bn.BatchNorm()
    with pytest.raises(RuntimeError, match="before build"):
        layer.forward(np.ones((3, 4)), True)
    with pytest.raises(ValueError, match=r"per-example shape \(n,\), got \(8, 8, 3\)"):
        layer.build((8, 8, 3))
    layer.build((3,))
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"expects input of shape \(3, m\), got \(4, 5\)"):
        layer.forward(np.ones((4, 5)), True)
    layer.forward(rng.normal(size=(3, 5)), True)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(3, 5\)"):
        layer.backward(np.ones((3, 6)))
    with pytest.raises(ValueError, match="unknown activation"):
        Activation("swish")
    act = Activation("relu")
    act.forward(np.ones((2, 3)), True)
    with pytest.raises(ValueError, match=r"shape \(2, 3\), got \(3, 2\)"):
        act.backward(np.ones((3, 2)))
