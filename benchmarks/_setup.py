"""What every benchmark does first: pin the thread counts, then report the counts in effect.

Imported by ``benchmarks/*.py`` BEFORE numpy (the scripts run as ``python benchmarks/x.py``,
so this folder is on ``sys.path``). OpenBLAS reads ``OPENBLAS_NUM_THREADS`` once, when numpy
is first imported, so the count from the command line's ``--threads N`` (default 1) is set
here, before that. One BLAS thread is the default: the products in these benchmarks are small
or thin, and on a busy 2-core machine a second OpenBLAS thread's spin-waiting can make them
many times slower.

    import _setup  # noqa: F401  (first: pins OPENBLAS_NUM_THREADS before numpy is imported)
    ...
    args = parse_args(argv)                          # argparse reports a bad --threads value
    tf = _setup.tensorflow_with_threads(args.threads)
    load = _setup.print_threads(tf)

``tensorflow_with_threads`` pins BLAS again to the count main() was given (through OpenBLAS'
own ``set_num_threads``, see ``common/blas_threads.py``), so ``main(["--threads",
"2"])`` called from Python, whose ``sys.argv`` says nothing, runs numpy and TensorFlow on the
same count; ``print_threads`` prints the BLAS count read back from OpenBLAS, not just the
environment variable.
"""
from __future__ import annotations

import os
import sys

DEFAULT_THREADS = 1
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def threads_from_argv(argv: list[str]) -> int | None:
    """``--threads N`` / ``--threads=N`` read before argparse (and before numpy is imported).

    The last occurrence wins, as in argparse. Returns None when the flag is absent or its value
    is not a positive integer: the default is pinned then, and the script's argparse reports
    the bad value with its usage line (no traceback from here).
    """
    value = None
    for k, arg in enumerate(argv):
        if arg == "--threads" and k + 1 < len(argv):
            value = argv[k + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
    try:
        threads = int(value) if value is not None else None
    except ValueError:
        return None
    return threads if threads is not None and threads >= 1 else None


def _set_thread_env(threads: int) -> None:
    for var in _THREAD_VARS:
        os.environ[var] = str(threads)


THREADS = threads_from_argv(sys.argv[1:]) or DEFAULT_THREADS
_set_thread_env(THREADS)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_average() -> float:
    """The 1-minute load average (NaN where the platform has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def blas_threads_in_effect() -> int | None:
    """numpy's OpenBLAS thread count read back from the library (None: not OpenBLAS)."""
    from common import blas_threads

    return blas_threads.get_blas_threads()


def pin_blas_threads(threads: int) -> int | None:
    """Set numpy's BLAS to ``threads`` now (numpy is already imported); returns the count in
    effect afterwards (None where numpy's BLAS is not a reachable OpenBLAS)."""
    from common import blas_threads

    _set_thread_env(threads)          # for anything that reads the variables later
    if blas_threads.get_blas_threads() not in (None, threads):
        blas_threads.set_blas_threads(threads)
    return blas_threads.get_blas_threads()


def tensorflow_with_threads(threads: int):
    """Pin BLAS to ``threads`` and import TensorFlow with its intra- and inter-op thread pools
    set to ``threads``."""
    from common.runner import import_tensorflow

    pin_blas_threads(threads)
    tf = import_tensorflow()
    threading = tf.config.threading
    for name in ("intra", "inter"):
        get = getattr(threading, f"get_{name}_op_parallelism_threads")
        if get() != threads:
            try:
                getattr(threading, f"set_{name}_op_parallelism_threads")(threads)
            except RuntimeError as err:    # TensorFlow already ran in this process
                raise SystemExit(f"TensorFlow's {name}-op thread pool is already initialised "
                                 f"with {get()} threads in this process, so --threads {threads} "
                                 f"cannot apply; run the benchmark in a fresh process "
                                 f"({err})") from None
    return tf


def print_threads(tf) -> float:
    """Print the versions, thread counts in effect, cores and load average; return the load."""
    import numpy as np

    load = load_average()
    keras = sys.modules.get("keras")
    versions = f"numpy {np.__version__}, tensorflow {tf.__version__}"
    if keras is not None:
        versions += f", keras {keras.__version__}"
    print(versions)
    blas = blas_threads_in_effect()
    blas_text = (f"BLAS {blas} in effect" if blas is not None
                 else "BLAS count unknown (numpy's BLAS is not a reachable OpenBLAS)")
    print(f"threads: {blas_text} (OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}), "
          f"TF intra-op {tf.config.threading.get_intra_op_parallelism_threads()}, inter-op "
          f"{tf.config.threading.get_inter_op_parallelism_threads()}; cores {os.cpu_count()}; "
          f"1-min load average {load:.2f} (before)")
    return load
