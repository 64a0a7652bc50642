"""Helpers shared by the CLI commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import DeephysError


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn deephys and OS errors into click errors: a message, exit code 1, no traceback."""
    try:
        yield
    except DeephysError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None


F = TypeVar("F", bound=Callable[..., Any])
#: An existing file, given as a `Path`.
EXISTING_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


def input_files(name: str) -> Callable[[F], F]:
    """One or more existing files, e.g. `deephys view FILE...`."""
    return click.argument(name, nargs=-1, required=True, type=EXISTING_FILE)


def output_file(help: str) -> Callable[[F], F]:
    """`-o/--output`: the file a command writes."""
    return click.option(
        "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help=help
    )


def viewer_html_option(help: str) -> Callable[[F], F]:
    """The hidden `--viewer-html` of the commands that serve or embed the viewer (viewer development, tests)."""
    return click.option("--viewer-html", hidden=True, type=EXISTING_FILE, help=help)
