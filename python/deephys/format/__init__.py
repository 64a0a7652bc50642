"""The .deephys container: writer, reader, summaries and validation (docs/format.md)."""

from .reader import Dataset, Run, open_run
from .summaries import LayerSummary
from .writer import Writer

__all__ = ["Dataset", "LayerSummary", "Run", "Writer", "open_run"]
