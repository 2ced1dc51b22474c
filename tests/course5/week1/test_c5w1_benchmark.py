"""Command-line entry points: the numpy-vs-Keras LSTM benchmark (tiny sizes, JSON last), the
scripts' --help, and the BLAS thread pinning they rely on."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from course5.week1 import blas_threads

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "benchmarks" / "lstm_numpy_vs_keras.py"


def _env() -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("OPENBLAS_NUM_THREADS", None)
    return env


def test_benchmark_smoke_prints_table_then_json():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--smoke"], capture_output=True,
                          text=True, env=_env(), timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("OPENBLAS_NUM_THREADS=1" in line and "intra-op 1" in line for line in lines)
    assert any(line.split()[:1] == ["4"] for line in lines)          # a table row for n_a=4
    summary = json.loads(lines[-1])
    assert summary["threads"] == 1 and summary["dtype"] == "float32"
    for key in ("numpy_median_s", "tensorflow_median_s", "ratio_numpy_over_tensorflow"):
        assert set(summary[key]) == {"n_a=4", "n_a=6"}
        assert all(v > 0 for v in summary[key].values())


def test_scripts_run_from_the_command_line_with_help():
    for script in ("course5/week1/run.py", "course5/week1/generate_text.py"):
        proc = subprocess.run([sys.executable, str(REPO / script), "--help"], capture_output=True,
                              text=True, env=_env(), timeout=120, cwd=REPO)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Course 5" in proc.stdout and "--quick" in proc.stdout


def test_blas_threads_can_be_limited_and_restored():
    before = blas_threads.get_blas_threads()
    assert before is not None and before >= 1          # numpy's OpenBLAS is reachable here
    with blas_threads.limit_blas_threads(1) as previous:
        assert previous == before
        assert blas_threads.get_blas_threads() == 1
    assert blas_threads.get_blas_threads() == before
