"""`deephys validate FILE...`: check every checksum, record and summary."""

from __future__ import annotations

import os
from pathlib import Path

import click
from tqdm.auto import tqdm

from ..format.validate import validate as validate_file
from ._common import FILE_OR_URL, terminal_safe


@click.command()
@click.argument("files", nargs=-1, required=True, type=FILE_OR_URL)
@click.option("--quick", is_flag=True, help="Check checksums and structure but do not recompute summaries.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
def validate(files: tuple[Path | str, ...], quick: bool, quiet: bool) -> None:
    """Check FILES completely: every byte's checksum, every record, and that the
    stored summaries match the data. Exits with status 1 if any problem is found."""
    failed = 0
    for path in files:
        with tqdm(
            total=None if isinstance(path, str) else os.path.getsize(path),
            unit="B",
            unit_scale=True,
            desc=str(path).rsplit("/", 1)[-1],
            leave=False,
            disable=quiet or None,
        ) as bar:
            report = validate_file(path, progress=bar.update, summaries=not quick)
        if report.ok:
            if not quiet:
                click.echo(f"{path}: OK ({report.records:,} records, {report.bytes_checked:,} bytes checked)")
        else:
            failed += 1
            for problem in report.problems:
                click.echo(click.style("error: ", fg="red", bold=True) + terminal_safe(problem), err=True)
    if failed:
        raise SystemExit(1)
