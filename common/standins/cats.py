"""Cat vs non-cat stand-in: 64x64 RGB drawings made with Pillow, deterministic by seed.

Same layout as the course's ``train_catvnoncat.h5`` / ``test_catvnoncat.h5``:
``train_x (209, 64, 64, 3) uint8``, ``train_y (209,) int64``, ``test_x (50, 64, 64, 3)``,
``test_y (50,)`` and ``classes = ["non-cat", "cat"]`` (label 1 = cat).

What is drawn
-------------
* A **cat**: a head with two triangular ears, eyes with slit pupils, a nose, whiskers, often
  a body and a tail, in one of three poses (face close-up, sitting, lying), in a fur colour
  (orange, black, grey, white, brown, cream, tabby stripes), at a random size, position,
  tilt and facing.
* A **non-cat**: the same backgrounds with something else in front. About half are
  *distractors* that share parts of a cat: animals with round or floppy ears (bear, dog),
  ear-less round faces with cat eyes and whiskers (seal), birds with a triangular beak,
  houses and pine trees (triangles), stray triangles. The rest are scenes and objects:
  landscapes with a sun, cars, flowers, balls, and clutter.
* Every image gets a background (plain, linear or radial gradient, stripes, checks, blotchy
  texture, a floor-and-wall room, or outdoors: sky over ground), optional clutter, a
  colour/brightness jitter and pixel noise, so no single pixel or colour gives the label away.

Two things make the week's lesson show, as in the course's photos:

* *Photo habits* (a weak linear cue): cats are mostly photographed indoors (outdoors in
  ``OUTDOORS_CAT`` = 10% of cat images), the other things often outdoors (65%).
* *Figure against ground* (a cue no linear model can use): behind every animal the backdrop
  is re-lit to stand out from its coat (``light_against``): a light cat on a dark backdrop
  or a dark cat on a light one. Pixel-wise the two cancel; a ReLU hidden layer learns both.

So logistic regression on the flattened pixels fits the training set (~98%) but reaches
only ~68% on the test split, the 2-layer ``[12288, 7, 1]`` stays near it (median 70% over
weight seeds 0-9) and the 4-layer network ``[12288, 20, 7, 5, 1]`` (course settings) does
better (median 72%, 76% at course1/week4's default seed, 64-80% over seeds). On 400 fresh
test images, over three data draws and three weight seeds each: logistic regression 64-68%,
2-layer 64-69%, 4-layer 65-81% (mean 72%). See course1/week4/README.md;
``tests/common/test_standins_images.py`` has a cheap check of logistic regression and
``tests/course1/week4/test_c1w4_run.py`` the full comparison.

Class balance follows the course's files: 72 cats of 209 training images (34%) and 33 of 50
test images (66%). That shift is the course's too; it is kept so that code written against
the real files sees the same counts (``train_cat_fraction`` / ``test_cat_fraction`` change
it; a balanced test split gives the same ranking of the models with a smaller gap).

Shapes are drawn at twice the size and reduced, which smooths their edges (anti-aliasing).
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from common.datasets import ImageDataset

SIZE = 64                     # output images are SIZE x SIZE x 3
SUPERSAMPLE = 2               # drawn at SIZE * SUPERSAMPLE, then reduced
CANVAS = SIZE * SUPERSAMPLE   # the drawing canvas, in pixels
CLASSES = ["non-cat", "cat"]

# Fur colours (RGB) shared by cats and by the animal distractors, so colour alone says little.
FUR = {
    "orange": (214, 130, 52),
    "black": (34, 32, 34),
    "grey": (128, 128, 132),
    "white": (236, 234, 228),
    "brown": (116, 78, 48),
    "cream": (228, 200, 158),
}
EYE_COLOURS = [(120, 190, 60), (220, 190, 40), (80, 150, 220), (200, 140, 40)]
PINK = (226, 140, 150)

# Difficulty knobs (tuned so that the lesson shows; see the module docstring)
BACKGROUND_SATURATION = 0.5       # indoor backgrounds: 0 = grey, 1 = any colour
OUTDOORS_CAT = 0.1                # share of cat images with an outdoor background
OUTDOORS_NON_CAT = 0.65           # share of non-cat images with an outdoor background
POSE_WEIGHTS = (0.55, 0.35, 0.1)  # cat poses: face close-up, sitting, lying
CLUTTER_PROBABILITY = 0.25        # share of images with a few clutter shapes
BRIGHTNESS = (-60, 0)             # exposure shift: the mean pixel ends near 0.42 like the course's
BACKDROP_GAP = (90, 140)          # grey levels between an animal's coat and its backdrop


# ---------------------------------------------------------------------------------------------
# Small drawing helpers
# ---------------------------------------------------------------------------------------------
def _jitter(colour: tuple[int, int, int], rng: np.random.Generator, amount: int = 18
            ) -> tuple[int, int, int]:
    """``colour`` moved by up to ``amount`` per channel, clipped to 0..255."""
    c = np.clip(np.asarray(colour) + rng.integers(-amount, amount + 1, 3), 0, 255)
    return tuple(int(v) for v in c)


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """Any RGB colour."""
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def _fur(rng: np.random.Generator) -> tuple[tuple[int, int, int], bool]:
    """A fur colour (jittered) and whether the coat has tabby stripes."""
    name = list(FUR)[rng.integers(len(FUR))]
    return _jitter(FUR[name], rng), bool(rng.random() < 0.3)


def light_against(canvas: Image.Image, colour: tuple[int, int, int], rng: np.random.Generator
                  ) -> None:
    """Re-light the backdrop (in place) so that an animal of ``colour`` stands out.

    Behind a light coat the backdrop is made darker, behind a dark coat lighter, by
    ``BACKDROP_GAP`` grey levels or so (as in photos people keep). An animal is then a light
    shape on dark or a dark shape on light: the two cancel in a pixel-wise average, which is
    all a linear model can weigh, while a network with hidden ReLU units can learn both.
    """
    array = np.asarray(canvas, dtype=np.float32)
    brightness = float(np.mean(colour))
    gap = rng.uniform(*BACKDROP_GAP)
    target = brightness - gap if brightness >= 128 else brightness + gap
    target = float(np.clip(target, 35, 215))
    array = np.clip(array + (target - array.mean()), 0, 255)
    canvas.paste(Image.fromarray(array.astype(np.uint8), "RGB"))


def _darker(colour: tuple[int, int, int], factor: float = 0.6) -> tuple[int, int, int]:
    """The same colour, darker (or lighter when ``colour`` is very dark)."""
    if sum(colour) < 150:
        return tuple(int(min(255, v + 70)) for v in colour)
    return tuple(int(v * factor) for v in colour)


def _ellipse(draw: ImageDraw.ImageDraw, cx: float, cy: float, rx: float, ry: float,
             fill, outline=None, width: int = 1) -> None:
    """An ellipse given by its centre and radii."""
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill, outline=outline, width=width)


def _rotate_points(points: list[tuple[float, float]], cx: float, cy: float, angle: float
                   ) -> list[tuple[float, float]]:
    """``points`` turned by ``angle`` radians about ``(cx, cy)``."""
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in points]


# ---------------------------------------------------------------------------------------------
# Backgrounds: (CANVAS, CANVAS, 3) float arrays in 0..255, shared by both classes
# ---------------------------------------------------------------------------------------------
def _grid_coordinates() -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates in [0, 1]: u, v of shape (CANVAS, CANVAS)."""
    t = np.linspace(0.0, 1.0, CANVAS)
    return np.meshgrid(t, t)  # (CANVAS, CANVAS) each: u runs along x, v along y


