"""The `deephys` command line. Each command lives in its own module."""

from __future__ import annotations

import click

from .._version import __version__
from .info import info
from .validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deephys")
def main() -> None:
    """Deep electrophysiology: record and compare a network's units on ID and OOD data."""


main.add_command(info)
main.add_command(validate)


def _register_optional() -> None:
    # Commands that live in modules added later by other parts of the product.
    import importlib

    for module, name in (("view", "view"), ("sample", "sample"), ("merge", "merge")):
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
            continue
        main.add_command(getattr(mod, name))


_register_optional()
