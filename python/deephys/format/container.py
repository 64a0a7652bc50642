"""Header, record frames and trailer: the byte-level container of docs/format.md."""

from __future__ import annotations

import shlex
import struct
import zlib
from dataclasses import dataclass

from ..errors import FormatError, UsageError
from .limits import (
    END_MAGIC,
    FORMAT_MAJOR,
    FORMAT_MINOR,
    FRAME_SIZE,
    HEADER_SIZE,
    MAGIC,
    MAX_FOOTER,
    MAX_RECORD,
    TRAILER_SIZE,
)

_HEADER = struct.Struct("<8sHHI")
#: A record frame: the length and CRC-32 of the payload that follows.
FRAME = struct.Struct("<II")
_TRAILER_BODY = struct.Struct("<QIIHH")
_TRAILER = struct.Struct("<QIIHHI8s")


def crc32(data: bytes | memoryview) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def pack_header(major: int = FORMAT_MAJOR, minor: int = FORMAT_MINOR) -> bytes:
    body = _HEADER.pack(MAGIC, major, minor, 0)[:12]
    return body + struct.pack("<I", crc32(body))


def pack_frame(payload: bytes) -> bytes:
    if len(payload) > MAX_RECORD:
        raise UsageError(f"record of {len(payload)} bytes exceeds the {MAX_RECORD}-byte limit of the format")
    return FRAME.pack(len(payload), crc32(payload))


@dataclass(frozen=True)
class Trailer:
    footer_offset: int
    footer_length: int
    footer_crc: int
    major: int
    minor: int


def pack_trailer(t: Trailer) -> bytes:
    body = _TRAILER_BODY.pack(t.footer_offset, t.footer_length, t.footer_crc, t.major, t.minor)
    return body + struct.pack("<I", crc32(body)) + END_MAGIC


def unpack_trailer(data: bytes) -> Trailer | None:
    """The trailer in `data` (32 bytes) if its end magic and CRC are right, else None; nothing else is checked."""
    if len(data) != TRAILER_SIZE:
        return None
    footer_offset, length, footer_crc, major, minor, crc, end = _TRAILER.unpack(data)
    if end != END_MAGIC or crc32(data[:20]) != crc:
        return None
    return Trailer(footer_offset, length, footer_crc, major, minor)


def check_version(path: str, offset: int, major: int, minor: int) -> None:
    if major != FORMAT_MAJOR:
        raise FormatError(
            path,
            offset,
            f"this file uses format version {major}.{minor}; this deephys reads "
            f"version {FORMAT_MAJOR}.x: upgrade deephys (pip install -U deephys)"
            if major > FORMAT_MAJOR
            else f"unsupported format version {major}.{minor}",
            "unsupported-version",
        )


def parse_trailer(path: str, data: bytes, file_size: int) -> Trailer:
    """The checked trailer `data` of a `file_size`-byte file whose header was found valid."""
    offset = file_size - TRAILER_SIZE
    if file_size < HEADER_SIZE + TRAILER_SIZE or len(data) != TRAILER_SIZE:
        raise FormatError(
            path,
            0,
            f"file of {file_size} bytes is too small to be a complete Deephys file: it was cut short",
            "truncated",
        )
    trailer = unpack_trailer(data)
    if trailer is None and not data.endswith(END_MAGIC):
        raise FormatError(
            path,
            file_size - len(END_MAGIC),
            "no Deephys trailer at the end of the file: the file is truncated, still being "
            "written, or not a Deephys file; if an in-place append to it was interrupted, "
            f"`deephys repair {shlex.quote(path)}` restores its last complete version",
            "truncated",
        )
    if trailer is None:
        raise FormatError(path, offset, "trailer CRC mismatch: the end of the file is damaged", "checksum")
    check_version(path, offset, trailer.major, trailer.minor)
    if trailer.footer_length > MAX_FOOTER:
        raise FormatError(
            path, offset, f"footer length {trailer.footer_length} exceeds the {MAX_FOOTER}-byte limit", "too-large"
        )
    if trailer.footer_offset < HEADER_SIZE or trailer.footer_offset + FRAME_SIZE + trailer.footer_length != offset:
        raise FormatError(
            path,
            offset,
            f"footer at {trailer.footer_offset} with length {trailer.footer_length} does not end at the trailer",
            "bad-reference",
        )
    return trailer


def parse_header(path: str, data: bytes) -> tuple[int, int]:
    if len(data) < HEADER_SIZE:
        raise FormatError(path, 0, "file too small to hold a Deephys header", "not-deephys")
    magic, major, minor, crc = _HEADER.unpack(data[:HEADER_SIZE])
    if magic != MAGIC:
        raise FormatError(path, 0, "not a Deephys file (wrong magic bytes)", "not-deephys")
    if crc32(data[:12]) != crc:
        raise FormatError(path, 12, "header CRC mismatch: the start of the file is damaged", "checksum")
    check_version(path, 8, major, minor)
    return major, minor


def parse_frame(path: str, offset: int, data: bytes, max_length: int = MAX_RECORD) -> tuple[int, int]:
    length, crc = FRAME.unpack(data)
    if length > max_length:
        raise FormatError(path, offset, f"record length {length} exceeds the {max_length}-byte limit", "too-large")
    return length, crc
