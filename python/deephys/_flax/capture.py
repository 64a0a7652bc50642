"""`FlaxCapture`: one jitted forward that returns only the recorded layers, already pooled.

Neither kind of model is changed:

- NNX: the model is split into its graph definition and state once; inside the jitted forward a
  private copy is merged from them and put in eval mode, and only the copy's chosen submodules get a
  class whose `__call__` sows its output as an `nnx.Intermediate`. `nnx.capture` collects the sown
  values; on a Flax without it, they are read back from the copy's modules.
- Linen: `module.apply(variables, ..., capture_intermediates=filter, mutable=["intermediates"])` with
  a filter that accepts only the chosen module paths.

Only the (N, units) pooled arrays leave the device. A batch shorter than the first one (the last) is
padded to its size, so one input shape means one compilation; the padding rows are dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import flax
import jax
import jax.numpy as jnp
import numpy as np
from flax import linen, nnx

from ..errors import ExportError
from ..export.capture import PooledCapture
from ..export.layers import unknown_layer
from ..export.maps import has_maps, map_weights, token_layout
from ..export.outputs import ArrayKind, Selector
from ..export.pooling import LayerPooling, PoolingPlan
from ..export.sources import split_batch
from .modules import OUTPUT_NAME, Path, dotted, iter_modules, linen_called_paths

RawForward = Callable[[Any, Any], dict[str, Any]]  # (state, inputs) -> {layer: tuple of its outputs}
Probe = Callable[[Any], dict[str, np.ndarray]]  # inputs -> every module's (N, units) output (see module_outputs)
MODEL_OUTPUT = "<model output>"  # the key of the model's own output among a RawForward's (not a path)
_SOWN = "deephys_output"  # the nnx.Intermediate the chosen NNX modules sow
_HALF = (jnp.dtype(jnp.bfloat16), jnp.dtype(jnp.float16))
_NONE = object()


def call(fn: Callable[..., Any], inputs: Any, kwargs: Mapping[str, Any]) -> Any:
    """`fn(inputs)`, or `fn(*inputs)` for a tuple, or `fn(**inputs)` for a dict of inputs."""
    if isinstance(inputs, Mapping):
        return fn(**inputs, **kwargs)
    if isinstance(inputs, (tuple, list)):
        return fn(*inputs, **kwargs)
    return fn(inputs, **kwargs)


# ---- NNX ----------------------------------------------------------------------------------

_recording_classes: dict[type, type] = {}


def _recording_class(cls: type) -> type:
    """A subclass of `cls` whose `__call__` also sows its output (made once per class)."""
    if cls not in _recording_classes:

        def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:
            out = cls.__call__(self, *args, **kwargs)
            self.sow(nnx.Intermediate, _SOWN, out)
            return out

        namespace = {"__call__": __call__, "__module__": cls.__module__, "__qualname__": cls.__qualname__}
        _recording_classes[cls] = type(cls.__name__, (cls,), namespace)
    return _recording_classes[cls]


def variable_value(variable: Any) -> Any:
    """The value an `nnx.Variable` holds (`get_value()`, or `.value` in older Flax)."""
    return variable.get_value() if hasattr(variable, "get_value") else variable.value


def nnx_forward(
    model: nnx.Module, layers: Mapping[str, Path], kwargs: Mapping[str, Any], use_capture: bool | None = None
) -> tuple[RawForward, Any]:
    """A pure (state, inputs) -> {layer: outputs} over a private copy of `model`, and the model's state."""
    graphdef, state = nnx.split(model)
    use_capture = hasattr(nnx, "capture") if use_capture is None else use_capture

    def raw(state: Any, inputs: Any) -> dict[str, Any]:
        copy = nnx.merge(graphdef, state)
        copy.eval()  # Dropout off, BatchNorm on running statistics (the user's model keeps its flags)
        modules = {tuple(path): module for path, module in iter_modules(copy)}
        chosen = {name: modules[path] for name, path in layers.items() if path}
        for module in chosen.values():
            object.__setattr__(module, "__class__", _recording_class(type(module)))
        if use_capture:
            output, sown = call(nnx.capture(copy, nnx.Intermediate), inputs, kwargs)
            found = {name: _lookup(sown, layers[name]) for name in chosen}
        else:  # older Flax: `sow` keeps the value on the module as an attribute
            output = call(copy, inputs, kwargs)
            found = {name: getattr(module, _SOWN, None) for name, module in chosen.items()}
        outputs = {name: variable_value(var) for name, var in found.items() if isinstance(var, nnx.Variable)}
        if OUTPUT_NAME in layers and not layers[OUTPUT_NAME]:
            outputs[OUTPUT_NAME] = (output,)
        outputs[MODEL_OUTPUT] = (output,)
        return outputs

    return raw, state


