"""Layer names of Flax models: module paths joined with "." ("conv1", "blocks.3.mlp")."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from flax import nnx

from ..errors import ExportError
from ..export.layers import ModuleKind, resolve_layer_names

OUTPUT_NAME = "output"  # the model itself: its final output (a submodule named "output" takes precedence)
Path = tuple[Any, ...]
NNX_MODULES = ModuleKind(
    nnx.Module,
    "pass submodules of the model itself, or their paths such as 'blocks.0.conv'",
    "module paths or submodules",
)


def dotted(path: Sequence[Any]) -> str:
    return ".".join(str(part) for part in path)


# ---- NNX ----------------------------------------------------------------------------------


def iter_modules(model: nnx.Module) -> Iterator[tuple[Path, nnx.Module]]:
    """(path, module) of `model` and its submodules (`nnx.iter_modules`, or the method of older Flax)."""
    if hasattr(nnx, "iter_modules"):
        return nnx.iter_modules(model)
    return model.iter_modules()


def nnx_module_paths(model: nnx.Module) -> dict[str, Path]:
    """Every submodule's dotted name -> its NNX path, plus the model itself as "output" (path ())."""
    paths = {dotted(path): tuple(path) for path, _ in iter_modules(model) if path}
    paths.setdefault(OUTPUT_NAME, ())
    return paths


def resolve_nnx_layers(model: nnx.Module, layers: Sequence[str | nnx.Module]) -> dict[str, Path]:
    """Layer name -> NNX path, in the order given (names or submodule objects); unknown names list close matches."""
    paths = nnx_module_paths(model)
    by_identity = {id(module): dotted(path) for path, module in iter_modules(model) if path}
    by_identity[id(model)] = OUTPUT_NAME
    return NNX_MODULES.resolve(layers, paths, by_identity)


# ---- Linen --------------------------------------------------------------------------------


def linen_names(layers: str | Sequence[object]) -> list[str]:
    """Check the Linen layer names given; they are matched against the model at its first trace."""
    names: list[str] = []
    for layer in [layers] if isinstance(layers, str) else layers:
        if not isinstance(layer, str):
            raise ExportError(
                f"layers= takes Linen module paths such as 'Conv_0' or 'block1.Dense_0', not {type(layer).__name__}"
            )
        names.append(layer)
    return resolve_layer_names(names, names)


def linen_called_paths(tree: Mapping[str, Any], prefix: Path = ()) -> list[str]:
    """Dotted paths of the modules in a Linen "intermediates" collection (those holding a `__call__`)."""
    found = []
    for key, value in tree.items():
        if key == "__call__":
            if prefix:
                found.append(dotted(prefix))
        elif isinstance(value, Mapping):
            found.extend(linen_called_paths(value, (*prefix, key)))
    return found
