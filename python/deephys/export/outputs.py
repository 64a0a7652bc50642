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
            inner = ", ".join(f"{k!r}: {self.describe(v, depth + 1)}" for k, v in list(value.items())[:8])
            return f"{type(value).__name__} {{{inner}{', ...' if len(value) > 8 else ''}}}"
        return type(value).__name__

    def logits(self, output: Any, first_of_tuple: bool = False) -> Any:
        """The array of logits in a model's output: the output itself, its `logits` (a key, or an attribute as
        in Hugging Face's outputs), or with `first_of_tuple` the first element of a tuple; else None."""
        if self.is_array(output):
            return output
        found = output.get("logits") if isinstance(output, Mapping) else getattr(output, "logits", None)
        if self.is_array(found):
            return found
        if first_of_tuple and isinstance(output, (tuple, list)) and output and self.is_array(output[0]):
            return output[0]
        return None

    def select(self, layer: str, output: Any, selector: Selector | None) -> Any:
        """The array to record: the output itself (or its `logits`, as Hugging Face models return them), or the
        element `selector` picks (index, key or function)."""
        if selector is None:
            logits = self.logits(output)
            if logits is not None:
                return logits
            raise ExportError(
                f"layer {layer!r} returned a {self.describe(output)}, not {self.noun}. Pick what to record with "
                f"select={{{layer!r}: {self._example(output)}}} (an index, a key, or a function of the output)"
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

    def _example(self, output: Any) -> str:
        """A `select=` value that picks an array from `output`: its first array's index, key or attribute."""
        if isinstance(output, (tuple, list)):
            return str(next((i for i, v in enumerate(output) if self.is_array(v)), 0))
        if isinstance(output, Mapping):
            key = next((k for k, v in output.items() if self.is_array(v)), None)
            return repr(key if key is not None else next(iter(output), self.example_key))
        fields = (
            [name for name, value in vars(output).items() if self.is_array(value)]
            if hasattr(output, "__dict__")
            else []
        )
        return f"lambda out: out.{fields[0]}" if fields else "lambda out: out.<the array to record>"

    def check_pooled(self, layer: str, pooled: Any, images: int) -> Any:
        """`pooled`, the result of a user's pooling function, if it is (N, units); else a clear error."""
        if not self.is_array(pooled) or pooled.ndim != 2 or pooled.shape[0] != images:
            shape = list(pooled.shape) if self.is_array(pooled) else type(pooled).__name__
            raise ExportError(
                f"layer {layer!r}: the pooling function returned {shape}; it must return {self.noun} of shape "
                f"(N, units) = ({images}, ...)"
            )
        return pooled
