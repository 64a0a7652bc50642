"""The `deephys` command line. Each command lives in its own module of this package."""

from __future__ import annotations

import click

from .._version import __version__
from . import bundle, convert, demo, info, merge, repair, sample, validate, view


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deephys")
def main() -> None:
    """Deep electrophysiology: record and compare a network's units on ID and OOD data."""


for _command in (
    demo.demo,
    view.view,
    bundle.bundle,
    info.info,
    validate.validate,
    repair.repair,
    merge.merge,
    convert.convert,
    sample.sample,
):
    main.add_command(_command)
