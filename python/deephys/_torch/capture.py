"""`TorchCapture`: forward hooks that pool each recorded module's output on its device."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import ExportError
from ..export.capture import PooledCapture
from ..export.maps import has_maps
from ..export.pooling import PoolingPlan
from ..export.sources import image_inputs
from .pooling import TENSOR, Selector, pool, reduced_maps, select_tensor
from .thumbnails import thumbnail_pixels


class TorchCapture(PooledCapture):
    """Use as a context manager: hooks are registered on entry and removed on exit, whatever happens."""

    framework = "torch"
    framework_version = torch.__version__
    layout = "NCHW"

    def __init__(
        self,
        model: nn.Module,
        layers: Mapping[str, nn.Module],
        pooling: PoolingPlan,
        relu: set[str],
        select: Mapping[str, Selector],
        device: torch.device,
        autocast: torch.dtype | None = None,
    ):
        super().__init__(pooling, relu, select)
        self.model, self.layers, self.device, self.autocast = model, dict(layers), device, autocast
        self.input_dtype = _parameter_dtype(model)
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._outputs: dict[str, torch.Tensor] = {}
        self._maps: dict[str, torch.Tensor] = {}  # the reduced maps of the batch just run, on the device
        self._last: tuple[Any, Any] | None = None  # (inputs as given, on the device) of the latest batch
        self._first_output: np.ndarray | None = None  # the model's logits at the first batch (see model_output)
        self._calls = 0

    # ---- hooks --------------------------------------------------------------

    def __enter__(self) -> TorchCapture:
        try:
            for name, module in self.layers.items():
                self._handles.append(module.register_forward_hook(self._hook(name)))
        except BaseException:
            self.remove_hooks()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove_hooks()

    def remove_hooks(self) -> None:
        while self._handles:
            self._handles.pop().remove()
        self._outputs.clear()
        self._maps.clear()
        self._last = None

    def _hook(self, name: str):
        selector = self.select.get(name)
        relu = name in self.relu

        def hook(module: nn.Module, args: Any, output: Any) -> None:
            if name in self._outputs:
                raise ExportError(
                    f"layer {name!r} ran more than once in one forward pass (a module reused, e.g. one ReLU "
                    "applied twice), so its output is ambiguous; record a module that runs once, such as its parent"
                )
            value = select_tensor(name, output, selector).detach()
            if relu:
                value = torch.relu(value)
            plan = self.pooling.for_layer(name, tuple(value.shape))
            self._outputs[name] = pool(value, plan)
            if self.map_size and has_maps(plan):
                self._maps[name] = reduced_maps(value, plan, self.map_size)

        return hook

    # ---- Capture ------------------------------------------------------------

    def __call__(self, inputs: Any) -> dict[str, np.ndarray]:
        self._outputs.clear()
        self._maps.clear()
        given, inputs = inputs, self._prepare(inputs)
        self._last = (given, inputs)
        output = self._forward(self.model, inputs)
        if self._calls == 0:
            logits = TENSOR.logits(output, first_of_tuple=True)
            self._first_output = None if logits is None else self.to_numpy(logits)
        self._calls += 1
        missing = [name for name in self.layers if name not in self._outputs]
        if missing:
            raise ExportError(
                f"layer(s) {', '.join(map(repr, missing))} did not run in the model's forward pass, so there "
                "is nothing to record; choose modules that forward() calls"
            )
        outputs = {name: self._outputs[name] for name in self.layers}
        self._outputs.clear()
        return {name: self._host(name, value) for name, value in outputs.items()}

    def _forward(self, model: nn.Module, inputs: Any) -> Any:
        with torch.inference_mode(), self._autocast():
            if isinstance(inputs, Mapping):
                return model(**inputs)
            if isinstance(inputs, (tuple, list)):
                return model(*inputs)
            return model(inputs)

    def model_output(self) -> np.ndarray | None:
        return self._first_output

    def map_layers(self) -> list[str]:
        return [name for name in self.layers if name in self._maps]

    def batch_maps(self, wanted: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        """One gather on the device per layer: only the wanted maps are copied to the host."""
        found = {}
        for name, (rows, units) in wanted.items():
            maps = self._maps[name]
            flat = torch.from_numpy(np.asarray(rows, np.int64) * maps.shape[1] + np.asarray(units, np.int64))
            picked = maps.reshape(-1, *maps.shape[2:]).index_select(0, flat.to(maps.device))
            found[name] = picked.to("cpu").numpy()
        return found

    def module_outputs(self, inputs: Any) -> dict[str, np.ndarray]:
        """The (N, units) outputs of every module, from one more forward pass with a hook on each (asked only
        when the classifier check fails)."""
        found: dict[str, np.ndarray] = {}

        def keep(name: str):
            def hook(module: nn.Module, args: Any, output: Any) -> None:
                value = TENSOR.logits(output)
                if value is not None and value.ndim == 2 and name not in found:  # (N, classes) outputs only
                    found[name] = self.to_numpy(value.detach())

            return hook

        handles = [module.register_forward_hook(keep(name)) for name, module in self.model.named_modules() if name]
        try:
            self._forward(self.model, self._prepare(inputs))
        finally:
            for handle in handles:
                handle.remove()
        return found

    def _host(self, name: str, value: torch.Tensor) -> np.ndarray:
        self.note_dtype(name, value.dtype == torch.bfloat16)
        value = value.to("cpu")
        if value.dtype == torch.bfloat16:
            value = value.float()  # exact; stored as bfloat16 again (see stored_dtype)
        return value.numpy()

    def to_numpy(self, value: Any) -> np.ndarray:
        if isinstance(value, torch.Tensor):
            value = value.detach().to("cpu")
            if value.dtype == torch.bfloat16:
                value = value.float()
            return value.numpy()
        return np.asarray(value)

    def thumbnails(
        self, inputs: Any, size: int, mean: Sequence[float] | None, std: Sequence[float] | None
    ) -> np.ndarray | None:
        """Thumbnails made on the accelerator from the batch just run (see `Thumbnailer.fast_path`).

        None on the CPU, where the NumPy path is faster (some PyTorch CPU kernels, e.g. round, are slow).
        """
        if self._last is not None and self._last[0] is inputs:
            inputs = self._last[1]  # already on the device
        self._last = None
        inputs = image_inputs(inputs)
        if not isinstance(inputs, torch.Tensor) or inputs.device.type == "cpu":
            return None
        with torch.inference_mode():
            return thumbnail_pixels(inputs, size, mean, std)

    # ---- inputs -------------------------------------------------------------

    def _prepare(self, inputs: Any) -> Any:
        if isinstance(inputs, torch.Tensor):
            dtype = self.input_dtype if inputs.is_floating_point() and self.autocast is None else None
            return inputs.to(self.device, dtype=dtype, non_blocking=True)
        if isinstance(inputs, Mapping):
            return {k: self._prepare(v) for k, v in inputs.items()}
        if isinstance(inputs, (tuple, list)):
            return type(inputs)(self._prepare(v) for v in inputs)
        if isinstance(inputs, np.ndarray):
            return self._prepare(torch.from_numpy(inputs))
        return inputs

    @contextlib.contextmanager
    def _autocast(self) -> Iterator[None]:
        if self.autocast is None:
            yield
            return
        with torch.autocast(self.device.type, dtype=self.autocast):
            yield


def _parameter_dtype(model: nn.Module) -> torch.dtype | None:
    for tensor in [*model.parameters(), *model.buffers()]:
        if tensor.is_floating_point():
            return tensor.dtype
    return None


def model_device(model: nn.Module) -> torch.device:
    for tensor in [*model.parameters(), *model.buffers()]:
        return tensor.device
    return torch.device("cpu")


@contextlib.contextmanager
def eval_mode(model: nn.Module) -> Iterator[None]:
    """`model.eval()` for the duration, then every submodule's own training flag back as it was."""
    states = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in states:
            module.training = training