def _blend(c0, c1, t: np.ndarray) -> np.ndarray:
    """Per-pixel mix of two colours: t (H, W) in [0, 1] -> (H, W, 3)."""
    c0, c1 = np.asarray(c0, float), np.asarray(c1, float)
    return c0 + (c1 - c0) * t[..., None]  # (H, W, 1) * (3,) -> (H, W, 3)


def _muted_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """A background colour: a random colour mixed with a random grey (BACKGROUND_SATURATION)."""
    grey = rng.uniform(60, 200)
    mix = BACKGROUND_SATURATION
    return tuple(int(mix * c + (1 - mix) * grey) for c in rng.integers(0, 256, 3))


def background_plain(rng: np.random.Generator) -> np.ndarray:
    """One colour."""
    return np.broadcast_to(np.asarray(_muted_colour(rng), float), (CANVAS, CANVAS, 3)).copy()


def background_linear(rng: np.random.Generator) -> np.ndarray:
    """A linear gradient between two colours in a random direction."""
    u, v = _grid_coordinates()
    angle = rng.uniform(0, 2 * np.pi)
    t = (np.cos(angle) * (u - 0.5) + np.sin(angle) * (v - 0.5)) / 1.42 + 0.5
    return _blend(_muted_colour(rng), _muted_colour(rng), t)


def background_radial(rng: np.random.Generator) -> np.ndarray:
    """A radial gradient around a random centre (a lamp, a vignette)."""
    u, v = _grid_coordinates()
    cu, cv = rng.uniform(0.2, 0.8, 2)
    t = np.clip(np.hypot(u - cu, v - cv) / 0.8, 0, 1)
    return _blend(_muted_colour(rng), _muted_colour(rng), t)


