"""`deephys repair FILE`: restore a file whose in-place append was interrupted to its last complete version."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NothingToRepair
from ..format.atomic import temporaries
from ..format.repair import repair as repair_file
from ._common import friendly_errors, human_bytes, terminal_safe


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Say what would be cut; change nothing.")
def repair(file: str, dry_run: bool) -> None:
    """Cut off what an interrupted in-place append (`Writer(mode="a", in_place=True)`) left at the end of
    FILE, restoring the last complete version it holds.

    Only bytes after the last verified trailer are removed; nothing else changes. Temporary files that a
    killed writer of FILE left beside it (where the system has no unnamed files) are removed too. Exits with status 1 if
    FILE needs no repair or holds no complete version.
    """
    leftovers = temporaries(Path(file))
    for leftover in leftovers:
        if not dry_run:
            leftover.unlink(missing_ok=True)
        click.echo(
            terminal_safe(
                f"{leftover}: {'would remove' if dry_run else 'removed'} a temporary file left by a killed writer"
            )
        )
    with friendly_errors():
        try:
            result = repair_file(file, dry_run=dry_run)
        except NothingToRepair:
            if not leftovers:
                raise
            return  # the file itself is complete: sweeping was all there was to do
    verb = "would cut" if dry_run else "cut"
    click.echo(
        f"{file}: {verb} {result.cut:,} bytes ({human_bytes(result.cut)}) after byte "
        f"{result.restored_size:,}, the end of its last complete version"
    )
    names = terminal_safe(", ".join(repr(name) for name in result.datasets)) or "none"
    state = "would hold" if dry_run else "holds"
    click.echo(f"the restored file {state} {len(result.datasets)} dataset(s): {names}")
