"""Layer names: checking those given against the model's, with close matches for typos, and module objects."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import ExportError, UnknownLayerError

V = TypeVar("V")


def close_matches(name: str, available: Iterable[str], n: int = 5) -> list[str]:
    """Names of `available` that look like `name`: difflib matches first, then names containing it."""
    choices = list(available)
    found = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    for choice in choices:
        if len(found) >= n:
            break
        if name and choice not in found and (name in choice or choice.endswith("." + name)):
            found.append(choice)
    return found


def unknown_layer(name: str, available: Sequence[str], what: str = "module") -> UnknownLayerError:
    """The error for a layer name that is not one of `available`, listing close matches."""
    matches = close_matches(name, available)
    if matches:
        hint = "did you mean " + ", ".join(repr(m) for m in matches) + "?"
    elif available:
        shown = ", ".join(repr(a) for a in list(available)[:20])
        more = f" (and {len(available) - 20} more)" if len(available) > 20 else ""
        hint = f"the model's {what}s are: {shown}{more}"
    else:
        hint = f"the model has no named {what}s"
    return UnknownLayerError(f"layer {name!r} is not a {what} of the model: {hint}")


def resolve_layer_names(requested: Sequence[str], available: Sequence[str], what: str = "module") -> list[str]:
    """Check that every requested name is available and that none repeats; return them in order."""
    if not requested:
        raise ExportError("layers=[] selects nothing: name at least the classifier layer, e.g. layers=['fc']")
    known = set(available)
    for name in requested:
        if name not in known:
            raise unknown_layer(name, available, what)
    repeated = sorted({n for n in requested if list(requested).count(n) > 1})
    if repeated:
        raise ExportError(f"layers lists {', '.join(map(repr, repeated))} more than once; name each layer once")
    return list(requested)


@dataclass(frozen=True)
class ModuleKind:
    """The module objects of one framework that `layers=` may hold besides names, and how errors word them."""

    type: type
    foreign_hint: str  # what to pass instead of a module that is not part of the model
    accepted: str  # what `layers=` takes

    def resolve(self, layers: Any, available: Mapping[str, V], names_by_id: Mapping[int, str]) -> dict[str, V]:
        """{name: available[name]} for `layers` (names, or module objects looked up by identity in
        `names_by_id`), in the order given, checked by `resolve_layer_names`."""
        if isinstance(layers, (str, self.type)):
            layers = [layers]
        names: list[str] = []
        for layer in layers:
            if isinstance(layer, self.type):
                name = names_by_id.get(id(layer))
                if name is None:
                    raise ExportError(
                        f"the module {type(layer).__name__} given in layers= is not part of the model; "
                        f"{self.foreign_hint}"
                    )
                names.append(name)
            elif isinstance(layer, str):
                names.append(layer)
            else:
                raise ExportError(f"layers= takes {self.accepted}, not {type(layer).__name__}")
        return {name: available[name] for name in resolve_layer_names(names, list(available))}
