"""`deephys demo`: train the paper's Colored MNIST CNN, write its run, and open it in the viewer."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import cast

import click

from ..demo import FRAMEWORKS, claim_demo_path, run_demo
from ..demo.run import Framework
from ..server import VIEWER_HTML, ViewerNotBuiltError
from ._common import friendly_errors, viewer_html_option
from .view import view

_NEEDS = {
    "torch": (("torch", "PyTorch"), ("sklearn", "scikit-learn")),
    "jax": (("jax", "JAX"), ("flax", "Flax"), ("optax", "Optax"), ("sklearn", "scikit-learn")),
}
_INSTALL = {"torch": "pip install 'deephys[demo]'", "jax": "pip install 'deephys[jax]' scikit-learn"}


@click.command()
@click.option(
    "--framework",
    type=click.Choice(FRAMEWORKS),
    default="torch",
    show_default=True,
    help="Train and export with PyTorch or with JAX/Flax.",
)
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Folder for colored-mnist-<framework>.deephys (-2, -3... while another demo holds that name).",
)
@click.option("--no-browser", is_flag=True, help="Serve the viewer and print its URL, but do not open a browser.")
@click.option("--no-view", is_flag=True, help="Write the file, print the report and exit.")
@click.option("--seed", default=0, show_default=True, help="Seed of the train/test split and of the training.")
@click.option(
    "--compare",
    is_flag=True,
    help="Also train the same CNN with colour augmentation (a random colour per image), write it beside as "
    "colored-mnist-<framework>-augmented.deephys, print what changed (deephys compare) and open both.",
)
@viewer_html_option("Serve this HTML file instead of the packaged viewer (tests).")
@click.pass_context
def demo(
    ctx: click.Context,
    framework: str,
    out_dir: Path,
    no_browser: bool,
    no_view: bool,
    seed: int,
    compare: bool,
    viewer_html: Path | None,
) -> None:
    """Colored MNIST, the Deephys paper's first experiment, in under a minute on a CPU.

    Trains a small CNN on scikit-learn's bundled digits (nothing is downloaded), binarized and tinted
    one colour per digit, then records it on the test set and on three shifts ("permuted colours",
    "arbitrary colours", "drifted colours") into OUT/colored-mnist-<framework>.deephys, prints
    the top findings of `deephys report`, and opens the file in the viewer (Ctrl-C stops it).
    """
    _check_installed(framework)
    if not no_view and viewer_html is None and not VIEWER_HTML.exists():
        raise click.ClickException(f"{ViewerNotBuiltError(VIEWER_HTML)} Or run the demo with --no-view.")
    chosen = cast(Framework, framework)
    with claim_demo_path(out_dir, chosen) as path:  # held while it is served: a demo beside it gets its own file
        try:
            with friendly_errors():
                result = run_demo(
                    chosen, out_dir, seed=seed, progress=True, echo=click.echo, path=path, compare=compare
                )
        except KeyboardInterrupt as exc:
            click.echo(f"Interrupted{': ' + str(exc) if str(exc) else ''}.", err=True)
            ctx.exit(130)
        files = (result.path,) if result.augmented is None else (result.path, result.augmented)
        if no_view:
            click.echo(f"Open {'it' if len(files) == 1 else 'them'} with: deephys view {' '.join(map(str, files))}")
            return
        ctx.invoke(view, files=files, port=0, no_browser=no_browser, verbose=False, viewer_html=viewer_html)


def _check_installed(framework: str) -> None:
    missing = [name for module, name in _NEEDS[framework] if importlib.util.find_spec(module) is None]
    if missing:
        raise click.ClickException(f"the {framework} demo needs {' and '.join(missing)}: {_INSTALL[framework]}")
