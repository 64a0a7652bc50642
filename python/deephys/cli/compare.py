"""`deephys compare A B`: two models on the same datasets, unit by unit: did the fix work?"""

from __future__ import annotations

from pathlib import Path

import click

from ..compare import compare as compare_runs
from ..compare import render
from ._common import FILE_OR_URL, emit_report, friendly_errors, report_options


def _layer_pairs(value: str | None) -> list[tuple[str, str]] | None:
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        a, sep, b = item.partition(":")
        if not sep or not a or not b:
            raise click.BadParameter(f"{item!r}: give A_LAYER:B_LAYER pairs, comma-separated", param_hint="'--layers'")
        pairs.append((a, b))
    return pairs


@click.command()
@click.argument("a", type=FILE_OR_URL)
@click.argument("b", type=FILE_OR_URL)
@report_options("the keys are those of deephys.compare")
@click.option("--layers", help="Layers to match, A:B pairs, comma-separated (default: same name, else same depth).")
@click.option("--threshold", default=0.5, show_default=True, help="Correlation below which a unit is unique.")
@click.option("--assume-same", is_flag=True, help="Do not compare the thumbnails: the datasets hold the same images.")
def compare(
    a: Path | str,
    b: Path | str,
    output_format: str,
    out: Path | None,
    layers: str | None,
    threshold: float,
    assume_same: bool,
) -> None:
    """Compare model A (file A) with model B (file B) on the datasets both recorded: matched units, unique
    units, accuracy, confusions that appear or vanish, and whether B still has the units behind A's errors."""
    with friendly_errors():
        result = compare_runs(a, b, layers=_layer_pairs(layers), threshold=threshold, assume_same=assume_same)
    emit_report(result, render, output_format, out)
