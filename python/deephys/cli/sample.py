"""`deephys sample`: write a small synthetic file to try things with."""

from __future__ import annotations

import click

from ..sample import write_sample


@click.command()
@click.option(
    "--out",
    "-o",
    default="sample.deephys",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the file.",
)
@click.option("--images", default=500, show_default=True, help="Images per dataset.")
def sample(out: str, images: int) -> None:
    """Write a synthetic run (coloured shapes, ID and a permuted-colour OOD set)."""
    write_sample(out, images_per_set=images)
    click.echo(f"wrote {out}")
