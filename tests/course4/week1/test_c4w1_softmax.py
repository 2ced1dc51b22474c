"""The softmax's full-Jacobian backward: its shape and formula, equal to the J^T dA shortcut,
and composed with cross-entropy equal to A - Y; TensorFlow's softmax cross-entropy as oracle."""
from __future__ import annotations

import numpy as np
import pytest

from common import gradcheck
from course2.week1 import losses
from course4.week1 import softmax


def test_forward_columns_sum_to_one_and_survive_huge_scores(rng):
    Z = rng.standard_normal((6, 5)) * 3
    Z[:, 0] += 1000.0                                   # would overflow exp without the max shift
    A, _ = softmax.softmax_forward(Z)
    assert np.isfinite(A).all()
    np.testing.assert_allclose(A.sum(axis=0), 1.0)


def test_jacobian_is_diag_a_minus_a_a_transpose(rng):
    A, _ = softmax.softmax_forward(rng.standard_normal((4, 3)))
    J = softmax.softmax_jacobian(A)
    assert J.shape == (3, 4, 4)                         # (m, n, n)
    for k in range(3):
        a = A[:, k]
        np.testing.assert_allclose(J[k], np.diag(a) - np.outer(a, a), atol=1e-15)
    np.testing.assert_allclose(J, J.transpose(0, 2, 1))   # symmetric
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)  # outputs sum to 1: columns of J sum to 0


def test_jacobian_matches_finite_differences(rng):
    z = rng.standard_normal((5, 1))
    J = softmax.softmax_jacobian(softmax.softmax_forward(z)[0])[0]
    eps = 1e-6
    for j in range(5):
        e = np.zeros((5, 1))
        e[j] = eps
        col = (softmax.softmax_forward(z + e)[0] - softmax.softmax_forward(z - e)[0]) / (2 * eps)
        np.testing.assert_allclose(J[:, j], col[:, 0], atol=1e-9)


def test_jacobian_backward_equals_vector_product(rng):
    Z = rng.standard_normal((6, 7))
    _, cache = softmax.softmax_forward(Z)
    dA = rng.standard_normal((6, 7))
    np.testing.assert_allclose(softmax.softmax_backward_jacobian(dA, cache),
                               softmax.softmax_backward(dA, cache), atol=1e-14)


def test_jacobian_with_cross_entropy_equals_a_minus_y(rng):
    n, m = 6, 9
    Z = rng.standard_normal((n, m)) * 2
    Y = np.eye(n)[:, rng.integers(0, n, m)]
    A, cache = softmax.softmax_forward(Z)
    through_jacobian = softmax.softmax_backward_jacobian(softmax.cross_entropy_grad(A, Y), cache)
    np.testing.assert_allclose(through_jacobian, softmax.shortcut_grad(A, Y), atol=1e-12)
    # the engine's loss gives the same upstream gradient
    np.testing.assert_allclose(losses.CategoricalCrossEntropy().backward(A, Y),
                               softmax.cross_entropy_grad(A, Y))


def test_cross_entropy_grad_is_zero_not_nan_where_y_is_zero():
    A = np.array([[1.0], [0.0]])                        # an underflowed probability
    Y = np.array([[1.0], [0.0]])
    np.testing.assert_array_equal(softmax.cross_entropy_grad(A, Y), [[-1.0], [0.0]])


def test_gradient_check_through_jacobian(rng):
    Z = rng.standard_normal((5, 4))
    Y = np.eye(5)[:, rng.integers(0, 5, 4)]

    def cost():
        return float(-np.sum(Y * np.log(softmax.softmax_forward(Z)[0])))

    A, cache = softmax.softmax_forward(Z)
    dZ = softmax.softmax_backward_jacobian(softmax.cross_entropy_grad(A, Y), cache)
    report = gradcheck.check_gradients(cost, {"Z": Z}, {"Z": dZ})
    assert report.max_relative_error < 1e-7, str(report)


def test_matches_tensorflow_softmax_cross_entropy(tf, rng):
    Z = rng.standard_normal((6, 8)) * 2
    Y = np.eye(6)[:, rng.integers(0, 6, 8)]
    A, cache = softmax.softmax_forward(Z)
    tZ = tf.Variable(Z.T)                               # TF: (m, n)
    with tf.GradientTape() as tape:
        J = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=Y.T, logits=tZ))
    np.testing.assert_allclose(A, tf.nn.softmax(Z.T).numpy().T, atol=1e-12)
    np.testing.assert_allclose(float(J), -np.sum(Y * np.log(A)), atol=1e-9)
    dZ = softmax.softmax_backward_jacobian(softmax.cross_entropy_grad(A, Y), cache)
    np.testing.assert_allclose(dZ, tape.gradient(J, tZ).numpy().T, atol=1e-6)


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 2, 2))])
def test_rejects_non_column_layout(bad):
    with pytest.raises(ValueError, match=r"\(n_classes, m\)"):
        softmax.softmax_forward(bad)
