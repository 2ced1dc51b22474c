"""Fixtures for the course 4 week 1 tests: TensorFlow (imported once, only by the tests that
ask for it) and small helpers to run TF ops on numpy arrays in float64."""
from __future__ import annotations

import pytest

from common import runner


@pytest.fixture(scope="session")
def tf():
    tf = runner.import_tensorflow()
    tf.config.run_functions_eagerly(False)
    return tf
