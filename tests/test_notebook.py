"""`deephys.show`: the viewer inline in a notebook (an iframe srcdoc), or served when too large."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bundle_helpers import embedded, write_run

import deephys
from deephys.bundle import render
from deephys.notebook import NotebookViewer, show

PAGE = '<!doctype html><html><head><title>viewer</title></head><body><div id="app"></div></body></html>'


class _Tags(HTMLParser):
    """Every start tag of a fragment with its (unescaped) attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


@pytest.fixture
def viewer(tmp_path: Path) -> Path:
    path = tmp_path / "viewer.html"
    path.write_text(PAGE)
    return path


def test_inline_frame(small_run: Path, viewer: Path) -> None:
    shown = show(small_run, height=500, viewer_html=viewer)
    assert isinstance(shown, NotebookViewer) and shown.inline and shown.url is None
    fragment = shown._repr_html_()
    parsed = tags(fragment)
    # One element: the bundle is the value of srcdoc, never markup of the notebook's page.
    assert [t for t, _ in parsed.tags] == ["iframe"] and "".join(parsed.text) == ""
    attributes = parsed.tags[0][1]
    assert attributes["sandbox"] == "allow-scripts allow-downloads"
    assert "height:500px" in (attributes["style"] or "")
    assert attributes["srcdoc"] == render([small_run], slim=True, viewer_html=viewer) == shown.html
    assert "<script" not in fragment and "</iframe>" in fragment
    assert repr(shown) == "<deephys.NotebookViewer inline>"
    shown.close()  # nothing to stop


def test_escaping_round_trips_names_and_data(tmp_path: Path, small_run: Path, viewer: Path) -> None:
    name = """q "uote" & <iframe> 'x'.deephys"""
    hostile = tmp_path / name
    hostile.write_bytes(small_run.read_bytes())
    shown = show([hostile], slim=False, viewer_html=viewer)
    srcdoc = tags(shown._repr_html_()).tags[0][1]["srcdoc"] or ""
    assert embedded(srcdoc) == [(name, small_run.read_bytes())]


def test_slim_by_default(tmp_path: Path, viewer: Path) -> None:
    run = write_run(tmp_path / "run.deephys")
    slim_page = show(run, viewer_html=viewer).html or ""
    full_page = show(run, slim=False, viewer_html=viewer).html or ""
    assert len(slim_page) < len(full_page)
    assert embedded(full_page) == [("run.deephys", run.read_bytes())]


def test_too_large_falls_back_to_a_local_server(small_run: Path, viewer: Path) -> None:
    shown = show(small_run, max_bytes=1000, viewer_html=viewer)
    try:
        assert not shown.inline and shown.html is None
        url = shown.url
        assert url is not None and url.startswith("http://127.0.0.1:")
        parsed = tags(shown._repr_html_())
        frame = dict(parsed.tags)["iframe"]
        assert frame["src"] == url
        assert "allow-same-origin" in (frame["sandbox"] or "")
        note = "".join(parsed.text)
        assert "too large to show inline" in note and "same machine" in note
        with urllib.request.urlopen(url) as response:  # noqa: S310 - our own server on 127.0.0.1
            assert response.read() == viewer.read_bytes()
            csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors" not in csp and "connect-src 'self'" in csp  # a notebook may frame it
        with urllib.request.urlopen(url + "files.json") as response:  # noqa: S310
            assert [f["name"] for f in json.load(response)] == ["small.deephys"]
        assert "served at http://127.0.0.1:" in repr(shown)
    finally:
        shown.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)  # noqa: S310


def test_bad_arguments(small_run: Path, viewer: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="height"):
        show(small_run, height=0, viewer_html=viewer)
    with pytest.raises(FileNotFoundError):
        show(tmp_path / "missing.deephys", viewer_html=viewer)


def test_show_is_exported_lazily() -> None:
    assert deephys.show is show
    heavy = "('deephys.notebook', 'deephys.bundle', 'deephys.server')"
    code = f"import sys, deephys; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "show" in deephys.__all__
    with pytest.raises(AttributeError):
        deephys.not_a_thing  # noqa: B018
