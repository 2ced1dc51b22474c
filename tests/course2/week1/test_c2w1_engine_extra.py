"""Edge cases of the engine's losses found while building later weeks."""
from __future__ import annotations

import numpy as np

from course2.week1 import losses


def test_categorical_backward_is_finite_when_a_wrong_class_probability_underflows():
    AL = np.array([[1.0, 0.2], [0.0, 0.8]])       # (n_y=2, m=2); AL[1, 0] underflowed to 0
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    dAL = losses.CategoricalCrossEntropy().backward(AL, Y)
    assert np.all(np.isfinite(dAL))
    np.testing.assert_allclose(dAL, [[-1.0, 0.0], [0.0, -1.25]])
