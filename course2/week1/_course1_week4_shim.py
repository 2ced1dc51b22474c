"""TEMPORARY stand-in for course1/week4's pure functions, used only until that week lands.

course2/week1/layers.py reuses course1/week4 (linear_forward/linear_backward and the
activation forward/backward pairs). While that week is being written, this shim provides
the same call shapes so the engine can be built and tested; it is removed once course1/week4
exists.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class LinearCache(NamedTuple):
    A_prev: np.ndarray  # (n_prev, m)
    W: np.ndarray       # (n, n_prev)
    b: np.ndarray       # (n, 1)


class ActivationCache(NamedTuple):
    Z: np.ndarray       # (n, m)
    A: np.ndarray       # (n, m)


def linear_forward(A_prev, W, b):
    Z = W @ A_prev + b  # (n, n_prev) @ (n_prev, m) + (n, 1) -> (n, m)
    return Z, LinearCache(A_prev, W, b)


def linear_backward(dZ, cache):
    m = cache.A_prev.shape[1]
    dW = dZ @ cache.A_prev.T / m                 # (n, m) @ (m, n_prev) -> (n, n_prev)
    db = dZ.sum(axis=1, keepdims=True) / m       # (n, 1)
    dA_prev = cache.W.T @ dZ                     # (n_prev, n) @ (n, m) -> (n_prev, m)
    return dA_prev, dW, db


def sigmoid_forward(Z):
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, ActivationCache(Z, A)


def sigmoid_backward(dA, cache):
    return dA * cache.A * (1.0 - cache.A)


def relu_forward(Z):
    A = np.maximum(Z, 0.0)
    return A, ActivationCache(Z, A)


def relu_backward(dA, cache):
    return dA * (cache.Z > 0)


def tanh_forward(Z):
    A = np.tanh(Z)
    return A, ActivationCache(Z, A)


def tanh_backward(dA, cache):
    return dA * (1.0 - cache.A ** 2)
