"""The course's data files: one registry, one search path, loaders, and clear errors.

The Deep Learning Specialization ships its data as files (``train_catvnoncat.h5``,
``data.mat``, ``dinos.txt``, ...). They are DeepLearning.AI course material, so this
repository never commits or downloads them. A learner who has them puts them in
``<repo>/data/`` or points ``$MLSPEC_DATA`` at their folder (several folders may be given,
separated by ``os.pathsep``). Every dataset also has a deterministic synthetic stand-in
(``common/standins/``) with the same keys, shapes and dtypes, so every week runs offline.

Look-up order for a file: each folder in ``$MLSPEC_DATA``, then ``<repo>/data/``.

Checks made before a file is used (each failure names the file, the problem and the fix):

* missing            -> ``FileNotFoundError``
* a Git-LFS pointer  -> ``DataFileError`` (a ``ValueError``): the real file was never fetched
* wrong size         -> ``DataFileError``: truncated or a different file
* wrong sha256       -> ``DataFileError``: corrupted or a different version
* wrong HDF5 keys, shapes or dtypes -> ``DataFileError``

Files whose checksum we could not take here (we only record what we have verified) have
``sha256=None``; their keys and shapes are still checked.

``resolve(choice, files)`` turns ``--data auto|course|synthetic`` into ``"course"`` or
``"synthetic"`` and prints one line saying which was used and why.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "MLSPEC_DATA"
DATA_CHOICES = ("auto", "course", "synthetic")
LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/"


class DataFileError(ValueError):
    """A course data file exists but cannot be used (pointer, truncated, wrong content)."""


@dataclass(frozen=True)
class DataFile:
    """One course file: its original name and what a good copy looks like.

    ``h5_layout`` maps HDF5 dataset keys to ``(shape, accepted dtype kinds)`` (numpy kind
    letters: "u" unsigned, "i" signed integer, "S" bytes); a ``None`` in a shape means "any
    length" (e.g. the number of examples of a file we could not inspect here).
    """

    name: str
    course: str
    description: str
    size: int | None = None
    sha256: str | None = None
    h5_layout: dict[str, tuple[tuple[int | None, ...], str]] = field(default_factory=dict)


def _registry(*files: DataFile) -> dict[str, DataFile]:
    return {f.name: f for f in files}


REGISTRY: dict[str, DataFile] = _registry(
    DataFile(
        "train_catvnoncat.h5", "C1W2, C1W4", "cat vs non-cat, 209 training images 64x64x3",
        size=2572022,
        sha256="fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
        h5_layout={"train_set_x": ((209, 64, 64, 3), "u"), "train_set_y": ((209,), "i"),
                   "list_classes": ((2,), "S")},
    ),
    DataFile(
        "test_catvnoncat.h5", "C1W2, C1W4", "cat vs non-cat, 50 test images 64x64x3",
        size=616958,
        sha256="6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
        h5_layout={"test_set_x": ((50, 64, 64, 3), "u"), "test_set_y": ((50,), "i"),
                   "list_classes": ((2,), "S")},
    ),
    DataFile(
        "data.mat", "C2W1", "the 'football' 2-D points: X, y (train); Xval, yval (test)",
        size=6038,
        sha256="1218828095bf91d215622d00b2a5b8784c359e29d9d9c5734949b8e60c5bc231",
    ),
    DataFile(
        "train_signs.h5", "C2W3, C4W1, C4W2", "SIGNS hand signs 0-5, 1,080 training images 64x64x3",
        h5_layout={"train_set_x": ((None, 64, 64, 3), "u"), "train_set_y": ((None,), "iu"),
                   "list_classes": ((6,), "iuS")},
    ),
    DataFile(
        "test_signs.h5", "C2W3, C4W1, C4W2", "SIGNS hand signs 0-5, 120 test images 64x64x3",
        h5_layout={"test_set_x": ((None, 64, 64, 3), "u"), "test_set_y": ((None,), "iu"),
                   "list_classes": ((6,), "iuS")},
    ),
    DataFile(
        "train_happy.h5", "C4W1", "happy house faces, 600 training images 64x64x3",
        h5_layout={"train_set_x": ((None, 64, 64, 3), "u"), "train_set_y": ((None,), "iu"),
                   "list_classes": ((2,), "iuS")},
    ),
    DataFile(
        "test_happy.h5", "C4W1", "happy house faces, 150 test images 64x64x3",
        h5_layout={"test_set_x": ((None, 64, 64, 3), "u"), "test_set_y": ((None,), "iu"),
                   "list_classes": ((2,), "iuS")},
    ),
    DataFile(
        "dinos.txt", "C5W1", "1,536 dinosaur names, one per line",
        size=19909,
        sha256="ad6465621cf56c08f71d4fbb40cf7eab763f9df42c54cc460d6c4d86e9c927fb",
    ),
    DataFile(
        "coco_classes.txt", "C4W3", "the 80 COCO class names, one per line",
        size=625,
        sha256="634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84",
    ),
    DataFile(
        "yolo_anchors.txt", "C4W3", "the 5 YOLOv2 anchor boxes, one comma-separated line",
        size=90,
        sha256="5c099db205ff91c9a4e566efad1c94aee6b23165c910783534f4d34f03d949ea",
    ),
    DataFile(
        "train_emoji.csv", "C5W2", "Emojify training sentences with labels 0-4",
        size=3673,
        sha256="f7b219377b0f4898068811e83f82a373c4cf592fef618a818c62326b3386abdc",
    ),
    DataFile(
        "tesss.csv", "C5W2", "Emojify test sentences with labels 0-4",
        size=1481,
        sha256="5e5d63f8bf46fb8456de5f09fbfa2f1785f133553262af73064e7ea0735c1725",
    ),
    DataFile(
        "louvre_small.jpg", "C4W4", "style-transfer content image, 400x300 RGB",
        size=50296,
        sha256="4f3d0220a5d541d49714dbe3ea7c4c12ecbd9121ae049843fd38b36f5bd05a8f",
    ),
    DataFile(
        "monet.jpg", "C4W4", "style-transfer style image, 400x300 RGB",
        size=48146,
        sha256="853320fbd7729c6b7b673722bb0393a4c3fbded9a559470dd372885c73858799",
    ),
)

_FIX = ("Copy the course's file into {repo}/data/ or set {env} to the folder that holds it "
        "(see data/README.md), or run with --data synthetic.")


def search_path() -> list[Path]:
    """The folders searched for course files, in order: ``$MLSPEC_DATA`` then ``<repo>/data``."""
    folders = [Path(p).expanduser() for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    folders.append(REPO_ROOT / "data")
    return folders


def find(name: str) -> Path | None:
    """The first existing ``name`` on the search path, or ``None``."""
    for folder in search_path():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def available(*names: str) -> bool:
    """True when every named file is on the search path (not yet validated)."""
    return all(find(n) is not None for n in names)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _spec(name: str) -> DataFile:
    if name not in REGISTRY:
        raise KeyError(f"{name!r} is not a registered course file; known: {sorted(REGISTRY)}")
    return REGISTRY[name]


def validate(path: Path, spec: DataFile) -> None:
    """Raise ``DataFileError`` if ``path`` is not a usable copy of ``spec``."""
    fix = _FIX.format(repo=REPO_ROOT, env=ENV_VAR)
    with open(path, "rb") as fh:
        head = fh.read(len(LFS_POINTER_PREFIX))
    if head == LFS_POINTER_PREFIX:
        raise DataFileError(
            f"{spec.name} at {path} is a Git-LFS pointer file, not the data. "
            f"Fetch the real file (git lfs pull, or download it from the course). {fix}")
    size = path.stat().st_size
    if spec.size is not None and size != spec.size:
        what = "truncated" if size < spec.size else "larger than expected"
        raise DataFileError(
            f"{spec.name} at {path} has {size} bytes, expected {spec.size}: the file is {what} "
            f"or a different file. Copy it again. {fix}")
    if spec.sha256 is not None:
        got = _sha256(path)
        if got != spec.sha256:
            raise DataFileError(
                f"{spec.name} at {path} has sha256 {got[:16]}..., expected {spec.sha256[:16]}...: "
                f"the file is corrupted or a different version. Copy it again. {fix}")
    if spec.h5_layout:
        _validate_h5(path, spec, fix)


def _validate_h5(path: Path, spec: DataFile, fix: str) -> None:
    import h5py

    try:
        fh = h5py.File(path, "r")
    except OSError as err:
        raise DataFileError(
            f"{spec.name} at {path} is not a readable HDF5 file ({err}); it may be truncated. "
            f"Copy it again. {fix}") from err
    with fh:
        missing = sorted(set(spec.h5_layout) - set(fh.keys()))
        if missing:
            raise DataFileError(
                f"{spec.name} at {path} lacks the HDF5 keys {missing}; it has {sorted(fh.keys())}. "
                f"Expected the course's file with keys {sorted(spec.h5_layout)}. {fix}")
        for key, (shape, kind) in spec.h5_layout.items():
            ds = fh[key]
            ok_shape = len(ds.shape) == len(shape) and all(
                want is None or want == got for want, got in zip(shape, ds.shape))
            if not ok_shape or ds.dtype.kind not in kind:
                raise DataFileError(
                    f"{spec.name} at {path}: dataset {key!r} has shape {ds.shape} and dtype "
                    f"{ds.dtype}, expected shape {shape} (None = any) and dtype kind in {kind!r}. {fix}")


def require(name: str) -> Path:
    """The validated path of course file ``name``; raises a clear error otherwise."""
    spec = _spec(name)
    path = find(name)
    if path is None:
        searched = ", ".join(str(p) for p in search_path())
        raise FileNotFoundError(
            f"Course file {name} ({spec.description}; {spec.course}) was not found. "
            f"Searched: {searched}. " + _FIX.format(repo=REPO_ROOT, env=ENV_VAR))
    validate(path, spec)
    return path


def resolve(choice: str, files: Sequence[str], what: str) -> str:
    """Turn ``--data auto|course|synthetic`` into ``"course"`` or ``"synthetic"``.

    ``auto`` uses the course's files when all of ``files`` are on the search path (and then
    they must be valid: a broken file is an error, never silently replaced). Prints one line.
    """
    if choice not in DATA_CHOICES:
        raise ValueError(f"--data must be one of {DATA_CHOICES}, got {choice!r}")
    if choice == "synthetic":
        print(f"data: synthetic stand-in for {what} (--data synthetic)")
        return "synthetic"
    if choice == "auto" and not available(*files):
        missing = [f for f in files if find(f) is None]
        print(f"data: synthetic stand-in for {what} (course file(s) {', '.join(missing)} not found "
              f"in ${ENV_VAR} or data/; see data/README.md)")
        return "synthetic"
    paths = [require(f) for f in files]
    print(f"data: course files {', '.join(str(p) for p in paths)}")
    return "course"


# ---------------------------------------------------------------------------------------------
# Image datasets (cat vs non-cat, SIGNS, happy faces): the course's HDF5 layout
# ---------------------------------------------------------------------------------------------
class ImageDataset(NamedTuple):
    """Images in the course files' layout.

    train_x: (m_train, 64, 64, 3) uint8    train_y: (m_train,) int64
    test_x:  (m_test, 64, 64, 3) uint8     test_y:  (m_test,) int64
    classes: class names, index = label
    """

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    classes: list[str]


def _read_h5_split(name: str, split: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    import h5py

    path = require(name)
    with h5py.File(path, "r") as fh:
        x = np.asarray(fh[f"{split}_set_x"][:], dtype=np.uint8)
        y = np.asarray(fh[f"{split}_set_y"][:], dtype=np.int64)
        classes = [c.decode() if isinstance(c, bytes) else str(c) for c in fh["list_classes"][:]]
    return x, y, classes


def load_image_h5(train_name: str, test_name: str) -> ImageDataset:
    """Read a course train/test HDF5 pair into an ``ImageDataset``."""
    train_x, train_y, classes = _read_h5_split(train_name, "train")
    test_x, test_y, _ = _read_h5_split(test_name, "test")
    return ImageDataset(train_x, train_y, test_x, test_y, classes)


def write_image_h5(dataset: ImageDataset, train_path: Path, test_path: Path) -> None:
    """Write an ``ImageDataset`` with the course's keys (used by tests and by learners)."""
    import h5py

    for path, split, x, y in ((train_path, "train", dataset.train_x, dataset.train_y),
                              (test_path, "test", dataset.test_x, dataset.test_y)):
        with h5py.File(path, "w") as fh:
            fh[f"{split}_set_x"] = x
            fh[f"{split}_set_y"] = y
            fh["list_classes"] = np.array([c.encode() for c in dataset.classes])


