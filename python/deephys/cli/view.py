"""`deephys view FILE...`: open files in the viewer, served on 127.0.0.1 only."""

from __future__ import annotations

import errno
import threading
import webbrowser
from pathlib import Path

import click

from ..format import open_run
from ..server import ViewerNotBuiltError, ViewerServer
from ._common import friendly_errors, input_files, viewer_html_option

_ADDRESS_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}


@click.command()
@input_files("files", urls=True)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default="a random free port",
    help="Port to listen on, on 127.0.0.1.",
)
@click.option("--no-browser", is_flag=True, help="Print the URL but do not open a browser.")
@click.option("--verbose", "-v", is_flag=True, help="Log every request.")
@viewer_html_option("Serve this HTML file instead of the packaged viewer (viewer development, tests).")
def view(files: tuple[Path | str, ...], port: int, no_browser: bool, verbose: bool, viewer_html: Path | None) -> None:
    """Open FILE... in the Deephys viewer.

    Serves the viewer and the files on 127.0.0.1 only, at a URL holding a random token, until Ctrl-C.
    Each file's header, trailer and index are checked first (a few reads, whatever its size).
    """
    for file in files:
        with friendly_errors(), open_run(file):
            pass
    try:
        server = ViewerServer(files, port=port, viewer_html=viewer_html, verbose=verbose)
    except ViewerNotBuiltError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        reason = "it is already in use" if exc.errno in _ADDRESS_IN_USE else exc.strerror or str(exc)
        if port:
            raise click.BadParameter(f"cannot listen on 127.0.0.1:{port}: {reason}.", param_hint="'--port'") from None
        raise click.ClickException(f"cannot listen on 127.0.0.1: {reason}.") from None

    try:
        click.echo(f"Deephys viewer at {server.url}  (Ctrl-C to stop)")
        if not no_browser:
            # In a thread: some browsers (text ones in particular) block until they exit, and the server
            # must already be answering. The socket is bound: early requests wait in its backlog.
            threading.Thread(target=_open_browser, args=(server.url,), daemon=True).start()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    click.echo("Stopped.")


def _open_browser(url: str) -> None:
    if not webbrowser.open(url):
        click.echo("Could not open a browser: open the URL above.", err=True)
