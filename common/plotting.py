"""Figures shared by the weeks. Every function returns a matplotlib Figure; nothing is shown
or saved here (``common.runner.save_figure`` saves, ``--show`` shows)."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _grid(n: int, ncols: int, size: float = 3.0):
    plt = _plt()
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes.flat


def draw_decision_boundary(ax, predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                           Y: np.ndarray, title: str = "", resolution: int = 200) -> None:
    """Shade the classes ``predict`` gives over the plane and scatter the points.

    predict: maps (2, k) points to (1, k) or (k,) labels.   X: (2, m)   Y: (1, m)
    """
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m), got {X.shape}")
    pad = 0.5 * (X.max(axis=1) - X.min(axis=1)).max() * 0.2 + 0.1
    x0 = np.linspace(X[0].min() - pad, X[0].max() + pad, resolution)
    x1 = np.linspace(X[1].min() - pad, X[1].max() + pad, resolution)
    g0, g1 = np.meshgrid(x0, x1)                       # (resolution, resolution) each
    grid = np.vstack([g0.ravel(), g1.ravel()])         # (2, resolution**2)
    Z = np.asarray(predict(grid)).reshape(g0.shape)
    ax.contourf(g0, g1, Z, alpha=0.35, cmap="coolwarm")
    ax.scatter(X[0], X[1], c=np.ravel(Y), s=12, cmap="coolwarm", edgecolors="k", linewidths=0.3)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, Y: np.ndarray,
                      title: str = ""):
    """One decision-boundary figure."""
    fig, ax = _plt().subplots(figsize=(5, 4))
    draw_decision_boundary(ax, predict, X, Y, title)
    return fig


def decision_boundaries(panels: Sequence[tuple[str, Callable[[np.ndarray], np.ndarray]]],
                        X: np.ndarray, Y: np.ndarray, ncols: int = 4, suptitle: str = ""):
    """A grid of decision boundaries, one panel per ``(title, predict)`` on the same points."""
    fig, axes = _grid(len(panels), ncols)
    for ax, (title, predict) in zip(axes, panels):
        draw_decision_boundary(ax, predict, X, Y, title)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def cost_curves(curves: Mapping[str, Sequence[float]], xlabel: str = "iteration",
                ylabel: str = "cost", title: str = "", every: int = 1, logy: bool = False):
    """Cost histories on one axis. ``every``: the x spacing between recorded values."""
    fig, ax = _plt().subplots(figsize=(6, 4))
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(len(values)) * every, values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def image_grid(images: np.ndarray, titles: Sequence[str] | None = None, ncols: int = 6,
               suptitle: str = "", size: float = 1.8):
    """A grid of images. images: (k, h, w, 3) uint8 or floats in [0, 1]."""
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (k, height, width, channels), got {images.shape}")
    k = len(images)
    if k == 0:
        fig, ax = _plt().subplots(figsize=(4, 1))
        ax.text(0.5, 0.5, "(no images)", ha="center", va="center")
        ax.axis("off")
        return fig
    fig, axes = _grid(k, ncols, size)
    for i, ax in zip(range(k), axes):
        ax.imshow(images[i].squeeze())
        ax.axis("off")
        if titles is not None:
            ax.set_title(titles[i], fontsize=7)
    if suptitle:
        fig.suptitle(suptitle, fontsize=9)
    fig.tight_layout()
    return fig
