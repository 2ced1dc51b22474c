"""Padding and output sizes for convolution and pooling (course layout, channels last).

Lecture formula for one spatial axis, with input length n, filter f, stride s and pads
p_before + p_after:

    n_out = floor((n + p_before + p_after - f) / s) + 1

Padding choices accepted by ``resolve_padding``:

* ``"valid"``: no padding.
* ``"same"``: TensorFlow's rule. n_out = ceil(n / s); the total pad is
  max((n_out - 1) * s + f - n, 0), split with the smaller half BEFORE (top/left) and the
  larger half AFTER (bottom/right). With stride 1 and an even filter (the course's 4x4 and
  2x2) the padding is asymmetric: f = 4 pads 1 above and 2 below.
* an int ``p``: p on every side (the lecture's symmetric pad).
* ``(p_h, p_w)``: p_h above and below, p_w left and right.
* ``((top, bottom), (left, right))``: explicit, possibly asymmetric.

Decision on strides that do not tile the input: the floor in the formula silently drops the
last ``(n + p_before + p_after - f) % s`` rows or columns. Here that is an ERROR
(``ValueError`` naming the axis, the leftover and an explicit padding that would tile), so no
input pixel is ever ignored without the learner noticing. This also covers ``"same"`` when the
stride is larger than the filter (TensorFlow would drop the leftover rows there).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

PADDING_HELP = ("'same', 'valid', an int p, a pair (p_h, p_w) or "
                "((top, bottom), (left, right)) of non-negative ints")


class Pads(NamedTuple):
    """Zero rows/columns added on each side of the (n_H, n_W) plane."""

    top: int
    bottom: int
    left: int
    right: int


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def check_stride(stride) -> int:
    """A positive int stride (the same along height and width)."""
    if not _is_int(stride) or stride < 1:
        raise ValueError(f"stride must be a positive int, got {stride!r}")
    return int(stride)


def check_images(A: np.ndarray, name: str = "A_prev") -> None:
    """``A`` must be (m, n_H, n_W, n_C) with every size >= 1."""
    if not isinstance(A, np.ndarray) or A.ndim != 4:
        got = f"shape {A.shape}" if isinstance(A, np.ndarray) else type(A).__name__
        raise ValueError(f"{name} must be a 4-D array (m, n_H, n_W, n_C), got {got}")
    if min(A.shape) < 1:
        raise ValueError(f"{name} must have every dimension >= 1, got shape {A.shape}")


def same_pads(n: int, f: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' pads (before, after) for one axis."""
    n_out = -(-n // stride)                                 # ceil(n / stride)
    total = max((n_out - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


def resolve_padding(padding, f_h: int, f_w: int, n_H_prev: int, n_W_prev: int,
                    stride: int) -> Pads:
    """Turn a padding choice (see the module docstring) into explicit ``Pads``."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return Pads(0, 0, 0, 0)
        if mode == "same":
            return Pads(*same_pads(n_H_prev, f_h, stride), *same_pads(n_W_prev, f_w, stride))
        raise ValueError(f"unknown padding {padding!r}; expected {PADDING_HELP}")
    if _is_int(padding):
        pads = (padding,) * 4
    elif isinstance(padding, (tuple, list)) and len(padding) == 2 and all(map(_is_int, padding)):
        pads = (padding[0], padding[0], padding[1], padding[1])
    elif (isinstance(padding, (tuple, list)) and len(padding) == 2
          and all(isinstance(p, (tuple, list)) and len(p) == 2 and all(map(_is_int, p))
                  for p in padding)):
        pads = (padding[0][0], padding[0][1], padding[1][0], padding[1][1])
    else:
        raise ValueError(f"unknown padding {padding!r}; expected {PADDING_HELP}")
    if min(pads) < 0:
        raise ValueError(f"padding must be non-negative, got {padding!r}")
    return Pads(*(int(p) for p in pads))


def output_length(n: int, f: int, stride: int, before: int, after: int, axis: str) -> int:
    """n_out for one axis; raises when the filter is larger than the padded input or when the
    stride does not tile it (see the module docstring)."""
    padded = n + before + after
    if f > padded:
        raise ValueError(
            f"the {f}-wide filter/window is larger than the padded input along {axis} "
            f"({n} + {before} + {after} = {padded}); use a smaller filter or more padding")
    leftover = (padded - f) % stride
    if leftover:
        extra = stride - leftover
        raise ValueError(
            f"stride {stride} does not tile the input along {axis}: (n + pads - f) = "
            f"{padded - f} is not a multiple of {stride}, so the last {leftover} row(s)/column(s) "
            f"would be ignored. Pad {extra} more after (e.g. {axis} pads ({before}, "
            f"{after + extra})), crop the input, or pick a stride that divides {padded - f}")
    return (padded - f) // stride + 1


def output_shape(n_H_prev: int, n_W_prev: int, f_h: int, f_w: int, stride: int,
                 pads: Pads) -> tuple[int, int]:
    """(n_H, n_W) of a convolution or pooling output."""
    return (output_length(n_H_prev, f_h, stride, pads.top, pads.bottom, "height"),
            output_length(n_W_prev, f_w, stride, pads.left, pads.right, "width"))


def pad_images(A: np.ndarray, pads: Pads) -> np.ndarray:
    """Zero-pad the two spatial axes. A: (m, n_H, n_W, n_C) -> (m, n_H + t + b, n_W + l + r, n_C).

    Returns ``A`` itself (no copy) when every pad is zero."""
    if not any(pads):
        return A
    m, n_H, n_W, n_C = A.shape
    out = np.zeros((m, n_H + pads.top + pads.bottom, n_W + pads.left + pads.right, n_C),
                   dtype=A.dtype)
    out[:, pads.top:pads.top + n_H, pads.left:pads.left + n_W, :] = A
    return out


def unpad_images(A_pad: np.ndarray, pads: Pads) -> np.ndarray:
    """The inverse crop of ``pad_images`` (a view). (m, H + t + b, W + l + r, C) -> (m, H, W, C)."""
    H = A_pad.shape[1] - pads.top - pads.bottom
    W = A_pad.shape[2] - pads.left - pads.right
    return A_pad[:, pads.top:pads.top + H, pads.left:pads.left + W, :]
