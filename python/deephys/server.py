"""The local HTTP server behind `deephys view`.

It serves the single-file viewer and the named `.deephys` files, and nothing else:

    GET       /<token>/            the viewer page
    GET       /<token>/files.json  [{"name": ..., "url": "/<token>/files/<i>", "size": ...}, ...]
    GET|HEAD  /<token>/files/<i>   the i-th file, with HTTP Range support

It listens on a loopback address only. Every URL carries a random token (a wrong one gets the same 404
as any unknown path), and requests whose Host header is not `127.0.0.1:PORT` or `localhost:PORT` are
refused, so a web page that rebinds its DNS name to 127.0.0.1 cannot read the files. Files are
addressed by index, so no path from a request ever reaches the file system.

    with ViewerServer(["a.deephys"]) as server:   # serving in a background thread
        print(server.url)
"""

from __future__ import annotations

import email.utils
import hmac
import ipaddress
import json
import os
import re
import secrets
import socket
import socketserver
import sys
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, TypeAlias

from .errors import (
    DeephysError,
    MissingFileError,
    RangeNotSatisfiable,
    UsageError,
    ViewerNotBuiltError,
    WrongStateError,
)
from .format.sources import is_url, open_source

__all__ = ["VIEWER_HTML", "RangeNotSatisfiable", "ViewerNotBuiltError", "ViewerServer", "parse_range"]

#: Where `make viewer` puts the built single-file viewer.
VIEWER_HTML = Path(__file__).parent / "_viewer" / "deephys-viewer.html"

#: The viewer page's policy: the one the viewer sets in its <meta> tag (viewer/vite.config.ts), plus what only
#: a header can say. connect-src allows http(s) servers: `deephys view URL` opens the page on a remote file
#: (`?url=`) when its server allows it; the page fetches only the URLs it is given (viewer/src/format/fetch-guard.ts).
PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src blob: data:; "
    "worker-src blob:; connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: Every other response is data, never a document.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"

