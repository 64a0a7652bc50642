"""`deephys report FILE`: why the model fails on each shifted dataset, as sentences, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from ..findings import Limits, check_limits, findings, readout_for, render
from ..format import Writer, open_run
from ._common import FILE_OR_URL, emit_report, friendly_errors, report_options, terminal_safe


@click.command()
@click.argument("file", type=FILE_OR_URL)
@report_options("docs/findings.md")
@click.option(
    "--fit-readout",
    is_flag=True,
    help="Without a readout in the file, fit one by least squares from the layer before the classifier "
    "(used only where it is determined and reproduces the logits).",
)
@click.option("--write", is_flag=True, help="With --fit-readout: store the fitted readout in FILE (in place).")
@click.option("--top-classes", default=5, show_default=True, help="Classes that lose most, per dataset.")
@click.option("--top-cells", default=5, show_default=True, help="Confusion cells that grow most, per dataset.")
@click.option("--top-units", default=10, show_default=True, help="Units listed per confusion cell.")
@click.option("--top-shifted", default=10, show_default=True, help="Most shifted units, per dataset.")
def report(
    file: Path | str,
    output_format: str,
    out: Path | None,
    fit_readout: bool,
    write: bool,
    top_classes: int,
    top_cells: int,
    top_units: int,
    top_shifted: int,
) -> None:
    """Explain the shifts of FILE: for every OOD dataset, the accuracy it loses, the classes that lose most,
    the confusions that grow most and the units that drive each, and the most shifted units."""
    if write and not fit_readout:
        raise click.BadParameter("--write stores a fitted readout: give --fit-readout too", param_hint="'--write'")
    limits = check_limits(Limits(top_classes, top_cells, top_units, top_shifted))
    with friendly_errors():
        if write:
            _store_fit(file)
        result = findings(file, limits, fit_readout=fit_readout)
    emit_report(result, render, output_format, out)


def _store_fit(file: Path | str) -> None:
    if isinstance(file, str):
        raise click.BadParameter("--write changes the file: give a local path, not a URL", param_hint="'--write'")
    with open_run(file) as run:
        if run.readout is not None:
            click.echo(f"{file}: holds a readout already ({run.readout.source}); nothing written.", err=True)
            return
        readout, description = readout_for(run, fit=True)
    if readout is None:
        raise click.ClickException(terminal_safe(f"{file}: no readout can be fitted: {description['reason']}"))
    with Writer(file, mode="a", in_place=True, readout=readout):
        pass
    click.echo(
        f"{file}: stored a readout of {readout.layer!r} fitted by least squares (largest error "
        f"{readout.residual:.2g} logits)",
        err=True,
    )
