"""`deephys demo` serving its file: --no-browser prints the URL and Ctrl-C stops it; errors come early."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from process_helpers import python_code

import deephys
from deephys.cli import demo as demo_module
from deephys.cli.demo import demo

PAGE = b"<!doctype html><title>viewer</title>"
URL_LINE = re.compile(r"Deephys viewer at (http://127\.0\.0\.1:(\d+)/([\w-]+)/)  \(Ctrl-C to stop\)")
# The subprocess runs the command through the `deephys` group, as a user would.
RUN_DEMO = "import sys; from deephys.cli import main; sys.exit(main(['demo', *sys.argv[1:]], prog_name='deephys'))"


@pytest.fixture
def viewer_html(tmp_path: Path) -> Path:
    path = tmp_path / "viewer.html"
    path.write_bytes(PAGE)
    return path


def _wait_for_url(proc: subprocess.Popen[bytes], timeout: float) -> tuple[re.Match[str], str]:
    """The URL line, read from the raw pipe (a buffered reader can hide lines from select)."""
    assert proc.stdout is not None
    fd, seen, deadline = proc.stdout.fileno(), b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            break
        seen += chunk
        for line in seen.decode(errors="replace").splitlines():
            if match := URL_LINE.fullmatch(line):
                return match, seen.decode(errors="replace")
    proc.kill()
    _, err = proc.communicate()
    pytest.fail(f"no URL from `deephys demo`; stdout: {seen!r}; stderr: {err[-2000:]!r}")


@pytest.mark.torch
@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and select() on pipes are POSIX")
def test_no_browser_serves_the_demo_file_until_ctrl_c(tmp_path: Path, viewer_html: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    env = dict(os.environ, BROWSER="false")  # belt and braces: never start a real browser
    python_dir = str(Path(__file__).resolve().parents[2] / "python")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [python_dir, env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [
            *python_code(RUN_DEMO),
            "--no-browser",
            "--out",
            str(tmp_path / "out"),
            "--viewer-html",
            str(viewer_html),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        match, report = _wait_for_url(proc, timeout=60)
        assert "permuted colours" in report
        port, token = int(match[2]), match[3]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", f"/{token}/files.json")
        listing = json.loads(conn.getresponse().read())
        assert [entry["name"] for entry in listing] == ["colored-mnist-torch.deephys"]
        conn.request("GET", f"/{token}/files/0", headers={"Range": "bytes=0-3"})
        assert len(conn.getresponse().read()) == 4
        conn.request("GET", f"/{token}/")
        assert conn.getresponse().read() == PAGE
        conn.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert b"Traceback" not in err and b"Stopped." in out
    assert (tmp_path / "out" / "colored-mnist-torch.deephys").is_file()


def _fake_run_demo(calls: list[tuple[str, Path]]):
    """Stands in for the training: writes a small run where the real demo would write its file."""

    def fake(framework: str, out_dir: Path, seed: int = 0, progress: bool = True, echo=print, path=None, compare=False):
        calls.append((framework, Path(out_dir)))
        path = Path(path) if path is not None else Path(out_dir) / f"colored-mnist-{framework}.deephys"
        model = deephys.Model("tiny", layers={"fc1": 4, "fc2": 2}, classifier="fc2")
        rng = np.random.default_rng(0)
        with deephys.Writer(path, model=model, classes=["a", "b"]) as writer:
            writer.add_dataset(
                "coloured digits",
                images=rng.random((6, 8, 8, 3)),
                labels=rng.integers(0, 2, 6),
                activations={"fc1": rng.random((6, 4)), "fc2": rng.random((6, 2))},
            )
        return type("Result", (), {"path": path, "augmented": None})()

    return fake


def test_opens_the_browser_unless_told_not_to(
    tmp_path: Path, viewer_html: Path, monkeypatch: pytest.MonkeyPatch, browser_then_ctrl_c: list[str]
) -> None:
    calls: list[tuple[str, Path]] = []
    opened = browser_then_ctrl_c
    monkeypatch.setattr(demo_module, "run_demo", _fake_run_demo(calls))
    result = CliRunner().invoke(demo, ["--out", str(tmp_path), "--viewer-html", str(viewer_html)])
    assert result.exit_code == 0, result.output
    assert calls == [("torch", tmp_path)]
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:") and opened[0] in result.output
    assert "Stopped." in result.output


def test_missing_viewer_is_reported_before_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Path]] = []
    monkeypatch.setattr(demo_module, "run_demo", _fake_run_demo(calls))
    monkeypatch.setattr(demo_module, "VIEWER_HTML", tmp_path / "not-built.html")
    result = CliRunner().invoke(demo, ["--out", str(tmp_path), "--no-browser"])
    assert result.exit_code == 1 and "make viewer" in result.output and "--no-view" in result.output
    assert calls == []


def test_missing_framework_is_named_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "flax" else real(name, *a))
    result = CliRunner().invoke(demo, ["--framework", "jax", "--no-view"])
    assert result.exit_code == 1
    assert "needs Flax" in result.output and "deephys[jax]" in result.output


def test_unknown_framework_is_a_usage_error() -> None:
    result = CliRunner().invoke(demo, ["--framework", "tensorflow"])
    assert result.exit_code == 2 and "torch" in result.output and "jax" in result.output


HOLD_THE_DEMO_FILE = """
import sys, time
from deephys.demo import claim_demo_path
with claim_demo_path(sys.argv[1], "torch") as path:
    print(path.name, flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_demo_running_beside_another_gets_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Path]] = []
    monkeypatch.setattr(demo_module, "run_demo", _fake_run_demo(calls))
    other = subprocess.Popen([sys.executable, "-c", HOLD_THE_DEMO_FILE, str(tmp_path)], stdout=subprocess.PIPE)
    try:
        assert other.stdout is not None and other.stdout.readline() == b"colored-mnist-torch.deephys\n"
        result = CliRunner().invoke(demo, ["--out", str(tmp_path), "--no-view"])
        assert result.exit_code == 0, result.output
        assert f"deephys view {tmp_path / 'colored-mnist-torch-2.deephys'}" in result.output
    finally:
        other.kill()
        other.communicate()
    again = CliRunner().invoke(demo, ["--out", str(tmp_path), "--no-view"])  # the other one has ended
    assert f"deephys view {tmp_path / 'colored-mnist-torch.deephys'}" in again.output
    assert sorted(p.name for p in tmp_path.glob("*.deephys")) == [
        "colored-mnist-torch-2.deephys",
        "colored-mnist-torch.deephys",
    ]


def test_make_demo_installs_the_demo_only_and_writes_to_an_ignored_folder() -> None:
    root = Path(__file__).resolve().parents[2]
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = subprocess.run(
        ["make", "-n", "demo"], cwd=root, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    ).stdout
    assert "-r requirements-demo.txt" in plan and "requirements-dev.txt" not in plan
    demo_line = next(line for line in plan.splitlines() if "deephys demo" in line)
    out = Path(demo_line.split("--out", 1)[1].split()[0])
    ignored = subprocess.run(["git", "check-ignore", "-q", str(out / "colored-mnist-torch.deephys")], cwd=root)
    assert ignored.returncode == 0, f"{out} is not git-ignored"
    needs = (root / "requirements-demo.txt").read_text()
    for dev_only in ("jax", "flax", "transformers", "timm", "torchvision", "ruff", "mypy", "grpcio"):
        assert dev_only not in needs, dev_only
