"""`deephys bundle`: one self-contained HTML file holding the viewer and the data, to share a report.

The packaged single-file viewer gets one element per file before its `</body>`:

    <script type="application/x-deephys;base64" data-name="NAME">BASE64...</script>

A script of that type is never run (it is data, and the page's policy allows no script from elsewhere);
on startup the viewer decodes each into a Blob and opens it as if picked with the file picker. The page
works from file://, offline, with no install. With `slim=True` each file is first replaced by a slim copy
(`deephys.slim`: every table, summary and activation, only the images the views show first).
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import BundleTooLargeError, MissingFileError, UsageError, ViewerNotBuiltError
from .format.atomic import AtomicFile
from .format.reader import open_run
from .server import VIEWER_HTML
from .slim import DEFAULT_IMAGES_PER_LIST
from .slim import slim as slim_copy

__all__ = ["DEFAULT_MAX_BYTES", "EMBED_TYPE", "BundleTooLargeError", "bundle", "render"]

#: The most data (bytes of .deephys files, after slimming) one HTML file may hold: base64 makes it a third
#: larger, and a browser holds the whole page, its text and the decoded files in memory.
DEFAULT_MAX_BYTES = 256_000_000
#: The type of the elements holding the files (read by viewer/src/app/embedded.ts).
EMBED_TYPE = "application/x-deephys;base64"

_READ_BYTES = 3 << 20  # a multiple of 3: the base64 of each block joins up with no padding


def bundle(
    files: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    slim: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    dtype: str | None = None,
    images_per_list: int = DEFAULT_IMAGES_PER_LIST,
    viewer_html: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Write `output`: the viewer with `files` inside (atomically: a temporary file renamed into place).

    `slim` (and with it `dtype`, `images_per_list`) embeds slim copies instead of the files. Raises
    BundleTooLargeError when the data to embed exceeds `max_bytes`, ViewerNotBuiltError when the viewer
    is not built. `log` is told what was done (e.g. `click.echo`).
    """
    out = Path(output)
    sources = _checked(files)
    for path in sources:
        if out.exists() and os.path.samefile(path, out):
            raise UsageError(f"the output {out} is one of the files to bundle; choose another name")
    page = _viewer_page(viewer_html)
    with _embedded(sources, slim, max_bytes, dtype, images_per_list, log) as embedded:
        _atomic_write(out, lambda f: write_html(f, page, embedded))
    return out


def render(
    files: Sequence[str | os.PathLike[str]],
    *,
    slim: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    dtype: str | None = None,
    images_per_list: int = DEFAULT_IMAGES_PER_LIST,
    viewer_html: str | os.PathLike[str] | None = None,
) -> str:
    """The bundle's HTML as a string (what `bundle` writes); raises like `bundle`."""
    import io

    sources = _checked(files)
    page = _viewer_page(viewer_html)
    buffer = io.BytesIO()
    with _embedded(sources, slim, max_bytes, dtype, images_per_list, None) as embedded:
        write_html(buffer, page, embedded)
    return buffer.getvalue().decode("utf-8")


def write_html(out: BinaryIO, page: bytes, files: Sequence[tuple[str, Path]]) -> None:
    """Write `page` with one embedded element per `(name, path)` inserted before its last `</body>`."""
    at = page.rfind(b"</body>")
    if at < 0:
        at = len(page)
    out.write(page[:at])
    for name, path in files:
        attribute = html.escape(name, quote=True).encode("utf-8", "backslashreplace")
        out.write(b'<script type="' + EMBED_TYPE.encode() + b'" data-name="' + attribute + b'">')
        with open(path, "rb") as f:
            while block := f.read(_READ_BYTES):
                out.write(base64.b64encode(block))
        out.write(b"</script>\n")
    out.write(page[at:])


def too_large_message(size: int, limit: int, slim: bool) -> str:
    advice = (
        "Share the .deephys file(s) instead and open them with `deephys view FILE...`, or with the "
        f"standalone viewer page ({VIEWER_HTML.name}, which opens files from disk)"
    )
    advice += "; or raise --max-size." if slim else "; or try --slim, which keeps only the images the views show first."
    return (
        f"The data ({human_bytes(size)}{' after slimming' if slim else ''}) is too large for a single HTML file "
        f"(the limit is {human_bytes(limit)}: a browser holds the whole page in memory). {advice}"
    )


# ---- internals -------------------------------------------------------------------------------------------


def _checked(files: Sequence[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    paths = [Path(f) for f in files]
    if not paths:
        raise UsageError("nothing to bundle: give at least one .deephys file")
    for path in paths:
        if not path.is_file():
            raise MissingFileError(f"not a file: {path}")
        with open_run(path):  # a FormatError now, rather than a report the viewer cannot open
            pass
    return paths


def _viewer_page(viewer_html: str | os.PathLike[str] | None) -> bytes:
    path = Path(viewer_html) if viewer_html is not None else VIEWER_HTML
    if not path.is_file():
        raise ViewerNotBuiltError(path)
    return path.read_bytes()


@contextmanager
def _embedded(
    sources: list[Path],
    slim: bool,
    max_bytes: int,
    dtype: str | None,
    images_per_list: int,
    log: Callable[[str], None] | None,
) -> Iterator[list[tuple[str, Path]]]:
    """`(name, path)` of each file to embed (slim copies in a temporary folder), checked against `max_bytes`."""
    if not slim:
        _check_size(sources, max_bytes, slim)
        yield [(path.name, path) for path in sources]
        return
    least = sum(_slim_lower_bound(path, dtype) for path in sources)
    if least > max_bytes:  # clearly too large: fail before rewriting anything
        raise BundleTooLargeError(too_large_message(least, max_bytes, slim))
    with tempfile.TemporaryDirectory(prefix="deephys-bundle-") as folder:
        embedded = []
        for i, path in enumerate(sources):
            copy = Path(folder) / f"{i}.deephys"
            result = slim_copy(path, copy, dtype=dtype, images_per_list=images_per_list)
            if log:
                log(
                    f"{path.name}: slim copy of {human_bytes(copy.stat().st_size)} "
                    f"(from {human_bytes(path.stat().st_size)}), {result.describe()}"
                )
            embedded.append((path.name, copy))
        _check_size([p for _, p in embedded], max_bytes, slim)
        yield embedded


def human_bytes(n: int) -> str:
    """`n` bytes in kB, MB or GB (powers of 1000), as `deephys info` shows sizes."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _slim_lower_bound(path: Path, dtype: str | None) -> int:
    """About the least bytes a slim copy of `path` takes: its activations (as `dtype`), summaries and tables."""
    from .format import dtypes

    total = 0
    with open_run(path) as run:
        for dataset in run.datasets.values():
            stored = dataset.stored_bytes()
            total += stored.table + sum(stored.summaries.values())
            for layer, size in stored.activations.items():
                scale = dtypes.ITEMSIZE[dtype] / dtypes.ITEMSIZE[dataset.dtype(layer)] if dtype else 1.0
                total += int(size * scale)
    return total


def _check_size(paths: list[Path], max_bytes: int, slim: bool) -> None:
    size = sum(p.stat().st_size for p in paths)
    if size > max_bytes:
        raise BundleTooLargeError(too_large_message(size, max_bytes, slim))


def _atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    new = AtomicFile(path)
    try:
        write(new.file)
        new.file.flush()
        os.fsync(new.file.fileno())
        new.publish()
    except BaseException:
        new.discard()
        raise
