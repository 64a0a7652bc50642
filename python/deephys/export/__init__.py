"""Framework-neutral core of the exporters (`deephys.torch`, `deephys.flax`).

Two levels. The exporters' `export()` functions share one body, `exporter.export_model`: each builds a
`FrameworkAdapter` (its model, layer names, `Capture`, data and process group; `deephys._torch.adapter`,
`deephys._flax.adapter`) and passes its other arguments as `ExportSettings` (see exporter.py). Below it,
the export loop needs only a `Capture` and one function call:

    from deephys.export import Capture, DatasetSource, ExportOptions, Thumbnailer, run_export

    class MyCapture(Capture):
        framework, framework_version, layout = "jax", jax.__version__, "NHWC"
        def __call__(self, inputs) -> dict[str, np.ndarray]:   # {layer: (N, units)}, pooled, host
            ...
        def to_numpy(self, value) -> np.ndarray: ...            # labels, images for thumbnails
        def layer(self, name, units) -> deephys.Layer: ...      # pooling/ReLU recorded in the file
        def stored_dtype(self, name) -> str | None: ...         # "bfloat16" to store bf16 outputs as such
        # optional: prefetch(batches), thumbnails(inputs, size, mean, std), map_layers() and
        # batch_maps(wanted) for spatial maps (see capture.py, maps.py)

    sources = make_sources(datasets, roles=roles, display=display,
                           batches_of=..., total_of=...)         # first dataset "id", the rest "ood"
    thumbs = Thumbnailer(capture.to_numpy, layout="NHWC", size=64, mean=mean, std=std, fn=fn)  # or None
    result = run_export(path, sources, capture, thumbs,
                        ExportOptions(model_name=..., classifier=..., classes=..., writer_options={...},
                                      progress=True))

`run_export` drives each dataset's batches `(inputs, labels)` (tuples or dicts, see `split_batch`)
through the capture into a `deephys.Writer` dataset stream with one tqdm bar per dataset (total from
`DatasetSource.total`); the writer's thread pool encodes the thumbnails while the next batch runs. It
checks labels (`check_labels`: out of range -> error naming the batch), layer widths between batches
(`check_units`), counts NaN/inf (warns `NonFiniteActivationWarning`, counts in the result), and returns
an `ExportResult` (an `os.PathLike` with per-dataset sizes). On Ctrl-C it keeps a valid file with the
finished datasets, or nothing, and raises `ExportInterrupted` (a KeyboardInterrupt) that says which.
Any other error leaves nothing new at `path`.

Classes (classes.py): the file's class names come from `classes=`, the model (Hugging Face's
`config.id2label`) or the first dataset's `.classes`; a dataset whose `.classes` count differs from the
classifier's width needs a `label_map=` (`LabelMap`: dataset label -> model class, stored in the metadata),
and on the first batch the classifier layer must give the model's output (`check_classifier`).

First batch, too (readout.py): when the framework finds the classifier's linear module (`FrameworkAdapter.
linear_heads`) and W a + b gives the logits for a recorded layer a, the file stores it as its readout; else a
`NoReadoutWarning` says why. Maps (maps.py): layers with conv or token maps keep, per unit, the maps of its
top images; the capture reduces every map on its device and `MapCandidates` picks, on the host, the few that
can enter the writer's top lists (ranked on the stored values, as the writer ranks them).

Helpers: `PoolingPlan` (per-layer pooling choice -> file pooling name, fixed at the first batch, rank
changes rejected; `pool_numpy` is the reference), `resolve_layer_names` / `unknown_layer` (close matches
via difflib), `shard_path` (run.deephys -> run.rank0.deephys), `write_shards` (one shard per rank; with
merge=True the ranks exchange success flags and rank 0 merges only if all succeeded, else every rank
raises `DistributedExportError` naming the failed ranks). A `DatasetSource` with `first_batch` (the
whole dataset's first batch) lets an empty share still write a valid shard.
"""

from ..errors import DistributedExportError, ExportError, ExportInterrupted, UnknownLayerError
from .capture import Capture
from .errors import NonFiniteActivationWarning, NoReadoutWarning, check_labels, check_units
from .layers import close_matches, resolve_layer_names, unknown_layer
from .loop import ExportOptions, run_export
from .pooling import CONV_POOLINGS, TOKEN_POOLINGS, LayerPooling, PoolingPlan, pool_numpy
from .result import ExportResult, NonFiniteCount
from .sharding import shard_path, write_shards
from .sources import DatasetSource, make_sources, split_batch
from .thumbnails import DisplayStream, Thumbnailer

__all__ = [
    "CONV_POOLINGS",
    "TOKEN_POOLINGS",
    "Capture",
    "DatasetSource",
    "DisplayStream",
    "DistributedExportError",
    "ExportError",
    "ExportInterrupted",
    "ExportOptions",
    "ExportResult",
    "LayerPooling",
    "NoReadoutWarning",
    "NonFiniteActivationWarning",
    "NonFiniteCount",
    "PoolingPlan",
    "Thumbnailer",
    "UnknownLayerError",
    "check_labels",
    "check_units",
    "close_matches",
    "make_sources",
    "pool_numpy",
    "resolve_layer_names",
    "run_export",
    "shard_path",
    "split_batch",
    "unknown_layer",
    "write_shards",
]
