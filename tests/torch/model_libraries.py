"""The model libraries of the architecture matrix: torchvision, timm and Hugging Face transformers.

The torchvision wheels that install beside a CPU build of torch are CUDA builds whose compiled operators
cannot load ("operator torchvision::nms does not exist" at import). Its model code is pure Python: it
needs only the schemas of the two operators its import registers fake kernels for, which
`declare_torchvision_operators` declares once per process, before the first import (a torchvision that
failed to import also breaks `import timm` and `import transformers` in the same process: both import it).

`require(name)` imports a library for a test, skipping the test when it is not installed, except under
`DEEPHYS_REQUIRE_MODELS=1` (set by CI), where a missing library fails the test.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch

_declared: list[torch.library.Library] = []  # kept alive: a Library's definitions go with it
TORCHVISION_OPERATORS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)


def declare_torchvision_operators() -> None:
    """Declare the operators torchvision's import needs when its compiled library cannot load here."""
    if _declared or "torchvision" in sys.modules:
        return
    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        return
    compiled = sorted(Path(spec.origin).parent.glob("_C.*"))
    try:
        if compiled:
            torch.ops.load_library(str(compiled[0]))
            return  # a build that matches this torch: its own operators are there
    except OSError:
        pass  # e.g. a CUDA build beside a CPU torch: libtorch_cuda.so is missing
    library = torch.library.Library("torchvision", "DEF")
    for schema in TORCHVISION_OPERATORS:
        library.define(schema)
    _declared.append(library)


def require(name: str) -> ModuleType:
    """`import name` for a test: skipped when missing, but a failure under DEEPHYS_REQUIRE_MODELS=1."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is downloaded: models are built from configs
    declare_torchvision_operators()
    if os.environ.get("DEEPHYS_REQUIRE_MODELS"):
        return importlib.import_module(name)
    return pytest.importorskip(name)
