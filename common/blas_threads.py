"""Pin numpy's BLAS (OpenBLAS) to a number of threads while a block runs.

Used by course5/week1's language model and by the benchmarks. Why: the language model
multiplies small matrices (tens by hundreds) thousands of times. OpenBLAS splits any product above about 250k multiply-adds across all
cores; for matrices this small the threads spend more time waking each other than computing,
and on a busy machine a single call can stall for milliseconds. One thread is both faster and
steadier here. The usual way is ``OPENBLAS_NUM_THREADS=1`` set before numpy is imported (the
benchmark does that); inside a running program (a test, a notebook) this helper calls
OpenBLAS' own ``set_num_threads`` through ctypes instead.

Best effort: where numpy does not use OpenBLAS (macOS Accelerate, MKL) or the library cannot
be found, it does nothing and ``get_blas_threads()`` returns None.

    with limit_blas_threads(1):
        train(...)
"""
from __future__ import annotations

import contextlib
import ctypes
import glob
import os
from pathlib import Path

import numpy as np

_SET = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
        "openblas_set_num_threads64_", "openblas_set_num_threads")
_GET = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
        "openblas_get_num_threads64_", "openblas_get_num_threads")
_lib: list = []          # cached (library, setter, getter) or [None]


def _candidates() -> list[str]:
    paths = []
    maps = Path("/proc/self/maps")
    if maps.exists():     # Linux: the libraries already loaded into this process
        for line in maps.read_text().splitlines():
            path = line.split()[-1] if line.split() else ""
            if "openblas" in os.path.basename(path).lower() and path not in paths:
                paths.append(path)
    numpy_libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    paths += sorted(glob.glob(str(numpy_libs / "*openblas*")))
    numpy_dir = Path(np.__file__).resolve().parent
    paths += sorted(glob.glob(str(numpy_dir / ".dylibs" / "*openblas*")))
    # numpy's own copy first (scipy may load a second OpenBLAS)
    return sorted(paths, key=lambda p: "numpy" not in p)


def _load():
    if _lib:
        return _lib[0]
    found = None
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(lib, n) for n in _SET if hasattr(lib, n)), None)
        getter = next((getattr(lib, n) for n in _GET if hasattr(lib, n)), None)
        if setter is not None and getter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            found = (lib, setter, getter)
            break
    _lib.append(found)
    return found


def get_blas_threads() -> int | None:
    """OpenBLAS' current thread count, or None when numpy's OpenBLAS is not reachable."""
    found = _load()
    return None if found is None else int(found[2]())


def set_blas_threads(n: int) -> int | None:
    """Set OpenBLAS' thread count; returns the previous count (None when not reachable)."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"the BLAS thread count must be a positive integer, got {n!r}")
    found = _load()
    if found is None:
        return None
    previous = int(found[2]())
    found[1](int(n))
    return previous


@contextlib.contextmanager
def limit_blas_threads(n: int = 1):
    """Run the block with OpenBLAS on ``n`` threads, then restore the previous count."""
    previous = set_blas_threads(n)
    try:
        yield previous
    finally:
        if previous is not None:
            set_blas_threads(previous)
