"""Reading a file from an HTTP(S) server by range requests, with the standard library.

Few, large, cached reads: bytes are fetched in aligned blocks (1 MiB) kept in a small LRU cache, and a
read of many blocks is one request. Every response is checked: the status (206 with exactly the range
asked), the body's length, and the file's version (ETag or Last-Modified, sent back as If-Range): a
file that changes while it is read is an error, never a mix of two versions. A server without range
support is read in one download if the file is small enough, else refused with what to change.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import OrderedDict
from email.message import Message
from http.client import HTTPResponse

from .._version import __version__
from ..errors import RemoteError

BLOCK = 1 << 20
CACHE_BLOCKS = 64
#: A server without Range support is read in one download up to this size.
FULL_DOWNLOAD_LIMIT = 512 << 20
TIMEOUT_S = 30.0
RETRIES = 2  # after a 5xx or a dropped connection
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class HttpSource:
    """A file at an http(s) URL. `bytes_transferred` counts the body bytes received."""

    def __init__(self, url: str, timeout: float = TIMEOUT_S):
        self.name = url
        self.timeout = timeout
        self.bytes_transferred = 0
        self.requests = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._whole: bytes | None = None  # the body, from a server without range support
        self._validator: str | None = None  # the ETag (or Last-Modified) of the version being read
        self.size = self._open()

    # ---- the first request ------------------------------------------------------------

    def _open(self) -> int:
        """Fetch the first block; learn the size, the version, and whether the server does ranges."""
        with self._request(0, BLOCK - 1, first=True) as response:
            headers = response.headers
            if response.status == 200:
                return self._download(response)
            start, end, total = self._content_range(headers, 0, None)
            if total is None:
                raise RemoteError(self.name, "the server did not say the file's size (Content-Range: bytes a-b/*)")
            self._validator = headers.get("ETag") or headers.get("Last-Modified")
            body = self._body(response, end - start + 1)
        self._keep(0, body)
        return total

    def _download(self, response: HTTPResponse) -> int:
        length = response.headers.get("Content-Length")
        if length is None or int(length) > FULL_DOWNLOAD_LIMIT:
            size = "an unknown size" if length is None else f"{int(length):,} bytes"
            raise RemoteError(
                self.name,
                f"the server does not support range requests and the file has {size}: reading it would mean "
                f"downloading all of it (allowed up to {FULL_DOWNLOAD_LIMIT:,} bytes). Serve it from a server that "
                "answers `Range:` requests (nginx, S3, GCS, `deephys serve`), or download it first",
            )
        self._whole = self._body(response, int(length))
        return len(self._whole)

    # ---- reads -------------------------------------------------------------------------

    def read(self, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        if self._whole is not None:
            return self._whole[offset : offset + length]
        end = min(offset + length, self.size)
        first, last = offset // BLOCK, (end - 1) // BLOCK
        if last - first >= 4:  # a large read: one request, not cached
            return self._fetch(offset, end - 1)
        missing = [b for b in range(first, last + 1) if b not in self._blocks]
        if missing:
            lo, hi = missing[0], missing[-1]  # one request for the whole gap
            data = self._fetch(lo * BLOCK, min((hi + 1) * BLOCK, self.size) - 1)
            for b in range(lo, hi + 1):
                self._keep(b, data[(b - lo) * BLOCK : (b - lo + 1) * BLOCK])
        parts = []
        for b in range(first, last + 1):
            self._blocks.move_to_end(b)
            parts.append(self._blocks[b])
        joined = b"".join(parts)
        return joined[offset - first * BLOCK : end - first * BLOCK]

    def _keep(self, block: int, data: bytes) -> None:
        self._blocks[block] = data
        self._blocks.move_to_end(block)
        while len(self._blocks) > CACHE_BLOCKS:
            self._blocks.popitem(last=False)

    def _fetch(self, start: int, end: int) -> bytes:
        """Bytes [start, end] (inclusive) of the version first read."""
        with self._request(start, end) as response:
            if response.status == 200:
                raise RemoteError(
                    self.name,
                    "the file changed while it was read (the server sent a new version in full): open it again"
                    if self._validator
                    else "the server stopped answering range requests",
                )
            self._content_range(response.headers, start, end)
            version = response.headers.get("ETag") or response.headers.get("Last-Modified")
            if self._validator and version and version != self._validator:
                raise RemoteError(self.name, "the file changed while it was read (its ETag changed): open it again")
            return self._body(response, end - start + 1)

    # ---- HTTP --------------------------------------------------------------------------

    def _request(self, start: int, end: int, first: bool = False) -> HTTPResponse:
        headers = {"Range": f"bytes={start}-{end}", "User-Agent": f"deephys/{__version__}"}
        if self._validator and not first:
            headers["If-Range"] = self._validator
        request = urllib.request.Request(self.name, headers=headers)
        attempt = -1
        while True:
            attempt += 1
            self.requests += 1
            try:
                response: HTTPResponse = urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310
            except urllib.error.HTTPError as exc:
                if exc.code == 416 and first:  # an empty file has no byte 0
                    raise RemoteError(self.name, "the server says the file is empty") from None
                if exc.code >= 500 and attempt < RETRIES:
                    continue
                raise RemoteError(self.name, _status_problem(exc.code, exc.reason), status=exc.code) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < RETRIES:
                    continue
                reason = getattr(exc, "reason", exc)
                raise RemoteError(self.name, f"cannot reach the server: {reason}") from None
            if response.status not in (200, 206):
                response.close()
                raise RemoteError(self.name, _status_problem(response.status, response.reason), status=response.status)
            return response

    def _content_range(self, headers: Message, start: int, end: int | None) -> tuple[int, int, int | None]:
        match = _CONTENT_RANGE.fullmatch((headers.get("Content-Range") or "").strip())
        if match is None:
            raise RemoteError(
                self.name, f"a 206 answer without a valid Content-Range ({headers.get('Content-Range')!r})"
            )
        got_start, got_end = int(match[1]), int(match[2])
        total = None if match[3] == "*" else int(match[3])
        expected_end = end if end is not None else got_end
        if got_start != start or got_end != expected_end or (end is None and got_end < start):
            raise RemoteError(
                self.name, f"the server sent bytes {got_start}-{got_end} when bytes {start}-{expected_end} were asked"
            )
        if total is not None and hasattr(self, "size") and total != self.size:
            raise RemoteError(self.name, f"the file's size changed while it was read ({self.size:,} -> {total:,})")
        return got_start, got_end, total

    def _body(self, response: HTTPResponse, length: int) -> bytes:
        try:
            data = response.read(length + 1)
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise RemoteError(self.name, f"the connection broke while reading: {exc}") from None
        self.bytes_transferred += len(data)
        if len(data) != length:
            raise RemoteError(self.name, f"the server sent {len(data):,} bytes where {length:,} were asked")
        return data

    def close(self) -> None:
        self._blocks.clear()
        self._whole = None


def _status_problem(status: int, reason: object) -> str:
    hints = {
        401: "the server asks for credentials",
        403: "the server refuses access (403 Forbidden): is the link public, or signed and expired?",
        404: "no file at this URL (404 Not Found)",
    }
    return hints.get(status, f"the server answered {status} {reason}")