def background_stripes(rng: np.random.Generator) -> np.ndarray:
    """Soft stripes (wallpaper, fabric, fences) at a random angle and period."""
    u, v = _grid_coordinates()
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(0.06, 0.25)
    phase = (np.cos(angle) * u + np.sin(angle) * v) / period
    t = 0.5 + 0.5 * np.sin(2 * np.pi * phase)
    return _blend(_muted_colour(rng), _muted_colour(rng), t)


def background_checks(rng: np.random.Generator) -> np.ndarray:
    """A checkerboard (tiles, a table cloth)."""
    u, v = _grid_coordinates()
    n = rng.integers(3, 9)
    t = ((np.floor(u * n) + np.floor(v * n)) % 2).astype(float)
    c0 = _muted_colour(rng)
    return _blend(c0, _jitter(c0, rng, 70), t)


def background_blotches(rng: np.random.Generator) -> np.ndarray:
    """A blotchy texture: coarse noise upsampled smoothly (foliage, carpet, clouds)."""
    cells = rng.integers(3, 8)
    coarse = rng.random((cells, cells))
    img = Image.fromarray((coarse * 255).astype(np.uint8)).resize((CANVAS, CANVAS), Image.BICUBIC)
    t = np.asarray(img, float) / 255.0
    return _blend(_muted_colour(rng), _muted_colour(rng), t)


def background_room(rng: np.random.Generator) -> np.ndarray:
    """A wall above a floor, the horizon at a random height."""
    u, v = _grid_coordinates()
    horizon = rng.uniform(0.45, 0.8)
    wall = _blend(_muted_colour(rng), _muted_colour(rng), v / horizon * 0.4)
    floor = _blend(_muted_colour(rng), _muted_colour(rng), np.clip((v - horizon) * 2, 0, 1))
    return np.where((v < horizon)[..., None], wall, floor)


def background_outdoors(rng: np.random.Generator) -> np.ndarray:
    """Sky above ground: a blue gradient over grass, earth, sand or road."""
    u, v = _grid_coordinates()
    horizon = rng.uniform(0.4, 0.75)
    sky = _blend(_jitter((90, 150, 225), rng, 40), _jitter((200, 225, 245), rng, 25), v / horizon)
    grounds = [(70, 130, 55), (120, 95, 60), (210, 190, 140), (110, 110, 110)]
    ground_colour = _jitter(grounds[rng.integers(len(grounds))], rng, 25)
    ground = _blend(ground_colour, _darker(ground_colour, 0.7), np.clip((v - horizon) * 2, 0, 1))
    return np.where((v < horizon)[..., None], sky, ground)


INDOORS = (background_plain, background_linear, background_radial, background_stripes,
           background_checks, background_blotches, background_room)


def random_background(rng: np.random.Generator, outdoors_probability: float) -> Image.Image:
    """An RGB canvas: outdoors with the given probability, else one of ``INDOORS``."""
    if rng.random() < outdoors_probability:
        array = background_outdoors(rng)
    else:
        array = INDOORS[rng.integers(len(INDOORS))](rng)
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8), "RGB")


def draw_clutter(draw: ImageDraw.ImageDraw, rng: np.random.Generator, count: int) -> None:
    """``count`` small random rectangles, discs and lines (toys, furniture, stains)."""
    for _ in range(count):
        x, y = rng.uniform(0, CANVAS, 2)
        w, h = rng.uniform(6, 30, 2)
        colour = _random_colour(rng)
        kind = rng.integers(3)
        if kind == 0:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        elif kind == 1:
            _ellipse(draw, x, y, w / 2, w / 2, fill=colour)
        else:
            draw.line([x, y, x + rng.uniform(-40, 40), y + rng.uniform(-40, 40)], fill=colour,
                      width=int(rng.integers(2, 6)))


# ---------------------------------------------------------------------------------------------
# Cat parts. Every part takes the head centre (cx, cy) and radius r in canvas pixels.
# ---------------------------------------------------------------------------------------------
def draw_cat_ears(draw, cx, cy, r, fur, tilt, rng) -> None:
    """Two triangular ears on top of the head, pink inside."""
    spread = rng.uniform(0.55, 0.8)   # how far apart the ears stand
    height = rng.uniform(0.55, 0.85)  # how tall they are, in head radii
    for side in (-1, 1):
        base_outer = (cx + side * 0.95 * r, cy - 0.25 * r)
        base_inner = (cx + side * (spread - 0.5) * r, cy - 0.9 * r)
        tip = (cx + side * (spread + 0.25) * r, cy - (0.9 + height) * r)
        ear = _rotate_points([base_outer, base_inner, tip], cx, cy, tilt)
        draw.polygon(ear, fill=fur)
        mx, my = sum(x for x, _ in ear) / 3, sum(y for _, y in ear) / 3  # the ear's centre
        inner = [(mx + 0.55 * (x - mx), my + 0.55 * (y - my)) for x, y in ear]
        draw.polygon(inner, fill=_jitter(PINK, rng))