def flatten_images(x: np.ndarray) -> np.ndarray:
    """(m, h, w, c) uint8 images -> (h*w*c, m) float64 in [0, 1], the course-1 layout."""
    if x.ndim != 4:
        raise ValueError(f"expected images of shape (m, height, width, channels), got {x.shape}")
    m = x.shape[0]
    return x.reshape(m, -1).T.astype(np.float64) / 255.0  # (m, n_x) -> (n_x, m)


def load_cats(data: str = "auto", seed: int = 0) -> tuple[ImageDataset, str]:
    """Cat vs non-cat: the course's files when present, else the synthetic stand-in.

    Returns ``(dataset, source)`` with ``source`` in {"course", "synthetic"}.
    """
    source = resolve(data, ["train_catvnoncat.h5", "test_catvnoncat.h5"], "cat vs non-cat")
    if source == "course":
        return load_image_h5("train_catvnoncat.h5", "test_catvnoncat.h5"), source
    from common.standins import cats

    return cats.make_cat_dataset(seed=seed), source


def load_signs(data: str = "auto", seed: int = 0) -> tuple[ImageDataset, str]:
    """SIGNS (hand signs 0-5): the course's files when present, else the synthetic stand-in."""
    source = resolve(data, ["train_signs.h5", "test_signs.h5"], "SIGNS")
    if source == "course":
        return load_image_h5("train_signs.h5", "test_signs.h5"), source
    from common.standins import signs

    return signs.make_signs_dataset(seed=seed), source


