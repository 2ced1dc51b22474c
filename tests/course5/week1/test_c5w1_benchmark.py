"""The numpy-vs-Keras LSTM benchmark runs (tiny sizes) and prints valid JSON last."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from course5.week1 import blas_threads

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "lstm_numpy_vs_keras.py"


def test_benchmark_smoke_prints_table_then_json():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("OPENBLAS_NUM_THREADS", None)
    proc = subprocess.run([sys.executable, str(SCRIPT), "--smoke"], capture_output=True,
                          text=True, env=env, timeout=300, cwd=SCRIPT.parents[1])
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("OPENBLAS_NUM_THREADS=1" in line and "intra-op 1" in line for line in lines)
    assert any(line.split()[:1] == ["4"] for line in lines)          # a table row for n_a=4
    summary = json.loads(lines[-1])
    assert summary["threads"] == 1 and summary["dtype"] == "float32"
    for key in ("numpy_median_s", "tensorflow_median_s", "ratio_numpy_over_tensorflow"):
        assert set(summary[key]) == {"n_a=4", "n_a=6"}
        assert all(v > 0 for v in summary[key].values())


def test_blas_threads_can_be_limited_and_restored():
    before = blas_threads.get_blas_threads()
    assert before is not None and before >= 1          # numpy's OpenBLAS is reachable here
    with blas_threads.limit_blas_threads(1) as previous:
        assert previous == before
        assert blas_threads.get_blas_threads() == 1
    assert blas_threads.get_blas_threads() == before
