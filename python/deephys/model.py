"""The model description: layers, units, classifier and classes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ._generated.deephys.v1 import deephys_pb2 as pb
from .errors import OutOfRangeError, UnknownNameError, UsageError

POOLINGS = {
    "none": pb.POOLING_NONE,
    "spatial_mean": pb.POOLING_SPATIAL_MEAN,
    "spatial_max": pb.POOLING_SPATIAL_MAX,
    "token_mean": pb.POOLING_TOKEN_MEAN,
    "token_first": pb.POOLING_TOKEN_FIRST,
    "token_max": pb.POOLING_TOKEN_MAX,
    "custom": pb.POOLING_CUSTOM,
}
_POOLING_NAMES = {v: k for k, v in POOLINGS.items()}


@dataclass(frozen=True)
class Producer:
    name: str = "deephys"
    version: str = ""
    framework: str = "numpy"
    framework_version: str = ""


@dataclass(frozen=True)
class Layer:
    """One recorded layer: `units` scalars per image."""

    name: str
    units: int
    pooling: str = "none"
    pooling_description: str = ""
    unit_labels: tuple[str, ...] = ()
    relu: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise UsageError("a layer name must be a non-empty string")
        if int(self.units) <= 0:
            raise UsageError(f"layer {self.name!r} must have at least one unit, not {self.units}")
        object.__setattr__(self, "units", int(self.units))
        if self.pooling not in POOLINGS:
            raise UsageError(
                f"layer {self.name!r}: unknown pooling {self.pooling!r}; choose one of {', '.join(POOLINGS)}"
            )
        object.__setattr__(self, "unit_labels", tuple(self.unit_labels))
        if self.unit_labels and len(self.unit_labels) != self.units:
            raise UsageError(f"layer {self.name!r} has {self.units} units but {len(self.unit_labels)} unit labels")


@dataclass(frozen=True)
class Model:
    """A network as Deephys sees it: named layers of units, one of them the classifier.

    >>> Model("mnist-cnn", layers={"fc1": 50, "out": 10}, classifier="out")
    """

    name: str
    layers: tuple[Layer, ...]
    classifier: str = ""
    classes: tuple[str, ...] | None = None
    fingerprint: str = ""
    producer: Producer = field(default_factory=Producer)

    def __init__(
        self,
        name: str,
        layers: Mapping[str, int] | Iterable[Layer | tuple[str, int]],
        classifier: str | None = None,
        classes: Sequence[str] | None = None,
        fingerprint: str = "",
        producer: Producer | None = None,
    ):
        items = layers.items() if isinstance(layers, Mapping) else layers
        built = tuple(item if isinstance(item, Layer) else Layer(*item) for item in items)
        if not built:
            raise UsageError("a model needs at least one layer")
        names = [layer.name for layer in built]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise UsageError(f"duplicate layer names: {', '.join(duplicates)}")
        classifier = classifier or built[-1].name
        if classifier not in names:
            raise UsageError(f"classifier {classifier!r} is not one of the layers: {', '.join(names)}")
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "layers", built)
        object.__setattr__(self, "classifier", classifier)
        object.__setattr__(self, "classes", None if classes is None else tuple(str(c) for c in classes))
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "producer", producer or Producer())
        if self.classes is not None:
            self._check_classes(self.classes)

    def _check_classes(self, classes: Sequence[str]) -> None:
        units = self.layer(self.classifier).units
        if len(classes) != units:
            raise UsageError(
                f"{len(classes)} class names given but the classifier layer {self.classifier!r} has {units} units"
            )

    def with_classes(self, classes: Sequence[str] | None) -> Model:
        """This model with `classes` (default: "0", "1", ... when it has none)."""
        if classes is None:
            if self.classes is not None:
                return self
            classes = [str(i) for i in range(self.layer(self.classifier).units)]
        return Model(self.name, self.layers, self.classifier, classes, self.fingerprint, self.producer)

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def layer(self, key: str | int) -> Layer:
        return self.layers[self.layer_index(key)]

    def layer_index(self, key: str | int) -> int:
        if isinstance(key, int):
            if not -len(self.layers) <= key < len(self.layers):
                raise OutOfRangeError(f"layer index {key} out of range for {len(self.layers)} layers")
            return key % len(self.layers)
        for i, layer in enumerate(self.layers):
            if layer.name == key:
                return i
        raise UnknownNameError(f"no layer named {key!r}; layers are: {', '.join(self.layer_names)}")

    def to_proto(self) -> pb.Model:
        return pb.Model(
            name=self.name,
            fingerprint=self.fingerprint,
            producer=pb.Producer(**vars(self.producer)),
            layers=[
                pb.Layer(
                    name=layer.name,
                    units=layer.units,
                    pooling=POOLINGS[layer.pooling],
                    pooling_description=layer.pooling_description,
                    unit_labels=layer.unit_labels,
                    relu_applied=layer.relu,
                )
                for layer in self.layers
            ],
            classifier=self.classifier,
            classes=self.classes or (),
        )

    @classmethod
    def from_proto(cls, message: pb.Model) -> Model:
        layers = [
            Layer(
                name=layer.name,
                units=layer.units,
                pooling=_POOLING_NAMES.get(layer.pooling, "none"),
                pooling_description=layer.pooling_description,
                unit_labels=tuple(layer.unit_labels),
                relu=layer.relu_applied,
            )
            for layer in message.layers
        ]
        producer = Producer(
            message.producer.name,
            message.producer.version,
            message.producer.framework,
            message.producer.framework_version,
        )
        return cls(message.name, layers, message.classifier, list(message.classes), message.fingerprint, producer)
