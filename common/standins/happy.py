"""Happy-house stand-in: drawn faces, smiling (1) or not (0), 64x64 RGB, deterministic by seed.

Same layout as the course's ``train_happy.h5`` / ``test_happy.h5``: ``train_x (600, 64, 64, 3)
uint8``, ``train_y (600,) int64``, ``test_x (150, 64, 64, 3)``, ``test_y (150,)`` and
``classes = ["not happy", "happy"]`` (label 1 = smiling).

What is drawn
-------------
A face in front of a wall: an oval head in one of several skin tones, hair (short, long,
bald, a bun) or a hat, ears, eyes with irises, eyebrows, a nose, and a mouth. Only the mouth
carries the label:

* happy: a smile curving up, closed (a thick arc) or open (a dark crescent with teeth);
* not happy: a flat line, a frown curving down, a small "o", or a slight wavy line.

Other things vary on both sides so that they say nothing about the label: the face's
position, size and tilt; skin, hair, wall and clothing colours; glasses, earrings, a beard
(drawn below the mouth, never over it); brightness and pixel noise. Classes are balanced.
The course's small Keras model (7x7 convolution, batch norm, max-pool, one sigmoid unit;
Adam, batch 16) reaches about 90% test accuracy after 10 epochs (about 80% after 6).
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from common.datasets import ImageDataset

SIZE = 64
SUPERSAMPLE = 2
CANVAS = SIZE * SUPERSAMPLE
CLASSES = ["not happy", "happy"]

SKIN_TONES = [(255, 224, 196), (241, 194, 156), (224, 172, 128), (198, 134, 94),
              (160, 104, 70), (120, 76, 52), (88, 56, 40)]
HAIR_COLOURS = [(20, 16, 14), (70, 44, 26), (130, 86, 44), (210, 170, 90), (160, 60, 30),
                (170, 170, 170), (240, 240, 235)]
IRIS_COLOURS = [(70, 45, 25), (60, 110, 170), (70, 120, 60), (40, 30, 25)]
LIPS = (95, 20, 30)           # mouth lines on light skin
LIPS_ON_DARK = (240, 160, 165)  # mouth lines on dark skin
Point = tuple[float, float]


def _jitter(colour, rng: np.random.Generator, amount: int = 15) -> tuple[int, int, int]:
    """``colour`` moved by up to ``amount`` per channel, clipped to 0..255."""
    c = np.clip(np.asarray(colour) + rng.integers(-amount, amount + 1, 3), 0, 255)
    return tuple(int(v) for v in c)


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def _darker(colour, factor: float = 0.6) -> tuple[int, int, int]:
    return tuple(int(v * factor) for v in colour)


def _luma(colour) -> float:
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def lip_colour(skin, rng: np.random.Generator) -> tuple[int, int, int]:
    """A mouth colour that shows on ``skin``: whichever of dark red and light pink differs
    more in brightness from it (dark red on light skin, pink on dark skin)."""
    lips = max((LIPS, LIPS_ON_DARK), key=lambda c: abs(_luma(c) - _luma(skin)))
    return _jitter(lips, rng, 20)


class Face:
    """Where the face is: centre (cx, cy), half-width rx, half-height ry, tilt (radians).

    ``at(u, v)`` maps face coordinates (u across, v down, both in [-1, 1] over the head's
    ellipse) to canvas pixels, turning them by the tilt; every part is placed with it.
    """

    def __init__(self, cx: float, cy: float, rx: float, ry: float, tilt: float):
        self.cx, self.cy, self.rx, self.ry = cx, cy, rx, ry
        self.cos, self.sin = math.cos(tilt), math.sin(tilt)

    def at(self, u: float, v: float) -> Point:
        x, y = u * self.rx, v * self.ry
        return self.cx + self.cos * x - self.sin * y, self.cy + self.sin * x + self.cos * y

    def disc(self, draw, u: float, v: float, r: float, fill, ry: float | None = None) -> None:
        """A small ellipse at face point (u, v), radii r (and ry) in face-width units."""
        x, y = self.at(u, v)
        rx_px, ry_px = r * self.rx, (r if ry is None else ry) * self.rx
        draw.ellipse([x - rx_px, y - ry_px, x + rx_px, y + ry_px], fill=fill)

    def curve(self, u0: float, u1: float, v: float, bend: float, n: int = 9) -> list[Point]:
        """Points along a parabola from u0 to u1 at height v; ``bend`` > 0 sags down (a smile)."""
        us = np.linspace(u0, u1, n)
        mid, half = (u0 + u1) / 2, (u1 - u0) / 2
        return [self.at(u, v + bend * (1 - ((u - mid) / half) ** 2)) for u in us]


# ---------------------------------------------------------------------------------------------
# Scene and head
# ---------------------------------------------------------------------------------------------
def draw_wall(rng: np.random.Generator) -> Image.Image:
    """A wall: a vertical gradient between two colours, sometimes with a door-like panel."""
    top, bottom = np.asarray(_random_colour(rng), float), np.asarray(_random_colour(rng), float)
    mix = rng.uniform(0.3, 0.7)                       # muted walls: towards a grey
    grey = rng.uniform(90, 210)
    top, bottom = mix * top + (1 - mix) * grey, mix * bottom + (1 - mix) * grey
    t = np.linspace(0.0, 1.0, SIZE)[:, None, None]    # (SIZE, 1, 1)
    array = np.broadcast_to(top + (bottom - top) * t, (SIZE, SIZE, 3))  # (SIZE, SIZE, 3)
    wall = Image.fromarray(array.astype(np.uint8), "RGB").resize((CANVAS, CANVAS), Image.BILINEAR)
    if rng.random() < 0.4:
        x = rng.uniform(0, CANVAS)
        ImageDraw.Draw(wall).rectangle([x, rng.uniform(0, 40), x + rng.uniform(15, 40), CANVAS],
                                       fill=_jitter(tuple(int(c) for c in top), rng, 40))
    return wall


def draw_shoulders(draw, face: Face, rng) -> None:
    """Shoulders and a shirt below the head, running off the bottom of the image."""
    x, y = face.cx, face.cy + 1.55 * face.ry
    draw.ellipse([x - 2.1 * face.rx, y - 0.6 * face.ry, x + 2.1 * face.rx, y + 2.0 * face.ry],
                 fill=_random_colour(rng))


def draw_hair_back(draw, face: Face, colour, style: str) -> None:
    """Long hair falling behind the head (drawn before the head)."""
    if style == "long":
        x, y = face.at(0, 0.25)
        draw.rounded_rectangle([x - 1.25 * face.rx, y - 1.25 * face.ry, x + 1.25 * face.rx,
                                y + 0.95 * face.ry], radius=face.rx * 0.8, fill=colour)


def draw_ears(draw, face: Face, skin) -> None:
    """Two ears at the sides of the head."""
    for side in (-1, 1):
        face.disc(draw, side * 0.98, 0.05, 0.16, skin, ry=0.26)


def draw_head(draw, face: Face, skin) -> None:
    """The head: an ellipse (drawn axis-aligned; the tilt is small)."""
    draw.ellipse([face.cx - face.rx, face.cy - face.ry, face.cx + face.rx, face.cy + face.ry],
                 fill=skin)


def draw_hair_top(draw, face: Face, colour, style: str) -> None:
    """Hair on top of the head (short, long or a bun), or nothing when bald."""
    if style == "bald":
        return
    x, y = face.at(0, -0.55)
    draw.chord([x - 1.05 * face.rx, y - 0.6 * face.ry, x + 1.05 * face.rx, y + 0.55 * face.ry],
               180, 360, fill=colour)
    if style == "bun":
        face.disc(draw, 0, -1.15, 0.35, colour)


def draw_hat(draw, face: Face, rng) -> None:
    """A brimmed hat or a beanie."""
    colour = _random_colour(rng)
    x, y = face.at(0, -0.7)
    if rng.random() < 0.5:
        brim = [x - 1.3 * face.rx, y - 0.05 * face.ry, x + 1.3 * face.rx, y + 0.1 * face.ry]
        draw.rectangle(brim, fill=colour)
        draw.rectangle([x - 0.75 * face.rx, y - 0.8 * face.ry, x + 0.75 * face.rx, y], fill=colour)
    else:
        draw.chord([x - 1.05 * face.rx, y - 0.75 * face.ry, x + 1.05 * face.rx, y + 0.5 * face.ry],
                   180, 360, fill=colour)


# ---------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------
def draw_eyes(draw, face: Face, rng) -> None:
    """White eyes with a coloured iris and a pupil, sometimes closed (a short arc)."""
    iris = _jitter(IRIS_COLOURS[rng.integers(len(IRIS_COLOURS))], rng)
    look = rng.uniform(-0.05, 0.05)
    for side in (-1, 1):
        if rng.random() < 0.05:
            draw.line(face.curve(side * 0.42 - 0.13, side * 0.42 + 0.13, -0.12, 0.05),
                      fill=(30, 20, 20), width=2)
            continue
        face.disc(draw, side * 0.38, -0.12, 0.15, (245, 245, 240), ry=0.1)
        face.disc(draw, side * 0.38 + look, -0.12, 0.08, iris)
        face.disc(draw, side * 0.38 + look, -0.12, 0.035, (10, 10, 10))


def draw_eyebrows(draw, face: Face, colour, rng) -> None:
    """Two short strokes above the eyes, raised or level at random (not tied to the label)."""
    lift = rng.uniform(-0.06, 0.06)
    for side in (-1, 1):
        inner, outer = side * 0.2, side * 0.56
        draw.line([face.at(inner, -0.34 + lift), face.at(outer, -0.36 - lift)], fill=colour,
                  width=max(2, int(face.rx / 12)))


def draw_nose(draw, face: Face, skin) -> None:
    """A nose: a short shadowed stroke ending in a small curve."""
    shade = _darker(skin, 0.75)
    draw.line([face.at(0.02, -0.05), face.at(0.06, 0.2), face.at(-0.06, 0.25)], fill=shade,
              width=max(2, int(face.rx / 14)))


def draw_glasses(draw, face: Face, rng) -> None:
    """Round or square glasses with a bridge."""
    colour = _random_colour(rng) if rng.random() < 0.5 else (20, 20, 20)
    width = max(2, int(face.rx / 14))
    for side in (-1, 1):
        x, y = face.at(side * 0.38, -0.12)
        r = 0.22 * face.rx
        box = [x - r, y - 0.8 * r, x + r, y + 0.8 * r]
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, outline=colour, width=width)
    draw.line([face.at(-0.16, -0.14), face.at(0.16, -0.14)], fill=colour, width=width)


def draw_earrings(draw, face: Face, rng) -> None:
    colour = _jitter((230, 200, 60), rng, 40)
    for side in (-1, 1):
        face.disc(draw, side * 1.0, 0.32, 0.06, colour)


def draw_beard(draw, face: Face, colour) -> None:
    """A chin beard below the mouth (the mouth stays visible)."""
    draw.chord([face.cx - 0.8 * face.rx, face.cy + 0.2 * face.ry, face.cx + 0.8 * face.rx,
                face.cy + 1.05 * face.ry], 20, 160, fill=colour)


# ---------------------------------------------------------------------------------------------
# Mouths: the only part that depends on the label
# ---------------------------------------------------------------------------------------------
MOUTH_V = 0.5    # the mouth's height on the face


def _mouth_width(face: Face) -> int:
    return max(3, int(face.rx / 7))


def draw_smile(draw, face: Face, lips, rng) -> None:
    """Happy: an upward curve (corners higher than the middle), closed or open with teeth."""
    half = rng.uniform(0.34, 0.48)
    bend = rng.uniform(0.2, 0.32)
    if rng.random() < 0.5:      # open smile: dark crescent, a band of teeth
        top = face.curve(-half, half, MOUTH_V - 0.06, bend * 0.5)
        bottom = face.curve(-half, half, MOUTH_V - 0.06, bend * 1.5)
        draw.polygon(top + bottom[::-1], fill=(70, 20, 25))
        teeth = face.curve(-half * 0.75, half * 0.75, MOUTH_V - 0.02, bend * 0.45)
        draw.line(teeth, fill=(240, 240, 235), width=max(2, int(face.rx / 10)))
    else:                       # closed smile: a thick arc
        draw.line(face.curve(-half, half, MOUTH_V - 0.06, bend), fill=lips,
                  width=_mouth_width(face), joint="curve")


def draw_straight_mouth(draw, face: Face, lips, rng) -> None:
    """Not happy: a flat, nearly straight line (a tiny random bend either way)."""
    half = rng.uniform(0.22, 0.4)
    draw.line(face.curve(-half, half, MOUTH_V, rng.uniform(-0.02, 0.02)), fill=lips,
              width=_mouth_width(face), joint="curve")


def draw_frown(draw, face: Face, lips, rng) -> None:
    """Not happy: a downward curve (corners lower than the middle)."""
    half = rng.uniform(0.25, 0.4)
    draw.line(face.curve(-half, half, MOUTH_V + 0.08, -rng.uniform(0.1, 0.2)), fill=lips,
              width=_mouth_width(face), joint="curve")


def draw_o_mouth(draw, face: Face, lips, rng) -> None:
    """Not happy: a small open 'o' (surprise)."""
    face.disc(draw, 0, MOUTH_V, rng.uniform(0.08, 0.13), (70, 20, 25), ry=rng.uniform(0.1, 0.16))


def draw_wavy_mouth(draw, face: Face, lips, rng) -> None:
    """Not happy: an unsure wavy line."""
    half = rng.uniform(0.22, 0.35)
    us = np.linspace(-half, half, 9)
    amplitude = rng.uniform(0.02, 0.05)
    points = [face.at(u, MOUTH_V + amplitude * math.sin(u / half * 2 * math.pi)) for u in us]
    draw.line(points, fill=lips, width=_mouth_width(face))


NOT_HAPPY_MOUTHS = (draw_straight_mouth, draw_frown, draw_o_mouth, draw_wavy_mouth)


def draw_mouth(draw, face: Face, happy: bool, lips, rng) -> None:
    """A smile when ``happy``, else one of ``NOT_HAPPY_MOUTHS``."""
    if happy:
        draw_smile(draw, face, lips, rng)
    else:
        NOT_HAPPY_MOUTHS[rng.choice(4, p=[0.4, 0.3, 0.15, 0.15])](draw, face, lips, rng)


# ---------------------------------------------------------------------------------------------
# One image, a split, the dataset
# ---------------------------------------------------------------------------------------------
def draw_example(happy: bool, rng: np.random.Generator) -> np.ndarray:
    """One (SIZE, SIZE, 3) uint8 image of a face, smiling when ``happy``."""
    canvas = draw_wall(rng)
    draw = ImageDraw.Draw(canvas)
    rx = rng.uniform(0.26, 0.29) * CANVAS
    face = Face(cx=rng.uniform(0.48, 0.52) * CANVAS, cy=rng.uniform(0.475, 0.505) * CANVAS,
                rx=rx, ry=rx * rng.uniform(1.18, 1.26), tilt=rng.uniform(-0.05, 0.05))
    skin = _jitter(SKIN_TONES[rng.integers(len(SKIN_TONES))], rng)
    hair = _jitter(HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))], rng)
    style = ("short", "long", "bald", "bun")[rng.choice(4, p=[0.4, 0.3, 0.15, 0.15])]

    draw_shoulders(draw, face, rng)
    draw_hair_back(draw, face, hair, style)
    draw_ears(draw, face, skin)
    draw_head(draw, face, skin)
    if rng.random() < 0.2:
        draw_hat(draw, face, rng)
    else:
        draw_hair_top(draw, face, hair, style)
    draw_eyes(draw, face, rng)
    draw_eyebrows(draw, face, _darker(hair, 0.8), rng)
    draw_nose(draw, face, skin)
    if rng.random() < 0.15:
        draw_beard(draw, face, hair)
    draw_mouth(draw, face, happy, lip_colour(skin, rng), rng)
    if rng.random() < 0.25:
        draw_glasses(draw, face, rng)
    if rng.random() < 0.15:
        draw_earrings(draw, face, rng)

    if rng.random() < 0.5:
        canvas = canvas.transpose(Image.FLIP_LEFT_RIGHT)
    img = np.asarray(canvas.reduce(SUPERSAMPLE), dtype=np.float32)  # (SIZE, SIZE, 3)
    img = img * rng.uniform(0.8, 1.15) + rng.uniform(-20, 20)        # exposure
    img += rng.uniform(2.0, 8.0) * rng.standard_normal(img.shape, dtype=np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def make_split(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``m`` faces, half of them smiling (label 1), shuffled.

    Returns x (m, SIZE, SIZE, 3) uint8 and y (m,) int64.
    """
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"the number of images m must be an integer >= 1, got {m!r}")
    y = (np.arange(m) % 2).astype(np.int64)
    y = y[rng.permutation(m)]
    x = np.stack([draw_example(bool(label), rng) for label in y])  # (m, SIZE, SIZE, 3)
    return x, y


def make_happy_dataset(seed: int = 0, m_train: int = 600, m_test: int = 150) -> ImageDataset:
    """The happy-house stand-in, in the course files' layout.

    train_x (m_train, 64, 64, 3) uint8, train_y (m_train,) int64 (1 = smiling),
    test_x (m_test, 64, 64, 3) uint8, test_y (m_test,) int64, classes ["not happy", "happy"].
    """
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    train_x, train_y = make_split(m_train, np.random.default_rng(train_seed))
    test_x, test_y = make_split(m_test, np.random.default_rng(test_seed))
    return ImageDataset(train_x, train_y, test_x, test_y, list(CLASSES))
