"""The file a writer appends framed records to: offsets, batched writes, read-back and durable syncs."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import BinaryIO

from .._generated.deephys.v1 import deephys_pb2 as pb
from .container import FRAME, crc32, pack_frame


class RecordSink:
    """Appends to `file` from `offset` on; every record written comes back as its `RecordRef`."""

    def __init__(self, file: BinaryIO, offset: int = 0):
        self.file = file
        self.offset = offset
        self._early_sync: threading.Thread | None = None

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.offset += len(data)

    def write_record(self, record: pb.Record) -> pb.RecordRef:
        payload = record.SerializeToString()
        ref = pb.RecordRef(offset=self.offset, length=len(payload), crc32=crc32(payload))
        self.write(pack_frame(payload))
        self.write(payload)
        return ref

    def write_payloads(self, payloads: Sequence[bytes]) -> list[tuple[int, int, int]]:
        """Write serialized records (small ones) in one call; return (offset, length, crc32) of each."""
        refs: list[tuple[int, int, int]] = []
        parts: list[bytes] = []
        offset = self.offset
        for payload in payloads:
            frame = pack_frame(payload)
            refs.append((offset, len(payload), FRAME.unpack(frame)[1]))
            parts += (frame, payload)
            offset += len(frame) + len(payload)
        self.write(b"".join(parts))
        return refs

    def read_at(self, offset: int, length: int) -> bytes:
        """Bytes written earlier (e.g. a chunk to read again for its histogram)."""
        self.file.flush()
        return os.pread(self.file.fileno(), length, offset)

    def truncate(self, offset: int) -> None:
        """Cut everything from `offset` on; writing goes on there."""
        self.file.flush()
        self.file.truncate(offset)
        self.file.seek(offset)
        self.offset = offset

    def sync_soon(self) -> None:
        """Start writing what the file holds so far to the disk, in the background: the fsync that makes the
        file durable before it is renamed into place then has little left to do."""
        self.join_sync()
        self.file.flush()
        self._early_sync = threading.Thread(
            target=_fsync_quietly, args=(self.file.fileno(),), name="deephys-sync", daemon=True
        )
        self._early_sync.start()

    def join_sync(self) -> None:
        if self._early_sync is not None:
            self._early_sync.join()
            self._early_sync = None

    def sync(self) -> None:
        """Everything written is on the disk when this returns."""
        self.file.flush()
        self.join_sync()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.join_sync()
        self.file.close()


def _fsync_quietly(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:  # the fsync before the rename reports it
        pass
