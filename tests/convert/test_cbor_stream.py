"""The streaming CBOR reader against cbor2 (the reference encoder), and its limits."""

from __future__ import annotations

import io
import math

import cbor2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deephys.convert import cbor_stream
from deephys.convert.cbor_stream import CborStream
from deephys.errors import FormatError

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.binary(max_size=40)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


def stream(data: bytes, max_depth: int = cbor_stream.MAX_DEPTH) -> CborStream:
    return CborStream(io.BytesIO(data), "x.cbor", max_depth)


@pytest.fixture(params=[3, 1 << 18], ids=["tiny-buffer", "default-buffer"])
def read_size(request, monkeypatch):
    """Run with a 3-byte read size too, so every item straddles buffer refills."""
    monkeypatch.setattr(cbor_stream, "_READ_SIZE", request.param)


@given(value=values)
@settings(max_examples=300, deadline=None)
def test_reads_what_cbor2_writes(value):
    data = cbor2.dumps(value)
    s = stream(data)
    assert s.read() == value
    assert s.at_end()


@given(value=values)
@settings(max_examples=200, deadline=None)
def test_skip_consumes_exactly_one_item(value):
    data = cbor2.dumps(value) + cbor2.dumps("next")
    s = stream(data)
    s.skip()
    assert s.read() == "next" and s.at_end()


@given(value=values)
@settings(max_examples=200, deadline=None)
def test_every_truncation_is_a_format_error(value):
    data = cbor2.dumps(value)
    for cut in range(len(data)):
        with pytest.raises(FormatError, match=r"x\.cbor: at byte \d+"):
            stream(data[:cut]).read()
        with pytest.raises(FormatError):
            stream(data[:cut]).skip()


@given(data=st.binary(max_size=64))
@settings(max_examples=500, deadline=None)
def test_any_bytes_give_a_value_or_a_format_error(data):
    for action in ("read", "skip"):
        try:
            getattr(stream(data), action)()
        except FormatError:
            pass


def test_small_buffer_walks_long_inputs(read_size):
    value = {"images": [{"data": [[bytes(range(i, i + 7)) for i in range(5)]] * 3, "n": -5, "f": 1.5}] * 20}
    data = cbor2.dumps(value)
    assert stream(data).read() == value
    s = stream(data + b"\x00")
    s.skip()
    assert s.read() == 0 and s.at_end()


def test_byte_rows_fast_path(read_size):
    rows = [bytes([i] * 30) for i in range(6)]
    s = stream(cbor2.dumps(rows))
    count = s.read_array("rows")
    block = s.read_byte_rows(count, "rows")
    assert block is not None and block.shape == (6, 30)
    np.testing.assert_array_equal(block[:, 0], np.arange(6))
    assert s.at_end()


@pytest.mark.parametrize("rows", [[b"abc", b"abcd"], [b"abc", "abc"], [b"a" * 30, b"b" * 23]])
def test_byte_rows_give_up_without_moving(read_size, rows):
    s = stream(cbor2.dumps(rows))
    count = s.read_array("rows")
    offset = s.offset
    assert s.read_byte_rows(count, "rows") is None
    assert s.offset == offset
    assert s.read() == rows[0]


def test_floats_of_every_width():
    for encoded, value in [
        (b"\xf9\x3c\x00", 1.0),
        (b"\xfa\x3f\xc0\x00\x00", 1.5),
        (b"\xfb" + np.float64(0.1).byteswap().tobytes(), 0.1),
    ]:
        assert stream(encoded).read() == value
    assert math.isnan(stream(b"\xf9\x7e\x00").read())
    assert stream(b"\xf9\x7c\x00").read() == math.inf


def test_tags_are_skipped():
    data = cbor2.dumps(cbor2.CBORTag(4000, cbor2.CBORTag(1, [1, "a", {"k": b"v"}])))
    assert stream(data).read() == [1, "a", {"k": b"v"}]
    s = stream(data + b"\x01")
    s.skip()
    assert s.read() == 1


def test_simple_values():
    assert stream(b"\xf4").read() is False
    assert stream(b"\xf5").read() is True
    assert stream(b"\xf6").read() is None
    assert stream(b"\xf7").read() is None  # undefined
    with pytest.raises(FormatError, match="simple value"):
        stream(b"\xf0").read()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x5b" + (2**62).to_bytes(8, "big") + b"abc", "declares 4611686018427387904 bytes but only 3 are left"),
        (b"\x7a\xff\xff\xff\xff", "declares 4294967295 bytes"),
        (b"\x9b" + (2**63).to_bytes(8, "big"), "an array declares 9223372036854775808 items"),
        (b"\xbb" + (2**40).to_bytes(8, "big") + b"\x00" * 10, "a map declares 1099511627776 entries"),
        (b"\x5f\x41a\xff", "indefinite-length a byte string"),
        (b"\x9f\x01\xff", "indefinite-length an array"),
        (b"\xff", "invalid CBOR initial byte 0xff"),
        (b"\x1c", "invalid CBOR initial byte 0x1c"),
        (b"\x62\xff\xfe", "not valid UTF-8"),
        (b"", "the file ends where a CBOR item was expected"),
        (b"\x19\x01", "ends in the middle"),
        (b"\xa1\x81\x00\x00", "a map key is list"),
    ],
)
def test_bad_input_is_a_clear_error(data, message):
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stream(data).read()


def test_nesting_is_limited_for_read_and_skip():
    deep = b"\x81" * 100_000 + b"\x00"  # far deeper than Python's recursion limit
    with pytest.raises(FormatError, match="nested more than 32 levels"):
        stream(deep).read()
    with pytest.raises(FormatError, match="nested more than 32 levels"):
        stream(deep).skip()
    tags = b"\xc1" * 100_000 + b"\x00"
    with pytest.raises(FormatError, match="nested more than 32 levels"):
        stream(tags).read()
    with pytest.raises(FormatError, match="nested more than 32 levels"):
        stream(tags).skip()
    ok = b"\x81" * 32 + b"\x00"
    assert stream(ok).read() is not None
    stream(ok).skip()


def test_reads_a_real_file_incrementally(tmp_path):
    path = tmp_path / "x.cbor"
    path.write_bytes(cbor2.dumps([b"\x00" * 1_000_000] * 3))
    file, s = cbor_stream.open_stream(path)
    with file:
        assert s.size == 3_000_000 + 1 + 3 * 5
        assert s.read_array("x") == 3
        s.skip()
        assert len(s.read_bytes("x")) == 1_000_000
        s.skip()
        assert s.at_end()
