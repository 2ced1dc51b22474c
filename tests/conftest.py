"""Shared test configuration: headless plotting, one BLAS thread, quiet TensorFlow."""
from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")
# One BLAS thread for the suite (read by OpenBLAS when numpy is first imported, which is
# below): the tests multiply small matrices, where a second thread only adds spin-waiting,
# and TensorFlow runs its own thread pools beside numpy on the same two cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
