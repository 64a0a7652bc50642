"""`deephys convert OLD.model OLD.test... -o NEW.deephys`: import files of the original Deephys."""

from __future__ import annotations

import click

from ..convert import convert as convert_files
from ._common import friendly_errors, terminal_safe


def _parse_roles(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for value in values:
        name, sep, role = value.rpartition("=")
        if not sep or not name or role not in ("id", "ood"):
            raise click.BadParameter(f"{value!r}: expected NAME=id or NAME=ood", ctx=ctx, param=param)
        roles[name] = role
    return roles


@click.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("tests", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The .deephys file to write (replaced if it exists).",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    callback=_parse_roles,
    metavar="NAME=id|ood",
    help="Role of the dataset NAME (default: the first test file is 'id', the others 'ood'). Repeatable.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary.")
def convert(model: str, tests: tuple[str, ...], output: str, roles: dict[str, str], quiet: bool) -> None:
    """Import files of the original Deephys (0.14 and older): MODEL is the
    `.model` file, TESTS its `.test` files (one dataset each, in the order given).

    Activations keep their dtype (float32 or float64) exactly; images are stored
    as PNG; predictions are the argmax of the classification layer.
    """

    def warn(message: str) -> None:
        click.echo(click.style("warning: ", fg="yellow", bold=True) + terminal_safe(message), err=True)

    with friendly_errors():
        result = convert_files(model, tests, output, roles=roles, progress=False if quiet else None, warn=warn)
    if quiet:
        return
    click.echo(terminal_safe(f"{result.path}: model {result.model!r}, {len(result.classes)} classes"))
    width = max(len(d.name) for d in result.datasets)
    for d in result.datasets:
        click.echo(terminal_safe(f"  {d.name:<{width}}  {d.role:<3}  {d.images:>9,} images  {d.dtype}"))
