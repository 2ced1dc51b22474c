"""benchmarks/mlp_numpy_vs_keras.py runs at a tiny size: table, pinned threads, JSON last."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "benchmarks" / "mlp_numpy_vs_keras.py"


def test_benchmark_smoke_prints_a_table_then_json():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("OPENBLAS_NUM_THREADS", None)
    proc = subprocess.run([sys.executable, str(SCRIPT), "--smoke"], capture_output=True, text=True,
                          env=env, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any("OPENBLAS_NUM_THREADS=1" in line and "intra-op 1" in line for line in lines)
    assert any(line.startswith("numpy engine") for line in lines)
    assert any(line.startswith("Keras fit") and "scaled" in line for line in lines)
    summary = json.loads(lines[-1])
    assert set(summary["median_s"]) == {"numpy", "tf_loop", "keras_fit"}
    assert all(v > 0 for v in summary["median_s"].values())
    assert summary["ratio_numpy_over_tf_loop"] == summary["median_s"]["numpy"] / summary["median_s"]["tf_loop"]
    assert summary["keras_fit_scaled_to_1000_epochs"] is True and summary["threads"] == 1
