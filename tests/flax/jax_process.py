"""One process of a 2-process JAX CPU export (run by test_flax_distributed.py, not collected by pytest).

    python jax_process.py PROCESS_ID PORT FOLDER

Joins `jax.distributed` on 127.0.0.1:PORT, then runs three exports, each on this process's share:
"run.deephys" without merging (shards left for `deephys merge`; progress=True), "merged.deephys" with merge=True, and
"failed.deephys" with merge=True where process 1's labels are out of range. Writes what each export
did to FOLDER/outcome<PROCESS_ID>.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jax
import numpy as np
from flax import nnx
from flax_models import CLASSES, MEAN, NNXCNN, STD, batches, normalize, pixels, randomize_nnx_batch_norm

LAYERS = ["stem", "blocks.1", "head"]


def make_model() -> NNXCNN:
    return randomize_nnx_batch_norm(NNXCNN(nnx.Rngs(0)))


def make_data() -> dict:
    """ID: whole arrays (16 rows, batches of 4: each process gets 2 whole batches); OOD: a list of 5
    batches (2 and 3); tiny: a list of 1 batch (process 0's share is empty)."""
    id_pixels, id_labels = pixels(16, seed=1)
    ood_pixels, ood_labels = pixels(18, seed=2)
    tiny_pixels, tiny_labels = pixels(3, seed=3)
    return {
        "ID": (normalize(id_pixels), id_labels),
        "OOD": batches(normalize(ood_pixels), ood_labels, 4),
        "tiny": batches(normalize(tiny_pixels), tiny_labels, 4),
    }


def export(data: dict, path: Path, progress: bool = False, **options):
    import deephys.flax

    return deephys.flax.export(
        make_model(),
        data,
        layers=LAYERS,
        classes=CLASSES,
        path=path,
        batch_size=4,
        mean=MEAN,
        std=STD,
        progress=progress,
        **options,
    )


def main(process_id: int, port: int, folder: Path) -> None:
    jax.distributed.initialize(
        coordinator_address=f"127.0.0.1:{port}", num_processes=2, process_id=process_id, initialization_timeout=60
    )
    import deephys.flax

    outcome: dict = {"process_index": jax.process_index(), "process_count": jax.process_count()}
    share = deephys.flax.process_share(make_data())
    outcome["run"] = export(share, folder / "run.deephys", progress=True).datasets  # bars on process 0 only
    outcome["merged"] = str(export(share, folder / "merged.deephys", merge=True))
    failing = dict(share)
    if process_id == 1:
        images, labels = failing["ID"].share
        failing["ID"] = (images, np.full_like(labels, 99))
    try:
        export(failing, folder / "failed.deephys", merge=True)
        outcome["failed"] = "no error"
    except Exception as exc:  # noqa: BLE001 - reported to the test
        outcome["failed"] = f"{type(exc).__name__}: {exc}"
        outcome["failed_ranks"] = getattr(exc, "failed_ranks", None)
    (folder / f"outcome{process_id}.json").write_text(json.dumps(outcome))
    jax.distributed.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