def _lookup(state: Any, path: Path) -> Any:
    node = state
    for part in path:
        if part not in node:
            return None
        node = node[part]
    return node[_SOWN] if _SOWN in node else None


# ---- Linen --------------------------------------------------------------------------------


def linen_forward(
    module: linen.Module, variables: Mapping[str, Any], layers: Sequence[str], kwargs: Mapping[str, Any]
) -> tuple[RawForward, Any]:
    """A pure (variables, inputs) -> {layer: outputs} capturing only `layers`, and the variables to use."""
    chosen = set(layers)

    def wanted(mdl: linen.Module, method: str) -> bool:
        return method == "__call__" and dotted(mdl.path) in chosen

    def raw(variables: Any, inputs: Any) -> dict[str, Any]:
        try:
            output, state = _linen_apply(module, variables, inputs, kwargs, wanted)
        except (flax.errors.ModifyScopeVariableError, flax.errors.InvalidRngError) as exc:
            raise ExportError(
                f"{exc}\nThe Linen model runs in training mode (it updates statistics or needs dropout "
                "randomness); record it in eval mode by passing its flag, e.g. call_kwargs={'train': False}"
            ) from exc
        tree = state.get("intermediates", {})
        outputs = {}
        for name in layers:
            node: Any = tree
            for part in name.split("."):
                node = node.get(part, {}) if isinstance(node, Mapping) else {}
            if "__call__" in node:
                outputs[name] = node["__call__"]
        if OUTPUT_NAME in chosen and OUTPUT_NAME not in outputs:
            outputs[OUTPUT_NAME] = (output,)
        outputs[MODEL_OUTPUT] = (output,)
        missing = [name for name in layers if name not in outputs]
        if missing:
            available = _linen_available(module, variables, inputs, kwargs)
            for name in missing:
                if name not in available:
                    raise unknown_layer(name, available, "module")
        return outputs

    return raw, {k: v for k, v in variables.items() if k != "intermediates"}


def _linen_apply(
    module: linen.Module,
    variables: Any,
    inputs: Any,
    kwargs: Mapping[str, Any],
    capture: bool | Callable[[linen.Module, str], bool],
) -> tuple[Any, Any]:
    apply = functools.partial(module.apply, variables, capture_intermediates=capture, mutable=["intermediates"])
    return call(apply, inputs, kwargs)


def nnx_probe(model: nnx.Module, kwargs: Mapping[str, Any]) -> Probe:
    """Every submodule's (N, units) output, from an eager forward of a private copy sowing them all."""
    paths = {dotted(path): tuple(path) for path, _ in iter_modules(model) if path}
    raw, state = nnx_forward(model, paths, kwargs)
    return lambda inputs: _vectors(raw(state, jax.tree.map(_array, inputs)))


def linen_probe(module: linen.Module, variables: Mapping[str, Any], kwargs: Mapping[str, Any]) -> Probe:
    """Every submodule's (N, units) output, from one forward capturing all intermediates."""
    variables = {k: v for k, v in variables.items() if k != "intermediates"}

    def probe(inputs: Any) -> dict[str, np.ndarray]:
        _, state = _linen_apply(module, variables, jax.tree.map(_array, inputs), kwargs, True)
        tree = state.get("intermediates", {})
        outputs = {}
        for name in linen_called_paths(tree):
            node: Any = tree
            for part in name.split("."):
                node = node[part]
            outputs[name] = node["__call__"]
        return _vectors(outputs)

    return probe


