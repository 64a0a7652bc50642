"""`deephys.compare(a, b)`: two models recorded on the same datasets, unit by unit. Did the fix work?

1. Pairing: the datasets the two files share by name must hold the same images (same counts, the same
   class for every image, and, where both store thumbnails, images that look the same once resampled to
   a small common size); anything else is refused with what differs.
2. Matching: for each pair of layers (the same name, else the same relative depth, or `layers=`), the
   Pearson correlation of every unit pair over the reference images (the first ID dataset), streamed
   chunk by chunk; each A unit's best match in B; the one-to-one matching; units unique to each model.
3. What changed: accuracy per dataset and per class, the confusion cells that appear or vanish, the shift
   scores of matched units side by side, and, for the units that drive A's wrong answers, whether B has
   them and whether B's match still drives the same wrong answer.

The result is a plain dict (`deephys compare --format json`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image as PILImage

from . import analysis
from .analysis.ranking import rank_desc_nan_last
from .errors import PairingError, UsageError
from .findings import Limits, findings, json_number, readout_for
from .format.reader import Dataset, Run, open_run

#: Thumbnails are compared as grey SIDE x SIDE pictures; images "look the same" under this mean difference.
SIDE = 16
IMAGE_TOLERANCE = 0.08
SAMPLE_IMAGES = 8
BLOCK_ROWS = 4096


@dataclass(frozen=True)
class Pairing:
    shared: list[str]
    only_a: list[str]
    only_b: list[str]
    reference: str


def pair(run_a: Run, run_b: Run, assume_same: bool = False) -> Pairing:
    """The datasets both files hold, checked to be the same images (see the module's docstring)."""
    shared = [name for name in run_a.datasets if name in run_b.datasets]
    where = f"{run_a.path} and {run_b.path}"
    if not shared:
        raise PairingError(f"{where} share no dataset name: compare files recorded on the same datasets")
    for name in shared:
        a, b = run_a.datasets[name], run_b.datasets[name]
        if len(a) != len(b):
            raise PairingError(f"{where}: dataset {name!r} has {len(a):,} images in one and {len(b):,} in the other")
        names_a = np.asarray(run_a.classes, dtype=object)[a.labels]
        names_b = np.asarray(run_b.classes, dtype=object)[b.labels]
        differ = np.flatnonzero(names_a != names_b)
        if differ.size:
            i = int(differ[0])
            raise PairingError(
                f"{where}: dataset {name!r}: image {i} is of class {names_a[i]!r} in one and {names_b[i]!r} in the "
                f"other ({differ.size:,} images differ): the images are not in the same order"
            )
        if not assume_same:
            _check_images(a, b, f"{where}: dataset {name!r}")
    reference = next((name for name in shared if run_a.datasets[name].role == run_b.datasets[name].role == "id"), None)
    if reference is None:
        raise PairingError(
            f"{where}: no ID dataset is shared (ID in both files): units are matched on the reference images"
        )
    return Pairing(
        shared,
        [name for name in run_a.datasets if name not in shared],
        [name for name in run_b.datasets if name not in shared],
        reference,
    )


def _check_images(a: Dataset, b: Dataset, where: str) -> None:
    if not (a.has_images and b.has_images) or len(a) == 0:
        return
    for i in np.unique(np.linspace(0, len(a) - 1, SAMPLE_IMAGES).astype(int)):
        if not (a.has_image(int(i)) and b.has_image(int(i))):
            continue
        difference = float(np.mean(np.abs(_small(a.image(int(i))) - _small(b.image(int(i))))))
        if difference > IMAGE_TOLERANCE:
            raise PairingError(
                f"{where}: image {i} differs between the files (mean difference {difference:.2f} of full scale, "
                f"more than {IMAGE_TOLERANCE}): are they the same images in the same order? "
                "(--assume-same skips this check)"
            )


def _small(image: np.ndarray) -> np.ndarray:
    """A thumbnail as grey SIDE x SIDE floats in [0, 1], whatever its size, layout or lossy encoding."""
    grey = image.mean(axis=2) if image.ndim == 3 else image
    small = PILImage.fromarray(grey.astype(np.uint8)).resize((SIDE, SIDE), PILImage.Resampling.BILINEAR)
    return np.asarray(small, dtype=np.float64) / 255.0


def layer_pairs(run_a: Run, run_b: Run, layers: Sequence[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The layers to match: those given, else A's layers with B's of the same name, else of the same
    relative depth."""
    names_a, names_b = run_a.model.layer_names, run_b.model.layer_names
    if layers:
        for a, b in layers:
            if a not in names_a or b not in names_b:
                raise UsageError(f"--layers {a}:{b}: A's layers are {names_a}, B's {names_b}")
        return list(layers)
    pairs = []
    for i, name in enumerate(names_a):
        if name in names_b:
            pairs.append((name, name))
        else:
            depth = i / max(1, len(names_a) - 1)
            pairs.append((name, names_b[round(depth * (len(names_b) - 1))]))
    return pairs


def _blocks(a: Dataset, b: Dataset, layer_a: str, layer_b: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, len(a), BLOCK_ROWS):
        stop = min(len(a), start + BLOCK_ROWS)
        yield a.activations(layer_a, start, stop), b.activations(layer_b, start, stop)


def match_layers(a: Dataset, b: Dataset, layer_a: str, layer_b: str) -> np.ndarray:
    """Correlations (units_a x units_b) of the two layers over the dataset's images, read block by block."""
    units_a = a.run.model.layers[a.run.model.layer_index(layer_a)].units
    units_b = b.run.model.layers[b.run.model.layer_index(layer_b)].units
    accumulator = analysis.CorrelationAccumulator(units_a, units_b)
    for block_a, block_b in _blocks(a, b, layer_a, layer_b):
        accumulator.add(block_a, block_b)
    return accumulator.result()


def compare(
    a: Run | str | os.PathLike[str],
    b: Run | str | os.PathLike[str],
    *,
    layers: Sequence[tuple[str, str]] | None = None,
    threshold: float = 0.5,
    assume_same: bool = False,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Compare model A (file `a`) with model B (file `b`) on the datasets they share (module docstring)."""
    with ExitStack() as stack:
        run_a = a if isinstance(a, Run) else stack.enter_context(open_run(a))
        run_b = b if isinstance(b, Run) else stack.enter_context(open_run(b))
        return _compare(run_a, run_b, layers, threshold, assume_same, limits or Limits())


def _compare(
    run_a: Run,
    run_b: Run,
    layers: Sequence[tuple[str, str]] | None,
    threshold: float,
    assume_same: bool,
    limits: Limits,
) -> dict[str, Any]:
    pairing = pair(run_a, run_b, assume_same)
    reference_a, reference_b = run_a.datasets[pairing.reference], run_b.datasets[pairing.reference]
    matches = []
    for layer_a, layer_b in layer_pairs(run_a, run_b, layers):
        corr = match_layers(reference_a, reference_b, layer_a, layer_b)
        best, best_corr = analysis.best_matches(corr)
        matching = analysis.one_to_one(corr, threshold)
        matches.append((layer_a, layer_b, best, best_corr, matching))
    findings_a = findings(run_a, limits)
    readout_b, _ = readout_for(run_b)
    return {
        "a": {"file": str(run_a.path), "model": run_a.model.name},
        "b": {"file": str(run_b.path), "model": run_b.model.name},
        "reference": pairing.reference,
        "datasets": pairing.shared,
        "only_in_a": pairing.only_a,
        "only_in_b": pairing.only_b,
        "threshold": threshold,
        "layers": [_layer_json(*m, threshold) for m in matches],
        "accuracy": [_accuracy(run_a.datasets[name], run_b.datasets[name]) for name in pairing.shared],
        "confusions": [
            _confusions(run_a.datasets[name], run_b.datasets[name], limits)
            for name in pairing.shared
            if run_a.datasets[name].role == "ood"
        ],
        "scores": _scores(run_a, run_b, pairing, matches, threshold),
        "drivers": _drivers(findings_a, run_b, readout_b, matches, threshold, limits),
    }


def _layer_json(
    layer_a: str, layer_b: str, best: np.ndarray, best_corr: np.ndarray, matching: analysis.Matching, threshold: float
) -> dict[str, Any]:
    return {
        "a": layer_a,
        "b": layer_b,
        "best": [
            {"unit": i, "match": int(best[i]), "correlation": json_number(best_corr[i])} for i in range(best.size)
        ],
        "one_to_one": [
            {"unit": i, "match": int(matching.partner[i]), "correlation": json_number(matching.correlation[i])}
            for i in range(matching.partner.size)
        ],
        "unique_to_a": matching.unique_a.tolist(),
        "unique_to_b": matching.unique_b.tolist(),
        "matched": int(matching.partner.size - matching.unique_a.size),
        "threshold": threshold,
    }


def _accuracy(a: Dataset, b: Dataset) -> dict[str, Any]:
    count = len(a.run.classes)
    acc_a, acc_b = analysis.accuracy(a.labels, a.predictions), analysis.accuracy(b.labels, b.predictions)
    class_a = analysis.class_accuracy(a.labels, a.predictions, count)
    names_b = {name: i for i, name in enumerate(b.run.classes)}
    class_b = analysis.class_accuracy(b.labels, b.predictions, len(b.run.classes))
    classes = []
    for i, name in enumerate(a.run.classes):
        j = names_b.get(name)
        value_b = class_b[j] if j is not None else np.nan
        classes.append(
            {
                "class": name,
                "a": json_number(class_a[i]),
                "b": json_number(value_b),
                "change": json_number(value_b - class_a[i]),
            }
        )
    return {
        "dataset": a.name,
        "role": a.role,
        "a": json_number(acc_a),
        "b": json_number(acc_b),
        "change": json_number(acc_b - acc_a),
        "classes": classes,
    }


def _confusions(a: Dataset, b: Dataset, limits: Limits) -> dict[str, Any]:
    """The wrong cells that grow most from A to B (appear) and from B to A (vanish), in class names."""
    count = len(a.run.classes)
    rates_a = analysis.confusion_rates(a.labels, a.predictions, count)
    rates_b = analysis.confusion_rates(b.labels, b.predictions, count)

    def cells(grown: np.ndarray, base: np.ndarray) -> list[dict[str, Any]]:
        true, predicted = analysis.growing_confusions(grown, base, limits.cells)
        return [
            {
                "true": a.run.classes[t],
                "predicted": a.run.classes[p],
                "rate_a": json_number(rates_a[t, p]),
                "rate_b": json_number(rates_b[t, p]),
            }
            for t, p in zip(true.tolist(), predicted.tolist(), strict=True)
        ]

    return {"dataset": a.name, "appear": cells(rates_b, rates_a), "vanish": cells(rates_a, rates_b)}


def _scores(run_a: Run, run_b: Run, pairing: Pairing, matches: list[Any], threshold: float) -> list[dict[str, Any]]:
    """Spurious and novelty scores of matched unit pairs, per OOD dataset and layer pair: the pairs whose
    spurious score changed most, and the mean over all matched pairs."""
    out = []
    reference_a, reference_b = run_a.datasets[pairing.reference], run_b.datasets[pairing.reference]
    for name in pairing.shared:
        shift_a, shift_b = run_a.datasets[name], run_b.datasets[name]
        if shift_a.role != "ood":
            continue
        for layer_a, layer_b, _best, _corr, matching in matches:
            spurious_a, novelty_a = _layer_scores(reference_a, shift_a, layer_a)
            spurious_b, novelty_b = _layer_scores(reference_b, shift_b, layer_b)
            units = np.flatnonzero(~np.isnan(matching.correlation) & (matching.correlation >= threshold))
            partners = matching.partner[units]
            change = spurious_b[partners] - spurious_a[units]
            order = units[rank_desc_nan_last(-change)] if units.size else units
            by_unit = {int(u): i for i, u in enumerate(units)}
            out.append(
                {
                    "dataset": name,
                    "layer_a": layer_a,
                    "layer_b": layer_b,
                    "mean_spurious_a": json_number(float(np.nanmean(spurious_a[units])) if units.size else np.nan),
                    "mean_spurious_b": json_number(float(np.nanmean(spurious_b[partners])) if units.size else np.nan),
                    "units": [
                        {
                            "unit": int(u),
                            "match": int(matching.partner[u]),
                            "spurious_a": json_number(spurious_a[u]),
                            "spurious_b": json_number(spurious_b[matching.partner[u]]),
                            "novelty_a": json_number(novelty_a[u]),
                            "novelty_b": json_number(novelty_b[matching.partner[u]]),
                            "change": json_number(change[by_unit[int(u)]]),
                        }
                        for u in order[:10]
                    ],
                }
            )
    return out


def _layer_scores(reference: Dataset, shift: Dataset, layer: str) -> tuple[np.ndarray, np.ndarray]:
    ref = reference.summary(layer)
    tuning_id = analysis.normalize(ref.class_means, ref.max)
    tuning = analysis.normalize(shift.summary(layer).class_means, ref.max)
    return analysis.spurious_scores(tuning_id, tuning), analysis.novelty_scores(tuning_id, tuning)


def _drivers(
    findings_a: dict[str, Any],
    run_b: Run,
    readout_b: Any,
    matches: list[Any],
    threshold: float,
    limits: Limits,
) -> list[dict[str, Any]]:
    """For each unit that drives one of A's top wrong answers: its match in B, and whether that match still
    drives the same wrong answer in B (is among B's top units for the cell, pushing the wrong way)."""
    by_layer = {layer_a: (layer_b, matching) for layer_a, layer_b, _b, _c, matching in matches}
    out = []
    for shift in findings_a["datasets"]:
        if shift["name"] not in run_b.datasets:
            continue
        dataset_b = run_b.datasets[shift["name"]]
        rates_b = analysis.confusion_rates(dataset_b.labels, dataset_b.predictions, len(run_b.classes))
        for cell in shift["confusions"]:
            t, p = run_b.classes.index(cell["true"]), run_b.classes.index(cell["predicted"])
            b_units = _b_cell_units(run_b, readout_b, dataset_b, t, p, limits)
            for unit in cell["units"]:
                layer_b, matching = by_layer.get(unit["layer"], (None, None))
                match, corr = None, None
                if matching is not None:
                    partner, value = int(matching.partner[unit["unit"]]), matching.correlation[unit["unit"]]
                    if partner >= 0 and not np.isnan(value) and value >= threshold:
                        match, corr = partner, float(value)
                still = match is not None and any(u["layer"] == layer_b and u["unit"] == match for u in b_units)
                out.append(
                    {
                        "dataset": shift["name"],
                        "true": cell["true"],
                        "predicted": cell["predicted"],
                        "rate_a": cell["rate"],
                        "rate_b": json_number(rates_b[t, p]),
                        "layer": unit["layer"],
                        "unit": unit["unit"],
                        "contribution_a": unit["contribution"],
                        "match": match,
                        "match_layer": layer_b if match is not None else None,
                        "correlation": corr,
                        "still_drives": bool(still),
                    }
                )
    return out


def _b_cell_units(run_b: Run, readout_b: Any, dataset: Dataset, t: int, p: int, limits: Limits) -> list[dict[str, Any]]:
    """B's top units for the same cell (true t predicted p), through B's readout; [] without one."""
    if readout_b is None:
        return []
    reference = next(d for d in run_b.datasets.values() if d.role == "id")
    images = np.flatnonzero((dataset.labels == t) & (dataset.predictions == p))
    if images.size == 0:
        return []
    result = analysis.confusion_attribution(
        readout_b.weights,
        dataset.rows(readout_b.layer, images),
        reference.rows(readout_b.layer, np.flatnonzero(reference.labels == t)),
        t,
        p,
        n=limits.units,
    )
    return [
        {"layer": readout_b.layer, "unit": int(u)}
        for u, difference in zip(result.units, result.difference, strict=True)
        if difference > 0
    ]


def render(result: dict[str, Any], markdown: bool = False) -> str:
    """The comparison as short sentences (`deephys compare`)."""
    strong = (lambda text: f"**{text}**") if markdown else (lambda text: text)
    bullet = "- " if markdown else "  "
    a, b = result["a"], result["b"]
    lines = [
        f"# A: {a['file']} vs B: {b['file']}"
        if markdown
        else f"A: {a['file']} ({a['model']})\nB: {b['file']} ({b['model']})",
        f"On {len(result['datasets'])} shared datasets; units matched on {strong(result['reference'])}.",
        "",
        "Units (one-to-one matching, correlation >= " + f"{result['threshold']}):",
    ]
    for layer in result["layers"]:
        lines.append(
            f"{bullet}A {layer['a']} / B {layer['b']}: {layer['matched']} of {len(layer['one_to_one'])} matched, "
            f"{len(layer['unique_to_a'])} unique to A, {len(layer['unique_to_b'])} unique to B"
        )
    lines += ["", "Accuracy:"]
    for entry in result["accuracy"]:
        lines.append(
            f"{bullet}{entry['dataset']}: {_percent(entry['a'])} -> {_percent(entry['b'])} ({_points(entry['change'])})"
        )
    for entry in result["confusions"]:
        vanished = [c for c in entry["vanish"] if (c["rate_a"] or 0) > (c["rate_b"] or 0)][:3]
        appeared = [c for c in entry["appear"] if (c["rate_b"] or 0) > (c["rate_a"] or 0)][:3]
        if vanished or appeared:
            lines += ["", f"Under {strong(entry['dataset'])}:"]
        for c in vanished:
            lines.append(
                f"{bullet}{c['true']} read as {c['predicted']}: {_percent(c['rate_a'])} -> {_percent(c['rate_b'])}"
            )
        for c in appeared:
            lines.append(
                f"{bullet}new: {c['true']} read as {c['predicted']}: {_percent(c['rate_a'])} -> {_percent(c['rate_b'])}"
            )
    for score in result["scores"]:
        lines.append(
            f"{bullet}{score['dataset']}, A {score['layer_a']} / B {score['layer_b']}: mean spurious score of matched "
            f"units {_fixed(score['mean_spurious_a'])} -> {_fixed(score['mean_spurious_b'])}"
        )
    if result["drivers"]:
        lines += ["", "Units that drive A's wrong answers:"]
    for d in result["drivers"][:10]:
        where = f"{d['layer']}/{d['unit']} ({d['true']} -> {d['predicted']} under {d['dataset']})"
        if d["match"] is None:
            lines.append(f"{bullet}{where}: no match in B (unique to A)")
        else:
            verdict = "still drives it" if d["still_drives"] else "no longer drives it"
            lines.append(
                f"{bullet}{where}: B's match {d['match_layer']}/{d['match']} (r = {d['correlation']:.2f}) {verdict}"
            )
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _points(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:+.1f} points"


def _fixed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
