"""The container constants of the viewer (viewer/src/format/limits.ts) equal Python's.

limits.ts holds each constant on an `export const NAME = value;` line; Python's are the
upper-case names of deephys.format.limits and the byte layouts of the struct formats that
pack the header, record frames, trailer and image references. A constant on one side only
must be listed below with the reason.
"""

from __future__ import annotations

import ast
import operator
import re
import struct
from pathlib import Path

import pytest

from deephys.format import container, limits, records

LIMITS_TS = Path(__file__).resolve().parents[1] / "viewer" / "src" / "format" / "limits.ts"

# Names that exist on one side only, and why.
VIEWER_ONLY = {
    "MAX_IMAGES": "the viewer refuses a dataset of more images than u32 top-image indices can address",
}
PYTHON_ONLY = {
    "DEFAULT_CHUNK_BYTES": "a writer setting (the viewer writes nothing)",
    "DEFAULT_TOP_K": "a writer setting",
    "DEFAULT_HISTOGRAM_BINS": "a writer setting",
    "TABLE_CHUNK_ROWS": "a writer setting",
}

# The fields of each packed structure, in order, and the limits.ts names of their offsets
# (None: the field is not read by its offset, e.g. the magic at 0).
LAYOUTS = {
    "header": (
        (container, "_HEADER", "HEADER"),
        "HEADER_SIZE",
        (None, "HEADER_MAJOR_AT", "HEADER_MINOR_AT", "HEADER_CRC_AT"),
    ),
    "frame": ((container, "FRAME", "_FRAME"), "FRAME_SIZE", ("FRAME_LENGTH_AT", "FRAME_CRC_AT")),
    "trailer": (
        (container, "_TRAILER", "TRAILER"),
        "TRAILER_SIZE",
        (
            "TRAILER_FOOTER_OFFSET_AT",
            "TRAILER_FOOTER_LENGTH_AT",
            "TRAILER_FOOTER_CRC_AT",
            "TRAILER_MAJOR_AT",
            "TRAILER_MINOR_AT",
            "TRAILER_CRC_AT",
            "TRAILER_END_MAGIC_AT",
        ),
    ),
    "image reference": (
        (records, "IMAGE_REF", "_IMAGE_REF"),
        "IMAGE_REF_SIZE",
        ("IMAGE_REF_OFFSET_AT", "IMAGE_REF_LENGTH_AT", "IMAGE_REF_CRC_AT"),
    ),
}

_OPERATORS = {ast.Mult: operator.mul, ast.Add: operator.add, ast.Sub: operator.sub, ast.LShift: operator.lshift}


def _evaluate(name: str, text: str) -> int | bytes:
    """A limits.ts value: an integer expression (+, -, *, <<) or Uint8Array.of(...)."""
    of = re.fullmatch(r"Uint8Array\.of\(([^)]*)\)", text)
    if of:
        return bytes(int(part.strip(), 0) for part in of.group(1).split(","))

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        raise ValueError(f"limits.ts: {name} = {text} is not an integer expression this test reads")

    return value(ast.parse(text.replace("_", ""), mode="eval").body)


def viewer_constants() -> dict[str, int | bytes]:
    source = LIMITS_TS.read_text()
    found = dict(re.findall(r"^export const ([A-Z][A-Z0-9_]*) = ([^;]+);", source, re.M))
    stray = re.findall(r"^export const ([A-Za-z0-9_]+)\b(?! = [^;]+;)", source, re.M)
    assert not stray, f"{LIMITS_TS}: keep each constant on one `export const NAME = value;` line: {stray}"
    return {name: _evaluate(name, text.strip()) for name, text in found.items()}


def python_constants() -> dict[str, int | bytes]:
    return {
        name: value
        for name, value in vars(limits).items()
        if name.isupper() and not name.startswith("_") and type(value) in (int, bytes)
    }


