"""`deephys repair FILE`: restore a file whose in-place append was interrupted to its last complete version."""

from __future__ import annotations

import click

from ..format.repair import repair as repair_file
from ._common import friendly_errors, human_bytes, terminal_safe


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Say what would be cut; change nothing.")
def repair(file: str, dry_run: bool) -> None:
    """Cut off what an interrupted in-place append (`Writer(mode="a", in_place=True)`) left at the end of
    FILE, restoring the last complete version it holds.

    Only bytes after the last verified trailer are removed; nothing else changes. Exits with status 1 if
    FILE needs no repair or holds no complete version.
    """
    with friendly_errors():
        result = repair_file(file, dry_run=dry_run)
    verb = "would cut" if dry_run else "cut"
    click.echo(
        f"{file}: {verb} {result.cut:,} bytes ({human_bytes(result.cut)}) after byte "
        f"{result.restored_size:,}, the end of its last complete version"
    )
    names = terminal_safe(", ".join(repr(name) for name in result.datasets)) or "none"
    state = "would hold" if dry_run else "holds"
    click.echo(f"the restored file {state} {len(result.datasets)} dataset(s): {names}")
