"""`deephys.findings(run)`: why does the model fail on each shifted dataset? (and `deephys report`)

For every OOD dataset, against the reference (the first ID dataset): accuracy and its drop, the classes
that lose most, the confusion cells that grow most and, for each, the units that drive it (direct
attribution through the classifier's linear readout), and the most shifted units. Every number comes
from `deephys.analysis` applied to what the file stores (summaries, tables and the readout's input
layer), as the viewer's Findings page computes it.

The result is a plain dict, the JSON interface of `deephys report --format json` (docs/findings.md).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import analysis
from .errors import UsageError
from .format.reader import Dataset, Run, open_run
from .format.readout import Readout


@dataclass(frozen=True)
class Limits:
    """How many of each kind of finding to keep (`deephys report --top-*`)."""

    classes: int = 5
    cells: int = 5
    units: int = 10
    shifted: int = 10


def json_number(value: float) -> float | None:
    """JSON has no NaN: undefined numbers are null."""
    return None if value is None or math.isnan(value) else float(value)


def readout_for(run: Run, fit: bool = False) -> tuple[Readout | None, dict[str, Any]]:
    """The readout that explains the logits: the file's, else (with `fit`) one fitted by least squares from
    the layer just before the classifier, kept only where determined and exact. Also its JSON description."""
    stored = run.readout
    if stored is not None:
        return stored, {
            "layer": stored.layer,
            "source": "file",
            "residual": json_number(stored.residual),
            "reason": None,
        }
    model = run.model
    position = model.layer_index(model.classifier)
    if not fit:
        reason = "the file has no readout: `deephys report FILE --fit-readout --write` can store one"
        return None, {"layer": None, "source": None, "residual": None, "reason": reason}
    if position == 0:
        reason = "the classifier is the first recorded layer: there is no layer before it to fit from"
        return None, {"layer": None, "source": None, "residual": None, "reason": reason}
    layer = model.layers[position - 1].name
    reference = _reference(run)
    if reference is None:
        return None, {"layer": layer, "source": None, "residual": None, "reason": "the file has no ID dataset"}
    sixteen_bit = reference.dtype(layer) in ("float16", "bfloat16") or reference.dtype(model.classifier) in (
        "float16",
        "bfloat16",
    )
    result = analysis.fit_readout(reference.activations(layer), reference.activations(model.classifier), sixteen_bit)
    if not result.ok:
        return None, {"layer": layer, "source": None, "residual": json_number(result.residual), "reason": result.reason}
    assert result.weights is not None and result.bias is not None
    readout = Readout(layer, result.weights, result.bias, source="fit", residual=result.residual)
    return readout, {"layer": layer, "source": "fit", "residual": result.residual, "reason": None}


def _reference(run: Run) -> Dataset | None:
    return next((d for d in run.datasets.values() if d.role == "id"), None)


def findings(
    run: Run | str | os.PathLike[str], limits: Limits | None = None, *, fit_readout: bool = False
) -> dict[str, Any]:
    """Why the model fails on each OOD dataset of `run` (a `Run` or a path); see the module's docstring."""
    if not isinstance(run, Run):
        with open_run(run) as opened:
            return findings(opened, limits, fit_readout=fit_readout)
    limits = limits or Limits()
    reference = _reference(run)
    readout, readout_json = readout_for(run, fit_readout)
    result: dict[str, Any] = {
        "file": str(run.path),
        "id_dataset": reference.name if reference is not None else None,
        "readout": readout_json,
        "datasets": [],
        "problems": [],
    }
    if reference is None:
        result["problems"].append("the file has no ID dataset: findings compare each shift with one")
        return result
    shifts = [d for d in run.datasets.values() if d.role == "ood"]
    if not shifts:
        result["problems"].append("the file has no OOD dataset: there is no shift to explain")
    context = _Context(run, reference, readout, limits)
    result["datasets"] = [context.dataset(shift) for shift in shifts]
    return result


