"""`deephys view URL`: the page reads an http(s) file itself when its server lets any page read it by
ranges (`?url=`), and the local server relays every other URL."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from deephys.cli.view import page_can_read, view
from deephys.server import PAGE_CSP, FileServer


@pytest.fixture
def page(tmp_path: Path) -> Path:
    html = tmp_path / "viewer.html"
    html.write_text("<!doctype html><title>viewer</title>")
    return html


def test_page_can_read_only_what_any_page_may_read_by_ranges(small_run: Path) -> None:
    with FileServer([small_run], cors="*") as open_to_all:
        assert page_can_read(open_to_all.url(small_run.name))
    with FileServer([small_run]) as no_cors:
        assert not page_can_read(no_cors.url(small_run.name))
    with FileServer([small_run], cors="https://lab.example") as one_origin:  # not the page's, whatever its port
        assert not page_can_read(one_origin.url(small_run.name))
    with FileServer([small_run], cors="*") as gone:
        url = gone.url(small_run.name)
    assert not page_can_read(url)  # nobody answers
    assert not page_can_read("s3://bucket/run.deephys")


def test_view_opens_the_page_on_a_file_its_server_lets_any_page_read(
    small_run: Path, page: Path, browser_then_ctrl_c: list[str]
) -> None:
    with FileServer([small_run], cors="*") as files:
        url = files.url(small_run.name)
        result = CliRunner().invoke(view, ["--viewer-html", str(page), url])
    assert result.exit_code == 0, result.output
    [opened] = browser_then_ctrl_c
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(opened).query) == {"url": [url]}
    assert f"Deephys viewer at {opened}  (Ctrl-C to stop)" in result.output
    assert f"{url}: read by the page directly" in result.output
    # The page's policy lets it connect to the file's server.
    assert "connect-src 'self' http: https:" in PAGE_CSP


def test_view_relays_a_file_the_page_may_not_read_or_when_asked(
    small_run: Path, page: Path, browser_then_ctrl_c: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from deephys.server import ViewerServer

    listings: list[object] = []
    serve = ViewerServer.serve_forever

    def listing_then_serve(self: ViewerServer, poll_interval: float = 0.2) -> None:
        listings.append(json.loads(self.listing()))
        serve(self, poll_interval)

    monkeypatch.setattr(ViewerServer, "serve_forever", listing_then_serve)
    for cors, args in ((None, []), ("*", ["--relay"])):
        with FileServer([small_run], cors=cors) as files:
            url = files.url(small_run.name)
            result = CliRunner().invoke(view, ["--viewer-html", str(page), *args, url])
        assert result.exit_code == 0, result.output
        assert "?url=" not in browser_then_ctrl_c[-1] and "read by the page directly" not in result.output
        assert [entry["name"] for entry in listings[-1]] == [small_run.name]  # type: ignore[index]
