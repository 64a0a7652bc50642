"""Import files of the original Deephys (PyPI `deephys` <= 0.14.1, CBOR) into the `.deephys` format."""

from .converter import ConvertedDataset, ConvertError, ConvertResult, convert
from .original import OriginalImage, OriginalModel, TestHeader, iter_images, read_model, read_test_header

__all__ = [
    "ConvertError",
    "ConvertResult",
    "ConvertedDataset",
    "OriginalImage",
    "OriginalModel",
    "TestHeader",
    "convert",
    "iter_images",
    "read_model",
    "read_test_header",
]
