"""`deephys.show(path)`: the viewer inline in a Jupyter notebook (JupyterLab, Notebook, VS Code, Colab).

The output is an `<iframe srcdoc="...">` holding a bundle (`deephys.bundle`: the viewer with the data
inside, slim by default), sandboxed to run scripts and download CSV files and nothing else. It needs no
server and no network, and stays in the saved notebook. When the data is too large for that, the files
are served instead by a `ViewerServer` on 127.0.0.1 in a background thread and the frame shows its URL:
that works only when the notebook's kernel runs on the machine of the browser.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from .bundle import BundleTooLargeError, human_bytes, render
from .errors import UsageError
from .server import ViewerServer
from .slim import DEFAULT_IMAGES_PER_LIST

__all__ = ["NOTEBOOK_MAX_BYTES", "NotebookViewer", "show"]

#: The most data shown inline: the whole bundle is part of the notebook's output (and of the saved notebook).
NOTEBOOK_MAX_BYTES = 64_000_000

_SANDBOX = "allow-scripts allow-downloads"  # no allow-same-origin: the viewer cannot reach the notebook
# The served page has its own origin (127.0.0.1:PORT), which the notebook's cannot reach either way.
_SERVED_SANDBOX = "allow-scripts allow-same-origin allow-downloads"


class NotebookViewer:
    """What `show` returns: Jupyter displays it through `_repr_html_`.

    `html` is the inline bundle, or None when the files are served by `server` at `url` instead.
    """

    def __init__(self, *, height: int, html: str | None = None, server: ViewerServer | None = None, reason: str = ""):
        self.height = height
        self.html = html
        self.server = server
        self.reason = reason

    @property
    def url(self) -> str | None:
        return None if self.server is None else self.server.url

    @property
    def inline(self) -> bool:
        return self.html is not None

    def close(self) -> None:
        """Stop the server of a served viewer (an inline one has none)."""
        if self.server is not None:
            self.server.shutdown()

    def _repr_html_(self) -> str:
        style = f"width:100%;height:{int(self.height)}px;border:1px solid #d5dae0;border-radius:4px"
        if self.html is not None:
            return (
                f'<iframe class="deephys-viewer" title="Deephys viewer" sandbox="{_SANDBOX}" style="{style}" '
                f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
            )
        url = html.escape(self.url or "", quote=True)
        note = html.escape(
            f"{self.reason} The viewer is served from this machine at {self.url}: it shows only when the "
            "notebook runs on the same machine as the browser (not on a remote kernel or Colab), and while "
            "this kernel runs. Otherwise use `deephys view` where the files are.",
            quote=False,
        )
        return (
            f'<div class="deephys-viewer"><iframe title="Deephys viewer" sandbox="{_SERVED_SANDBOX}" '
            f'style="{style}" src="{url}"></iframe>'
            f'<p style="font-size:0.85em;opacity:0.8">{note}</p></div>'
        )

    def __repr__(self) -> str:
        where = "inline" if self.inline else f"served at {self.url}"
        return f"<deephys.NotebookViewer {where}>"


def show(
    path_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    height: int = 720,
    slim: bool = True,
    *,
    max_bytes: int = NOTEBOOK_MAX_BYTES,
    images_per_list: int = DEFAULT_IMAGES_PER_LIST,
    viewer_html: str | os.PathLike[str] | None = None,
) -> NotebookViewer:
    """Show the viewer on the file(s) in a notebook: end a cell with `deephys.show("run.deephys")`.

    Inline (a self-contained frame, works offline and in the saved notebook) when the data, slimmed
    with `slim`, is at most `max_bytes`; else served on 127.0.0.1 (same machine only).
    """
    if isinstance(path_or_paths, (str, os.PathLike)):
        paths = [Path(path_or_paths)]
    else:
        paths = [Path(p) for p in path_or_paths]
    if height <= 0:
        raise UsageError("height must be positive")
    try:
        page = render(paths, slim=slim, max_bytes=max_bytes, images_per_list=images_per_list, viewer_html=viewer_html)
    except BundleTooLargeError:
        server = ViewerServer(paths, viewer_html=viewer_html, embeddable=True).start()
        reason = f"The data is too large to show inline (more than {human_bytes(max_bytes)})."
        return NotebookViewer(height=height, server=server, reason=reason)
    return NotebookViewer(height=height, html=page)
