"""What every benchmark does first: pin the thread counts, then report them.

Imported by ``benchmarks/*.py`` BEFORE numpy (the scripts run as ``python benchmarks/x.py``,
so this folder is on ``sys.path``). OpenBLAS reads ``OPENBLAS_NUM_THREADS`` once, when numpy
is first imported, so the count from ``--threads N`` (default 1) is set here, before that.
One BLAS thread is the default: the products in these benchmarks are small or thin, and on a
busy 2-core machine a second OpenBLAS thread's spin-waiting can make them many times slower.

    import _setup  # noqa: F401  (first: pins OPENBLAS_NUM_THREADS before numpy is imported)
    ...
    tf = _setup.tensorflow_with_threads(args.threads)
    load = _setup.print_threads(tf)
"""
from __future__ import annotations

import os
import sys


def threads_from_argv(argv: list[str]) -> int:
    """Read ``--threads N`` / ``--threads=N`` before argparse (and before numpy is imported)."""
    for k, arg in enumerate(argv):
        if arg == "--threads" and k + 1 < len(argv):
            return int(argv[k + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


THREADS = threads_from_argv(sys.argv[1:])
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_average() -> float:
    """The 1-minute load average (NaN where the platform has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def tensorflow_with_threads(threads: int):
    """Import TensorFlow with its intra- and inter-op thread pools set to ``threads``."""
    from common.runner import import_tensorflow

    tf = import_tensorflow()
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    return tf


def print_threads(tf) -> float:
    """Print the versions, thread counts, cores and load average; return the load average."""
    import numpy as np

    load = load_average()
    keras = sys.modules.get("keras")
    versions = f"numpy {np.__version__}, tensorflow {tf.__version__}"
    if keras is not None:
        versions += f", keras {keras.__version__}"
    print(versions)
    print(f"threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, TF intra-op "
          f"{tf.config.threading.get_intra_op_parallelism_threads()}, inter-op "
          f"{tf.config.threading.get_inter_op_parallelism_threads()}; cores {os.cpu_count()}; "
          f"1-min load average {load:.2f} (before)")
    return load
