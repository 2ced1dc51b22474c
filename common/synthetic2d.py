"""Two-dimensional toy datasets in numpy, course layout: X (2, m) float64, Y (1, m) int64.

Course 1 week 3 uses the petal "flower" and four extra sets (noisy circles, noisy moons,
blobs, Gaussian quantiles); Course 2 uses circles, moons and a stand-in for the football
points of ``data.mat``. Everything is made here with numpy (no scikit-learn) and is
deterministic for a given ``seed``.
"""
from __future__ import annotations

import numpy as np

from common.datasets import PointsDataset


def _check_m(m: int) -> None:
    if not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"the number of points m must be an integer >= 2, got {m!r}")


def _shuffle(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


def flower(m: int = 400, petals: int = 4, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The petal "flower": two classes wound into ``petals`` interleaved petals.

    Each class fills half the petals of the rose curve r = a * sin(petals * t / 2) with
    angular and radial noise, so no straight line separates them (logistic regression
    stays near 50%) while a small tanh network draws the petals.
    Returns X (2, m), Y (1, m).
    """
    _check_m(m)
    rng = np.random.default_rng(seed)
    half = m // 2
    a = 4.0  # petal length
    X = np.zeros((2, m))
    Y = np.zeros((1, m), dtype=np.int64)
    for label in (0, 1):
        count = half if label == 0 else m - half
        start = label * half
        t = np.linspace(label * 3.12, (label + 1) * 3.12, count) + rng.normal(0, 0.2, count)
        r = a * np.sin(petals * t) + rng.normal(0, 0.2, count)
        X[0, start:start + count] = r * np.sin(t)
        X[1, start:start + count] = r * np.cos(t)
        Y[0, start:start + count] = label
    return X, Y


def circles(m: int = 300, noise: float = 0.05, factor: float = 0.5,
            seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy concentric circles: outer ring label 0, inner ring (radius ``factor``) label 1."""
    _check_m(m)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    m_out = m // 2
    m_in = m - m_out
    t_out = rng.uniform(0, 2 * np.pi, m_out)
    t_in = rng.uniform(0, 2 * np.pi, m_in)
    X = np.hstack([np.vstack([np.cos(t_out), np.sin(t_out)]),
                   factor * np.vstack([np.cos(t_in), np.sin(t_in)])])  # (2, m)
    X += rng.normal(0, noise, X.shape)
    Y = np.hstack([np.zeros(m_out), np.ones(m_in)]).astype(np.int64)[None, :]  # (1, m)
    return _shuffle(X, Y, rng)


def moons(m: int = 300, noise: float = 0.2, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles ("moons") with Gaussian noise."""
    _check_m(m)
    rng = np.random.default_rng(seed)
    m_a = m // 2
    m_b = m - m_a
    t_a = np.linspace(0, np.pi, m_a)
    t_b = np.linspace(0, np.pi, m_b)
    upper = np.vstack([np.cos(t_a), np.sin(t_a)])              # (2, m_a)
    lower = np.vstack([1 - np.cos(t_b), 0.5 - np.sin(t_b)])    # (2, m_b)
    X = np.hstack([upper, lower]) + rng.normal(0, noise, (2, m))
    Y = np.hstack([np.zeros(m_a), np.ones(m_b)]).astype(np.int64)[None, :]
    return _shuffle(X, Y, rng)


def blobs(m: int = 200, centers: int = 6, std: float = 1.0, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around ``centers`` random centres; labels alternate 0/1 by blob (as in
    the course, which takes the blob index modulo 2)."""
    _check_m(m)
    rng = np.random.default_rng(seed)
    c = rng.uniform(-10, 10, (2, centers))                       # (2, centers)
    which = rng.integers(0, centers, m)
    X = c[:, which] + rng.normal(0, std, (2, m))
    Y = (which % 2).astype(np.int64)[None, :]
    return X, Y


def gaussian_quantiles(m: int = 200, n_classes: int = 2, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D Gaussian cut into classes by the quantiles of the distance to its centre
    (inner disc vs outer ring for two classes)."""
    _check_m(m)
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (2, m)) * np.array([[1.0], [0.5]])     # (2, m)
    dist = np.sum(X ** 2, axis=0)
    ranks = np.argsort(np.argsort(dist))
    Y = (ranks * n_classes // m).astype(np.int64)[None, :]
    return X, Y


EXTRA_DATASETS = {
    "noisy_circles": circles,
    "noisy_moons": moons,
    "blobs": blobs,
    "gaussian_quantiles": gaussian_quantiles,
}


def football(m_train: int = 211, m_test: int = 200, seed: int = 0) -> PointsDataset:
    """A stand-in for the football points of ``data.mat`` (where the goalkeeper should kick).

    Like the course's file: the two teams' positions are split by an almost straight line
    (x1 = 2 x0 + 0.23, slightly bent); the training points fill an elliptical cloud around
    (-0.13, -0.06) and the test points a box; about 7% of the labels are wrong, mostly close to
    the line (a linear model scores about 92-93%). Two tight groups of wrong training labels sit
    just across the line: an unregularised 2-20-3-1 network bends its boundary around them
    (train accuracy up, test down), while L2 or dropout keep it straight. Like the real file
    this is one draw: the lesson is shown for the default ``seed=0`` (other seeds show it more
    or less clearly, as other draws of real data would).
    Returns train X (2, m_train), Y (1, m_train); test X (2, m_test), Y (1, m_test).
    """
    rng = np.random.default_rng(seed)

    def line(x0: np.ndarray) -> np.ndarray:
        return 2.0 * x0 + 0.23 + 0.05 * np.sin(5.0 * x0)

    def noisy_labels(X: np.ndarray, near: float, far: float) -> np.ndarray:
        d = (X[1] - line(X[0])) / np.sqrt(5.0)          # (m,) signed distance to the line
        Y = (d > 0).astype(np.int64)
        flip = rng.random(d.shape) < near * np.exp(-np.abs(d) / 0.06) + far
        Y[flip] = 1 - Y[flip]
        return Y[None, :]                               # (1, m)

    train_X = np.vstack([np.clip(rng.normal(-0.13, 0.2, m_train), -0.6, 0.3),
                         np.clip(rng.normal(-0.06, 0.31, m_train), -0.66, 0.58)])  # (2, m_train)
    train_Y = noisy_labels(train_X, 0.35, 0.01)
    n_groups, size = 2, 4
    x0 = rng.uniform(-0.45, 0.15, n_groups)
    side = rng.choice([-1.0, 1.0], n_groups)
    offset = side * rng.uniform(0.06, 0.1, n_groups) * np.sqrt(5.0)   # vertical shift across
    centres = np.vstack([x0, line(x0) + offset])                       # (2, n_groups)
    k = n_groups * size
    train_X[:, :k] = np.repeat(centres, size, axis=1) + rng.normal(0, 0.02, (2, k))
    train_Y[0, :k] = np.repeat(side < 0, size).astype(np.int64)         # the other side's label
    test_X = np.vstack([rng.uniform(-0.5, 0.29, m_test), rng.uniform(-0.8, 0.6, m_test)])  # (2, m_test)
    return PointsDataset(train_X, train_Y, test_X, noisy_labels(test_X, 0.3, 0.015))