def _vectors(outputs: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The outputs that are one (N, units) array (or hold one as `logits`), on the host."""
    found = {}
    for name, calls in outputs.items():
        if name == MODEL_OUTPUT or len(calls) != 1:
            continue
        value = ARRAY.logits(calls[0])
        if value is not None and value.ndim == 2:
            found[name] = np.asarray(jax.device_get(value))
    return found


def _linen_available(module: linen.Module, variables: Any, inputs: Any, kwargs: Mapping[str, Any]) -> list[str]:
    """Every submodule path the forward pass calls, found by an abstract trace (no compute)."""
    _, state = jax.eval_shape(lambda v, x: _linen_apply(module, v, x, kwargs, True), variables, inputs)
    return [*linen_called_paths(state.get("intermediates", {})), OUTPUT_NAME]


# ---- selecting and pooling (traced inside the jitted forward) ------------------------------


ARRAY = ArrayKind(jax.Array, "Array", "an array", "hidden")


def select_array(layer: str, output: Any, selector: Selector | None) -> jax.Array:
    """The array to record from a module output (the output itself, or the element `selector` picks)."""
    return ARRAY.select(layer, output, selector)


def pool(value: jax.Array, plan: LayerPooling) -> jax.Array:
    """(N, units) from an NHWC conv map, an (N, T, D) token map or a vector; half-precision means in float32."""
    if not jnp.issubdtype(value.dtype, jnp.floating):
        value = value.astype(jnp.float32)
    mean_dtype = jnp.float32 if value.dtype in _HALF else None
    name = plan.name
    if name == "none":
        return value
    if name == "spatial_mean":
        return jnp.mean(value, axis=(1, 2), dtype=mean_dtype)
    if name == "spatial_max":
        return jnp.max(value, axis=(1, 2))
    if name == "token_mean":
        return jnp.mean(value, axis=1, dtype=mean_dtype)
    if name == "token_max":
        return jnp.max(value, axis=1)
    if name == "token_first":
        return value[:, 0]
    fn = plan.function
    assert fn is not None
    return ARRAY.check_pooled(plan.layer, fn(value), value.shape[0])


def reduced_maps(value: jax.Array, plan: LayerPooling, map_size: int) -> jax.Array:
    """(N, units, h, w) float32: the maps of an NHWC conv map or an (N, T, D) token map (on its patch grid),
    each reduced to at most map_size x map_size cells by exact area weights (export/maps.py)."""
    if plan.kind == "tokens":
        skip, height, width = token_layout(value.shape[1])
        value = value[:, skip:].reshape(value.shape[0], height, width, value.shape[2])
    value = value.astype(jnp.float32)
    weights = map_weights(value.shape[1], value.shape[2], map_size)
    if weights is None:
        return jnp.transpose(value, (0, 3, 1, 2))
    rows, cols = weights
    exact = jax.lax.Precision.HIGHEST  # float32 products, also where the default is TF32 or bfloat16 passes
    return jnp.einsum("ih,nhwc,jw->ncij", rows, value, cols, precision=exact)


@jax.jit
def _take_maps(maps: jax.Array, flat: jax.Array) -> jax.Array:
    """maps (N, U, h, w) -> (k, h, w), the maps at flat indices image * U + unit."""
    return maps.reshape(-1, *maps.shape[2:])[flat]


# ---- the Capture --------------------------------------------------------------------------


class FlaxCapture(PooledCapture):
    """Runs the jitted forward on each batch and hands the pooled layers to the export loop."""

    framework = "flax"
    framework_version = flax.__version__
    layout = "NHWC"

    def __init__(
        self,
        raw: RawForward,
        state: Any,
        layers: Sequence[str],
        pooling: PoolingPlan,
        relu: set[str],
        select: Mapping[str, Selector],
        probe: Probe | None = None,
    ):
        super().__init__(pooling, relu, select)
        self.raw, self.state, self.layers, self.probe = raw, state, list(layers), probe
        self.batch_size: int | None = None  # the first batch's; shorter batches are padded to it
        self._first_output: np.ndarray | None = None  # the model's logits at the first batch (see model_output)
        self._calls = 0
        self.forward = jax.jit(self._forward)
        self._pending: dict[int, tuple[Any, int, Any]] = {}  # id(inputs) -> dispatched, see prefetch
        self._maps: dict[str, jax.Array] = {}  # the reduced maps of the batch just handed out, on the device

    def _forward(self, state: Any, inputs: Any) -> tuple[dict[str, jax.Array], dict[str, jax.Array]]:
        """(pooled layers and the model's logits, reduced maps of the layers that have them), on the device."""
        outputs = self.raw(state, inputs)
        pooled, maps = {}, {}
        for name in self.layers:
            calls = outputs.get(name)
            if not calls:
                raise ExportError(
                    f"layer {name!r} did not run in the model's forward pass, so there is nothing to record; "
                    "choose modules that __call__ calls (a container such as a list of blocks is not one)"
                )
            if len(calls) > 1:
                raise ExportError(
                    f"layer {name!r} ran {len(calls)} times in one forward pass (a module reused), so its output "
                    "is ambiguous; record a module that runs once, such as its parent"
                )
            value = select_array(name, calls[0], self.select.get(name))
            if name in self.relu:
                value = jax.nn.relu(value)
            plan = self.pooling.for_layer(name, tuple(value.shape))
            pooled[name] = pool(value, plan)
            if self.map_size and has_maps(plan):
                maps[name] = reduced_maps(value, plan, self.map_size)  # stay on the device (see batch_maps)
        logits = ARRAY.logits(outputs[MODEL_OUTPUT][0], first_of_tuple=True) if MODEL_OUTPUT in outputs else None
        if logits is not None and logits.ndim == 2:
            pooled[MODEL_OUTPUT] = logits  # stays on the device but at the first batch (see __call__)
        return pooled, maps

    def __call__(self, inputs: Any) -> dict[str, np.ndarray]:
        pending = self._pending.pop(id(inputs), None)
        if pending is None or pending[0] is not inputs:
            pending = self._dispatch(inputs)
        _, n, (result, self._maps) = pending
        wanted = [*self.layers, *([MODEL_OUTPUT] if self._calls == 0 and MODEL_OUTPUT in result else [])]
        outputs = jax.device_get({name: result[name] for name in wanted})
        if self._calls == 0 and MODEL_OUTPUT in outputs:
            self._first_output = self.to_numpy(outputs[MODEL_OUTPUT])[:n]
        self._calls += 1
        return {name: self._host(name, np.asarray(outputs[name])[:n]) for name in self.layers}

    def model_output(self) -> np.ndarray | None:
        return self._first_output

    def map_layers(self) -> list[str]:
        return [name for name in self.layers if name in self._maps]

    def batch_maps(self, wanted: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        """One gather on the device per layer: only the wanted maps are copied to the host. The number of
        maps is padded to a power of two, so few gathers are compiled."""
        found = {}
        for name, (rows, units) in wanted.items():
            maps = self._maps[name]
            flat = np.asarray(rows, np.int64) * maps.shape[1] + np.asarray(units, np.int64)
            size = max(16, 1 << max(0, int(flat.size - 1)).bit_length())
            padded = np.zeros(size, np.int32)
            padded[: flat.size] = flat
            found[name] = np.asarray(jax.device_get(_take_maps(maps, padded)))[: flat.size]
        return found

    def module_outputs(self, inputs: Any) -> dict[str, np.ndarray]:
        return {} if self.probe is None else self.probe(inputs)

    def prefetch(self, batches: Iterable[Any]) -> Iterator[Any]:
        """`batches`, each handed out once the next one's forward is dispatched (JAX runs it asynchronously),
        so the device computes batch i+1 while the host writes batch i."""
        previous: Any = _NONE
        for batch in batches:
            try:
                inputs = split_batch(batch, "", 0)[0]
                self._pending[id(inputs)] = self._dispatch(inputs)
            except Exception:  # noqa: BLE001 - raised again when the export loop gets to this batch
                pass
            while len(self._pending) > 2:
                del self._pending[next(iter(self._pending))]
            if previous is not _NONE:
                yield previous
            previous = batch
        if previous is not _NONE:
            yield previous

    def _dispatch(self, inputs: Any) -> tuple[Any, int, Any]:
        """Start the forward pass of a batch: (the inputs, their number of rows, the pending result)."""
        prepared = jax.tree.map(_array, inputs)
        n = _batch_length(prepared)
        if not self.batch_size:
            self.batch_size = n
        size = self.batch_size
        if n < size:
            prepared = jax.tree.map(lambda x: _pad(x, size), prepared)
        return inputs, n, self.forward(self.state, prepared)

    def _host(self, name: str, value: np.ndarray) -> np.ndarray:
        self.note_dtype(name, value.dtype == jnp.bfloat16)
        return value.astype(np.float32) if value.dtype == jnp.bfloat16 else value

    def to_numpy(self, value: Any) -> np.ndarray:
        value = np.asarray(jax.device_get(value) if isinstance(value, jax.Array) else value)
        return value.astype(np.float32) if value.dtype == jnp.bfloat16 else value


def _array(leaf: Any) -> Any:
    """NumPy and JAX arrays as they are; anything array-like (tf.Tensor, lists) as NumPy."""
    return leaf if isinstance(leaf, (np.ndarray, jax.Array)) else np.asarray(leaf)


def _batch_length(inputs: Any) -> int:
    leaves = jax.tree.leaves(inputs)
    if not leaves or any(np.ndim(leaf) == 0 for leaf in leaves):
        shapes = [np.shape(leaf) for leaf in leaves]
        raise ExportError(
            f"each batch's inputs must be arrays with a batch dimension first (N, ...); got shapes {shapes}. "
            "Batch the dataset, or pass it whole as a pair (images, labels) of arrays"
        )
    lengths = {int(np.shape(leaf)[0]) for leaf in leaves}
    if len(lengths) != 1:
        raise ExportError(
            f"the inputs of a batch have different lengths {sorted(lengths)}; every input array of a batch "
            "needs the same number of rows (N, ...)"
        )
    return lengths.pop()


def _pad(x: Any, size: int) -> Any:
    """`x` with zero rows appended up to `size` rows (on the host for NumPy, on the device for JAX)."""
    xp = jnp if isinstance(x, jax.Array) else np
    return xp.concatenate([x, xp.zeros((size - x.shape[0], *x.shape[1:]), x.dtype)])