_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_RANGE = re.compile(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", re.IGNORECASE)
_MAX_DIGITS = 19  # larger positions lie past any file (and int() refuses numbers of over 4,300 digits)
#: Connections served at once; a browser opens at most 6 per host. More get a 503 and are closed.
MAX_CONNECTIONS = 32
#: An idle (keep-alive) connection is closed after this many seconds, freeing its thread.
IDLE_TIMEOUT_S = 30
_INDEX = re.compile(r"0|[1-9][0-9]{0,8}")
_Request: TypeAlias = socket.socket | tuple[bytes, socket.socket]  # as socketserver's stubs have it


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte range `(start, end)` (end inclusive) a Range header asks of a `size`-byte file.

    Returns None when the whole file should be sent: no header, a unit other than bytes, a malformed
    value, or several ranges (which RFC 9110 lets a server ignore). Raises RangeNotSatisfiable for a
    range that starts at or past the end, ends before it starts, or is an empty suffix.
    """
    if header is None:
        return None
    match = _RANGE.fullmatch(header)
    if match is None:
        return None
    first, last = (value.lstrip("0") or ("0" if value else "") for value in match.groups())
    if len(first) > _MAX_DIGITS:
        raise RangeNotSatisfiable(header)
    if len(last) > _MAX_DIGITS:
        last = str(size)  # past the end: the same as the end
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if start >= size or end < start:
            raise RangeNotSatisfiable(header)
        return start, min(end, size - 1)
    if last:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - suffix), size - 1
    return None  # "bytes=-"


class ViewerServer:
    """Serves the viewer and `files` on `host` (a loopback address), `port` (0: a free one).

    The socket is bound on construction. Call `serve_forever()` to serve in the current thread, or
    `start()` (or use the object as a context manager) to serve in a background thread; `shutdown()`
    stops serving, closes open connections and releases the port. With `embeddable`, other pages may
    show the viewer page in a frame (`deephys.show` in a notebook); otherwise framing is refused.
    """

    def __init__(
        self,
        files: Iterable[str | os.PathLike[str]],
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        viewer_html: str | os.PathLike[str] | None = None,
        verbose: bool = False,
        embeddable: bool = False,
        idle_timeout: float = IDLE_TIMEOUT_S,
    ) -> None:
        try:
            loopback = ipaddress.IPv4Address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise UsageError(f"refusing to serve on {host!r}: only an IPv4 loopback address (127.x.x.x) is allowed")
        # Local files by path (.name: as the user named it); remote ones (URLs) are relayed: a browser cannot
        # read s3:// and the like, and a relayed https:// file needs no CORS from its server.
        self.files: tuple[Path | RelayedFile, ...] = tuple(
            RelayedFile(os.fspath(f)) if is_url(f) else Path(f).absolute() for f in files
        )
        for path in self.files:
            if isinstance(path, Path) and not path.is_file():
                raise MissingFileError(f"not a file: {path}")
        html = Path(viewer_html) if viewer_html is not None else VIEWER_HTML
        if not html.is_file():
            raise ViewerNotBuiltError(html)
        self.page: bytes = html.read_bytes()
        self.token: str = secrets.token_urlsafe(16)
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        # `embeddable`: other pages (a notebook's output) may show the viewer page in a frame.
        self.page_csp: str = PAGE_CSP.replace("; frame-ancestors 'none'", "") if embeddable else PAGE_CSP
        self._httpd = _HTTPServer((host, port), self)
        self.host: str = host
        self.port: int = self._httpd.server_address[1]
        self.allowed_hosts: frozenset[str] = frozenset({f"{host}:{self.port}", f"localhost:{self.port}"})
        self._lock = threading.Lock()
        self._serving = False
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The viewer page's URL."""
        return f"http://{self.host}:{self.port}/{self.token}/"

    def file_url(self, index: int) -> str:
        """The absolute URL of the `index`-th file."""
        return f"http://{self.host}:{self.port}/{self.token}/files/{index}"

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        """Serve in the current thread until `shutdown()` (from another thread) or an exception."""
        with self._lock:
            if self._closed:
                raise WrongStateError("the server is shut down")
            self._serving = True
        self._httpd.serve_forever(poll_interval)

    def start(self) -> ViewerServer:
        """Serve in a daemon thread; returns self."""
        with self._lock:
            if self._closed or self._serving:
                raise WrongStateError("the server is shut down or already serving")
            self._serving = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="deephys-viewer-server", daemon=True
        )
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop serving, close open connections and the listening socket. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            serving = self._serving
        if serving:
            self._httpd.shutdown()  # returns once the serve_forever loop has exited
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ViewerServer:
        if not self._serving:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()

    def listing(self) -> bytes:
        """The body of files.json."""
        entries = []
        for i, path in enumerate(self.files):
            size: int | None
            if isinstance(path, RelayedFile):
                size = path.source.size
            else:
                try:
                    size = path.stat().st_size
                except OSError:
                    size = None
            entries.append({"name": path.name, "url": f"/{self.token}/files/{i}", "size": size})
        return json.dumps(entries).encode()


class RelayedFile:
    """A remote file the server reads by ranges and passes on (one reader at a time: the source's cache)."""

    CHUNK = 1 << 20

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or url
        self.source = open_source(url)
        self.lock = threading.Lock()

    def read(self, offset: int, length: int) -> bytes:
        with self.lock:
            return self.source.read(offset, length)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default of 5 makes a burst of connections wait for a SYN retry (1 s)
    # On Windows SO_REUSEADDR would let us take over a port another process listens on.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address: tuple[str, int], app: Any, handler: type[BaseHTTPRequestHandler] | None = None) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler or _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would also do a reverse DNS lookup (socket.getfqdn): skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: _Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                busy = len(self._connections) >= MAX_CONNECTIONS
                if not busy:
                    self._connections.add(request)
            if busy:
                try:
                    request.sendall(_BUSY)
                except OSError:
                    pass
                self.shutdown_request(request)
                return
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler thread blocked on a (keep-alive) connection, so that it ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: _Request, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away (e.g. an aborted fetch): nothing to report
        super().handle_error(request, client_address)


