"""`deephys view FILE...`: open files in the viewer, served on 127.0.0.1 only.

An http(s) file whose server lets any page read it by ranges (CORS `*`, its Content-Range exposed, a
preflight allowing Range) is opened by the page itself (`?url=`); any other URL is relayed by the local
server (s3://, gs://, hf://: a browser cannot read them; http(s) without such CORS: the page may not).
"""

from __future__ import annotations

import errno
import threading
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from email.message import Message
from pathlib import Path

import click

from .._version import __version__
from ..format import open_run
from ..server import ViewerNotBuiltError, ViewerServer
from ._common import friendly_errors, input_files, viewer_html_option

_ADDRESS_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
#: The origin the CORS probe names: the page's port is not known yet, so only `*` answers count.
_PROBE_ORIGIN = "http://127.0.0.1"
_PROBE_TIMEOUT_S = 10.0


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
@click.option(
    "--relay",
    is_flag=True,
    help="Pass http(s) files through this server even when their server lets the page read them itself.",
)
@viewer_html_option("Serve this HTML file instead of the packaged viewer (viewer development, tests).")
def view(
    files: tuple[Path | str, ...], port: int, no_browser: bool, verbose: bool, relay: bool, viewer_html: Path | None
) -> None:
    """Open FILE... (paths or URLs) in the Deephys viewer.

    Serves the viewer and the files on 127.0.0.1 only, at a URL holding a random token, until Ctrl-C.
    Each file's header, trailer and index are checked first (a few reads, whatever its size). An
    http(s) file whose server lets any web page read it by ranges is read by the page directly;
    other URLs (s3://, gs://, hf://, servers without such CORS headers) are relayed by this server.
    """
    for file in files:
        with friendly_errors(), open_run(file):
            pass
    direct = [] if relay else [f for f in files if isinstance(f, str) and page_can_read(f)]
    served = [f for f in files if f not in direct]
    try:
        server = ViewerServer(served, port=port, viewer_html=viewer_html, verbose=verbose)
    except ViewerNotBuiltError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        reason = "it is already in use" if exc.errno in _ADDRESS_IN_USE else exc.strerror or str(exc)
        if port:
            raise click.BadParameter(f"cannot listen on 127.0.0.1:{port}: {reason}.", param_hint="'--port'") from None
        raise click.ClickException(f"cannot listen on 127.0.0.1: {reason}.") from None

    url = server.url + (f"?{urllib.parse.urlencode([('url', f) for f in direct])}" if direct else "")
    try:
        click.echo(f"Deephys viewer at {url}  (Ctrl-C to stop)")
        for f in direct:
            click.echo(f"{f}: read by the page directly (its server lets any page read it by ranges)")
        if not no_browser:
            # In a thread: some browsers (text ones in particular) block until they exit, and the server
            # must already be answering. The socket is bound: early requests wait in its backlog.
            threading.Thread(target=_open_browser, args=(url,), daemon=True).start()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    click.echo("Stopped.")


def _open_browser(url: str) -> None:
    if not webbrowser.open(url):
        click.echo("Could not open a browser: open the URL above.", err=True)


def page_can_read(url: str) -> bool:
    """Whether a web page of any origin may read the http(s) file `url` by ranges, as the viewer does:
    a preflight that allows the Range header, and a range answer (206) with `Access-Control-Allow-Origin: *`
    and Content-Range among `Access-Control-Expose-Headers`. Anything else (no answer included): False."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return False
    agent = {"Origin": _PROBE_ORIGIN, "User-Agent": f"deephys/{__version__}"}
    preflight = urllib.request.Request(
        url,
        method="OPTIONS",
        headers={**agent, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range"},
    )
    probe = urllib.request.Request(url, headers={**agent, "Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(preflight, timeout=_PROBE_TIMEOUT_S) as answer:  # noqa: S310 (http(s) only)
            allowed = _tokens(answer.headers, "Access-Control-Allow-Headers")
            if not _any_origin(answer.headers) or not ({"range", "*"} & allowed):
                return False
        with urllib.request.urlopen(probe, timeout=_PROBE_TIMEOUT_S) as answer:  # noqa: S310
            exposed = _tokens(answer.headers, "Access-Control-Expose-Headers")
            return answer.status == 206 and _any_origin(answer.headers) and bool({"content-range", "*"} & exposed)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _any_origin(headers: Message) -> bool:
    return (headers.get("Access-Control-Allow-Origin") or "").strip() == "*"


def _tokens(headers: Message, name: str) -> set[str]:
    return {token.strip().lower() for token in (headers.get(name) or "").split(",")}
