"""Sharing by URL: `deephys serve` (range requests, CORS), `deephys.open` of a served file, and the
viewer's local server relaying a remote file (`deephys view URL`)."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from process_helpers import python_module

import deephys
from deephys.server import CORS_EXPOSED, FileServer, ViewerServer


def get(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    host, _, path = url.removeprefix("http://").partition("/")
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request(method, "/" + path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_serve_answers_ranges_with_cors(small_run: Path) -> None:
    data = small_run.read_bytes()
    with FileServer([small_run], cors="*") as server:
        url = server.url(small_run.name)
        response, body = get(url, headers={"Range": "bytes=10-99", "Origin": "https://viewer.example"})
        assert response.status == 206 and body == data[10:100]
        assert response.getheader("Content-Range") == f"bytes 10-99/{len(data)}"
        assert response.getheader("Access-Control-Allow-Origin") == "*"
        assert response.getheader("Access-Control-Expose-Headers") == CORS_EXPOSED
        preflight, _ = get(
            url, "OPTIONS", {"Origin": "https://viewer.example", "Access-Control-Request-Headers": "range"}
        )
        assert preflight.status == 204 and "Range" in preflight.getheader("Access-Control-Allow-Headers")
        assert get(server.url("other.deephys"))[0].status == 404
        evil, _ = get(url, headers={"Host": "evil.example:80"})  # DNS rebinding
        assert evil.status == 403
        with deephys.open(url) as run:
            assert run.datasets["shifted"].summary("features").units == 8


def test_serve_without_cors_sends_no_cors_headers(small_run: Path) -> None:
    with FileServer([small_run]) as server:
        response, _ = get(server.url(small_run.name), headers={"Range": "bytes=0-15"})
        assert response.status == 206 and response.getheader("Access-Control-Allow-Origin") is None


def test_the_viewer_server_relays_a_remote_file(small_run: Path, tmp_path: Path) -> None:
    page = tmp_path / "viewer.html"
    page.write_text("<!doctype html><title>viewer</title>")
    data = small_run.read_bytes()
    with FileServer([small_run]) as files, ViewerServer([files.url(small_run.name)], viewer_html=page) as viewer:
        listing = json.loads(get(viewer.url + "files.json")[1])
        assert listing == [{"name": small_run.name, "url": f"/{viewer.token}/files/0", "size": len(data)}]
        response, body = get(viewer.file_url(0), headers={"Range": "bytes=-64"})
        assert response.status == 206 and body == data[-64:]
        assert get(viewer.file_url(0))[1] == data


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and select() on pipes are POSIX")
def test_serve_command(small_run: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [*python_module("deephys.cli"), "serve", "--port", "0", "--cors", "*", str(small_run)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, proc.stderr.read() if proc.stderr else ""
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/small\.deephys", url), url
        assert get(url, headers={"Range": "bytes=0-7"})[1] == small_run.read_bytes()[:8]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0 and "Traceback" not in err


def test_serve_on_an_address_it_cannot_bind(small_run: Path) -> None:
    from click.testing import CliRunner

    from deephys.cli import main

    # An address that is not this machine's (a documentation address): the command says so, no traceback.
    result = CliRunner().invoke(main, ["serve", "--host", "203.0.113.7", "--port", "1", str(small_run)])
    assert result.exit_code == 1 and "cannot listen on 203.0.113.7:1" in result.output
