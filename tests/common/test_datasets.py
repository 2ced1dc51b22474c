"""The data registry: search path, validation errors, --data resolution, loaders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common import datasets
from common.testing import require_course_files


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty data folder that is the only place searched (besides <repo>/data)."""
    monkeypatch.setenv(datasets.ENV_VAR, str(tmp_path))
    monkeypatch.setattr(datasets, "REPO_ROOT", tmp_path / "no-repo")
    return tmp_path


def _signs_like(m_train: int = 5, m_test: int = 3) -> datasets.ImageDataset:
    rng = np.random.default_rng(0)
    return datasets.ImageDataset(
        rng.integers(0, 256, (m_train, 64, 64, 3), dtype=np.uint8), rng.integers(0, 6, m_train),
        rng.integers(0, 256, (m_test, 64, 64, 3), dtype=np.uint8), rng.integers(0, 6, m_test),
        [str(i) for i in range(6)])


def test_search_path_order(data_dir, monkeypatch, tmp_path):
    second = tmp_path / "second"
    second.mkdir()
    monkeypatch.setenv(datasets.ENV_VAR, f"{data_dir}{datasets.os.pathsep}{second}")
    path = datasets.search_path()
    assert path[0] == data_dir and path[1] == second
    assert path[-1] == datasets.REPO_ROOT / "data"


def test_missing_file_names_file_paths_and_fix(data_dir):
    with pytest.raises(FileNotFoundError) as err:
        datasets.require("train_catvnoncat.h5")
    msg = str(err.value)
    assert "train_catvnoncat.h5" in msg and str(data_dir) in msg and "--data synthetic" in msg


def test_unknown_name_is_a_key_error():
    with pytest.raises(KeyError, match="not a registered course file"):
        datasets.require("no_such_file.h5")


def test_git_lfs_pointer_is_recognised(data_dir):
    (data_dir / "train_catvnoncat.h5").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 2572022\n")
    with pytest.raises(datasets.DataFileError, match="Git-LFS pointer"):
        datasets.require("train_catvnoncat.h5")


def test_truncated_file_with_known_size(data_dir):
    (data_dir / "train_catvnoncat.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 1000)
    with pytest.raises(datasets.DataFileError, match="truncated"):
        datasets.require("train_catvnoncat.h5")


def test_checksum_mismatch(data_dir):
    (data_dir / "data.mat").write_bytes(b"x" * datasets.REGISTRY["data.mat"].size)
    with pytest.raises(datasets.DataFileError, match="sha256"):
        datasets.require("data.mat")


def test_truncated_hdf5_without_known_size(data_dir):
    datasets.write_image_h5(_signs_like(), data_dir / "train_signs.h5", data_dir / "test_signs.h5")
    raw = (data_dir / "train_signs.h5").read_bytes()
    (data_dir / "train_signs.h5").write_bytes(raw[: len(raw) // 3])
    with pytest.raises(datasets.DataFileError, match="not a readable HDF5 file"):
        datasets.require("train_signs.h5")


def test_wrong_hdf5_keys(data_dir):
    import h5py

    with h5py.File(data_dir / "train_signs.h5", "w") as fh:
        fh["images"] = np.zeros((2, 64, 64, 3), np.uint8)
    with pytest.raises(datasets.DataFileError, match="lacks the HDF5 keys"):
        datasets.require("train_signs.h5")


def test_wrong_hdf5_shape(data_dir):
    import h5py

    with h5py.File(data_dir / "train_signs.h5", "w") as fh:
        fh["train_set_x"] = np.zeros((2, 32, 32, 3), np.uint8)
        fh["train_set_y"] = np.zeros((2,), np.int64)
        fh["list_classes"] = np.arange(6)
    with pytest.raises(datasets.DataFileError, match="train_set_x.*shape"):
        datasets.require("train_signs.h5")


def test_image_h5_round_trip_and_course_resolution(data_dir, capsys):
    original = _signs_like()
    datasets.write_image_h5(original, data_dir / "train_signs.h5", data_dir / "test_signs.h5")
    loaded = datasets.load_image_h5("train_signs.h5", "test_signs.h5")
    for a, b in zip(original[:4], loaded[:4]):
        np.testing.assert_array_equal(a, b)
    assert loaded.classes == original.classes
    assert datasets.resolve("auto", ["train_signs.h5", "test_signs.h5"], "SIGNS") == "course"
    assert "data: course files" in capsys.readouterr().out


def test_auto_falls_back_to_synthetic_with_one_line(data_dir, capsys):
    assert datasets.resolve("auto", ["data.mat"], "football") == "synthetic"
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "synthetic stand-in" in out[0] and "data.mat" in out[0]


def test_course_choice_requires_the_files(data_dir):
    with pytest.raises(FileNotFoundError, match="data.mat"):
        datasets.resolve("course", ["data.mat"], "football")


def test_auto_never_hides_a_broken_file(data_dir):
    (data_dir / "data.mat").write_bytes(b"broken")
    with pytest.raises(datasets.DataFileError):
        datasets.resolve("auto", ["data.mat"], "football")


def test_invalid_data_choice():
    with pytest.raises(ValueError, match="--data must be one of"):
        datasets.resolve("maybe", ["data.mat"], "football")


def test_flatten_images_layout():
    x = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    flat = datasets.flatten_images(x)
    assert flat.shape == (48, 2) and flat.dtype == np.float64
    np.testing.assert_allclose(flat[:, 1], x[1].ravel() / 255.0)
    with pytest.raises(ValueError, match="expected images of shape"):
        datasets.flatten_images(x[0])


def test_football_synthetic_layout(data_dir):
    points, source = datasets.load_football("synthetic", seed=0)
    assert source == "synthetic"
    assert points.train_X.shape == (2, 211) and points.train_Y.shape == (1, 211)
    assert points.test_X.shape == (2, 200) and set(np.unique(points.test_Y)) == {0, 1}


def test_names_file_must_hold_names(data_dir):
    datasets.REGISTRY  # noqa: B018 - dinos.txt has a checksum, so use an unchecked copy of its rules
    (data_dir / "empty.txt").write_text("\n\n")
    datasets.REGISTRY["empty.txt"] = datasets.DataFile("empty.txt", "test", "empty names file")
    try:
        with pytest.raises(datasets.DataFileError, match="holds no names"):
            datasets.read_text_lines("empty.txt")
    finally:
        del datasets.REGISTRY["empty.txt"]


@require_course_files("train_catvnoncat.h5", "test_catvnoncat.h5")
def test_course_cat_files_load_in_course_layout():
    data, source = datasets.load_cats("course")
    assert source == "course"
    assert data.train_x.shape == (209, 64, 64, 3) and data.test_x.shape == (50, 64, 64, 3)
    assert data.classes == ["non-cat", "cat"]
    assert int(data.train_y.sum()) == 72 and int(data.test_y.sum()) == 33


@require_course_files("data.mat")
def test_course_football_file_loads():
    points = datasets.load_football_file()
    assert points.train_X.shape == (2, 211) and points.test_X.shape == (2, 200)


@require_course_files("dinos.txt")
def test_course_names_file_loads():
    names = datasets.read_text_lines("dinos.txt")
    assert len(names) == 1536 and all(n == n.lower() for n in names)
