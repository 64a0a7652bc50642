"""The `deephys` command line. Each command lives in its own module."""

from __future__ import annotations

import click

from .._version import __version__
from .convert import convert
from .demo import demo
from .info import info
from .sample import sample
from .validate import validate
from .view import view


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deephys")
def main() -> None:
    """Deep electrophysiology: record and compare a network's units on ID and OOD data."""


for command in (demo, info, validate, view, convert, sample):
    main.add_command(command)


def _register_merge() -> None:
    # `deephys merge` arrives with the distributed exporter; tolerate its absence.
    try:
        from .merge import merge
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.merge":
            raise
        return
    main.add_command(merge)


_register_merge()
