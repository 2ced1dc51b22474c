"""Gradient clipping against exploding gradients (lecture: "Vanishing Gradients with RNNs").

Backpropagation through many steps multiplies by Waa (or the gates) again and again; the
gradient can blow up and one update can wreck the model. Two remedies, both tested:

* by value: clip every entry to [-max_value, max_value] (the course's choice, max_value = 5).
  Cheap, but it changes the gradient's direction when only some entries are large.
* by (global) norm: if ||g|| = sqrt(sum of every squared entry of every gradient) exceeds
  max_norm, scale all gradients by max_norm / ||g||. The direction is kept.

Both take and return dicts ``{"dWaa": array, ...}`` and never change their input.
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

MODES = ("value", "norm", "none")


def _check_threshold(name: str, value: float) -> float:
    if not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0 \
            or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """sqrt(sum over all gradients of their squared entries)."""
    return math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values()))


def clip_by_value(grads: Mapping[str, np.ndarray], max_value: float) -> dict[str, np.ndarray]:
    """Every entry clipped to [-max_value, max_value]."""
    max_value = _check_threshold("max_value", max_value)
    return {k: np.clip(g, -max_value, max_value) for k, g in grads.items()}


def clip_by_norm(grads: Mapping[str, np.ndarray], max_norm: float
                 ) -> tuple[dict[str, np.ndarray], float]:
    """All gradients scaled together so their global norm is at most ``max_norm``.

    Returns (clipped gradients, the global norm before clipping).
    """
    max_norm = _check_threshold("max_norm", max_norm)
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, norm


def clip(grads: Mapping[str, np.ndarray], mode: str, threshold: float) -> dict[str, np.ndarray]:
    """``mode`` in {"value", "norm", "none"}."""
    if mode == "value":
        return clip_by_value(grads, threshold)
    if mode == "norm":
        return clip_by_norm(grads, threshold)[0]
    if mode == "none":
        return dict(grads)
    raise ValueError(f"clipping mode must be one of {MODES}, got {mode!r}")
