"""A small streaming CBOR (RFC 8949) reader with strict limits.

It reads items one at a time from a binary file, so that a file of many
gigabytes is walked with bounded memory: a caller opens a map or an array,
reads or skips its members one by one, and only the items it asks for are
built in memory. Supported: definite-length maps and arrays, text and byte
strings, unsigned and negative integers, half/single/double floats, false,
true, null and undefined; tags are read and ignored (the tagged item is
returned as is). Indefinite-length items are refused.

Every declared length is checked against what is left of the file before
anything is allocated or read, nesting is limited, and every problem is a
`FormatError` naming the file and the byte offset.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from ..errors import FormatError

UINT, NEGINT, BYTES, TEXT, ARRAY, MAP, TAG, SIMPLE = range(8)
MAJOR_NAMES = (
    "an unsigned integer",
    "a negative integer",
    "a byte string",
    "a text string",
    "an array",
    "a map",
    "a tag",
    "a float or simple value",
)

MAX_DEPTH = 32
_READ_SIZE = 256 << 10
_FLOATS = {25: struct.Struct(">e"), 26: struct.Struct(">f"), 27: struct.Struct(">d")}
_SIMPLE_VALUES: dict[int, Any] = {20: False, 21: True, 22: None, 23: None}


@dataclass(frozen=True)
class Head:
    """The initial byte(s) of an item: major type, argument, and where it starts."""

    major: int
    info: int  # the 5-bit additional information
    arg: int  # the argument (length, count, value or tag number); for floats the raw bits
    offset: int

    @property
    def kind(self) -> str:
        return MAJOR_NAMES[self.major]


class CborStream:
    """Reads CBOR items from `file` (opened in binary mode) starting at its current position."""

    def __init__(self, file: IO[bytes], path: str | os.PathLike[str], max_depth: int = MAX_DEPTH):
        self._file = file
        self.path = os.fspath(path)
        self.max_depth = max_depth
        self._buf = b""
        self._pos = 0
        self._base = file.tell()  # file offset of _buf[0]
        try:
            self.size = os.fstat(file.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            here = file.tell()
            self.size = file.seek(0, os.SEEK_END)
            file.seek(here)

    # ---- position -------------------------------------------------------------

    @property
    def offset(self) -> int:
        """File offset of the next unread byte."""
        return self._base + self._pos

    @property
    def remaining(self) -> int:
        return self.size - self.offset

    def at_end(self) -> bool:
        return self.remaining <= 0

    def seek(self, offset: int) -> None:
        if not 0 <= offset <= self.size:
            raise self.error(f"cannot seek to byte {offset}: the file has {self.size} bytes", offset)
        self._file.seek(offset)
        self._buf, self._pos, self._base = b"", 0, offset

    def error(self, problem: str, offset: int | None = None, code: str = "bad-record") -> FormatError:
        return FormatError(self.path, self.offset if offset is None else offset, problem, code)

    # ---- raw bytes ----------------------------------------------------------------

    def _take(self, n: int, what: str) -> bytes:
        end = self._pos + n
        if end <= len(self._buf):
            data = self._buf[self._pos : end]
            self._pos = end
            return data
        if n > self.remaining:
            raise self.error(
                f"the file ends in the middle of {what} (needs {n} bytes, "
                f"{max(self.remaining, 0)} left): it is truncated"
            )
        self._refill(n)
        if n > len(self._buf):
            raise self.error(f"the file ends in the middle of {what}: it is truncated (or changed while read)")
        self._pos = n
        return self._buf[:n]

    def _peek(self, n: int) -> bytes:
        """Up to `n` bytes from the position, without consuming them (fewer at the end of the file)."""
        if self._pos + n > len(self._buf):
            self._refill(n)
        return self._buf[self._pos : self._pos + n]

    def _refill(self, n: int) -> None:
        """Make the buffer start at the position and hold `n` bytes (fewer at the end of the file)."""
        head = self._buf[self._pos :]
        self._base += self._pos
        self._buf = b""  # let the old buffer go before reading the next one
        self._buf = head + self._file.read(max(n - len(head), _READ_SIZE))
        self._pos = 0

    def _skip_bytes(self, n: int, what: str) -> None:
        if n > self.remaining:
            raise self.error(
                f"{what} declares {n} bytes but only {self.remaining} are left: the file is truncated or not CBOR"
            )
        if self._pos + n <= len(self._buf):
            self._pos += n
        else:
            self.seek(self.offset + n)

    # ---- heads ----------------------------------------------------------------------

    def head(self) -> Head:
        """Read the head of the next item (type and argument), checking declared lengths."""
        offset = self.offset
        if self.remaining <= 0:
            raise self.error("the file ends where a CBOR item was expected: it is truncated")
        first = self._take(1, "a CBOR item")[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            arg = info
        elif info <= 27:
            arg = int.from_bytes(self._take(1 << (info - 24), "a CBOR item head"), "big")
        elif info == 31 and major in (BYTES, TEXT, ARRAY, MAP):
            raise self.error(
                f"indefinite-length {MAJOR_NAMES[major]} (byte 0x{first:02x}) is not supported; "
                "original Deephys files use definite lengths only",
                offset,
            )
        else:
            raise self.error(f"invalid CBOR initial byte 0x{first:02x}: this is not a CBOR file", offset)
        head = Head(major, info, arg, offset)
        if major in (BYTES, TEXT) and arg > self.remaining:
            raise self.error(
                f"{head.kind} declares {arg} bytes but only {self.remaining} are left: "
                "the file is truncated or not CBOR",
                offset,
            )
        if major == ARRAY and arg > self.remaining:
            raise self.error(
                f"an array declares {arg} items but only {self.remaining} bytes are left: "
                "the file is truncated or not CBOR",
                offset,
            )
        if major == MAP and 2 * arg > self.remaining:
            raise self.error(
                f"a map declares {arg} entries but only {self.remaining} bytes are left: "
                "the file is truncated or not CBOR",
                offset,
            )
        return head

    def next_head(self, depth: int = 0) -> Head:
        """The head of the next item, after any tags (which are skipped)."""
        head = self.head()
        while head.major == TAG:
            depth += 1
            if depth > self.max_depth:
                raise self.error(f"tags nested more than {self.max_depth} levels deep", head.offset)
            head = self.head()
        return head

    def peek_major(self) -> int | None:
        """The major type of the next item, without reading it (None at the end of the file)."""
        data = self._peek(1)
        return data[0] >> 5 if data else None

    def expect(self, head: Head, major: int, what: str) -> Head:
        if head.major != major:
            raise self.error(f"{what} should be {MAJOR_NAMES[major]}, found {self.describe(head)}", head.offset)
        return head

    def describe(self, head: Head) -> str:
        if head.major == SIMPLE:
            if head.info in _FLOATS:
                return "a float"
            return {20: "false", 21: "true", 22: "null", 23: "undefined"}.get(head.arg, "a simple value")
        return head.kind

    # ---- typed reads ----------------------------------------------------------------

    def read_map(self, what: str) -> int:
        """Read a map head; return its number of entries (keys and values follow)."""
        return self.expect(self.next_head(), MAP, what).arg

    def read_array(self, what: str) -> int:
        """Read an array head; return its number of items (which follow)."""
        return self.expect(self.next_head(), ARRAY, what).arg

    def read_text(self, what: str) -> str:
        return self._text(self.expect(self.next_head(), TEXT, what))

    def read_bytes(self, what: str) -> bytes:
        return self._take(self.expect(self.next_head(), BYTES, what).arg, what)

    def read_byte_rows(self, count: int, what: str) -> np.ndarray | None:
        """Read `count` byte strings of one length as a (count, length) uint8 array, in one go.

        The fast path for pixel rows. Returns None, with the position unchanged,
        if the items are not all byte strings with the same head (the caller
        then reads them one by one, which reports any real problem).
        """
        if count == 0:
            return np.zeros((0, 0), np.uint8)
        peek = self._peek(9)
        if not peek or peek[0] >> 5 != BYTES or (peek[0] & 0x1F) > 27:
            return None
        info = peek[0] & 0x1F
        head_size = 1 if info < 24 else 1 + (1 << (info - 24))
        if len(peek) < head_size:
            return None
        length = info if info < 24 else int.from_bytes(peek[1:head_size], "big")
        total = (head_size + length) * count
        if total > self.remaining:
            return None
        block = np.frombuffer(self._take(total, what), np.uint8).reshape(count, head_size + length)
        if count > 1 and not (block[1:, :head_size] == block[0, :head_size]).all():
            self._pos -= total  # _take leaves the bytes it returned at the end of the buffer
            return None
        return block[:, head_size:]

    def read(self, what: str = "an item", _depth: int = 0) -> Any:
        """Read one whole item into Python values (dict, list, str, bytes, int, float, bool, None)."""
        head = self.next_head(_depth)
        return self._value(head, what, _depth)

    def skip(self, what: str = "an item") -> None:
        """Skip one whole item without building it (iteratively: bounded memory, depth-limited)."""
        pending = 1
        stack: list[int] = []
        while pending or stack:
            if not pending:
                pending = stack.pop()
                continue
            pending -= 1
            head = self.head()
            if head.major in (BYTES, TEXT):
                self._skip_bytes(head.arg, what)
            elif head.major in (ARRAY, MAP, TAG):
                if len(stack) >= self.max_depth:
                    raise self.error(f"{what} is nested more than {self.max_depth} levels deep", head.offset)
                stack.append(pending)
                pending = 1 if head.major == TAG else head.arg * (2 if head.major == MAP else 1)
            elif head.major == SIMPLE:
                self._simple(head)

    # ---- internals ---------------------------------------------------------------------

    def _text(self, head: Head) -> str:
        data = self._take(head.arg, "a text string")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.error(f"a text string is not valid UTF-8 ({exc.reason})", head.offset) from None

    def _value(self, head: Head, what: str, depth: int) -> Any:
        if head.major == UINT:
            return head.arg
        if head.major == NEGINT:
            return -1 - head.arg
        if head.major == BYTES:
            return self._take(head.arg, "a byte string")
        if head.major == TEXT:
            return self._text(head)
        if head.major == SIMPLE:
            return self._simple(head)
        if depth >= self.max_depth:
            raise self.error(f"{what} is nested more than {self.max_depth} levels deep", head.offset)
        if head.major == ARRAY:
            return [self.read(what, depth + 1) for _ in range(head.arg)]
        result: dict[Any, Any] = {}
        for _ in range(head.arg):
            key_offset = self.offset
            key = self.read(what, depth + 1)
            if isinstance(key, (list, dict)):
                raise self.error(f"{what}: a map key is {type(key).__name__}, not a text or number", key_offset)
            result[key] = self.read(what, depth + 1)
        return result

    def _simple(self, head: Head) -> Any:
        if head.info in _FLOATS:
            size = 1 << (head.info - 24)
            return _FLOATS[head.info].unpack(head.arg.to_bytes(size, "big"))[0]
        if head.arg in _SIMPLE_VALUES:
            return _SIMPLE_VALUES[head.arg]
        raise self.error(f"unsupported CBOR simple value {head.arg}", head.offset)


def open_stream(path: str | os.PathLike[str], max_depth: int = MAX_DEPTH) -> tuple[IO[bytes], CborStream]:
    """Open `path` and a stream over it; the caller closes the file."""
    file = open(path, "rb")  # noqa: SIM115 - returned to the caller
    return file, CborStream(file, path, max_depth)
