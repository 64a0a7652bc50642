"""The demo's report, computed with `deephys.analysis` from the numbers stored in the written file."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import analysis
from ..format import open_run
from .data import PERMUTED_FROM, SHIFTS

__all__ = ["ANALYSED_LAYER", "DatasetFinding", "Findings", "read_findings"]

ANALYSED_LAYER = "fc1"  # the paper's 50-unit layer, after ReLU
PERMUTED = SHIFTS[0]


@dataclass(frozen=True)
class DatasetFinding:
    name: str
    accuracy: float
    spurious: NDArray[np.float64] | None  # per unit of ANALYSED_LAYER, against the ID set; None for the ID set
    follows_colour: float | None = None  # permuted colours: fraction predicted as the class whose colour they wear

    @property
    def spurious_mean(self) -> float:
        return float(np.nanmean(self.spurious)) if self.spurious is not None else float("nan")

    @property
    def spurious_median(self) -> float:
        return float(np.nanmedian(self.spurious)) if self.spurious is not None else float("nan")


@dataclass(frozen=True)
class Findings:
    id_name: str
    datasets: dict[str, DatasetFinding]  # the ID set first
    control: NDArray[np.float64]  # spurious scores between the two halves of the ID set: no shift at all
    dead_units: int  # units of ANALYSED_LAYER that never fire on the ID set (their scores are NaN)

    def control_line(self) -> str:
        """The control, in one line: the spurious scores between the two halves of the ID set (no shift)."""
        return (
            f"Control, no shift (the two halves of {self.id_name}): spurious score of the {ANALYSED_LAYER} units "
            f"{np.nanmean(self.control):.2f} / {np.nanmedian(self.control):.2f} (mean / median), against "
            f"{self._permuted_scores()} under {PERMUTED}."
        )

    def _permuted_scores(self) -> str:
        permuted = self.datasets.get(PERMUTED)
        if permuted is None or permuted.spurious is None:
            return "n/a"
        return f"{permuted.spurious_mean:.2f} / {permuted.spurious_median:.2f}"

    def format(self) -> str:
        control_name = "control: ID halves"
        width = max(len(name) for name in [*self.datasets, control_name])
        lines = [f"{'dataset':<{width}}  accuracy  spurious score of the {ANALYSED_LAYER} units (mean / median)"]
        for finding in self.datasets.values():
            scores = (
                "(reference)"
                if finding.spurious is None
                else f"{finding.spurious_mean:.2f} / {finding.spurious_median:.2f}"
            )
            lines.append(f"{finding.name:<{width}}  {finding.accuracy:8.3f}  {scores}")
        control = f"{np.nanmean(self.control):.2f} / {np.nanmedian(self.control):.2f}"
        lines.append(f"{control_name:<{width}}  {'':8}  {control}")
        for finding in self.datasets.values():
            if finding.follows_colour is not None:
                lines.append(
                    f"{finding.name}: {finding.follows_colour:.0%} of the images are classified as the "
                    "digit whose colour they wear"
                )
        if self.dead_units:
            lines.append(f"({self.dead_units} {ANALYSED_LAYER} units never fire on the ID set: left out)")
        return "\n".join(lines)


def read_findings(path: str | os.PathLike[str], layer: str = ANALYSED_LAYER) -> Findings:
    """Accuracy of every dataset, and spurious scores of `layer` for every OOD set against the ID set."""
    with open_run(path) as run:
        num_classes = len(run.classes)
        datasets = list(run.datasets.values())
        reference = next(d for d in datasets if d.role == "id")
        id_acts, id_labels = reference.activations(layer), reference.labels
        ref_max = analysis.reference_max(id_acts)
        id_tuning = analysis.tuning_matrix(id_acts, id_labels, num_classes, ref_max)

        findings: dict[str, DatasetFinding] = {}
        for dataset in datasets:
            accuracy = analysis.accuracy(dataset.labels, dataset.predictions)
            spurious = follows = None
            if dataset is not reference:
                tuning = analysis.tuning_matrix(dataset.activations(layer), dataset.labels, num_classes, ref_max)
                spurious = analysis.spurious_scores(id_tuning, tuning)
            if dataset.name == PERMUTED:
                follows = analysis.accuracy(PERMUTED_FROM[dataset.labels], dataset.predictions)
            findings[dataset.name] = DatasetFinding(dataset.name, accuracy, spurious, follows)

    halves = [np.arange(len(id_labels))[parity::2] for parity in (0, 1)]
    first, second = (analysis.tuning_matrix(id_acts[h], id_labels[h], num_classes, ref_max) for h in halves)
    dead = int(np.count_nonzero(~(np.isfinite(ref_max) & (ref_max > 0))))
    return Findings(reference.name, findings, analysis.spurious_scores(first, second), dead)
