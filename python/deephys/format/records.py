"""Records in a file: bounds-checked reads of framed records, and the image references of the table.

The layer above the container's framing (`container.py`) and below the reader and the writer: both
use the image reference struct and `EncodedImage` from here, and the reader and the tools that walk a
file (`validate`, `repair`) read records through `RecordFile`.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf.message import DecodeError

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import FormatError
from .container import crc32, parse_frame
from .limits import FRAME_SIZE, HEADER_SIZE, IMAGE_REF_SIZE, MAX_RECORD, TRAILER_SIZE
from .sources import ByteSource, open_source

#: An image's place in the file as the table stores it: offset, length and CRC of its record.
IMAGE_REF = struct.Struct("<QII")
#: The same, as a NumPy dtype for a table's references at once; all zero: the image was left out.
IMAGE_REF_DTYPE = np.dtype([("offset", "<u8"), ("length", "<u4"), ("crc32", "<u4")])
ABSENT_IMAGE_REF = bytes(IMAGE_REF_SIZE)
assert IMAGE_REF.size == IMAGE_REF_DTYPE.itemsize == IMAGE_REF_SIZE


def pack_image_ref(offset: int, length: int, crc: int) -> bytes:
    return IMAGE_REF.pack(offset, length, crc)


def unpack_image_ref(refs: bytes, row: int) -> tuple[int, int, int]:
    """(offset, length, crc32) of row `row` of packed references."""
    offset, length, crc = IMAGE_REF.unpack_from(refs, row * IMAGE_REF_SIZE)
    return int(offset), int(length), int(crc)


@dataclass(frozen=True)
class EncodedImage:
    """An image already encoded (e.g. read from another file), written as it is, without re-encoding.

    `encoding` is the file's enum value (`images.ENCODINGS["png"]`, or `pb.Image.encoding`).
    `EncodedImage.absent()` (no data) leaves the image out: its reference in the table is all zero.
    """

    data: bytes
    width: int
    height: int
    channels: int
    encoding: int

    @classmethod
    def absent(cls) -> EncodedImage:
        """An image left out of the file (e.g. by `deephys bundle --slim`)."""
        return cls(b"", 0, 0, 0, 0)

    @property
    def is_absent(self) -> bool:
        return not self.data


class RecordFile:
    """A file opened for reading (a local path, or a URL: see `sources`): bounds-checked reads and
    checked records."""

    def __init__(self, location: str | os.PathLike[str] | ByteSource):
        self.source = location if isinstance(location, ByteSource) else open_source(location)
        self.path = self.source.name
        self.size = self.source.size

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FormatError(
                self.path, offset, f"read of {length} bytes past the end of the {self.size}-byte file", "bad-reference"
            )
        data = self.source.read(offset, length)
        if len(data) != length:
            raise FormatError(self.path, offset, "file shrank while being read", "truncated")
        return data

    def record(self, ref: pb.RecordRef, kind: str, max_length: int = MAX_RECORD) -> Any:
        """Read, check and decode the record `ref` points at, which must be of `kind`; return its body.

        `max_length`: the largest payload its kind may have (a footer's limit is larger than a record's)."""
        path = self.path
        if ref.offset < HEADER_SIZE or ref.offset + FRAME_SIZE + ref.length > self.size - TRAILER_SIZE:
            raise FormatError(path, ref.offset, f"{kind} record reference points outside the file", "bad-reference")
        data = self.read(ref.offset, FRAME_SIZE + ref.length)
        length, crc = parse_frame(path, ref.offset, data[:FRAME_SIZE], max_length)
        if length != ref.length or crc != ref.crc32:
            raise FormatError(path, ref.offset, f"{kind} record frame does not match its index entry", "bad-reference")
        payload = data[FRAME_SIZE:]
        if crc32(payload) != crc:
            raise FormatError(path, ref.offset, f"{kind} record CRC mismatch: the file is damaged", "checksum")
        try:
            record = pb.Record.FromString(payload)
        except DecodeError as exc:
            raise FormatError(path, ref.offset, f"{kind} record does not decode: {exc}", "bad-record") from None
        found = record.WhichOneof("body")
        if found != kind:
            raise FormatError(path, ref.offset, f"expected a {kind} record, found {found}", "bad-reference")
        return getattr(record, kind)

    def close(self) -> None:
        self.source.close()


def image_refs_array(refs: bytes) -> np.ndarray:
    """Packed image references as an `IMAGE_REF_DTYPE` array (a view of `refs`)."""
    return np.frombuffer(refs, IMAGE_REF_DTYPE)
