"""The local server behind `deephys view`: routes, Range requests, and its defences."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from process_helpers import python_module

from deephys.server import (
    DATA_CSP,
    PAGE_CSP,
    RangeNotSatisfiable,
    ViewerNotBuiltError,
    ViewerServer,
    parse_range,
)

PAGE = b"<!doctype html><title>viewer</title>"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def viewer_html(shared_dir: Path) -> Path:
    path = shared_dir / "viewer.html"
    path.write_bytes(PAGE)
    return path


@pytest.fixture(scope="module")
def data(shared_dir: Path) -> tuple[Path, bytes]:
    content = os.urandom(300_001)
    path = shared_dir / "model run.deephys"
    path.write_bytes(content)
    return path, content


@pytest.fixture(scope="module")
def server(data: tuple[Path, bytes], viewer_html: Path, shared_dir: Path) -> Iterator[ViewerServer]:
    """One server for the module: requests don't change its state."""
    empty = shared_dir / "empty.deephys"
    empty.write_bytes(b"")
    with ViewerServer([data[0], empty], viewer_html=viewer_html) as srv:
        yield srv


def request(
    srv: ViewerServer, path: str, method: str = "GET", headers: dict[str, str] | None = None, host: str | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host != "":
            conn.putheader("Host", host or f"127.0.0.1:{srv.port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def assert_security_headers(response: http.client.HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, name
    assert response.getheader("Content-Security-Policy")


# -- routes -------------------------------------------------------------------------------------------


def test_url_is_loopback_with_token(server: ViewerServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/{server.token}/"
    assert server.port > 0 and len(server.token) >= 20


def test_page(server: ViewerServer) -> None:
    response, body = request(server, f"/{server.token}/")
    assert response.status == 200 and body == PAGE
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Content-Security-Policy") == PAGE_CSP
    assert_security_headers(response)


def test_files_json(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    response, body = request(server, f"/{server.token}/files.json")
    assert response.status == 200 and response.getheader("Content-Type") == "application/json"
    assert response.getheader("Content-Security-Policy") == DATA_CSP
    assert_security_headers(response)
    assert json.loads(body) == [
        {"name": "model run.deephys", "url": f"/{server.token}/files/0", "size": len(data[1])},
        {"name": "empty.deephys", "url": f"/{server.token}/files/1", "size": 0},
    ]


def test_full_get(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    response, body = request(server, f"/{server.token}/files/0")
    assert response.status == 200 and body == data[1]
    assert response.getheader("Content-Length") == str(len(data[1]))
    assert response.getheader("Content-Type") == "application/octet-stream"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert response.getheader("ETag") and response.getheader("Last-Modified")
    assert_security_headers(response)


def test_empty_file(server: ViewerServer) -> None:
    response, body = request(server, f"/{server.token}/files/1")
    assert response.status == 200 and body == b"" and response.getheader("Content-Length") == "0"
    response, _ = request(server, f"/{server.token}/files/1", headers={"Range": "bytes=-5"})
    assert response.status == 416


@pytest.mark.parametrize(
    ("spec", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=10-99", 10, 100),
        ("bytes=299990-", 299990, 300001),
        ("bytes=299990-999999999", 299990, 300001),  # end clamped to the file
        ("bytes=-16", 300001 - 16, 300001),
        ("bytes=-999999", 0, 300001),  # suffix longer than the file
        ("bytes=0-300000", 0, 300001),
        (" Bytes = 5 - 7 ", 5, 8),
        ("bytes=5-" + "9" * 5000, 5, 300001),  # an end past any file is the end
        ("bytes=-" + "9" * 5000, 0, 300001),
    ],
)
def test_range(server: ViewerServer, data: tuple[Path, bytes], spec: str, start: int, stop: int) -> None:
    response, body = request(server, f"/{server.token}/files/0", headers={"Range": spec})
    assert response.status == 206
    assert body == data[1][start:stop]
    assert response.getheader("Content-Range") == f"bytes {start}-{stop - 1}/{len(data[1])}"
    assert response.getheader("Content-Length") == str(stop - start)
    assert_security_headers(response)


@pytest.mark.parametrize(
    "spec",
    [
        "bytes=300001-",
        "bytes=400000-400010",
        "bytes=-0",
        "bytes=9-5",
        "bytes=" + "9" * 5000 + "-",
        "bytes=99999999999999999999-",
    ],
)
def test_range_not_satisfiable(server: ViewerServer, data: tuple[Path, bytes], spec: str) -> None:
    response, _ = request(server, f"/{server.token}/files/0", headers={"Range": spec})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(data[1])}"
    assert_security_headers(response)


@pytest.mark.parametrize("spec", ["bytes=0-1,5-6", "items=0-5", "bytes=-", "bytes=a-b", "bytes 0-5"])
def test_ignored_range_sends_whole_file(server: ViewerServer, data: tuple[Path, bytes], spec: str) -> None:
    response, body = request(server, f"/{server.token}/files/0", headers={"Range": spec})
    assert response.status == 200 and body == data[1]


def test_if_range(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    etag = request(server, f"/{server.token}/files/0", method="HEAD")[0].getheader("ETag")
    assert etag is not None
    response, body = request(server, f"/{server.token}/files/0", headers={"Range": "bytes=0-9", "If-Range": etag})
    assert response.status == 206 and body == data[1][:10]
    response, body = request(server, f"/{server.token}/files/0", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert response.status == 200 and body == data[1]


def test_head(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    response, body = request(server, f"/{server.token}/files/0", method="HEAD")
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Length") == str(len(data[1]))
    assert response.getheader("Accept-Ranges") == "bytes"
    response, body = request(server, f"/{server.token}/files/0", method="HEAD", headers={"Range": "bytes=-10"})
    assert response.status == 206 and body == b""
    assert response.getheader("Content-Range") == f"bytes {len(data[1]) - 10}-{len(data[1]) - 1}/{len(data[1])}"


def test_keep_alive(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        for start in range(0, 5000, 1000):
            conn.request("GET", f"/{server.token}/files/0", headers={"Range": f"bytes={start}-{start + 999}"})
            response = conn.getresponse()
            assert response.status == 206 and response.read() == data[1][start : start + 1000]
    finally:
        conn.close()


def test_concurrent_ranges(server: ViewerServer, data: tuple[Path, bytes]) -> None:
    size = len(data[1])

    def fetch(i: int) -> bool:
        start = (i * 7919) % size
        end = min(size - 1, start + 1 + (i * 104729) % 50_000)
        response, body = request(server, f"/{server.token}/files/0", headers={"Range": f"bytes={start}-{end}"})
        return response.status == 206 and body == data[1][start : end + 1]

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert all(pool.map(fetch, range(64)))


# -- defences -----------------------------------------------------------------------------------------


def test_wrong_token_is_404(server: ViewerServer) -> None:
    wrong = "A" * len(server.token)
    for path in (f"/{wrong}/", f"/{wrong}/files.json", f"/{wrong}/files/0", "/", "/files.json", "/files/0"):
        response, body = request(server, path)
        assert response.status == 404, path
        assert server.token.encode() not in body
        assert_security_headers(response)


@pytest.mark.parametrize(
    "suffix",
    [
        "",  # no trailing slash
        "/index.html",
        "/files",
        "/files/",
        "/files/2",  # out of range
        "/files/-1",
        "/files/01",
        "/files/0/",
        "/files/0/..",
        "/files/../files.json",
        "/files/%30",
        "/../",
        "/..%2f..%2fetc%2fpasswd",
        "/files/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/files.json/",
        "/files.json/..",
        "/./",
    ],
)
def test_unknown_paths_and_traversal_are_404(server: ViewerServer, suffix: str) -> None:
    response, _ = request(server, f"/{server.token}{suffix}")
    assert response.status == 404
    response, _ = request(server, f"/{server.token}/../{server.token}/")
    assert response.status == 404


def test_absolute_form_and_path_prefix_are_404(server: ViewerServer) -> None:
    assert request(server, f"http://127.0.0.1:{server.port}/{server.token}/")[0].status == 404
    assert request(server, f"/x/{server.token}/")[0].status == 404


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "[::1]:{port}", "", "localhost"]
)
def test_bad_host_is_403(server: ViewerServer, host: str) -> None:
    response, _ = request(server, f"/{server.token}/files/0", host=host.format(port=server.port))
    assert response.status == 403
    assert_security_headers(response)


def test_good_hosts(server: ViewerServer) -> None:
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LocalHost:{server.port}"):
        assert request(server, f"/{server.token}/", host=host)[0].status == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW"])
def test_other_methods_are_405(server: ViewerServer, method: str) -> None:
    response, _ = request(server, f"/{server.token}/files/0", method=method)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"
    assert_security_headers(response)


def test_malformed_request_gets_headers_too(server: ViewerServer) -> None:
    response, _ = request(server, "/", method="GET", headers={"Range": "x" * 70_000})
    assert response.status == 431
    assert_security_headers(response)


# -- the class ----------------------------------------------------------------------------------------


def test_missing_viewer(data: tuple[Path, bytes], tmp_path: Path) -> None:
    with pytest.raises(ViewerNotBuiltError, match="make viewer"):
        ViewerServer([data[0]], viewer_html=tmp_path / "nope.html")


def test_refuses_non_loopback_host(data: tuple[Path, bytes], viewer_html: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        ViewerServer([data[0]], host="0.0.0.0", viewer_html=viewer_html)


def test_missing_file(tmp_path: Path, viewer_html: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ViewerServer([tmp_path / "absent.deephys"], viewer_html=viewer_html)


def test_explicit_port_in_use(server: ViewerServer, data: tuple[Path, bytes], viewer_html: Path) -> None:
    with pytest.raises(OSError):
        ViewerServer([data[0]], port=server.port, viewer_html=viewer_html)


def test_shutdown_closes_idle_connections_and_port(data: tuple[Path, bytes], viewer_html: Path) -> None:
    srv = ViewerServer([data[0]], viewer_html=viewer_html).start()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    conn.request("GET", f"/{srv.token}/files.json")
    conn.getresponse().read()  # the connection stays open (keep-alive)
    before = threading.active_count()
    srv.shutdown()
    srv.shutdown()  # idempotent
    assert threading.active_count() < before
    conn.close()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", srv.port, timeout=2).request("GET", "/")
    # never started: shutting down must not hang
    ViewerServer([data[0]], viewer_html=viewer_html).shutdown()


def test_parse_range() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=2-4", 10) == (2, 4)
    assert parse_range("bytes=2-", 10) == (2, 9)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=0-0,2-3", 10) is None
    for spec in ("bytes=10-", "bytes=-0", "bytes=5-4"):
        with pytest.raises(RangeNotSatisfiable):
            parse_range(spec, 10)


# -- the command --------------------------------------------------------------------------------------


@pytest.fixture
def run_file(small_run: Path) -> tuple[Path, bytes]:
    """A valid .deephys file: the command checks each file's header, trailer and index before serving."""
    return small_run, small_run.read_bytes()


def _cli(*args: str | Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    python_dir = str(Path(__file__).resolve().parents[1] / "python")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [python_dir, env.get("PYTHONPATH")]))
    env["BROWSER"] = "false"  # belt and braces: never start a real browser
    return subprocess.Popen(
        [*python_module("deephys.cli"), "view", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _first_line(proc: subprocess.Popen[str], timeout: float = 8) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        pytest.fail(f"no output from `deephys view`; stderr: {proc.communicate()[1]}")
    return proc.stdout.readline()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and select() on pipes are POSIX")
def test_cli_serves_and_stops_on_sigint(run_file: tuple[Path, bytes], viewer_html: Path) -> None:
    data = run_file
    proc = _cli("--no-browser", "--viewer-html", viewer_html, data[0])
    try:
        line = _first_line(proc)
        match = re.fullmatch(r"Deephys viewer at (http://127\.0\.0\.1:(\d+)/([\w-]+)/)  \(Ctrl-C to stop\)\n", line)
        assert match, line
        port, token = int(match[2]), match[3]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", f"/{token}/files.json")
        listing = json.loads(conn.getresponse().read())
        assert [entry["name"] for entry in listing] == [data[0].name]
        conn.request("GET", f"/{token}/files/0", headers={"Range": "bytes=-100"})
        assert conn.getresponse().read() == data[1][-100:]
        conn.request("GET", f"/{token}/")
        assert conn.getresponse().read() == PAGE  # the connection is left open on purpose
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=5)
        conn.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Aborted" not in err
    assert "Stopped." in out


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes is POSIX")
def test_cli_port_in_use(server: ViewerServer, run_file: tuple[Path, bytes], viewer_html: Path) -> None:
    data = run_file
    proc = _cli("--no-browser", "--port", str(server.port), "--viewer-html", viewer_html, data[0])
    out, err = proc.communicate(timeout=8)
    assert proc.returncode == 2
    assert f"127.0.0.1:{server.port}" in err and "in use" in err and "Traceback" not in err


def test_cli_missing_file(tmp_path: Path) -> None:
    proc = _cli("--no-browser", tmp_path / "absent.deephys")
    _, err = proc.communicate(timeout=8)
    assert proc.returncode == 2 and "does not exist" in err


def test_cli_opens_browser_and_reports_missing_viewer(
    run_file: tuple[Path, bytes],
    viewer_html: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    browser_then_ctrl_c: list[str],
) -> None:
    from click.testing import CliRunner

    from deephys import server as server_module
    from deephys.cli.view import view

    data = run_file
    opened = browser_then_ctrl_c
    result = CliRunner().invoke(view, ["--viewer-html", str(viewer_html), str(data[0])])
    assert result.exit_code == 0, result.output
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:") and opened[0] in result.output

    monkeypatch.setattr(server_module, "VIEWER_HTML", tmp_path / "not-built.html")
    result = CliRunner().invoke(view, ["--no-browser", str(data[0])])
    assert result.exit_code == 1 and "make viewer" in result.output


def test_idle_connections_are_closed(data: tuple[Path, bytes], viewer_html: Path) -> None:
    import socket

    with ViewerServer([data[0]], viewer_html=viewer_html, idle_timeout=0.3) as srv:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as idle:
            assert idle.recv(1) == b""  # the server hung up on a connection that sent nothing


def test_connections_beyond_the_bound_get_503(server: ViewerServer) -> None:
    import socket

    from deephys.server import MAX_CONNECTIONS

    held = [socket.create_connection(("127.0.0.1", server.port), timeout=30) for _ in range(MAX_CONNECTIONS)]
    try:
        # Each held connection has a handler thread waiting for its request; the next is turned away.
        deadline = 50
        for _ in range(deadline):
            with socket.create_connection(("127.0.0.1", server.port), timeout=30) as extra:
                extra.sendall(f"GET /{server.token}/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
                reply = extra.recv(64)
            if reply.startswith(b"HTTP/1.1 503"):
                break
        assert reply.startswith(b"HTTP/1.1 503"), reply
    finally:
        for connection in held:
            connection.close()
    for _ in range(100):  # their threads end as they see the connections close
        response, _ = request(server, f"/{server.token}/")
        if response.status != 503:
            break
        threading.Event().wait(0.05)
    assert response.status == 200  # served again once they are gone


def test_cli_refuses_a_cut_file_and_names_repair(run_file: tuple[Path, bytes], tmp_path: Path) -> None:
    cut = tmp_path / "cut.deephys"
    cut.write_bytes(run_file[1][:-100])
    proc = _cli("--no-browser", cut)
    out, err = proc.communicate(timeout=8)
    assert proc.returncode == 1 and out == ""
    assert f"{cut}: " in err and "no Deephys trailer" in err and f"deephys repair {cut}" in err
    assert "Traceback" not in err
