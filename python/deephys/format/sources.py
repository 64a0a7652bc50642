"""Where a file's bytes come from: a local file, an HTTP(S) server (range requests), or any fsspec filesystem.

Every source reads `length` bytes at `offset` and knows its size; `RecordFile` checks what they return.
`open_source(location)` picks one: a URL with a scheme is remote (`http`/`https` with the standard library,
`s3://`, `gs://`, `hf://`, ... through the optional `fsspec`), anything else a local path.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Protocol, runtime_checkable

from ..errors import FormatError, UsageError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@runtime_checkable
class ByteSource(Protocol):
    """Random access to the bytes of one file."""

    name: str  # what messages call it: a path or a URL
    size: int
    bytes_transferred: int  # read so far

    def read(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


def is_url(location: str | os.PathLike[str]) -> bool:
    """Whether `location` names a remote file (`scheme://...`) rather than a local path."""
    return isinstance(location, str) and bool(_URL.match(location))


class LocalSource:
    """A regular local file, read with `pread`."""

    def __init__(self, path: str | os.PathLike[str]):
        self.name = os.fspath(path)
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            self._fd = os.open(path, flags)
        except IsADirectoryError:
            raise FormatError(path, 0, "is a folder, not a Deephys file", "not-deephys") from None
        info = os.fstat(self._fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(self._fd)
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise FormatError(path, 0, f"is {kind}, not a Deephys file", "not-deephys")
        self.size = info.st_size
        self.bytes_transferred = 0

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._fd, length, offset)
        self.bytes_transferred += len(data)
        return data

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class FsspecSource:
    """A file on any filesystem fsspec knows (`s3://`, `gs://`, `hf://`, ...)."""

    def __init__(self, url: str):
        try:
            import fsspec
        except ImportError:
            raise UsageError(
                f"{url}: reading {url.split('://')[0]}:// files needs fsspec and its filesystem "
                "(pip install 'deephys[remote]' plus e.g. s3fs, gcsfs or huggingface_hub)"
            ) from None
        self.name = url
        try:
            self._fs, self._path = fsspec.core.url_to_fs(url)
        except (ValueError, ImportError) as exc:  # an unknown scheme, or its filesystem package is missing
            raise UsageError(
                f"{url}: fsspec cannot open {url.split('://')[0]}:// files ({exc}); install the filesystem's "
                "package (s3fs, gcsfs, huggingface_hub, ...)"
            ) from None
        self.size = int(self._fs.size(self._path))
        self.bytes_transferred = 0

    def read(self, offset: int, length: int) -> bytes:
        data: bytes = self._fs.cat_file(self._path, start=offset, end=offset + length)
        self.bytes_transferred += len(data)
        return data

    def close(self) -> None:
        pass


def open_source(location: str | os.PathLike[str]) -> ByteSource:
    """The source of `location`: a local path, an http(s) URL, or another fsspec URL."""
    if not is_url(location):
        return LocalSource(location)
    url = str(location)
    if url.split("://", 1)[0].lower() in ("http", "https"):
        from .remote import HttpSource  # the standard library's HTTP client, loaded only for URLs

        return HttpSource(url)
    return FsspecSource(url)
