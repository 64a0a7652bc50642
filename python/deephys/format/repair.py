"""`deephys.repair`: cut what an interrupted in-place append wrote, back to the file's last complete version.

An in-place append leaves the old footer and trailer where they are and writes after them (docs/format.md,
*Appending*). If it is killed, the file ends with the new records but no trailer; every complete version
it held still ends with its own trailer. `repair` follows the record frames from the header, notes where
each verified trailer ends, and truncates the file after the last one. It changes nothing else.
"""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError, NothingToRepair
from .container import FRAME, crc32, parse_header, parse_trailer, unpack_trailer
from .limits import FRAME_SIZE, HEADER_SIZE, MAX_FOOTER, TRAILER_SIZE


@dataclass(frozen=True)
class Repaired:
    """What `repair` did (or, with `dry_run`, would do)."""

    path: str
    size: int  # of the file as it was found
    restored_size: int  # where the last complete version ends
    datasets: tuple[str, ...]  # the datasets of that version
    dry_run: bool

    @property
    def cut(self) -> int:
        return self.size - self.restored_size


def repair(path: str | os.PathLike[str], *, dry_run: bool = False) -> Repaired:
    """Restore a file whose in-place append was interrupted (killed, power loss) to its last complete version.

    Raises `NothingToRepair` when the file ends with a trailer (it was not cut short) and `FormatError` when no
    complete version can be found; the file is then left as it is. With `dry_run=True` nothing is changed.
    """
    path = os.fspath(path)
    # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
    flags = (os.O_RDONLY if dry_run else os.O_RDWR) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FormatError(path, 0, "not a regular file, not a Deephys file", "not-deephys")
        size = info.st_size
        parse_header(path, os.pread(fd, HEADER_SIZE, 0))
        if size >= HEADER_SIZE + TRAILER_SIZE and unpack_trailer(os.pread(fd, TRAILER_SIZE, size - TRAILER_SIZE)):
            raise NothingToRepair(
                f"{path}: nothing to repair: the file ends with a trailer, so no append to it was cut short; "
                f"`deephys validate {shlex.quote(path)}` checks it completely"
            )
        restored_size, footer, stop = _last_complete_version(fd, size)
        if footer is None:
            raise FormatError(
                path,
                stop,
                "no complete version found: no verified trailer before the records end; "
                "nothing can be recovered, the file is left as it is",
                "truncated",
            )
        if not dry_run:
            os.ftruncate(fd, restored_size)
            os.fsync(fd)
    finally:
        os.close(fd)
    return Repaired(path, size, restored_size, tuple(d.name for d in footer.datasets), dry_run)


def _last_complete_version(fd: int, size: int) -> tuple[int, pb.Footer | None, int]:
    """Follow the frames from the header: (end of the last verified trailer, its footer, where the walk stopped).

    Only 32 bytes are read per record (a frame header, or a trailer); a footer only when a trailer points at it.
    """
    position, last_end, last_footer = HEADER_SIZE, HEADER_SIZE, None
    while position + FRAME_SIZE <= size:
        data = os.pread(fd, TRAILER_SIZE, position)
        footer = _footer_of_trailer(fd, position, data)
        if footer is not None:
            position += TRAILER_SIZE
            last_end, last_footer = position, footer
            continue
        length, _ = FRAME.unpack(data[:FRAME_SIZE])
        if length > MAX_FOOTER or position + FRAME_SIZE + length > size:
            break
        position += FRAME_SIZE + length
    return last_end, last_footer, position


def _footer_of_trailer(fd: int, position: int, data: bytes) -> pb.Footer | None:
    """The footer, if `data` (read at `position`) is a valid trailer of a footer that ends at `position`."""
    if unpack_trailer(data) is None:  # the cheap test first: it fails at almost every position
        return None
    try:  # the reader's checks, as if the file ended after this trailer
        trailer = parse_trailer("", data, position + TRAILER_SIZE)
    except FormatError:
        return None
    frame = os.pread(fd, FRAME_SIZE + trailer.footer_length, trailer.footer_offset)
    length, crc = FRAME.unpack(frame[:FRAME_SIZE])
    payload = frame[FRAME_SIZE:]
    if (length, crc) != (trailer.footer_length, trailer.footer_crc) or crc32(payload) != crc:
        return None
    try:
        record = pb.Record.FromString(payload)
    except DecodeError:
        return None
    return record.footer if record.WhichOneof("body") == "footer" else None
