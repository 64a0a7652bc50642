"""`deephys info FILE`: what a file holds, for people or (--json) machines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .. import format as fmt
from ._common import FILE_OR_URL, friendly_errors, human_bytes, terminal_safe


def describe(run: fmt.Run) -> dict[str, Any]:
    """A JSON-able description of an opened run (what `deephys info --json` prints)."""
    model = run.model
    datasets = []
    for dataset in run.datasets.values():
        stored = dataset.stored_bytes()
        datasets.append(
            {
                "name": dataset.name,
                "role": dataset.role,
                "description": dataset.description,
                "images": len(dataset),
                "has_images": dataset.has_images,
                "dtypes": {layer.name: dataset.dtype(i) for i, layer in enumerate(model.layers)},
                "bytes": {
                    "activations": sum(stored.activations.values()),
                    "images": stored.images,
                    "summaries": sum(stored.summaries.values()),
                    "maps": sum(stored.maps.values()),
                    "table": stored.table,
                },
            }
        )
    return {
        "path": str(run.path),
        "size": run.size,
        "format_version": ".".join(map(str, run.format_version)),
        "model": {
            "name": model.name,
            "fingerprint": model.fingerprint,
            "producer": vars(model.producer),
            "classifier": model.classifier,
            "layers": [
                {"name": layer.name, "units": layer.units, "pooling": layer.pooling, "relu": layer.relu}
                for layer in model.layers
            ],
        },
        "classes": list(run.classes),
        "datasets": datasets,
        "metadata": run.metadata,
    }


@click.command()
@click.argument("file", type=FILE_OR_URL)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def info(file: Path | str, as_json: bool) -> None:
    """Show the model, layers, classes and datasets of FILE.

    Reads only the file's index: instant whatever its size.
    """
    with friendly_errors(), fmt.open_run(file) as run:
        description = describe(run)
    if as_json:
        # JSON escapes C0 controls itself; C1 controls (\x9b is a terminal's CSI) and format characters too.
        text = json.dumps(description, indent=2, ensure_ascii=False)
        click.echo(terminal_safe(text, keep="\n", json=True))
        return
    _print(_safe_strings(description))


def _safe_strings(value: Any) -> Any:
    """Every string of a description, keys too, safe to print on a terminal."""
    if isinstance(value, str):
        return terminal_safe(value)
    if isinstance(value, dict):
        return {_safe_strings(k): _safe_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe_strings(v) for v in value]
    return value


def _print(d: dict[str, Any]) -> None:
    model = d["model"]
    producer = model["producer"]
    click.echo(f"{click.style(d['path'], bold=True)}  ({human_bytes(d['size'])}, format {d['format_version']})")
    made_by = " ".join(filter(None, [producer["name"], producer["version"]]))
    framework = " ".join(filter(None, [producer["framework"], producer["framework_version"]]))
    click.echo(f"model     {model['name']}  (written by {made_by or '?'}{', ' + framework if framework else ''})")
    first_dtypes = d["datasets"][0]["dtypes"] if d["datasets"] else {}
    width = max(len(layer["name"]) for layer in model["layers"])
    click.echo("layers")
    for layer in model["layers"]:
        notes = [layer["pooling"]] + (["relu"] if layer["relu"] else [])
        if layer["name"] in first_dtypes:
            notes.append(first_dtypes[layer["name"]])
        if layer["name"] == model["classifier"]:
            notes.append("classifier")
        click.echo(f"  {layer['name']:<{width}}  {layer['units']:>7,} units  {', '.join(notes)}")
    classes = d["classes"]
    shown = ", ".join(classes[:8]) + (f", ... ({len(classes) - 8} more)" if len(classes) > 8 else "")
    click.echo(f"classes   {len(classes)}: {shown}")
    if not d["datasets"]:
        click.echo("datasets  none")
        return
    click.echo("datasets")
    width = max(len(ds["name"]) for ds in d["datasets"])
    for ds in d["datasets"]:
        size = human_bytes(sum(ds["bytes"].values()))
        images = "" if ds["has_images"] else "  (no images stored)"
        if ds["bytes"]["maps"]:
            images += f"  (maps: {human_bytes(ds['bytes']['maps'])})"
        click.echo(f"  {ds['name']:<{width}}  {ds['role']:<3}  {ds['images']:>9,} images  {size:>9}{images}")