def draw_cat_head(draw, cx, cy, r, fur) -> None:
    """A slightly wide round head."""
    _ellipse(draw, cx, cy, 1.08 * r, 0.95 * r, fill=fur)


def draw_cat_eyes(draw, cx, cy, r, tilt, rng) -> None:
    """Two almond eyes with vertical slit pupils."""
    colour = EYE_COLOURS[rng.integers(len(EYE_COLOURS))]
    look = rng.uniform(-0.06, 0.06) * r   # where the pupils point
    for side in (-1, 1):
        (ex, ey), = _rotate_points([(cx + side * 0.42 * r, cy - 0.12 * r)], cx, cy, tilt)
        _ellipse(draw, ex, ey, 0.2 * r, 0.15 * r, fill=colour)
        _ellipse(draw, ex + look, ey, 0.05 * r, 0.14 * r, fill=(10, 10, 10))


def draw_cat_nose_and_mouth(draw, cx, cy, r, tilt) -> None:
    """A small pink triangular nose above a 'w'-shaped mouth."""
    nose = _rotate_points([(cx - 0.1 * r, cy + 0.15 * r), (cx + 0.1 * r, cy + 0.15 * r),
                           (cx, cy + 0.28 * r)], cx, cy, tilt)
    draw.polygon(nose, fill=PINK)
    mouth = _rotate_points([(cx - 0.2 * r, cy + 0.4 * r), (cx, cy + 0.3 * r),
                            (cx + 0.2 * r, cy + 0.4 * r)], cx, cy, tilt)
    draw.line(mouth, fill=(40, 25, 25), width=max(1, int(r / 18)))


def draw_whiskers(draw, cx, cy, r, tilt, colour) -> None:
    """Three whiskers on each side of the muzzle."""
    for side in (-1, 1):
        for k in (-1, 0, 1):
            start = (cx + side * 0.2 * r, cy + 0.3 * r)
            end = (cx + side * 1.25 * r, cy + (0.3 + 0.18 * k) * r)
            draw.line(_rotate_points([start, end], cx, cy, tilt), fill=colour,
                      width=max(1, int(r / 22)))


def draw_tabby_stripes(draw, cx, cy, rx, ry, colour) -> None:
    """Three short dark stripes across an ellipse (forehead or back)."""
    for k in (-1, 0, 1):
        x = cx + k * 0.3 * rx
        draw.line([x, cy - 0.8 * ry, x + 0.1 * rx, cy - 0.3 * ry], fill=colour,
                  width=max(2, int(rx / 8)))


def draw_cat_body(draw, cx, cy, r, fur, pose, facing) -> tuple[float, float]:
    """The body below (sitting) or beside (lying) the head; returns the tail's root."""
    if pose == "sitting":
        bx, by, brx, bry = cx, cy + 1.55 * r, 1.05 * r, 1.25 * r
        _ellipse(draw, bx, by, brx, bry, fill=fur)
        _ellipse(draw, bx - 0.45 * r, by + 1.0 * r, 0.3 * r, 0.22 * r, fill=fur)  # front paws
        _ellipse(draw, bx + 0.45 * r, by + 1.0 * r, 0.3 * r, 0.22 * r, fill=fur)
        return bx - facing * 0.9 * brx, by + 0.6 * bry
    bx, by, brx, bry = cx - facing * 1.6 * r, cy + 0.55 * r, 1.8 * r, 0.75 * r
    _ellipse(draw, bx, by, brx, bry, fill=fur)
    return bx - facing * 0.95 * brx, by


def draw_tail(draw, x, y, r, fur, facing, rng) -> None:
    """A thick curved tail from ``(x, y)``: a polyline bending up."""
    bend = rng.uniform(0.6, 1.4)
    points = [(x - facing * (0.5 * t) * r, y - (bend * t * t) * r) for t in np.linspace(0, 1.6, 7)]
    draw.line(points, fill=fur, width=max(3, int(0.28 * r)), joint="curve")


