"""Numerical gradient checking with float64 centred differences.

    dJ/dtheta_i  ~=  (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

compared with an analytic gradient through the relative difference

    ||g_analytic - g_numeric||_2 / (||g_analytic||_2 + ||g_numeric||_2)

which the course accepts below about 1e-7 (float64, eps = 1e-7 .. 1e-5).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||); 0.0 when both are exactly zero."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of ``f()`` with respect to the array ``x`` (changed in place
    and restored). ``f`` must read ``x`` each time it is called. ``x`` must be float64."""
    if x.dtype != np.float64:
        raise ValueError(f"gradient checks need float64 parameters, got {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + eps
        plus = f()
        x[idx] = old - eps
        minus = f()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
        it.iternext()
    return grad


@dataclass(frozen=True)
class ParamReport:
    """How one parameter's analytic gradient compares with the numerical one."""

    name: str
    relative_error: float
    max_abs_diff: float
    worst_index: tuple[int, ...]


@dataclass(frozen=True)
class GradCheckReport:
    params: tuple[ParamReport, ...]

    @property
    def max_relative_error(self) -> float:
        return max((p.relative_error for p in self.params), default=0.0)

    def __str__(self) -> str:
        lines = [f"{'parameter':<14}{'relative error':>16}{'max |diff|':>14}  worst index"]
        for p in self.params:
            lines.append(f"{p.name:<14}{p.relative_error:>16.3e}{p.max_abs_diff:>14.3e}  {p.worst_index}")
        return "\n".join(lines)


def check_gradients(f: Callable[[], float], params: Mapping[str, np.ndarray],
                    analytic: Mapping[str, np.ndarray], eps: float = 1e-6) -> GradCheckReport:
    """Compare ``analytic[name]`` with the numerical gradient of ``f`` for every parameter.

    ``params`` holds the float64 arrays that ``f`` reads; they are perturbed in place and
    restored. Returns a report with the relative error and the largest absolute difference
    (and where it is) for each parameter.
    """
    reports = []
    for name, x in params.items():
        if name not in analytic:
            raise KeyError(f"no analytic gradient for parameter {name!r}")
        g = np.asarray(analytic[name], dtype=np.float64)
        if g.shape != x.shape:
            raise ValueError(f"gradient of {name!r} has shape {g.shape}, parameter has {x.shape}")
        num = numerical_gradient(f, x, eps)
        diff = np.abs(g - num)
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape)) if diff.size else ()
        reports.append(ParamReport(name, relative_error(g, num), float(diff.max(initial=0.0)), worst))
    return GradCheckReport(tuple(reports))
