"""SIGNS stand-in: drawn hands showing 0 to 5 fingers, 64x64 RGB, deterministic by seed.

Same layout as the course's ``train_signs.h5`` / ``test_signs.h5``: ``train_x (1080, 64, 64, 3)
uint8``, ``train_y (1080,) int64`` in 0..5, ``test_x (120, 64, 64, 3)``, ``test_y (120,)`` and
``classes = ["0", "1", "2", "3", "4", "5"]`` (the course file stores the integers 0..5; the
label is the class index either way).

What is drawn
-------------
A hand seen from the palm side, made of rounded capsules: a palm, a wrist running off the
image, raised fingers fanned out above the palm, folded fingers as knuckles across its top,
and a thumb either stretched out sideways or folded across the palm. The label is the number
of raised digits:

* 0: a fist (four knuckles, thumb folded);
* 1..4: index, then middle, ring and little finger raised (for 3, sometimes thumb + index +
  middle instead, as people do);
* 5: all five digits spread.

Each hand varies in skin tone, size, position, rotation (up to 20 degrees either way), left
or right hand, finger spread and length, on a light wall (plain or shaded, sometimes tinted)
with pixel noise. Classes are balanced (equal counts, shuffled).

It is learnable but not trivial: counting fingers that may touch, at an angle, takes more
than a template. Measured on seed 0 (CPU, Keras): the 3-layer MLP ``[12288, 25, 12, 6]``
(Adam 1e-4, batch 32, 300 epochs) and the course's small CNN (conv 4x4x8, pool 8, conv
2x2x16, pool 4, softmax; Adam 0.01, batch 64, 40 epochs) both land far above chance (1/6);
the figures are in the report that introduced this module.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from common.datasets import ImageDataset

SIZE = 64
SUPERSAMPLE = 2
CANVAS = SIZE * SUPERSAMPLE
CLASSES = [str(k) for k in range(6)]

# Skin tones from light to dark (RGB); each hand jitters one of them.
SKIN_TONES = [(255, 224, 196), (241, 194, 156), (224, 172, 128), (198, 134, 94),
              (160, 104, 70), (120, 76, 52), (88, 56, 40)]
FINGER_LENGTHS = (1.0, 1.12, 1.04, 0.82)  # index, middle, ring, little: relative lengths


def _jitter(colour, rng: np.random.Generator, amount: int = 15) -> tuple[int, int, int]:
    """``colour`` moved by up to ``amount`` per channel, clipped to 0..255."""
    c = np.clip(np.asarray(colour) + rng.integers(-amount, amount + 1, 3), 0, 255)
    return tuple(int(v) for v in c)


def _shade(colour, factor: float) -> tuple[int, int, int]:
    """``colour`` scaled by ``factor`` (outlines, creases)."""
    return tuple(int(min(255, v * factor)) for v in colour)


# ---------------------------------------------------------------------------------------------
# Hand parts. The hand is laid out upright in "palm units" (palm width 1, origin at the palm's
# centre, y down); ``place`` maps those points onto the canvas (scale, rotation, flip, shift),
# so the drawing needs no image rotation.
# ---------------------------------------------------------------------------------------------
Point = tuple[float, float]


def make_placer(cx: float, cy: float, scale: float, angle: float, flip: bool):
    """A function mapping palm-unit points to canvas pixels.

    Points are mirrored (``flip``: the other hand), scaled by ``scale`` pixels per palm width,
    turned by ``angle`` radians and moved to ``(cx, cy)``.
    """
    c, s = math.cos(angle), math.sin(angle)
    mirror = -1.0 if flip else 1.0

    def place(point: Point) -> Point:
        x, y = mirror * point[0] * scale, point[1] * scale
        return cx + c * x - s * y, cy + s * x + c * y

    return place


def draw_capsule(draw: ImageDraw.ImageDraw, start: Point, end: Point, width: float, fill) -> None:
    """A segment with round ends (canvas pixels): a finger, a thumb, a wrist."""
    draw.line([start, end], fill=fill, width=max(1, int(round(width))))
    for x, y in (start, end):
        draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=fill)


def rounded_rectangle(half_w: float, half_h: float, radius: float) -> list[Point]:
    """The outline of a rounded rectangle centred on 0, in palm units, as polygon points."""
    points = []
    corners = ((half_w - radius, half_h - radius), (-half_w + radius, half_h - radius),
               (-half_w + radius, -half_h + radius), (half_w - radius, -half_h + radius))
    for (x, y), arc in zip(corners, _QUARTER_ARCS):  # each corner: a quarter circle
        points.extend((x + radius * c, y + radius * s) for c, s in arc)
    return points


# cos/sin of 5 angles along each of the four quarter circles (0-90, 90-180, ... degrees)
_QUARTER_ARCS = [[(math.cos(a), math.sin(a)) for a in np.radians(np.linspace(q, q + 90, 5))]
                 for q in (0, 90, 180, 270)]


def draw_palm(draw, place, height: float, grow: float, fill) -> None:
    """The palm: a rounded rectangle 1 wide and ``height`` tall, grown by ``grow`` palm units."""
    outline = rounded_rectangle(0.5 + grow, height / 2 + grow, 0.3)
    draw.polygon([place(p) for p in outline], fill=fill)


def draw_wrist(draw, place, height: float, width: float, fill) -> None:
    """The wrist and forearm: a wide capsule from the palm down past the canvas edge."""
    draw_capsule(draw, place((0, 0.3 * height)), place((0, 3.5 * height)), width, fill)


def finger_segment(height: float, index: int, length: float, spread: float) -> tuple[Point, Point]:
    """Base and tip (palm units) of raised finger ``index`` (0 = index ... 3 = little).

    The bases sit along the top of the palm; the fingers fan out by ``spread`` radians each.
    """
    base = ((index - 1.5) * 0.25, -0.38 * height)
    angle = (index - 1.5) * spread  # 0 = straight up
    return base, (base[0] + length * math.sin(angle), base[1] - length * math.cos(angle))


def draw_digit(draw, place, base: Point, tip: Point, width: float, fill) -> None:
    """One finger or thumb from ``base`` to ``tip`` (palm units); ``width`` in pixels."""
    draw_capsule(draw, place(base), place(tip), width, fill)


def digits_for(count: int, rng: np.random.Generator) -> tuple[list[int], bool]:
    """Which fingers (0 = index .. 3 = little) and whether the thumb are raised for ``count``."""
    if count == 3 and rng.random() < 0.3:
        return [0, 1], True                     # thumb, index and middle
    if count == 5:
        return [0, 1, 2, 3], True
    return list(range(count)), False


def draw_hand(canvas: Image.Image, count: int, rng: np.random.Generator) -> None:
    """A hand raising ``count`` digits, drawn onto the RGB ``canvas``.

    Order: outlines first, then skin, so touching fingers keep a dark edge between them;
    folded fingers (knuckles) and a folded thumb lie on top of the palm.
    """
    draw = ImageDraw.Draw(canvas)
    skin = _jitter(SKIN_TONES[rng.integers(len(SKIN_TONES))], rng)
    edge = _shade(skin, rng.uniform(0.55, 0.75))
    scale = rng.uniform(0.3, 0.38) * CANVAS                  # pixels per palm width
    place = make_placer(CANVAS * rng.uniform(0.42, 0.58), CANVAS * rng.uniform(0.62, 0.72),
                        scale, math.radians(rng.uniform(-20, 20)), bool(rng.random() < 0.5))
    height = rng.uniform(0.95, 1.15)                         # palm height / palm width
    raised, thumb_up = digits_for(count, rng)
    folded = [i for i in range(4) if i not in raised]
    reach = rng.uniform(0.8, 1.05) * height
    spread = rng.uniform(0.06, 0.2)
    fingers = [finger_segment(height, i, reach * FINGER_LENGTHS[i] * rng.uniform(0.9, 1.1), spread)
               for i in raised]
    thumb_base = (-0.42, 0.15 * height)
    thumb_len = 0.75 * height * rng.uniform(0.85, 1.1)
    thumb_tip = ((thumb_base[0] - 0.75 * thumb_len, thumb_base[1] - 0.65 * thumb_len) if thumb_up
                 else (0.1, -0.02 * height))
    finger_w, thumb_w, line = 0.22 * scale, 0.26 * scale, 3       # pixels

    draw_wrist(draw, place, height, 0.8 * scale + line, edge)        # outlines
    for base, tip in fingers:
        draw_digit(draw, place, base, tip, finger_w + line, edge)
    draw_palm(draw, place, height, line / scale, edge)
    draw_wrist(draw, place, height, 0.8 * scale, skin)               # skin
    for base, tip in fingers:
        draw_digit(draw, place, base, tip, finger_w, skin)
    draw_palm(draw, place, height, 0.0, skin)
    crease = [place((0.4 * math.cos(a), 0.05 * height + 0.25 * math.sin(a)))
              for a in np.radians(np.linspace(200, 330, 6))]
    draw.line(crease, fill=edge, width=2)                            # the heart line
    for i in folded:                                                 # knuckles
        base, _ = finger_segment(height, i, 0.0, 0.0)
        knuckle = ((base[0], base[1] - 0.04), (base[0], base[1] + 0.2 * height))
        draw_digit(draw, place, *knuckle, 0.24 * scale + line, edge)
        draw_digit(draw, place, *knuckle, 0.24 * scale, skin)
    draw_digit(draw, place, thumb_base, thumb_tip, thumb_w + line, edge)
    draw_digit(draw, place, thumb_base, thumb_tip, thumb_w, skin)


# ---------------------------------------------------------------------------------------------
# Background, camera, one image, a split
# ---------------------------------------------------------------------------------------------
def draw_wall(rng: np.random.Generator) -> Image.Image:
    """A light wall: a plain or shaded light colour, sometimes tinted (RGB canvas).

    The shading is computed at SIZE and enlarged: it is smooth, so nothing is lost.
    """
    base = np.asarray(_jitter((225, 222, 215), rng, 30), np.float32)
    if rng.random() < 0.3:
        base = base * 0.6 + rng.uniform(0, 255, 3).astype(np.float32) * 0.4  # a tinted wall
    t = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    depth = rng.uniform(0.0, 0.35)
    ramp = np.add.outer(np.sin(angle) * t, np.cos(angle) * t)  # (SIZE, SIZE), rows = y
    shade = 1.0 - depth * (ramp + 1) / 2
    array = base[None, None, :] * shade[..., None]               # (SIZE, SIZE, 3)
    return Image.fromarray(array.astype(np.uint8), "RGB").resize((CANVAS, CANVAS), Image.BILINEAR)


def draw_example(count: int, rng: np.random.Generator) -> np.ndarray:
    """One (SIZE, SIZE, 3) uint8 image of a hand showing ``count`` fingers."""
    canvas = draw_wall(rng)
    draw_hand(canvas, count, rng)
    img = np.asarray(canvas.reduce(SUPERSAMPLE), dtype=np.float32)  # (SIZE, SIZE, 3)
    img = img * rng.uniform(0.8, 1.1) + rng.uniform(-20, 15)         # exposure
    img += rng.uniform(2.0, 8.0) * rng.standard_normal(img.shape, dtype=np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def make_split(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``m`` images with labels 0..5 in (nearly) equal numbers, shuffled.

    Returns x (m, SIZE, SIZE, 3) uint8 and y (m,) int64.
    """
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"the number of images m must be an integer >= 1, got {m!r}")
    y = (np.arange(m) % len(CLASSES)).astype(np.int64)
    y = y[rng.permutation(m)]
    x = np.stack([draw_example(int(label), rng) for label in y])  # (m, SIZE, SIZE, 3)
    return x, y


def make_signs_dataset(seed: int = 0, m_train: int = 1080, m_test: int = 120) -> ImageDataset:
    """The SIGNS stand-in, in the course files' layout.

    train_x (m_train, 64, 64, 3) uint8, train_y (m_train,) int64 in 0..5,
    test_x (m_test, 64, 64, 3) uint8, test_y (m_test,) int64, classes ["0", ..., "5"].
    """
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    train_x, train_y = make_split(m_train, np.random.default_rng(train_seed))
    test_x, test_y = make_split(m_test, np.random.default_rng(test_seed))
    return ImageDataset(train_x, train_y, test_x, test_y, list(CLASSES))
