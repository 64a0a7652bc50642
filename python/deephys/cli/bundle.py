"""`deephys bundle FILE... -o report.html`: one HTML file with the viewer and the data, to share."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..bundle import DEFAULT_MAX_BYTES, human_bytes
from ..bundle import bundle as write_bundle
from ..server import ViewerNotBuiltError
from ..slim import DEFAULT_IMAGES_PER_LIST
from ._common import friendly_errors, input_files, output_file, viewer_html_option

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*", re.IGNORECASE)


class ByteSize(click.ParamType):
    """A size: 300000000, 300MB, 300M, 1.5G, 512MiB (k, M, G, T: powers of 1000; with i: of 1024)."""

    name = "size"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        if match is None:
            self.fail(f"{value!r} is not a size (e.g. 300MB, 1.5G, 512MiB)", param, ctx)
        number, prefix, binary = match.groups()
        power = "kmgt".find(prefix.lower()) + 1 if prefix else 0
        return int(float(number) * (1024 if binary else 1000) ** power)


@click.command()
@input_files("files")
@output_file("The HTML file to write, e.g. report.html.")
@click.option(
    "--slim",
    is_flag=True,
    help="Keep every table, summary and activation but only the images the views show first "
    "(top images of every unit, the most confident images of each class's lists).",
)
@click.option(
    "--dtype",
    type=click.Choice(["float16", "bfloat16", "float32"]),
    default=None,
    help="With --slim: store the activations as this type (float16 halves them).",
)
@click.option(
    "--images-per-list",
    type=click.IntRange(0),
    default=DEFAULT_IMAGES_PER_LIST,
    show_default=True,
    help="With --slim: images kept per class list (correct, false positives, false negatives).",
)
@click.option(
    "--max-size",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default="256MB",
    help="Refuse to bundle more data than this.",
)
@click.option("-f", "--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@viewer_html_option("Bundle this viewer page instead of the packaged one (viewer development, tests).")
def bundle(
    files: tuple[Path, ...],
    output: Path,
    slim: bool,
    dtype: str | None,
    images_per_list: int,
    max_size: int,
    force: bool,
    viewer_html: Path | None,
) -> None:
    """Write one self-contained HTML file holding the viewer and FILE...

    A collaborator opens it with a double-click: offline, nothing to install. Large files do not fit in
    one page: share them and open them with `deephys view`, or try --slim.
    """
    if dtype is not None and not slim:
        raise click.BadParameter(
            "only with --slim (the files are embedded as they are otherwise)", param_hint="'--dtype'"
        )
    if output.exists() and not force:
        raise click.BadParameter(f"{output} exists; pass --force to overwrite it.", param_hint="'-o' / '--output'")
    with friendly_errors():
        try:
            path = write_bundle(
                files,
                output,
                slim=slim,
                max_bytes=max_size,
                dtype=dtype,
                images_per_list=images_per_list,
                viewer_html=viewer_html,
                log=click.echo,
            )
        except (ViewerNotBuiltError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {path} ({human_bytes(path.stat().st_size)}). Open it in a browser; it works offline.")
