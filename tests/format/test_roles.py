"""Dataset roles in `deephys.Writer`: the exporters' rule by default (the file's first dataset "id", every
later one "ood"), `role=` to say otherwise, and a warning for a file of several datasets and no shift."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import deephys

MODEL = deephys.Model("tiny", layers={"fc": 4, "out": 3}, classifier="out")


def add(writer: deephys.Writer, name: str, **options: object) -> None:
    rng = np.random.default_rng(len(writer.dataset_names))
    writer.add_dataset(
        name, labels=rng.integers(0, 3, 5), activations={"fc": rng.random((5, 4)), "out": rng.random((5, 3))}, **options
    )


def roles(path: Path) -> dict[str, str]:
    with deephys.open(path) as run:
        return {name: dataset.role for name, dataset in run.datasets.items()}


def test_the_first_dataset_is_id_and_the_others_ood_unless_role_says(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an ID set and shifts: nothing to warn about
        with deephys.Writer(path, model=MODEL) as writer:
            add(writer, "ID")
            for shift in range(3):
                add(writer, f"shift {shift}")
            with writer.dataset("streamed") as stream:
                stream.append(labels=np.zeros(2, np.int64), activations={"fc": np.ones((2, 4)), "out": np.ones((2, 3))})
            add(writer, "second ID", role="id")
    assert roles(path) == {
        "ID": "id",
        "shift 0": "ood",
        "shift 1": "ood",
        "shift 2": "ood",
        "streamed": "ood",
        "second ID": "id",
    }
    with deephys.Writer(path, mode="a") as writer:
        add(writer, "appended")  # the file has its ID set already
    assert roles(path)["appended"] == "ood"


def test_a_file_of_several_datasets_and_no_ood_one_warns(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    with pytest.warns(
        UserWarning, match=r"all 2 datasets are in-distribution \(role 'id'\), so the viewer has no shift"
    ):
        with deephys.Writer(path, model=MODEL) as writer:
            add(writer, "A", role="id")
            add(writer, "B", role="id")
    assert roles(path) == {"A": "id", "B": "id"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with deephys.Writer(tmp_path / "one.deephys", model=MODEL) as writer:
            add(writer, "only")  # one dataset: a file to add shifts to later, not a mistake
