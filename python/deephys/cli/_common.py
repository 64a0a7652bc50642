"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import DeephysError
from ..format.sources import is_url

# Joiners stay: emoji sequences and some scripts need them, and they move no cursor.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escaped(character: str) -> str:
    code = ord(character)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def terminal_safe(text: str, keep: str = "", json: bool = False) -> str:
    """`text` with every control and format character written as an escape (`\\x1b`, `\\u202e`): a string
    from a file cannot move the cursor, recolour or rewrite the terminal, or reorder what follows it.
    The characters in `keep` (e.g. a newline in a multi-line message) stay as they are; with `json`, the
    escapes are JSON's (for text inside JSON strings)."""
    escape = _json_escaped if json else _escaped
    return "".join(
        escape(c)
        if unicodedata.category(c) in ("Cc", "Cf") and c not in keep and c not in _KEPT_FORMAT_CHARACTERS
        else c
        for c in text
    )


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
        raise click.ClickException(terminal_safe(str(exc), keep="\n")) from None
    except OSError as exc:
        raise click.ClickException(terminal_safe(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))) from None


F = TypeVar("F", bound=Callable[..., Any])
#: An existing file, given as a `Path`.
EXISTING_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


class FileOrUrl(click.ParamType):
    """An existing local file (a `Path`), or a URL (`https://`, `s3://`, ...: a `str`, read remotely)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, str) and is_url(value):
            return value
        converted: Path = EXISTING_FILE.convert(value, param, ctx)
        return converted


FILE_OR_URL = FileOrUrl()


def input_files(name: str, urls: bool = False) -> Callable[[F], F]:
    """One or more existing files, e.g. `deephys view FILE...` (or URLs, with `urls`)."""
    return click.argument(name, nargs=-1, required=True, type=FILE_OR_URL if urls else EXISTING_FILE)


def output_file(help: str) -> Callable[[F], F]:
    """`-o/--output`: the file a command writes."""
    return click.option(
        "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help=help
    )


def viewer_html_option(help: str) -> Callable[[F], F]:
    """The hidden `--viewer-html` of the commands that serve or embed the viewer (viewer development, tests)."""
    return click.option("--viewer-html", hidden=True, type=EXISTING_FILE, help=help)


def report_options(json_help: str) -> Callable[[F], F]:
    """`--format text|markdown|json` and `--out FILE`: the options of the commands that print a report."""

    def decorate(command: F) -> F:
        command = click.option(
            "--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write here instead."
        )(command)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "markdown", "json"]),
            default="text",
            show_default=True,
            help=f"Sentences for a terminal, Markdown for a report or an issue, JSON for programs ({json_help}).",
        )(command)

    return decorate


def emit_report(result: dict[str, Any], render: Callable[..., str], output_format: str, out: Path | None) -> None:
    """Print (or write to `out`) a report dict as JSON or through `render(result, markdown=...)`."""
    if output_format == "json":
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render(result, markdown=output_format == "markdown")
    if out is not None:
        with friendly_errors():
            out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.", err=True)
    else:
        click.echo(terminal_safe(text, keep="\n", json=output_format == "json"), nl=False)
