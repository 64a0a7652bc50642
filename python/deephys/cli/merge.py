"""`deephys merge SHARD... -o FILE`: join the shards of a multi-process export into one file."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import friendly_errors, input_files, output_file, terminal_safe


@click.command()
@input_files("shards")
@output_file("The merged file to write.")
@click.option("-f", "--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar per dataset.")
def merge(shards: tuple[Path, ...], output: Path, force: bool, progress: bool) -> None:
    """Join SHARD... (e.g. run.rank0.deephys run.rank1.deephys) into OUTPUT, in the order given.

    Each dataset of the output holds the rows of every shard, shard after shard. Images are copied as
    they are and summaries recomputed; memory stays bounded whatever the size of the shards.
    """
    from ..merge import merge as merge_files

    if output.exists() and not force:
        raise click.BadParameter(f"{output} exists; pass --force to overwrite it.", param_hint="'-o' / '--output'")
    with friendly_errors():
        result = merge_files(shards, output, progress=progress)
    click.echo(terminal_safe(f"Wrote {result.describe()}."))
