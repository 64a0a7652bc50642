"""Finding the modules to record: names as in `named_modules()`, or module objects."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from ..export.layers import ModuleKind

OUTPUT_NAME = "output"  # the name given to the model itself when it is passed as a layer
MODULES = ModuleKind(
    nn.Module, "pass modules of the model itself, or their names as in model.named_modules()", "module names or modules"
)


def module_names(model: nn.Module) -> dict[str, nn.Module]:
    """Every named submodule, plus the model itself as "output" (its final output)."""
    names = {name: module for name, module in model.named_modules(remove_duplicate=False) if name}
    names.setdefault(OUTPUT_NAME, model)
    return names


def resolve_layers(model: nn.Module, layers: Sequence[str | nn.Module]) -> dict[str, nn.Module]:
    """Layer name -> module, in the order given; errors list close matches for unknown names."""
    available = module_names(model)
    by_identity: dict[int, str] = {}
    for name, module in available.items():
        by_identity.setdefault(id(module), name)
    by_identity[id(model)] = OUTPUT_NAME
    return MODULES.resolve(layers, available, by_identity)
