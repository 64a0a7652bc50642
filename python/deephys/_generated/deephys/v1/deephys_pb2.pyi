from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DTYPE_UNSPECIFIED: _ClassVar[DType]
    DTYPE_FLOAT32: _ClassVar[DType]
    DTYPE_FLOAT16: _ClassVar[DType]
    DTYPE_BFLOAT16: _ClassVar[DType]
    DTYPE_FLOAT64: _ClassVar[DType]

class Pooling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POOLING_UNSPECIFIED: _ClassVar[Pooling]
    POOLING_NONE: _ClassVar[Pooling]
    POOLING_SPATIAL_MEAN: _ClassVar[Pooling]
    POOLING_SPATIAL_MAX: _ClassVar[Pooling]
    POOLING_TOKEN_MEAN: _ClassVar[Pooling]
    POOLING_TOKEN_FIRST: _ClassVar[Pooling]
    POOLING_TOKEN_MAX: _ClassVar[Pooling]
    POOLING_CUSTOM: _ClassVar[Pooling]

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_ID: _ClassVar[Role]
    ROLE_OOD: _ClassVar[Role]

class ImageEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMAGE_ENCODING_UNSPECIFIED: _ClassVar[ImageEncoding]
    IMAGE_ENCODING_PNG: _ClassVar[ImageEncoding]
    IMAGE_ENCODING_JPEG: _ClassVar[ImageEncoding]
    IMAGE_ENCODING_WEBP: _ClassVar[ImageEncoding]
DTYPE_UNSPECIFIED: DType
DTYPE_FLOAT32: DType
DTYPE_FLOAT16: DType
DTYPE_BFLOAT16: DType
DTYPE_FLOAT64: DType
POOLING_UNSPECIFIED: Pooling
POOLING_NONE: Pooling
POOLING_SPATIAL_MEAN: Pooling
POOLING_SPATIAL_MAX: Pooling
POOLING_TOKEN_MEAN: Pooling
POOLING_TOKEN_FIRST: Pooling
POOLING_TOKEN_MAX: Pooling
POOLING_CUSTOM: Pooling
ROLE_UNSPECIFIED: Role
ROLE_ID: Role
ROLE_OOD: Role
IMAGE_ENCODING_UNSPECIFIED: ImageEncoding
IMAGE_ENCODING_PNG: ImageEncoding
IMAGE_ENCODING_JPEG: ImageEncoding
IMAGE_ENCODING_WEBP: ImageEncoding

class Producer(_message.Message):
    __slots__ = ("name", "version", "framework", "framework_version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    FRAMEWORK_FIELD_NUMBER: _ClassVar[int]
    FRAMEWORK_VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    framework: str
    framework_version: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., framework: _Optional[str] = ..., framework_version: _Optional[str] = ...) -> None: ...

