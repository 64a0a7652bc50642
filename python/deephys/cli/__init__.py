"""The `deephys` command line. Each command lives in its own module of this package."""

from __future__ import annotations

from typing import Any

import click

from .._version import __version__
from ..interrupts import sigterm_as_interrupt
from . import bundle, compare, convert, demo, info, merge, repair, report, sample, serve, validate, view


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        # SIGTERM (a scheduler, `kill`) aborts a command like Ctrl-C: what it was writing is dropped cleanly.
        with sigterm_as_interrupt():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deephys")
def main() -> None:
    """Deep electrophysiology: record and compare a network's units on ID and OOD data."""


for _command in (
    demo.demo,
    view.view,
    serve.serve,
    bundle.bundle,
    info.info,
    report.report,
    compare.compare,
    validate.validate,
    repair.repair,
    merge.merge,
    convert.convert,
    sample.sample,
):
    main.add_command(_command)