class _Context:
    """What every shifted dataset is compared with: the reference's numbers, computed once."""

    def __init__(self, run: Run, reference: Dataset, readout: Readout | None, limits: Limits):
        self.run, self.reference, self.readout, self.limits = run, reference, readout, limits
        self.classes = run.classes
        count = len(self.classes)
        self.id_accuracy = analysis.accuracy(reference.labels, reference.predictions)
        self.id_class_accuracy = analysis.class_accuracy(reference.labels, reference.predictions, count)
        self.id_rates = analysis.confusion_rates(reference.labels, reference.predictions, count)
        self.id_rows: dict[int, np.ndarray] = {}  # class -> the readout layer's rows of its reference images
        self.reference_summaries = {layer.name: reference.summary(layer.name) for layer in run.model.layers}
        self.id_tuning = {
            name: analysis.ShiftReference(analysis.normalize(summary.class_means, summary.max))
            for name, summary in self.reference_summaries.items()
        }

    def scores(self, shift: Dataset, layer: str) -> tuple[np.ndarray, np.ndarray]:
        """Spurious and novelty scores of `layer`'s units under `shift`, as the viewer's shift view has them."""
        tuning = analysis.normalize(shift.summary(layer).class_means, self.reference_summaries[layer].max)
        reference = self.id_tuning[layer]
        return reference.spurious(tuning), reference.novelty(tuning)

    def dataset(self, shift: Dataset) -> dict[str, Any]:
        count = len(self.classes)
        labels, predictions = shift.labels, shift.predictions
        class_accuracy = analysis.class_accuracy(labels, predictions, count)
        scores = {layer.name: self.scores(shift, layer.name) for layer in self.run.model.layers}
        rates = analysis.confusion_rates(labels, predictions, count)
        true, predicted = analysis.growing_confusions(rates, self.id_rates, self.limits.cells)
        cells = [np.flatnonzero((labels == t) & (predictions == p)) for t, p in zip(true, predicted, strict=True)]
        acts = self.cell_activations(shift, cells, true)
        return {
            "name": shift.name,
            "images": len(shift),
            "accuracy": json_number(analysis.accuracy(labels, predictions)),
            "id_accuracy": json_number(self.id_accuracy),
            "classes": [
                {
                    "class": self.classes[c],
                    "index": int(c),
                    "accuracy": json_number(class_accuracy[c]),
                    "id_accuracy": json_number(self.id_class_accuracy[c]),
                }
                for c in analysis.losing_classes(class_accuracy, self.id_class_accuracy, self.limits.classes)
            ],
            "confusions": [
                self.confusion(int(t), int(p), rates, cell, cell_acts, scores)
                for t, p, cell, cell_acts in zip(true, predicted, cells, acts, strict=True)
            ],
            "shifted_units": self.shifted_units(scores),
        }

    def cell_activations(self, shift: Dataset, cells: list[np.ndarray], true: np.ndarray) -> list[np.ndarray | None]:
        """The readout layer's activations of each cell's images, read in one pass over the shift's chunks;
        and, for the cells' true classes, the reference's images of that class (kept for the next shift)."""
        if self.readout is None or not cells:
            return [None] * len(cells)
        layer = self.readout.layer
        rows = shift.rows(layer, np.concatenate(cells))
        missing = sorted({int(t) for t in true} - self.id_rows.keys())
        if missing:
            members = [np.flatnonzero(self.reference.labels == t) for t in missing]
            block = self.reference.rows(layer, np.concatenate(members))
            for t, part in zip(missing, np.split(block, np.cumsum([m.size for m in members])[:-1]), strict=True):
                self.id_rows[t] = part
        return list(np.split(rows, np.cumsum([cell.size for cell in cells])[:-1]))

    def confusion(
        self,
        t: int,
        p: int,
        rates: np.ndarray,
        cell: np.ndarray,
        cell_acts: np.ndarray | None,
        scores: dict[str, tuple[np.ndarray, np.ndarray]],
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "true": self.classes[t],
            "predicted": self.classes[p],
            "true_index": t,
            "predicted_index": p,
            "rate": json_number(rates[t, p]),
            "id_rate": json_number(self.id_rates[t, p]),
            "images": int(cell.size),
            "units": [],
        }
        if self.readout is None or cell_acts is None:
            return entry
        layer = self.readout.layer
        attribution = analysis.confusion_attribution(
            self.readout.weights, cell_acts, self.id_rows[t], t, p, n=self.limits.units
        )
        spurious, novelty = scores[layer]
        entry["units"] = [
            {
                "layer": layer,
                "unit": int(unit),
                "contribution": json_number(contribution),
                "id_contribution": json_number(id_contribution),
                "spurious": json_number(spurious[unit]),
                "novelty": json_number(novelty[unit]),
            }
            for unit, contribution, id_contribution in zip(
                attribution.units, attribution.contribution, attribution.id_contribution, strict=True
            )
        ]
        return entry

    def shifted_units(self, scores: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[dict[str, Any]]:
        """The units with the highest spurious scores across layers (undefined scores left out), ties by
        layer order, then unit."""
        names = [layer.name for layer in self.run.model.layers]
        spurious = np.concatenate([scores[name][0] for name in names])
        novelty = np.concatenate([scores[name][1] for name in names])
        owners = np.concatenate([np.full(scores[name][0].size, i) for i, name in enumerate(names)])
        units = np.concatenate([np.arange(scores[name][0].size) for name in names])
        order = analysis.most_shifted_units(spurious, novelty, by="spurious")
        order = order[~np.isnan(spurious[order])][: self.limits.shifted]
        return [
            {
                "layer": names[owners[i]],
                "unit": int(units[i]),
                "spurious": json_number(spurious[i]),
                "novelty": json_number(novelty[i]),
            }
            for i in order
        ]


def render(result: dict[str, Any], markdown: bool = False) -> str:
    """The findings as short sentences with their numbers (`deephys report`, the demo)."""
    strong = (lambda text: f"**{text}**") if markdown else (lambda text: text)
    bullet = "- " if markdown else "  "
    lines = [f"# Findings: {result['file']}" if markdown else f"Findings for {result['file']}"]
    lines += [f"{bullet}{problem}" for problem in result["problems"]]
    readout = result["readout"]
    if result["id_dataset"] is not None:
        lines.append(f"Reference: {strong(result['id_dataset'])} (ID), accuracy {_percent(_id_accuracy(result))}.")
        if readout["source"] is None:
            lines.append(f"No unit attribution: {readout['reason']}.")
        elif readout["source"] == "fit":
            lines.append(
                f"Units attributed through a readout fitted to {readout['layer']!r} (largest error "
                f"{readout['residual']:.2g} logits)."
            )
    for shift in result["datasets"]:
        lines.append("")
        lines.append(
            f"Under {strong(shift['name'])} accuracy falls from {_percent(shift['id_accuracy'])} to "
            f"{_percent(shift['accuracy'])} ({shift['images']:,} images)."
            if (shift["accuracy"] or 0) <= (shift["id_accuracy"] or 0)
            else f"Under {strong(shift['name'])} accuracy is {_percent(shift['accuracy'])} "
            f"(ID {_percent(shift['id_accuracy'])})."
        )
        if shift["classes"]:
            losing = ", ".join(
                f"{c['class']} ({_percent(c['id_accuracy'])} -> {_percent(c['accuracy'])})" for c in shift["classes"]
            )
            lines.append(f"{bullet}Classes that lose most: {losing}.")
        for cell in shift["confusions"]:
            sentence = (
                f"{bullet}{_percent(cell['rate'])} of the {cell['true']} images are read as {cell['predicted']} "
                f"(ID {_percent(cell['id_rate'])}; {cell['images']:,} images)"
            )
            if cell["units"]:
                drivers = cell["units"][:2]
                named = " and ".join(f"{u['layer']}/{u['unit']}" for u in drivers)
                spurious = [u["spurious"] for u in drivers if u["spurious"] is not None]
                sentence += f": units {named} drive it"
                if spurious and max(spurious) >= 0.5:
                    sentence += f", tuned to what the shift changed (spurious {max(spurious):.2f})"
            lines.append(sentence + ".")
        if shift["shifted_units"]:
            shifted = ", ".join(f"{u['layer']}/{u['unit']} ({u['spurious']:.2f})" for u in shift["shifted_units"][:5])
            lines.append(f"{bullet}Most shifted units (spurious score): {shifted}.")
    return "\n".join(lines) + "\n"


def _id_accuracy(result: dict[str, Any]) -> float | None:
    return result["datasets"][0]["id_accuracy"] if result["datasets"] else None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def check_limits(limits: Limits) -> Limits:
    for name, value in vars(limits).items():
        if value < 0:
            raise UsageError(f"--top-{name} must be 0 or more, not {value}")
    return limits