def load_happy(data: str = "auto", seed: int = 0) -> tuple[ImageDataset, str]:
    """Happy house faces (smiling or not): the course's files when present, else the stand-in."""
    source = resolve(data, ["train_happy.h5", "test_happy.h5"], "happy faces")
    if source == "course":
        return load_image_h5("train_happy.h5", "test_happy.h5"), source
    from common.standins import happy

    return happy.make_happy_dataset(seed=seed), source


# ---------------------------------------------------------------------------------------------
# Course 2 week 1: the "football" points in data.mat
# ---------------------------------------------------------------------------------------------
class PointsDataset(NamedTuple):
    """2-D points in course layout: X (2, m) float64, Y (1, m) int64 in {0, 1}."""

    train_X: np.ndarray
    train_Y: np.ndarray
    test_X: np.ndarray
    test_Y: np.ndarray


def load_football_file() -> PointsDataset:
    """Read ``data.mat`` (X (211, 2), y (211, 1), Xval (200, 2), yval (200, 1)) in course layout."""
    import scipy.io

    path = require("data.mat")
    try:
        mat = scipy.io.loadmat(path)
    except Exception as err:  # scipy raises several types for a corrupt file
        raise DataFileError(f"data.mat at {path} could not be read as a MATLAB file: {err}") from err
    need = {"X": 2, "y": 1, "Xval": 2, "yval": 1}
    for key, cols in need.items():
        if key not in mat or mat[key].ndim != 2 or mat[key].shape[1] != cols:
            raise DataFileError(
                f"data.mat at {path}: expected key {key!r} with shape (m, {cols}); keys present: "
                f"{sorted(k for k in mat if not k.startswith('__'))}")
    return PointsDataset(mat["X"].T.astype(np.float64), mat["y"].T.astype(np.int64),
                         mat["Xval"].T.astype(np.float64), mat["yval"].T.astype(np.int64))


def load_football(data: str = "auto", seed: int = 0) -> tuple[PointsDataset, str]:
    """The football points: ``data.mat`` when present, else a 2-D stand-in with a train/test shift."""
    source = resolve(data, ["data.mat"], "the football points (data.mat)")
    if source == "course":
        return load_football_file(), source
    from common import synthetic2d

    return synthetic2d.football(seed=seed), source


# ---------------------------------------------------------------------------------------------
# Course 5 week 1: names, one per line
# ---------------------------------------------------------------------------------------------
def read_text_lines(name: str) -> list[str]:
    """Non-empty lines of a course text file, lower-cased and stripped."""
    path = require(name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataFileError(f"{name} at {path} is not UTF-8 text: {err}") from err
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if not lines:
        raise DataFileError(f"{name} at {path} holds no names (expected one name per line)")
    return lines


def load_names(data: str = "auto", seed: int = 0) -> tuple[list[str], str]:
    """Dinosaur names (``dinos.txt``) when present, else invented names from syllable rules."""
    source = resolve(data, ["dinos.txt"], "the dinosaur names (dinos.txt)")
    if source == "course":
        return read_text_lines("dinos.txt"), source
    from common.standins import names

    return names.make_names(seed=seed), source
