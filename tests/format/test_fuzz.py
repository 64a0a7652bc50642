"""Seeded fuzzing of the reader and `validate`: mutated copies of valid files either read as a valid file
does or raise `FormatError`, with no other exception, no hang and no large allocation.

Two kinds of mutation: raw bytes (bit flips, cuts, overwritten windows, spliced copies), which the CRCs
mostly catch, and structured ones (the footer decoded, one of its numbers or lists changed, the file
finished again with valid CRCs), which reach the checks behind the CRCs. A fixed seed and a fixed
number of cases keep the run deterministic and bounded.
"""

from __future__ import annotations

import random
import resource
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from format_helpers import deadline, read_everything, time_limit  # noqa: F401 (autouse)
from google.protobuf.message import Message
from make_malicious import flip_bit, parse, with_footer, write_sample

import deephys
from deephys._generated.deephys.v1 import deephys_pb2 as pb
from deephys.format.validate import validate

CASES = 1500
CASE_DEADLINE_S = 5
PEAK_BYTES = 64 << 20  # Python allocations while reading one mutated 7 KB file
HUGE = (0, 1, 2, 255, 2**31 - 1, 2**32 - 1, 2**63 - 1, 2**64 - 1)


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_sample(tmp_path_factory.mktemp("fuzz") / "valid.deephys").read_bytes()


def _byte_mutation(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        out = data
        for _ in range(rng.randint(1, 8)):
            out = flip_bit(out, rng.randrange(len(out) * 8))
        return out
    if kind == 1:
        return data[: rng.randrange(len(data))]
    if kind == 2:
        at = rng.randrange(len(data))
        return data[:at] + bytes([rng.choice((0x00, 0xFF))]) * rng.randint(1, 16) + data[at + 16 :]
    at, size = rng.randrange(len(data)), rng.randint(1, 256)
    return data[:at] + data[rng.randrange(len(data)) :][:size] + data[at:]


def _numeric_fields(message: Message, found: list[tuple[Message, str, int | None]]) -> None:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
            continue  # string maps: nothing numeric
        if field.type == field.TYPE_MESSAGE:
            items = value if field.is_repeated else [value]
            for item in items:
                _numeric_fields(item, found)
        elif field.cpp_type in (field.CPPTYPE_UINT32, field.CPPTYPE_UINT64, field.CPPTYPE_INT32, field.CPPTYPE_INT64):
            if field.is_repeated:
                found.extend((message, field.name, i) for i in range(len(value)))
            else:
                found.append((message, field.name, None))
        elif field.cpp_type == field.CPPTYPE_ENUM and not field.is_repeated:
            found.append((message, field.name, None))


def _footer_mutation(rng: random.Random) -> Callable[[pb.Footer], None]:
    def edit(footer: pb.Footer) -> None:
        if rng.random() < 0.25 and footer.datasets:  # lists: duplicate or drop an entry
            dataset = footer.datasets[rng.randrange(len(footer.datasets))]
            target = rng.choice([dataset.table, dataset.layers, footer.datasets])
            if len(target) and rng.random() < 0.5:
                del target[rng.randrange(len(target))]
            elif len(target):
                target.add().CopyFrom(target[rng.randrange(len(target))])
            return
        fields: list[tuple[Message, str, int | None]] = []
        _numeric_fields(footer, fields)
        message, name, index = rng.choice(fields)
        field = message.DESCRIPTOR.fields_by_name[name]
        limit = {
            field.CPPTYPE_UINT32: 2**32 - 1,
            field.CPPTYPE_INT32: 2**31 - 1,
            field.CPPTYPE_UINT64: 2**64 - 1,
            field.CPPTYPE_INT64: 2**63 - 1,
        }.get(field.cpp_type, 2**31 - 1)
        value = rng.choice([v for v in HUGE if v <= limit] + [rng.randrange(limit)])
        if index is None:
            setattr(message, name, value)
        else:
            getattr(message, name)[index] = value

    return edit


def _mutants(valid: bytes) -> list[tuple[str, bytes]]:
    rng = random.Random(20261205)
    cases = []
    for i in range(CASES):
        if i % 2:
            cases.append((f"bytes {i}", _byte_mutation(rng, valid)))
        else:
            cases.append((f"footer {i}", with_footer(valid, _footer_mutation(rng))))
    return cases


def test_mutated_files_read_or_raise_format_error(tmp_path: Path, valid: bytes) -> None:
    reference = read_everything(_write(tmp_path / "valid.deephys", valid))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refused = 0
    for name, data in _mutants(valid):
        path = _write(tmp_path / "mutant.deephys", data)
        tracemalloc.start()
        try:
            with deadline(CASE_DEADLINE_S):
                try:
                    read_everything(path)
                except deephys.FormatError as exc:
                    refused += 1
                    assert exc.path == str(path) and exc.code in deephys.errors.FORMAT_CODES, name
                report = validate(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert all(str(path) in problem for problem in report.problems), (name, report.problems)
        assert peak < PEAK_BYTES, (name, peak)
    assert refused > CASES // 2  # most mutations are caught (the rest change nothing that is read)
    assert reference  # the valid file itself reads
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 256_000  # KiB, the whole run


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_structured_mutations_reach_past_the_crcs(valid: bytes) -> None:
    # Each structured mutant keeps every CRC valid: what catches it is a check of meaning, not of bytes.
    for name, data in _mutants(valid)[::2][:20]:
        parsed = parse(data)
        assert parsed.footer is not None, name
