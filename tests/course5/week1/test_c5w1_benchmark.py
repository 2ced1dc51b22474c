"""Command-line entry points: the numpy-vs-Keras LSTM benchmark (tiny sizes, JSON last, its
correctness guard and thread pinning), the scripts' --help, and the BLAS thread pinning they
rely on."""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from common import blas_threads

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "benchmarks" / "lstm_numpy_vs_keras.py"
NOT_OPENBLAS = ("numpy's BLAS is not a reachable OpenBLAS (e.g. macOS Accelerate or MKL): its "
                "thread count cannot be read or set here")


def _env() -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("OPENBLAS_NUM_THREADS", None)
    return env


def _run(args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable] + args, capture_output=True, text=True, env=_env(),
                          timeout=timeout, cwd=REPO)


@pytest.fixture
def bench(monkeypatch):
    """The benchmark module imported here (numpy side only); the thread variables its
    ``_setup`` writes are restored afterwards."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "TF_CPP_MIN_LOG_LEVEL"):
        monkeypatch.setenv(var, os.environ.get(var, "1"))
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    return importlib.import_module("lstm_numpy_vs_keras")


def test_benchmark_smoke_prints_table_then_json():
    proc = _run([str(SCRIPT), "--smoke"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("OPENBLAS_NUM_THREADS=1" in line and "intra-op 1" in line for line in lines)
    assert any(line.split()[:1] == ["4"] for line in lines)          # a table row for n_a=4
    summary = json.loads(lines[-1])
    assert summary["threads"] == 1 and summary["dtype"] == "float32"
    assert summary["tf_intra_op_threads"] == 1
    assert summary["blas_threads_in_effect"] in (1, None)
    for key in ("numpy_median_s", "tensorflow_median_s", "ratio_numpy_over_tensorflow"):
        assert set(summary[key]) == {"n_a=4", "n_a=6"}
        assert all(v > 0 for v in summary[key].values())
    # the guard compared values and gradients before timing
    assert all(0 <= v < 1e-4 for v in summary["max_abs_diff_a"].values())
    assert all(0 <= v < 1e-4 for v in summary["max_rel_diff_grads"].values())


def test_benchmark_main_pins_blas_to_its_own_threads_argument():
    """main(["--threads", "2"]) from Python (sys.argv says nothing about threads) must run and
    report numpy's BLAS on 2 threads, like TensorFlow, not the 1 pinned at import."""
    if blas_threads.get_blas_threads() is None:
        pytest.skip(NOT_OPENBLAS)
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import lstm_numpy_vs_keras as b; "
            "b.main(['--smoke', '--threads', '2'])")
    proc = _run(["-c", code])
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("BLAS 2 in effect" in line and "intra-op 2" in line for line in lines), lines[:3]
    summary = json.loads(lines[-1])
    assert summary["threads"] == 2
    assert summary["blas_threads_in_effect"] == 2 and summary["tf_intra_op_threads"] == 2


@pytest.mark.parametrize("flag", [["--threads", "abc"], ["--threads=abc"]])
def test_a_bad_threads_value_is_a_usage_error(flag):
    proc = _run([str(SCRIPT)] + flag, timeout=120)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr and "argument --threads: invalid int value: 'abc'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_threads_are_read_from_the_command_line_before_numpy(bench):
    read = bench._setup.threads_from_argv
    assert read(["--smoke", "--threads", "3"]) == 3
    assert read(["--threads=2", "--threads", "4"]) == 4             # the last one wins
    assert read(["--smoke"]) is None
    for bad in (["--threads", "abc"], ["--threads=0"], ["--threads", "-2"], ["--threads"]):
        assert read(bad) is None                    # argparse reports it, with the usage line


def test_guard_stops_when_numpy_and_keras_disagree(bench):
    problem = bench.make_problem(n_x=5, n_a=4, m=3, T_x=6)
    a, grads = bench.numpy_step(problem)
    km = bench.keras_mapping
    keras_like = [km.sequence_to_keras(grads["dx"]), km.state_to_keras(grads["da0"]),
                  km.state_to_keras(grads["dc0"]),
                  *km.lstm_to_keras({k: grads["d" + k] for k in bench.lstm.PARAM_KEYS})]
    out = km.sequence_to_keras(a)
    diffs = bench.compare_with_keras(a, grads, out, keras_like)
    assert set(diffs) == {"a", "dx", "da0", "dc0", "dkernel", "drecurrent_kernel", "dbias"}
    assert max(diffs.values()) == 0.0
    # Keras' kernel gradient with its i and f blocks exchanged (a gate-order bug)
    n_a = 4
    swap = np.r_[n_a:2 * n_a, 0:n_a, 2 * n_a:4 * n_a]
    wrong = list(keras_like)
    wrong[3] = keras_like[3][:, swap]
    with pytest.raises(SystemExit, match="dkernel max relative difference"):
        bench.compare_with_keras(a, grads, out, wrong)
    with pytest.raises(SystemExit, match="a max abs difference"):
        bench.compare_with_keras(a, grads, out + 1e-3, keras_like)
    wrong = list(keras_like)
    wrong[2] = np.full_like(keras_like[2], np.nan)
    with pytest.raises(SystemExit, match="dc0"):
        bench.compare_with_keras(a, grads, out, wrong)


def test_scripts_run_from_the_command_line_with_help():
    for script in ("course5/week1/run.py", "course5/week1/generate_text.py",
                   "benchmarks/lstm_numpy_vs_keras.py"):
        proc = _run([str(REPO / script), "--help"], timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Course 5" in proc.stdout, script
        assert ("--smoke" if script.startswith("benchmarks") else "--quick") in proc.stdout


def test_blas_threads_can_be_limited_and_restored():
    if blas_threads.get_blas_threads() is None:
        pytest.skip(NOT_OPENBLAS)
    original = blas_threads.set_blas_threads(2)     # the suite runs on 1: start from 2
    try:
        assert blas_threads.get_blas_threads() == 2
        with blas_threads.limit_blas_threads(1) as previous:
            assert previous == 2
            assert blas_threads.get_blas_threads() == 1
        assert blas_threads.get_blas_threads() == 2
        with pytest.raises(RuntimeError):           # restored even when the block fails
            with blas_threads.limit_blas_threads(1):
                raise RuntimeError("inside")
        assert blas_threads.get_blas_threads() == 2
        with pytest.raises(ValueError, match="positive integer"):
            blas_threads.set_blas_threads(0)
    finally:
        blas_threads.set_blas_threads(original)
