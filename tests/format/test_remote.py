"""`deephys.open(url)`: range requests with the standard library, against servers that behave and servers
that do not (no Range, wrong ranges, short bodies, 5xx, a file that changes, 404/403): a clear
`RemoteError`, never silent wrong data."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from format_helpers import assert_same_reads, read_everything, time_limit  # noqa: F401 (autouse)

import deephys
from deephys.errors import RemoteError
from deephys.format import remote

Behaviour = Callable[[BaseHTTPRequestHandler, bytes, int, int | None], None]


def _range(handler: BaseHTTPRequestHandler, size: int) -> tuple[int, int] | None:
    header = handler.headers.get("Range")
    if header is None:
        return None
    first, last = header.removeprefix("bytes=").split("-")
    return int(first), min(int(last), size - 1)


def honest(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None, etag: str = '"v1"') -> None:
    if end is None:
        handler.send_response(200)
        body = data
    else:
        handler.send_response(206)
        handler.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        body = data[start : end + 1]
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("ETag", etag)
    handler.end_headers()
    handler.wfile.write(body)


class Server:
    """A loopback server of one file; `behaviour(handler, data, start, end)` answers each GET."""

    def __init__(self, data: bytes, behaviour: Behaviour = honest):
        self.data, self.behaviour, self.requests = data, behaviour, 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests += 1
                asked = _range(self, len(server.data))
                start, end = asked if asked is not None else (0, None)
                server.behaviour(self, server.data, start, end)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/run.deephys"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def local(small_run: Path) -> Path:
    return small_run


@pytest.fixture
def served(local: Path) -> Iterator[Server]:
    with Server(local.read_bytes()) as server:
        yield server


def test_a_remote_file_reads_as_the_local_one(local: Path, served: Server) -> None:
    assert_same_reads(read_everything(served.url), read_everything(local))
    with deephys.open(served.url) as run:
        assert run.path == served.url and str(run.path).startswith("http://")
        summary = run.datasets["shifted"].summary("features")
        with deephys.open(local) as here:
            expected = here.datasets["shifted"].summary("features")
        np.testing.assert_array_equal(summary.top_indices, expected.top_indices)
        np.testing.assert_array_equal(summary.class_means, expected.class_means)
        source = run.file.source
        assert isinstance(source, remote.HttpSource) and 0 < source.bytes_transferred <= local.stat().st_size
    assert deephys.validate(served.url).ok


def test_opening_reads_little_of_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "large.deephys"
    rng = np.random.default_rng(0)
    model = deephys.Model("m", layers={"fc": 256, "out": 4}, classifier="out")
    with deephys.Writer(path, model=model, classes=list("abcd"), chunk_bytes=1 << 16) as w:
        w.add_dataset(
            "d",
            labels=rng.integers(0, 4, 4000),
            activations={"fc": rng.random((4000, 256)), "out": rng.random((4000, 4))},
        )
    monkeypatch.setattr(remote, "BLOCK", 1 << 14)  # small blocks: the test file is 8 MB, not gigabytes
    with Server(path.read_bytes()) as server, deephys.open(server.url) as run:
        run.datasets["d"].summary("fc")
        source = run.file.source
        assert source.bytes_transferred < path.stat().st_size / 20, (source.bytes_transferred, path.stat().st_size)


def _no_range(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
    honest(handler, data, 0, None)


def test_without_range_support_a_small_file_is_downloaded_once(local: Path) -> None:
    with Server(local.read_bytes(), _no_range) as server:
        assert_same_reads(read_everything(server.url), read_everything(local))
        assert server.requests == 1


def test_without_range_support_a_large_file_is_refused(local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "FULL_DOWNLOAD_LIMIT", 1000)
    with Server(local.read_bytes(), _no_range) as server, pytest.raises(RemoteError, match="does not support range"):
        deephys.open(server.url)


def _wrong_range(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
    honest(handler, data, max(0, start - 1) if start else start, end)


def _short_body(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
    handler.send_response(206)
    handler.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
    handler.send_header("Content-Length", str((end or 0) - start))  # one byte short
    handler.end_headers()
    handler.wfile.write(data[start:end])


def _failing(status: int) -> Behaviour:
    def answer(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def _changing(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
    # The file is replaced after the first read: a new ETag, and (as servers do for If-Range) the whole body.
    changed = handler.server.requests_seen = getattr(handler.server, "requests_seen", 0) + 1  # type: ignore[attr-defined]
    if changed == 1:
        honest(handler, data, start, end)
    elif handler.headers.get("If-Range") == '"v1"':
        honest(handler, data, 0, None, etag='"v2"')
    else:
        honest(handler, data, start, end, etag='"v2"')


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (_wrong_range, "sent bytes"),
        (_short_body, "sent .* bytes where .* were asked"),
        (_failing(500), "answered 500"),
        (_failing(404), "404 Not Found"),
        (_failing(403), "refuses access"),
    ],
    ids=["wrong range", "short body", "500", "404", "403"],
)
def test_misbehaving_servers_get_a_clear_error(
    local: Path, monkeypatch: pytest.MonkeyPatch, behaviour: Behaviour, message: str
) -> None:
    monkeypatch.setattr(remote, "BLOCK", 64)  # many requests: the misbehaviour is met at the first one or later
    with Server(local.read_bytes(), behaviour) as server, pytest.raises(RemoteError, match=message) as info:
        read_everything(server.url)
    assert info.value.url == server.url and server.url in str(info.value)


def test_a_file_that_changes_while_read_is_refused(local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "BLOCK", 64)
    with Server(local.read_bytes(), _changing) as server, pytest.raises(RemoteError, match="changed while it was read"):
        read_everything(server.url)


def test_a_transient_server_error_is_retried(local: Path) -> None:
    failures = [2]

    def flaky(handler: BaseHTTPRequestHandler, data: bytes, start: int, end: int | None) -> None:
        if failures[0]:
            failures[0] -= 1
            _failing(503)(handler, data, start, end)
        else:
            honest(handler, data, start, end)

    with Server(local.read_bytes(), flaky) as server:
        assert_same_reads(read_everything(server.url), read_everything(local))


def test_an_unreachable_server_and_an_unknown_scheme(local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RemoteError, match="cannot reach the server"):
        deephys.open("http://127.0.0.1:9/run.deephys")  # the discard port: nothing listens
    with pytest.raises(deephys.UsageError, match=r"cannot open nosuchscheme:// files"):
        deephys.open("nosuchscheme://bucket/run.deephys")
    monkeypatch.setitem(sys.modules, "fsspec", None)  # as if it were not installed
    with pytest.raises(deephys.UsageError, match=r"needs fsspec.*deephys\[remote\]"):
        deephys.open("s3://bucket/run.deephys")


def test_other_filesystems_through_fsspec(local: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    with fsspec.open("memory://deephys-test/run.deephys", "wb") as f:
        f.write(local.read_bytes())
    assert_same_reads(read_everything("memory://deephys-test/run.deephys"), read_everything(local))
