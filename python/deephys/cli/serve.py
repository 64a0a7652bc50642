"""`deephys serve FILE...`: share files from this machine by range requests (for a viewer elsewhere)."""

from __future__ import annotations

from pathlib import Path

import click

from ..server import FileServer
from ._common import input_files


@click.command()
@input_files("files")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback exposes the files to whoever can reach it.",
)
@click.option(
    "--cors",
    metavar="ORIGIN",
    help="Let pages of ORIGIN (e.g. https://lab.example.org, or *) read the files: the headers a viewer hosted "
    "elsewhere needs (Access-Control-Allow-Origin, and Content-Range, Content-Length, ETag exposed).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log every request.")
def serve(files: tuple[Path, ...], port: int, host: str, cors: str | None, verbose: bool) -> None:
    """Serve FILE... with range requests until Ctrl-C, at http://HOST:PORT/NAME.

    Open them with `deephys view URL`, or with the viewer page hosted anywhere (`?url=URL`, with --cors).
    """
    try:
        server = FileServer(files, port=port, host=host, cors=cors, verbose=verbose)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if server.allowed_hosts is None:
        click.echo(
            click.style("warning: ", fg="yellow", bold=True)
            + f"listening on {host}: anyone who can reach this machine can read these files.",
            err=True,
        )
    for name in server.files:
        click.echo(f"{server.url(name)}")
    click.echo("(Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
