"""Picking the array to record from a module's output (tuples, dicts, dataclasses), for any framework."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from ..errors import ExportError

Selector = int | str | Callable[[Any], Any]


@dataclass(frozen=True)
class ArrayKind:
    """What counts as a recordable array in one framework, and how errors name it."""

    type: type | tuple[type, ...]
    name: str  # "Tensor", "Array"
    noun: str  # "a tensor", "an array"
    example_key: str  # a typical dict key in this framework's outputs

    def is_array(self, value: Any) -> TypeGuard[Any]:
        """Whether `value` is one of this framework's arrays (which have `shape` and `ndim`)."""
        return isinstance(value, self.type)

    def describe(self, value: Any, depth: int = 0) -> str:
        """Short description of an output, e.g. "tuple (Tensor[8, 17, 32], None)"."""
        if self.is_array(value):
            return f"{self.name}{list(value.shape)}"
        if depth > 1:
            return type(value).__name__
        if isinstance(value, (tuple, list)):
            inner = ", ".join(self.describe(v, depth + 1) for v in list(value)[:4])
            return f"{type(value).__name__} ({inner}{', ...' if len(value) > 4 else ''})"
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k!r}: {self.describe(v, depth + 1)}" for k, v in list(value.items())[:4])
            return f"{type(value).__name__} {{{inner}}}"
        return type(value).__name__

    def select(self, layer: str, output: Any, selector: Selector | None) -> Any:
        """The array to record: the output itself, or the element `selector` picks (index, key or function)."""
        if selector is None:
            if isinstance(output, self.type):
                return output
            example = (
                "0"
                if isinstance(output, (tuple, list))
                else repr(self.example_key)
                if isinstance(output, Mapping)
                else "lambda out: out.logits"
            )
            raise ExportError(
                f"layer {layer!r} returned a {self.describe(output)}, not {self.noun}. Pick what to record with "
                f"select={{{layer!r}: {example}}} (an index, a key, or a function of the output)"
            )
        if isinstance(output, self.type) and not callable(selector):
            return output  # an index or key picks from tuples and dicts; indexing an array would pick images
        try:
            value = selector(output) if callable(selector) else output[selector]
        except (IndexError, KeyError, TypeError) as exc:
            raise ExportError(
                f"layer {layer!r}: select={selector!r} does not apply to its output, a {self.describe(output)} "
                f"({type(exc).__name__}: {exc})"
            ) from None
        if not isinstance(value, self.type):
            raise ExportError(f"layer {layer!r}: select={selector!r} picked a {self.describe(value)}, not {self.noun}")
        return value

    def check_pooled(self, layer: str, pooled: Any, images: int) -> Any:
        """`pooled`, the result of a user's pooling function, if it is (N, units); else a clear error."""
        if not self.is_array(pooled) or pooled.ndim != 2 or pooled.shape[0] != images:
            shape = list(pooled.shape) if self.is_array(pooled) else type(pooled).__name__
            raise ExportError(
                f"layer {layer!r}: the pooling function returned {shape}; it must return {self.noun} of shape "
                f"(N, units) = ({images}, ...)"
            )
        return pooled
