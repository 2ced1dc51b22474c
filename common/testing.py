"""Helpers for the tests (kept in the package so every test module can import them)."""
from __future__ import annotations

import pytest

from common import datasets


def require_course_files(*names: str):
    """A test decorator: mark the test ``course_data`` (``pytest -m course_data`` selects
    these tests) and skip it, naming the files and the search path, when any is absent."""
    missing = [n for n in names if datasets.find(n) is None]
    skip = pytest.mark.skipif(
        bool(missing),
        reason=f"course file(s) {', '.join(missing)} not on the data search path "
               f"(set {datasets.ENV_VAR}; see data/README.md)")

    def decorate(test):
        return pytest.mark.course_data(skip(test))

    return decorate
