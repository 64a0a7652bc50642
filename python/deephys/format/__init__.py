"""The .deephys container: writer, reader, summaries and validation (docs/format.md)."""

from .reader import Dataset, Run, open_run
from .readout import Readout
from .summaries import LayerSummary
from .writer import Writer

__all__ = ["Dataset", "LayerSummary", "Readout", "Run", "Writer", "open_run"]