def _struct(module: object, *names: str) -> struct.Struct:
    for name in names:
        found = getattr(module, name, None)
        if isinstance(found, struct.Struct):
            return found
    raise AssertionError(f"no struct.Struct {' or '.join(names)} in {module.__name__}: update LAYOUTS in {__file__}")  # type: ignore[attr-defined]


def field_offsets(layout: struct.Struct) -> list[int]:
    """Offset of each field of a little-endian struct format without padding, e.g. "<QIIHH" -> [0, 8, 12, 16, 18]."""
    fmt = layout.format
    assert fmt[0] == "<", f"{fmt}: expected a little-endian format"
    codes = re.findall(r"\d*[xcbB?hHiIlLqQnNefdspP]", fmt[1:])
    return [struct.calcsize("<" + "".join(codes[:i])) for i in range(len(codes))]


def test_shared_constants_are_equal():
    ts, py = viewer_constants(), python_constants()
    differ = [
        f"{name}: viewer {ts[name]!r}, Python {py[name]!r}"
        for name in sorted(ts.keys() & py.keys())
        if ts[name] != py[name]
    ]
    assert not differ, "viewer/src/format/limits.ts and deephys.format.limits disagree:\n" + "\n".join(differ)


def test_one_sided_constants_are_known():
    ts, py = viewer_constants(), python_constants()
    layout_names = {name for _, size, fields in LAYOUTS.values() for name in (size, *fields) if name}
    viewer_only = set(ts) - set(py) - layout_names
    python_only = set(py) - set(ts)
    assert viewer_only == set(VIEWER_ONLY), (
        f"constants only in limits.ts: {sorted(viewer_only)}; known: {sorted(VIEWER_ONLY)} "
        f"(add the constant to deephys.format.limits, or list it in VIEWER_ONLY with the reason)"
    )
    assert python_only == set(PYTHON_ONLY), (
        f"constants only in deephys.format.limits: {sorted(python_only)}; known: {sorted(PYTHON_ONLY)} "
        f"(add the constant to viewer/src/format/limits.ts, or list it in PYTHON_ONLY with the reason)"
    )


@pytest.mark.parametrize("what", LAYOUTS)
def test_layouts_are_equal(what):
    (module, *names), size_name, field_names = LAYOUTS[what]
    layout = _struct(module, *names)
    ts = viewer_constants()
    assert layout.size == ts[size_name], (
        f"{what}: Python packs {layout.size} bytes, limits.ts {size_name} = {ts[size_name]!r}"
    )
    offsets = field_offsets(layout)
    assert len(offsets) == len(field_names), (
        f"{what}: Python's format {layout.format!r} has {len(offsets)} fields, LAYOUTS names {len(field_names)}"
    )
    differ = [
        f"{name}: viewer {ts.get(name)!r}, Python {offset} (format {layout.format!r})"
        for name, offset in zip(field_names, offsets, strict=True)
        if name is not None and ts.get(name) != offset
    ]
    assert not differ, f"{what} layout: limits.ts and deephys.format disagree:\n" + "\n".join(differ)


def test_magic_fills_the_start_of_the_header():
    ts = viewer_constants()
    magic, end_magic, end_magic_at = ts["MAGIC"], ts["END_MAGIC"], ts["TRAILER_END_MAGIC_AT"]
    assert isinstance(magic, bytes) and isinstance(end_magic, bytes) and isinstance(end_magic_at, int)
    header = _struct(container, "_HEADER", "HEADER")
    assert field_offsets(header)[1] == len(magic), "the header's version must follow the magic"
    trailer = _struct(container, "_TRAILER", "TRAILER")
    assert end_magic_at + len(end_magic) == trailer.size == ts["TRAILER_SIZE"]


def test_the_parser_reads_what_it_is_given():
    assert _evaluate("X", "64 * 1024 * 1024") == 1 << 26
    assert _evaluate("X", "0xffffffff") == 2**32 - 1
    assert _evaluate("X", "Uint8Array.of(0x44, 0x50)") == b"DP"
    with pytest.raises(ValueError, match="not an integer expression"):
        _evaluate("X", "Math.pow(2, 3)")