_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    methods: tuple[str, ...] = ("GET", "HEAD")
    protocol_version = "HTTP/1.1"  # keep-alive: the viewer makes many small Range requests
    disable_nagle_algorithm = True  # headers and body go out in separate writes: don't wait for an ACK

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.app.idle_timeout)  # idle this long: the connection is closed

    def version_string(self) -> str:
        return "deephys"

    def log_message(self, format: str, *args: object) -> None:
        if self.server.app.verbose:
            super().log_message(format, *args)

    # -- request checks that apply to every method and path --------------------------------------------

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        allowed = self.server.app.allowed_hosts  # None: any (a server deliberately exposed with --host)
        if len(hosts) != 1 or (allowed is not None and hosts[0].strip().lower() not in allowed):
            self._reply(HTTPStatus.FORBIDDEN)
            return False
        if self.command not in self.methods:
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(self.methods)})
            return False
        return True

    def do_GET(self) -> None:
        app = self.server.app
        parts = self.path.split("?", 1)[0].split("/")  # "/<token>/files/3" -> ["", token, "files", "3"]
        if len(parts) < 3 or parts[0] != "" or not hmac.compare_digest(parts[1].encode(), app.token.encode()):
            self._reply(HTTPStatus.NOT_FOUND)
            return
        rest = parts[2:]
        if rest == [""]:
            self._reply(HTTPStatus.OK, app.page, "text/html; charset=utf-8", csp=app.page_csp)
        elif rest == ["files.json"]:
            self._reply(HTTPStatus.OK, app.listing(), "application/json")
        elif len(rest) == 2 and rest[0] == "files" and _INDEX.fullmatch(rest[1]) and int(rest[1]) < len(app.files):
            self._serve_file(app.files[int(rest[1])])
        else:
            self._reply(HTTPStatus.NOT_FOUND)

    do_HEAD = do_GET

    # -- responses --------------------------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Used by the base class for malformed requests; keeps our headers and a plain-text body.
        self.log_error("code %d, message %s", code, message)
        self._reply(HTTPStatus(code))

    def _start(
        self,
        status: HTTPStatus,
        content_type: str,
        length: int,
        headers: Mapping[str, str] | None = None,
        csp: str = DATA_CSP,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in {**_SECURITY_HEADERS, "Content-Security-Policy": csp, **(headers or {})}.items():
            self.send_header(name, value)
        if status >= 400:
            self.send_header("Connection", "close")  # also: an unread request body must not be parsed
        self.end_headers()

    def _reply(
        self,
        status: HTTPStatus,
        body: bytes | None = None,
        content_type: str = "text/plain; charset=utf-8",
        headers: Mapping[str, str] | None = None,
        csp: str = DATA_CSP,
    ) -> None:
        if body is None:
            body = f"{status.value} {status.phrase}\n".encode()
        self._start(status, content_type, len(body), headers, csp)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve_file(self, path: Path | RelayedFile) -> None:
        if isinstance(path, RelayedFile):
            size = path.source.size
            range_ = self._range(size, {"ETag": f'"{size:x}-relayed"'})
            if range_ is not None and self.command != "HEAD":
                self._relay_body(path, *range_)
            return
        try:
            f = path.open("rb")
        except OSError:
            self._reply(HTTPStatus.NOT_FOUND)
            return
        with f:
            st = os.fstat(f.fileno())
            validators = {
                "ETag": f'"{st.st_size:x}-{st.st_mtime_ns:x}"',
                "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True),
            }
            range_ = self._range(st.st_size, validators)
            if range_ is not None and self.command != "HEAD" and range_[1] > 0:
                self._send_body(f, *range_)

    def _range(self, size: int, validators: dict[str, str]) -> tuple[int, int] | None:
        """Answer the headers of a (range) request for a `size`-byte file; return (start, length) of the
        body to send, or None when the answer is complete (416)."""
        range_header = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range.strip() not in validators.values():
            range_header = None  # the file changed since the client's copy: send all of it
        try:
            byte_range = parse_range(range_header, size)
        except RangeNotSatisfiable:
            self._reply(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, headers={"Content-Range": f"bytes */{size}"})
            return None
        headers = {"Accept-Ranges": "bytes", **validators}
        if byte_range is None:
            status, start, length = HTTPStatus.OK, 0, size
        else:
            status, start, length = HTTPStatus.PARTIAL_CONTENT, byte_range[0], byte_range[1] - byte_range[0] + 1
            headers["Content-Range"] = f"bytes {byte_range[0]}-{byte_range[1]}/{size}"
        self._start(status, "application/octet-stream", length, headers)
        return start, length

    def _relay_body(self, file: RelayedFile, start: int, length: int) -> None:
        try:
            for offset in range(start, start + length, RelayedFile.CHUNK):
                self.wfile.write(file.read(offset, min(RelayedFile.CHUNK, start + length - offset)))
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except DeephysError as exc:  # the remote side failed after the headers went out: cut the answer
            self.log_error("relaying %s: %s", file.url, exc)
            self.close_connection = True

    def _send_body(self, f: BinaryIO, start: int, length: int) -> None:
        # socket.sendfile streams from the page cache (os.sendfile where available, else 8 KiB reads).
        try:
            sent = self.connection.sendfile(f, start, length)
        except (ConnectionError, TimeoutError):
            sent = -1
        if sent != length:  # the client went away, or the file shrank under us
            self.close_connection = True


#: What a page of another origin may read of a shared file's answers (Range reading needs them all).
CORS_EXPOSED = "Content-Range, Content-Length, ETag, Accept-Ranges, Last-Modified"


class FileServer:
    """`deephys serve`: files at `http://HOST:PORT/NAME`, with range requests and, with `cors`, the CORS
    headers that let a viewer on another origin read them (`*` or one origin).

    On a loopback address (the default) only requests naming that address are answered (DNS rebinding);
    on any other host, anyone who can reach it can read the files."""

    def __init__(
        self,
        files: Iterable[str | os.PathLike[str]],
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        cors: str | None = None,
        verbose: bool = False,
        idle_timeout: float = IDLE_TIMEOUT_S,
    ) -> None:
        self.files: dict[str, Path] = {}
        for given in files:
            path = Path(given).absolute()
            if not path.is_file():
                raise MissingFileError(f"not a file: {path}")
            if path.name in self.files:
                raise UsageError(f"two files are named {path.name!r}: serve them from different folders")
            self.files[path.name] = path
        self.cors, self.verbose, self.idle_timeout = cors, verbose, idle_timeout
        self._serving = False
        self._httpd = _HTTPServer((host, port), self, _FileHandler)
        self.host, self.port = host, int(self._httpd.server_address[1])
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        self.allowed_hosts: frozenset[str] | None = (
            frozenset({f"{host}:{self.port}", f"localhost:{self.port}", f"127.0.0.1:{self.port}"}) if loopback else None
        )

    def url(self, name: str) -> str:
        return f"http://{self.host}:{self.port}/{urllib.parse.quote(name)}"

    def serve_forever(self) -> None:
        self._serving = True
        self._httpd.serve_forever(0.2)

    def start(self) -> FileServer:
        self._serving = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="deephys-serve", daemon=True).start()
        return self

    def shutdown(self) -> None:
        if self._serving:  # socketserver's shutdown waits for a serve_forever loop to end
            self._httpd.shutdown()
            self._serving = False
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class _FileHandler(_Handler):
    methods = ("GET", "HEAD", "OPTIONS")

    def _cors(self) -> dict[str, str]:
        origin = self.server.app.cors
        if origin is None:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": CORS_EXPOSED,
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Vary": "Origin",
        }

    def _start(
        self,
        status: HTTPStatus,
        content_type: str,
        length: int,
        headers: Mapping[str, str] | None = None,
        csp: str = DATA_CSP,
    ) -> None:
        super()._start(status, content_type, length, {**self._cors(), **(headers or {})}, csp)

    def do_GET(self) -> None:
        name = urllib.parse.unquote(self.path.split("?", 1)[0].lstrip("/"))
        path = self.server.app.files.get(name)
        if path is None:
            self._reply(HTTPStatus.NOT_FOUND)
            return
        self._serve_file(path)

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:  # a CORS preflight: Range is not a "simple" header
        self._reply(
            HTTPStatus.NO_CONTENT,
            b"",
            headers={
                "Access-Control-Allow-Methods": "GET, HEAD",
                "Access-Control-Allow-Headers": "Range, If-Range",
                "Access-Control-Max-Age": "86400",
            },
        )