class Layer(_message.Message):
    __slots__ = ("name", "units", "pooling", "pooling_description", "unit_labels", "relu_applied")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    POOLING_FIELD_NUMBER: _ClassVar[int]
    POOLING_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UNIT_LABELS_FIELD_NUMBER: _ClassVar[int]
    RELU_APPLIED_FIELD_NUMBER: _ClassVar[int]
    name: str
    units: int
    pooling: Pooling
    pooling_description: str
    unit_labels: _containers.RepeatedScalarFieldContainer[str]
    relu_applied: bool
    def __init__(self, name: _Optional[str] = ..., units: _Optional[int] = ..., pooling: _Optional[_Union[Pooling, str]] = ..., pooling_description: _Optional[str] = ..., unit_labels: _Optional[_Iterable[str]] = ..., relu_applied: _Optional[bool] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ("name", "fingerprint", "producer", "layers", "classifier", "classes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIER_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    name: str
    fingerprint: str
    producer: Producer
    layers: _containers.RepeatedCompositeFieldContainer[Layer]
    classifier: str
    classes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., fingerprint: _Optional[str] = ..., producer: _Optional[_Union[Producer, _Mapping]] = ..., layers: _Optional[_Iterable[_Union[Layer, _Mapping]]] = ..., classifier: _Optional[str] = ..., classes: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordRef(_message.Message):
    __slots__ = ("offset", "length", "crc32")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    CRC32_FIELD_NUMBER: _ClassVar[int]
    offset: int
    length: int
    crc32: int
    def __init__(self, offset: _Optional[int] = ..., length: _Optional[int] = ..., crc32: _Optional[int] = ...) -> None: ...

class ActivationChunkRef(_message.Message):
    __slots__ = ("first_row", "rows", "record")
    FIRST_ROW_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    first_row: int
    rows: int
    record: RecordRef
    def __init__(self, first_row: _Optional[int] = ..., rows: _Optional[int] = ..., record: _Optional[_Union[RecordRef, _Mapping]] = ...) -> None: ...

class ImageTableChunkRef(_message.Message):
    __slots__ = ("first_row", "rows", "record")
    FIRST_ROW_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    first_row: int
    rows: int
    record: RecordRef
    def __init__(self, first_row: _Optional[int] = ..., rows: _Optional[int] = ..., record: _Optional[_Union[RecordRef, _Mapping]] = ...) -> None: ...

class LayerData(_message.Message):
    __slots__ = ("layer", "dtype", "chunks", "summary", "maps")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    MAPS_FIELD_NUMBER: _ClassVar[int]
    layer: int
    dtype: DType
    chunks: _containers.RepeatedCompositeFieldContainer[ActivationChunkRef]
    summary: RecordRef
    maps: MapsInfo
    def __init__(self, layer: _Optional[int] = ..., dtype: _Optional[_Union[DType, str]] = ..., chunks: _Optional[_Iterable[_Union[ActivationChunkRef, _Mapping]]] = ..., summary: _Optional[_Union[RecordRef, _Mapping]] = ..., maps: _Optional[_Union[MapsInfo, _Mapping]] = ...) -> None: ...

class MapsInfo(_message.Message):
    __slots__ = ("images", "height", "width", "chunks")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    images: int
    height: int
    width: int
    chunks: _containers.RepeatedCompositeFieldContainer[MapChunkRef]
    def __init__(self, images: _Optional[int] = ..., height: _Optional[int] = ..., width: _Optional[int] = ..., chunks: _Optional[_Iterable[_Union[MapChunkRef, _Mapping]]] = ...) -> None: ...

class MapChunkRef(_message.Message):
    __slots__ = ("first_unit", "units", "record")
    FIRST_UNIT_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    first_unit: int
    units: int
    record: RecordRef
    def __init__(self, first_unit: _Optional[int] = ..., units: _Optional[int] = ..., record: _Optional[_Union[RecordRef, _Mapping]] = ...) -> None: ...

class DatasetInfo(_message.Message):
    __slots__ = ("name", "role", "description", "images", "table", "layers", "has_images", "top_k", "histogram_bins")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    HAS_IMAGES_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    HISTOGRAM_BINS_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: Role
    description: str
    images: int
    table: _containers.RepeatedCompositeFieldContainer[ImageTableChunkRef]
    layers: _containers.RepeatedCompositeFieldContainer[LayerData]
    has_images: bool
    top_k: int
    histogram_bins: int
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., description: _Optional[str] = ..., images: _Optional[int] = ..., table: _Optional[_Iterable[_Union[ImageTableChunkRef, _Mapping]]] = ..., layers: _Optional[_Iterable[_Union[LayerData, _Mapping]]] = ..., has_images: _Optional[bool] = ..., top_k: _Optional[int] = ..., histogram_bins: _Optional[int] = ...) -> None: ...

class Footer(_message.Message):
    __slots__ = ("format_major", "format_minor", "model", "datasets", "metadata", "earlier_footers", "readout")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FORMAT_MAJOR_FIELD_NUMBER: _ClassVar[int]
    FORMAT_MINOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    EARLIER_FOOTERS_FIELD_NUMBER: _ClassVar[int]
    READOUT_FIELD_NUMBER: _ClassVar[int]
    format_major: int
    format_minor: int
    model: Model
    datasets: _containers.RepeatedCompositeFieldContainer[DatasetInfo]
    metadata: _containers.ScalarMap[str, str]
    earlier_footers: _containers.RepeatedScalarFieldContainer[int]
    readout: ReadoutInfo
    def __init__(self, format_major: _Optional[int] = ..., format_minor: _Optional[int] = ..., model: _Optional[_Union[Model, _Mapping]] = ..., datasets: _Optional[_Iterable[_Union[DatasetInfo, _Mapping]]] = ..., metadata: _Optional[_Mapping[str, str]] = ..., earlier_footers: _Optional[_Iterable[int]] = ..., readout: _Optional[_Union[ReadoutInfo, _Mapping]] = ...) -> None: ...

class ReadoutInfo(_message.Message):
    __slots__ = ("layer", "dtype", "chunks", "source", "residual")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RESIDUAL_FIELD_NUMBER: _ClassVar[int]
    layer: int
    dtype: DType
    chunks: _containers.RepeatedCompositeFieldContainer[ReadoutChunkRef]
    source: str
    residual: float
    def __init__(self, layer: _Optional[int] = ..., dtype: _Optional[_Union[DType, str]] = ..., chunks: _Optional[_Iterable[_Union[ReadoutChunkRef, _Mapping]]] = ..., source: _Optional[str] = ..., residual: _Optional[float] = ...) -> None: ...

class ReadoutChunkRef(_message.Message):
    __slots__ = ("first_class", "classes", "record")
    FIRST_CLASS_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    first_class: int
    classes: int
    record: RecordRef
    def __init__(self, first_class: _Optional[int] = ..., classes: _Optional[int] = ..., record: _Optional[_Union[RecordRef, _Mapping]] = ...) -> None: ...

class Record(_message.Message):
    __slots__ = ("activations", "table", "image", "summary", "model", "footer", "readout", "maps")
    ACTIVATIONS_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FOOTER_FIELD_NUMBER: _ClassVar[int]
    READOUT_FIELD_NUMBER: _ClassVar[int]
    MAPS_FIELD_NUMBER: _ClassVar[int]
    activations: ActivationChunk
    table: ImageTableChunk
    image: Image
    summary: LayerSummary
    model: Model
    footer: Footer
    readout: ReadoutChunk
    maps: MapChunk
    def __init__(self, activations: _Optional[_Union[ActivationChunk, _Mapping]] = ..., table: _Optional[_Union[ImageTableChunk, _Mapping]] = ..., image: _Optional[_Union[Image, _Mapping]] = ..., summary: _Optional[_Union[LayerSummary, _Mapping]] = ..., model: _Optional[_Union[Model, _Mapping]] = ..., footer: _Optional[_Union[Footer, _Mapping]] = ..., readout: _Optional[_Union[ReadoutChunk, _Mapping]] = ..., maps: _Optional[_Union[MapChunk, _Mapping]] = ...) -> None: ...

class ActivationChunk(_message.Message):
    __slots__ = ("dataset", "layer", "first_row", "rows", "units", "dtype", "data")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    FIRST_ROW_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    dataset: int
    layer: int
    first_row: int
    rows: int
    units: int
    dtype: DType
    data: bytes
    def __init__(self, dataset: _Optional[int] = ..., layer: _Optional[int] = ..., first_row: _Optional[int] = ..., rows: _Optional[int] = ..., units: _Optional[int] = ..., dtype: _Optional[_Union[DType, str]] = ..., data: _Optional[bytes] = ...) -> None: ...

class KeyValue(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class ImageMetadata(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[KeyValue]
    def __init__(self, entries: _Optional[_Iterable[_Union[KeyValue, _Mapping]]] = ...) -> None: ...

class ImageTableChunk(_message.Message):
    __slots__ = ("dataset", "first_row", "rows", "labels", "predictions", "confidences", "metadata", "images")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    FIRST_ROW_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PREDICTIONS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    dataset: int
    first_row: int
    rows: int
    labels: _containers.RepeatedScalarFieldContainer[int]
    predictions: _containers.RepeatedScalarFieldContainer[int]
    confidences: bytes
    metadata: _containers.RepeatedCompositeFieldContainer[ImageMetadata]
    images: bytes
    def __init__(self, dataset: _Optional[int] = ..., first_row: _Optional[int] = ..., rows: _Optional[int] = ..., labels: _Optional[_Iterable[int]] = ..., predictions: _Optional[_Iterable[int]] = ..., confidences: _Optional[bytes] = ..., metadata: _Optional[_Iterable[_Union[ImageMetadata, _Mapping]]] = ..., images: _Optional[bytes] = ...) -> None: ...

class Image(_message.Message):
    __slots__ = ("dataset", "index", "encoding", "width", "height", "channels", "data")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    dataset: int
    index: int
    encoding: ImageEncoding
    width: int
    height: int
    channels: int
    data: bytes
    def __init__(self, dataset: _Optional[int] = ..., index: _Optional[int] = ..., encoding: _Optional[_Union[ImageEncoding, str]] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., channels: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class LayerSummary(_message.Message):
    __slots__ = ("dataset", "layer", "units", "classes", "images", "min", "max", "mean", "nan_count", "inf_count", "top_k", "top_indices", "top_values", "class_means", "class_counts", "histogram_bins", "histogram")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    NAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    INF_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    TOP_INDICES_FIELD_NUMBER: _ClassVar[int]
    TOP_VALUES_FIELD_NUMBER: _ClassVar[int]
    CLASS_MEANS_FIELD_NUMBER: _ClassVar[int]
    CLASS_COUNTS_FIELD_NUMBER: _ClassVar[int]
    HISTOGRAM_BINS_FIELD_NUMBER: _ClassVar[int]
    HISTOGRAM_FIELD_NUMBER: _ClassVar[int]
    dataset: int
    layer: int
    units: int
    classes: int
    images: int
    min: bytes
    max: bytes
    mean: bytes
    nan_count: bytes
    inf_count: bytes
    top_k: int
    top_indices: bytes
    top_values: bytes
    class_means: bytes
    class_counts: bytes
    histogram_bins: int
    histogram: bytes
    def __init__(self, dataset: _Optional[int] = ..., layer: _Optional[int] = ..., units: _Optional[int] = ..., classes: _Optional[int] = ..., images: _Optional[int] = ..., min: _Optional[bytes] = ..., max: _Optional[bytes] = ..., mean: _Optional[bytes] = ..., nan_count: _Optional[bytes] = ..., inf_count: _Optional[bytes] = ..., top_k: _Optional[int] = ..., top_indices: _Optional[bytes] = ..., top_values: _Optional[bytes] = ..., class_means: _Optional[bytes] = ..., class_counts: _Optional[bytes] = ..., histogram_bins: _Optional[int] = ..., histogram: _Optional[bytes] = ...) -> None: ...

class ReadoutChunk(_message.Message):
    __slots__ = ("first_class", "classes", "units", "dtype", "weights", "bias")
    FIRST_CLASS_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    BIAS_FIELD_NUMBER: _ClassVar[int]
    first_class: int
    classes: int
    units: int
    dtype: DType
    weights: bytes
    bias: bytes
    def __init__(self, first_class: _Optional[int] = ..., classes: _Optional[int] = ..., units: _Optional[int] = ..., dtype: _Optional[_Union[DType, str]] = ..., weights: _Optional[bytes] = ..., bias: _Optional[bytes] = ...) -> None: ...

class MapChunk(_message.Message):
    __slots__ = ("dataset", "layer", "first_unit", "units", "images", "height", "width", "values", "offsets", "scales")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    FIRST_UNIT_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    SCALES_FIELD_NUMBER: _ClassVar[int]
    dataset: int
    layer: int
    first_unit: int
    units: int
    images: int
    height: int
    width: int
    values: bytes
    offsets: bytes
    scales: bytes
    def __init__(self, dataset: _Optional[int] = ..., layer: _Optional[int] = ..., first_unit: _Optional[int] = ..., units: _Optional[int] = ..., images: _Optional[int] = ..., height: _Optional[int] = ..., width: _Optional[int] = ..., values: _Optional[bytes] = ..., offsets: _Optional[bytes] = ..., scales: _Optional[bytes] = ...) -> None: ...