def draw_cat(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A whole cat (face close-up, sitting or lying) drawn onto ``canvas``."""
    fur, tabby = _fur(rng)
    light_against(canvas, fur, rng)
    pose = ("face", "sitting", "lying")[rng.choice(3, p=POSE_WEIGHTS)]
    facing = 1 if rng.random() < 0.5 else -1
    tilt = rng.uniform(-0.35, 0.35)
    if pose == "face":
        r = rng.uniform(0.22, 0.36) * CANVAS
        cx, cy = rng.uniform(0.3, 0.7) * CANVAS, rng.uniform(0.45, 0.65) * CANVAS
    elif pose == "sitting":
        r = rng.uniform(0.12, 0.18) * CANVAS
        cx, cy = rng.uniform(0.25, 0.75) * CANVAS, rng.uniform(0.25, 0.4) * CANVAS
    else:
        r = rng.uniform(0.11, 0.16) * CANVAS
        cx = (0.5 + facing * rng.uniform(0.1, 0.25)) * CANVAS
        cy = rng.uniform(0.35, 0.65) * CANVAS
    draw = ImageDraw.Draw(canvas)
    stripe = _darker(fur)
    if pose != "face":
        tail_x, tail_y = draw_cat_body(draw, cx, cy, r, fur, pose, facing)
        draw_tail(draw, tail_x, tail_y, r, fur, facing, rng)
    draw_cat_ears(draw, cx, cy, r, fur, tilt, rng)
    draw_cat_head(draw, cx, cy, r, fur)
    if tabby:
        draw_tabby_stripes(draw, cx, cy - 0.2 * r, r, r, stripe)
    draw_cat_eyes(draw, cx, cy, r, tilt, rng)
    draw_cat_nose_and_mouth(draw, cx, cy, r, tilt)
    if rng.random() < 0.8:
        draw_whiskers(draw, cx, cy, r, tilt, stripe if rng.random() < 0.5 else (240, 240, 240))


# ---------------------------------------------------------------------------------------------
# Non-cats: distractors that share cat parts, then other things
# ---------------------------------------------------------------------------------------------
def _animal_head_place(rng: np.random.Generator) -> tuple[float, float, float]:
    """Centre and radius for an animal head, sized like the cats' heads."""
    r = rng.uniform(0.13, 0.34) * CANVAS
    return rng.uniform(0.3, 0.7) * CANVAS, rng.uniform(0.35, 0.65) * CANVAS, r


def _simple_eyes(draw, cx, cy, r, rng) -> None:
    """Two round eyes with round pupils."""
    for side in (-1, 1):
        _ellipse(draw, cx + side * 0.4 * r, cy - 0.1 * r, 0.16 * r, 0.16 * r, fill=(245, 245, 245))
        _ellipse(draw, cx + side * 0.4 * r, cy - 0.1 * r, 0.08 * r, 0.08 * r, fill=(15, 15, 15))


def draw_bear(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A round head with round ears (bear, mouse): a cat without the pointed ears."""
    fur, _ = _fur(rng)
    light_against(canvas, fur, rng)
    draw = ImageDraw.Draw(canvas)
    cx, cy, r = _animal_head_place(rng)
    ear = rng.uniform(0.3, 0.5) * r
    for side in (-1, 1):
        _ellipse(draw, cx + side * 0.75 * r, cy - 0.75 * r, ear, ear, fill=fur)
    if rng.random() < 0.5:
        _ellipse(draw, cx, cy + 1.6 * r, 1.1 * r, 1.2 * r, fill=fur)
    _ellipse(draw, cx, cy, 1.05 * r, r, fill=fur)
    _ellipse(draw, cx, cy + 0.35 * r, 0.4 * r, 0.3 * r, fill=_darker(fur, 0.8))
    _ellipse(draw, cx, cy + 0.25 * r, 0.12 * r, 0.09 * r, fill=(20, 20, 20))
    _simple_eyes(draw, cx, cy, r, rng)


def draw_dog(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A head with long floppy ears hanging down and a snout."""
    fur, _ = _fur(rng)
    light_against(canvas, fur, rng)
    draw = ImageDraw.Draw(canvas)
    ear_colour = _darker(fur, 0.7) if rng.random() < 0.6 else fur
    cx, cy, r = _animal_head_place(rng)
    if rng.random() < 0.5:
        _ellipse(draw, cx, cy + 1.6 * r, 1.0 * r, 1.2 * r, fill=fur)
    _ellipse(draw, cx, cy, 0.95 * r, 1.05 * r, fill=fur)
    for side in (-1, 1):
        _ellipse(draw, cx + side * 0.95 * r, cy + 0.1 * r, 0.3 * r, 0.75 * r, fill=ear_colour)
    _ellipse(draw, cx, cy + 0.45 * r, 0.45 * r, 0.35 * r, fill=_jitter(fur, rng, 30))
    _ellipse(draw, cx, cy + 0.3 * r, 0.16 * r, 0.12 * r, fill=(20, 20, 20))
    _simple_eyes(draw, cx, cy, r, rng)
    if rng.random() < 0.5:
        _ellipse(draw, cx, cy + 0.8 * r, 0.12 * r, 0.2 * r, fill=PINK)  # tongue


def draw_seal(canvas: Image.Image, rng: np.random.Generator) -> None:
    """An ear-less round face with cat-like eyes, nose and whiskers (seal, otter, smiley)."""
    fur, _ = _fur(rng)
    light_against(canvas, fur, rng)
    draw = ImageDraw.Draw(canvas)
    cx, cy, r = _animal_head_place(rng)
    tilt = rng.uniform(-0.35, 0.35)
    if rng.random() < 0.4:
        _ellipse(draw, cx, cy + 1.5 * r, 1.2 * r, 1.1 * r, fill=fur)
    draw_cat_head(draw, cx, cy, r, fur)
    draw_cat_eyes(draw, cx, cy, r, tilt, rng)
    draw_cat_nose_and_mouth(draw, cx, cy, r, tilt)
    draw_whiskers(draw, cx, cy, r, tilt, _darker(fur))


def draw_bird(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A round bird: body, head, a triangular beak, a wing and an eye."""
    colour = _random_colour(rng) if rng.random() < 0.6 else _fur(rng)[0]
    light_against(canvas, colour, rng)
    draw = ImageDraw.Draw(canvas)
    facing = 1 if rng.random() < 0.5 else -1
    r = rng.uniform(0.1, 0.2) * CANVAS
    cx, cy = rng.uniform(0.3, 0.7) * CANVAS, rng.uniform(0.4, 0.7) * CANVAS
    _ellipse(draw, cx, cy, 1.4 * r, 1.0 * r, fill=colour)
    hx, hy = cx + facing * 1.1 * r, cy - 0.9 * r
    _ellipse(draw, hx, hy, 0.65 * r, 0.65 * r, fill=colour)
    beak = [(hx + facing * 0.55 * r, hy - 0.2 * r), (hx + facing * 0.55 * r, hy + 0.2 * r),
            (hx + facing * 1.2 * r, hy)]
    draw.polygon(beak, fill=_jitter((230, 170, 40), rng))
    _ellipse(draw, hx + facing * 0.2 * r, hy - 0.15 * r, 0.12 * r, 0.12 * r, fill=(10, 10, 10))
    _ellipse(draw, cx - facing * 0.2 * r, cy, 0.8 * r, 0.5 * r, fill=_darker(colour, 0.75))
    draw.line([cx, cy + r, cx, cy + 1.5 * r], fill=(200, 140, 40), width=max(2, int(r / 6)))


def draw_house(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A house: a wall, a triangular roof, a door and windows."""
    draw = ImageDraw.Draw(canvas)
    w = rng.uniform(0.3, 0.6) * CANVAS
    h = rng.uniform(0.25, 0.45) * CANVAS
    x0 = rng.uniform(0.05, 0.95) * CANVAS - w / 2
    y0 = rng.uniform(0.5, 0.65) * CANVAS
    draw.rectangle([x0, y0, x0 + w, y0 + h], fill=_random_colour(rng))
    roof = [(x0 - 0.1 * w, y0), (x0 + 1.1 * w, y0), (x0 + w / 2, y0 - rng.uniform(0.4, 0.8) * w)]
    draw.polygon(roof, fill=_random_colour(rng))
    draw.rectangle([x0 + 0.42 * w, y0 + 0.45 * h, x0 + 0.58 * w, y0 + h], fill=_random_colour(rng))
    window = _jitter((170, 200, 230), rng, 40)
    for wx in (0.12, 0.68):
        draw.rectangle([x0 + wx * w, y0 + 0.2 * h, x0 + (wx + 0.2) * w, y0 + 0.45 * h], fill=window)


def draw_pine_trees(canvas: Image.Image, rng: np.random.Generator) -> None:
    """One to three pine trees: stacked triangles on a trunk."""
    draw = ImageDraw.Draw(canvas)
    for _ in range(rng.integers(1, 4)):
        cx = rng.uniform(0.1, 0.9) * CANVAS
        base = rng.uniform(0.6, 0.95) * CANVAS
        h = rng.uniform(0.3, 0.6) * CANVAS
        green = _jitter((40, 110, 50), rng, 40)
        draw.rectangle([cx - 0.04 * h, base - 0.2 * h, cx + 0.04 * h, base], fill=(90, 60, 30))
        for k in range(3):
            top = base - h + k * 0.22 * h
            half = (0.18 + 0.08 * k) * h
            draw.polygon([(cx, top), (cx - half, top + 0.45 * h), (cx + half, top + 0.45 * h)],
                         fill=green)


def draw_triangles(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A few free triangles (flags, pennants, road signs): ears without a cat."""
    draw = ImageDraw.Draw(canvas)
    for _ in range(rng.integers(1, 5)):
        cx, cy = rng.uniform(0.15, 0.85, 2) * CANVAS
        r = rng.uniform(0.06, 0.25) * CANVAS
        angle = rng.uniform(0, 2 * np.pi)
        points = [(cx + r * math.cos(angle + k * 2.1), cy + r * math.sin(angle + k * 2.1))
                  for k in range(3)]
        draw.polygon(points, fill=_random_colour(rng) if rng.random() < 0.6 else _fur(rng)[0])


def draw_landscape(canvas: Image.Image, rng: np.random.Generator) -> None:
    """Sky, a sun, mountains (triangles) and ground: a scene with no animal."""
    draw = ImageDraw.Draw(canvas)
    horizon = rng.uniform(0.5, 0.8) * CANVAS
    draw.rectangle([0, 0, CANVAS, horizon], fill=_jitter((120, 170, 230), rng, 50))
    sun_r = rng.uniform(0.05, 0.12) * CANVAS
    _ellipse(draw, rng.uniform(0.1, 0.9) * CANVAS, rng.uniform(0.1, 0.35) * CANVAS, sun_r, sun_r,
             fill=_jitter((250, 220, 90), rng, 20))
    for _ in range(rng.integers(0, 4)):
        x = rng.uniform(0, CANVAS)
        half = rng.uniform(0.15, 0.4) * CANVAS
        peak = horizon - rng.uniform(0.15, 0.4) * CANVAS
        draw.polygon([(x - half, horizon), (x + half, horizon), (x, peak)],
                     fill=_jitter((100, 100, 120), rng, 40))
    draw.rectangle([0, horizon, CANVAS, CANVAS], fill=_jitter((80, 140, 60), rng, 50))


def draw_car(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A side-view car: body, cabin, windows and two wheels."""
    draw = ImageDraw.Draw(canvas)
    w = rng.uniform(0.45, 0.8) * CANVAS
    h = 0.22 * w
    x0 = rng.uniform(0.05, 0.95) * CANVAS - w / 2
    y0 = rng.uniform(0.45, 0.7) * CANVAS
    colour = _random_colour(rng)
    draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
    draw.polygon([(x0 + 0.2 * w, y0), (x0 + 0.3 * w, y0 - 0.8 * h), (x0 + 0.7 * w, y0 - 0.8 * h),
                  (x0 + 0.8 * w, y0)], fill=colour)
    draw.rectangle([x0 + 0.33 * w, y0 - 0.65 * h, x0 + 0.67 * w, y0 - 0.05 * h],
                   fill=_jitter((170, 200, 230), rng, 30))
    for wx in (0.22, 0.78):
        _ellipse(draw, x0 + wx * w, y0 + h, 0.11 * w, 0.11 * w, fill=(25, 25, 25))
        _ellipse(draw, x0 + wx * w, y0 + h, 0.05 * w, 0.05 * w, fill=(170, 170, 170))


def draw_flower(canvas: Image.Image, rng: np.random.Generator) -> None:
    """A flower on a stem: petals (discs) around a centre."""
    draw = ImageDraw.Draw(canvas)
    cx, cy = rng.uniform(0.3, 0.7) * CANVAS, rng.uniform(0.3, 0.55) * CANVAS
    r = rng.uniform(0.08, 0.18) * CANVAS
    stem_end = cx + rng.uniform(-10, 10)
    draw.line([cx, cy, stem_end, CANVAS], fill=(50, 130, 50), width=max(2, int(r / 5)))
    petal = _random_colour(rng)
    n = rng.integers(5, 9)
    for k in range(n):
        a = 2 * np.pi * k / n
        _ellipse(draw, cx + r * math.cos(a), cy + r * math.sin(a), 0.55 * r, 0.55 * r, fill=petal)
    _ellipse(draw, cx, cy, 0.5 * r, 0.5 * r, fill=_jitter((230, 190, 40), rng))


def draw_balls(canvas: Image.Image, rng: np.random.Generator) -> None:
    """One to four balls, some with a shine (round heads without a face)."""
    draw = ImageDraw.Draw(canvas)
    for _ in range(rng.integers(1, 5)):
        r = rng.uniform(0.06, 0.3) * CANVAS
        cx, cy = rng.uniform(0.2, 0.8, 2) * CANVAS
        colour = _random_colour(rng) if rng.random() < 0.5 else _fur(rng)[0]
        _ellipse(draw, cx, cy, r, r, fill=colour)
        _ellipse(draw, cx - 0.35 * r, cy - 0.35 * r, 0.2 * r, 0.2 * r,
                 fill=tuple(min(255, v + 60) for v in colour))


def draw_clutter_only(canvas: Image.Image, rng: np.random.Generator) -> None:
    """Nothing in particular: a heap of clutter."""
    draw_clutter(ImageDraw.Draw(canvas), rng, int(rng.integers(4, 12)))


# (drawing function, weight): distractors sharing cat parts first, then the rest.
NON_CATS = (
    (draw_bear, 0.12), (draw_dog, 0.12), (draw_seal, 0.1), (draw_bird, 0.08),
    (draw_house, 0.1), (draw_pine_trees, 0.08), (draw_triangles, 0.08),
    (draw_landscape, 0.1), (draw_car, 0.08), (draw_flower, 0.06), (draw_balls, 0.04),
    (draw_clutter_only, 0.04),
)


def draw_non_cat(canvas: Image.Image, rng: np.random.Generator) -> None:
    """One non-cat subject chosen by the weights in ``NON_CATS``."""
    weights = np.array([w for _, w in NON_CATS])
    drawer = NON_CATS[rng.choice(len(NON_CATS), p=weights / weights.sum())][0]
    drawer(canvas, rng)


# ---------------------------------------------------------------------------------------------
# One image, then a whole split
# ---------------------------------------------------------------------------------------------
def photo_finish(canvas: Image.Image, rng: np.random.Generator) -> np.ndarray:
    """Reduce the canvas to SIZE x SIZE and add camera effects.

    Returns (SIZE, SIZE, 3) uint8: random flip, brightness/contrast/colour-cast jitter and
    Gaussian pixel noise.
    """
    if rng.random() < 0.5:
        canvas = canvas.transpose(Image.FLIP_LEFT_RIGHT)
    img = np.asarray(canvas.reduce(SUPERSAMPLE), dtype=np.float64)  # (SIZE, SIZE, 3)
    contrast = rng.uniform(0.7, 1.2)
    brightness = rng.uniform(*BRIGHTNESS)
    cast = rng.uniform(-15, 15, 3)
    img = (img - 128.0) * contrast + 128.0 + brightness + cast
    img += rng.normal(0.0, rng.uniform(2.0, 10.0), img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def draw_example(is_cat: bool, rng: np.random.Generator) -> np.ndarray:
    """One (SIZE, SIZE, 3) uint8 image: a cat or a non-cat in front of a random background."""
    canvas = random_background(rng, OUTDOORS_CAT if is_cat else OUTDOORS_NON_CAT)
    if rng.random() < CLUTTER_PROBABILITY:
        draw_clutter(ImageDraw.Draw(canvas), rng, int(rng.integers(1, 5)))
    (draw_cat if is_cat else draw_non_cat)(canvas, rng)
    return photo_finish(canvas, rng)


def make_split(m: int, cat_fraction: float, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray]:
    """``m`` images, ``round(cat_fraction * m)`` of them cats, in random order.

    Returns x (m, SIZE, SIZE, 3) uint8 and y (m,) int64.
    """
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"the number of images m must be an integer >= 1, got {m!r}")
    if not 0.0 <= cat_fraction <= 1.0:
        raise ValueError(f"cat_fraction must be in [0, 1], got {cat_fraction}")
    y = np.zeros(m, dtype=np.int64)
    y[: int(round(cat_fraction * m))] = 1
    y = y[rng.permutation(m)]
    x = np.stack([draw_example(bool(label), rng) for label in y])  # (m, SIZE, SIZE, 3)
    return x, y


def make_cat_dataset(seed: int = 0, m_train: int = 209, m_test: int = 50,
                     train_cat_fraction: float = 72 / 209, test_cat_fraction: float = 33 / 50
                     ) -> ImageDataset:
    """The cat vs non-cat stand-in, in the course files' layout.

    train_x (m_train, 64, 64, 3) uint8, train_y (m_train,) int64 (1 = cat),
    test_x (m_test, 64, 64, 3) uint8, test_y (m_test,) int64, classes ["non-cat", "cat"].
    The same ``seed`` gives identical arrays; the test split does not depend on ``m_train``.
    """
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    train_x, train_y = make_split(m_train, train_cat_fraction, np.random.default_rng(train_seed))
    test_x, test_y = make_split(m_test, test_cat_fraction, np.random.default_rng(test_seed))
    return ImageDataset(train_x, train_y, test_x, test_y, list(CLASSES))
