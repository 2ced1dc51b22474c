"""The batch norm demonstration: scale invariance, vanishing signal, running statistics, and
the small-initialisation network that trains only with batch norm."""
from __future__ import annotations

import numpy as np
import pytest

from common import synthetic2d
from course2.week1.layers import Dense
from course2.week3 import bn_demo
from course2.week3.activation_layer import Activation
from course2.week3.batchnorm import BatchNorm


def test_network_layout():
    bn = bn_demo.make_network(True, depth=2, width=4)
    assert [type(layer) for layer in bn.layers] == [Dense, BatchNorm, Activation] * 2 + [Dense]
    assert bn.layers[0].activation == "linear" and bn.layers[-1].activation == "sigmoid"
    plain = bn_demo.make_network(False, depth=2, width=4)
    assert [layer.activation for layer in plain.layers] == ["relu", "relu", "sigmoid"]
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        bn_demo.make_network(True, depth=0)


def test_batch_norm_output_ignores_the_scale_of_the_weights(rng):
    # BN(a Z) = BN(Z) for a > 0 (up to eps): scaling W of the Dense before a BN changes nothing
    model = bn_demo.make_network(True, depth=3, width=8)
    X = rng.normal(size=(2, 40))
    model.build((2,), rng)
    before = model.forward(X, training=True)
    model.layers[3].params["W"] *= 10.0
    model.layers[3].params["b"] += 5.0               # the bias before BN is removed by the mean too
    after = model.forward(X, training=True)
    np.testing.assert_allclose(after, before, atol=1e-5)
    model.layers[3].params["W"] *= 1e-4           # var(Z) now ~ eps: the "up to eps" shows
    assert not np.allclose(model.forward(X, training=True), before, atol=1e-3)


def test_small_initialisation_signal_vanishes_without_batch_norm(rng):
    X = rng.normal(size=(2, 200))
    plain = bn_demo.make_network(False, init="small_random").build((2,), rng)
    bn = bn_demo.make_network(True, init="small_random").build((2,), rng)
    plain_scales = bn_demo.activation_scales(plain, X)
    bn_scales = bn_demo.activation_scales(bn, X)
    assert len(plain_scales) == len(bn_scales) == 5
    assert plain_scales[-1] < 1e-5 * plain_scales[0]
    np.testing.assert_allclose(bn_scales, np.sqrt(0.5 - 0.5 / np.pi), rtol=0.1)  # std of relu(N(0,1))
    # measuring did not move the running averages
    assert np.all(bn.layers[1].buffers["running_mean"] == 0)
    assert np.all(bn.layers[1].buffers["running_var"] == 1)


def test_population_gap_is_zero_for_exact_statistics(rng):
    model = bn_demo.make_network(True, depth=2, width=6).build((2,), rng)
    X = rng.normal(size=(2, 100))
    A = X
    for layer in model.layers[:-1]:           # set each running average to the exact statistic
        if isinstance(layer, BatchNorm):
            layer.buffers["running_mean"][...] = A.mean(axis=1, keepdims=True)
            layer.buffers["running_var"][...] = A.var(axis=1, keepdims=True)
        A = layer.forward(A, False)
    assert bn_demo.population_gap(model, X) < 1e-12
    model.layers[1].buffers["running_mean"] += 0.5
    assert bn_demo.population_gap(model, X) > 0.1


@pytest.mark.slow
def test_batch_norm_rescues_the_small_initialisation():
    X, Y = synthetic2d.flower(m=400, seed=1)
    variants = bn_demo.variants_with(0.1, depth=5, width=32, names=("plain_small_init", "bn_small_init"))
    results = bn_demo.compare(X, Y, X, Y, variants, epochs=25, mini_batch_size=64,
                              rng=np.random.default_rng(1))
    assert results["plain_small_init"].train_accuracy < 0.6              # stuck at chance
    assert results["plain_small_init"].history.costs[-1] == pytest.approx(np.log(2), abs=0.01)
    assert results["bn_small_init"].train_accuracy > 0.8
    assert bn_demo.population_gap(results["bn_small_init"].model, X) < 0.5
