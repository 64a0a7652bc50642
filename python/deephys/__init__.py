"""Deephys: deep electrophysiology for neural networks under distribution shift.

Record the activity of a network's units on in-distribution and
out-of-distribution images, write it to one `.deephys` file, and compare the
datasets unit by unit, image by image and class by class in the viewer.
"""

from . import analysis
from ._version import __version__

# The functions, imported now: their modules bear the same names, and a lazy attribute would be replaced
# by the module as soon as anything imported it (deephys.findings would no longer be callable).
from .compare import compare  # noqa: E402
from .errors import DeephysError, ExportError, FormatError, NothingToRepair, ServerError, UsageError
from .findings import findings  # noqa: E402
from .format import Dataset, LayerSummary, Readout, Run, Writer
from .format import open_run as open
from .format.repair import repair
from .format.validate import ValidationReport, validate
from .model import Layer, Model, Producer

__all__ = [
    "Dataset",
    "DeephysError",
    "ExportError",
    "FormatError",
    "Layer",
    "LayerSummary",
    "Model",
    "NothingToRepair",
    "Producer",
    "Readout",
    "Run",
    "ServerError",
    "UsageError",
    "ValidationReport",
    "Writer",
    "__version__",
    "analysis",
    "compare",
    "findings",
    "open",
    "repair",
    "show",
    "validate",
]


def __getattr__(name: str) -> object:
    # `deephys.show` (notebooks) is imported on first use: `import deephys` stays light.
    if name == "show":
        from .notebook import show

        return show
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
