"""Export cost of real architectures, as a ratio to a bare forward pass measured in the same run.

Each model is built from its library's config with random weights (nothing is downloaded): torchvision
resnet18, vit_b_16 and convnext_tiny; timm vit_small_patch16_224 and resnet50; Hugging Face
ViTForImageClassification (ViT-Base's config); a Flax NNX CNN and a Linen ResNet. For each, over the same
batches: a bare inference loop (`torch.inference_mode`, or the jitted Flax forward), then
`deephys.*.export` of three layers (two inner ones, pooled, and the classifier) with PNG thumbnails,
summaries and the file write. Prints, per architecture, the seconds of both and the ratio export / forward
(the best of `--rounds`, after one warm-up batch each).

    PYTHONPATH=python python bench/architectures.py [--images 32] [--size 224] [--rounds 2] [--only resnet18 ...]

The torchvision operators that the CUDA wheel cannot load beside a CPU torch are declared as the tests do
(tests/torch/model_libraries.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "torch"))
from model_libraries import declare_torchvision_operators  # noqa: E402  (tests/torch is not a package)

declare_torchvision_operators()

import torch  # noqa: E402

import deephys.torch  # noqa: E402


@dataclass(frozen=True)
class Architecture:
    make: Callable[[int], Any]  # the image size -> the model
    layers: list[str]
    framework: str = "torch"
    options: dict[str, Any] | None = None
    images_scale: float = 1.0  # fewer images for the heaviest models (ViT-Base)


def torchvision_model(name: str) -> Callable[[int], Any]:
    def make(size: int) -> Any:
        import torchvision.models as models

        sized = {"image_size": size} if name.startswith("vit") else {}
        return getattr(models, name)(num_classes=1000, **sized)

    return make


def timm_model(name: str) -> Callable[[int], Any]:
    def make(size: int) -> Any:
        import timm

        sized = {"img_size": size} if name.startswith("vit") else {}
        return timm.create_model(name, pretrained=False, **sized)

    return make


def hf_vit(size: int) -> Any:
    from transformers import ViTConfig, ViTForImageClassification

    return ViTForImageClassification(ViTConfig(num_labels=1000, image_size=size))  # ViT-Base/16


ARCHITECTURES: dict[str, Architecture] = {
    "torchvision resnet18": Architecture(torchvision_model("resnet18"), ["layer3", "layer4", "fc"]),
    "torchvision vit_b_16": Architecture(
        torchvision_model("vit_b_16"),
        ["encoder.layers.encoder_layer_5", "encoder.ln", "heads"],
        options={"pooling": {"encoder.ln": "first"}},
        images_scale=0.5,
    ),
    "torchvision convnext_tiny": Architecture(
        torchvision_model("convnext_tiny"), ["features.5", "features.7", "classifier"]
    ),
    "timm vit_small_patch16_224": Architecture(
        timm_model("vit_small_patch16_224"), ["blocks.5", "norm", "head"], options={"pooling": {"norm": "first"}}
    ),
    "timm resnet50": Architecture(timm_model("resnet50"), ["layer3", "layer4", "fc"]),
    "HF ViTForImageClassification": Architecture(
        hf_vit,
        ["vit.layers.5", "vit.layernorm", "classifier"],
        options={"pooling": {"vit.layernorm": "first"}},
        images_scale=0.5,
    ),
    "Flax NNX CNN": Architecture(lambda size: None, ["blocks.0", "blocks.1", "head"], framework="nnx"),
    "Flax Linen ResNet": Architecture(lambda size: None, ["stages_0", "stages_1", "head"], framework="linen"),
}


def best_of(rounds: int, forward: Callable[[], None], export: Callable[[], None]) -> tuple[float, float]:
    """The best time of each, the two alternating round by round (so a busy moment of the machine hits both)."""
    times: dict[Callable[[], None], list[float]] = {forward: [], export: []}
    for _ in range(rounds):
        for run in (forward, export):
            start = time.perf_counter()
            run()
            times[run].append(time.perf_counter() - start)
    return min(times[forward]), min(times[export])


def torch_case(
    arch: Architecture, batches: list[tuple[torch.Tensor, torch.Tensor]], rounds: int, folder: Path
) -> tuple[float, float]:
    model = arch.make(batches[0][0].shape[-1]).eval()
    with torch.inference_mode():
        model(batches[0][0])  # warm-up

    def forward() -> None:
        with torch.inference_mode():
            for x, _ in batches:
                model(x)

    def export() -> None:
        deephys.torch.export(
            model,
            {"ID": batches},
            layers=arch.layers,
            path=folder / "run.deephys",
            progress=False,
            **(arch.options or {}),
        )

    return best_of(rounds, forward, export)


def flax_case(
    arch: Architecture, batches: list[tuple[np.ndarray, np.ndarray]], rounds: int, folder: Path
) -> tuple[float, float]:
    import jax
    from flax import nnx

    import deephys.flax

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "flax"))
    from flax_models import NNXCNN, LinenResNet

    nhwc = [(np.ascontiguousarray(x.transpose(0, 2, 3, 1)), y) for x, y in batches]
    if arch.framework == "nnx":
        model: Any = NNXCNN(nnx.Rngs(0), width=64)
        graphdef, state = nnx.split(model)

        @jax.jit
        def forward_fn(state: Any, x: jax.Array) -> jax.Array:
            copy = nnx.merge(graphdef, state)
            copy.eval()
            return copy(x)

        run_forward: Callable[[np.ndarray], Any] = lambda x: forward_fn(state, x)  # noqa: E731
        extra: dict[str, Any] = {}
    else:
        model = LinenResNet(widths=(64, 128))
        variables = model.init(jax.random.key(0), nhwc[0][0][:1], train=False)
        apply = jax.jit(lambda v, x: model.apply(v, x, train=False))
        run_forward = lambda x: apply(variables, x)  # noqa: E731
        extra = {"variables": variables, "call_kwargs": {"train": False}}
    jax.block_until_ready(run_forward(nhwc[0][0]))

    def forward() -> None:
        for x, _ in nhwc:
            jax.block_until_ready(run_forward(x))

    def export() -> None:
        deephys.flax.export(model, {"ID": nhwc}, arch.layers, path=folder / "run.deephys", progress=False, **extra)

    return best_of(rounds, forward, export)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="architectures whose name contains one of these words")
    args = parser.parse_args()
    torch.manual_seed(0)
    print(f"{args.size}x{args.size} images in batches of {args.batch_size}, torch on {torch.get_num_threads()} threads")
    print(f"{'architecture':32} {'forward s':>10} {'export s':>10} {'ratio':>7}")
    for name, arch in ARCHITECTURES.items():
        if args.only and not any(word.lower() in name.lower() for word in args.only):
            continue
        n = max(args.batch_size, int(args.images * arch.images_scale))
        generator = torch.Generator().manual_seed(0)
        x = torch.rand(n, 3, args.size, args.size, generator=generator)
        y = torch.randint(0, 5 if arch.framework != "torch" else 1000, (n,), generator=generator)
        batches = [(x[i : i + args.batch_size], y[i : i + args.batch_size]) for i in range(0, n, args.batch_size)]
        with tempfile.TemporaryDirectory() as folder:
            if arch.framework == "torch":
                forward, export = torch_case(arch, batches, args.rounds, Path(folder))
            else:
                numpy_batches = [(xb.numpy(), yb.numpy()) for xb, yb in batches]
                forward, export = flax_case(arch, numpy_batches, args.rounds, Path(folder))
        print(f"{name:32} {forward:10.2f} {export:10.2f} {export / forward:7.2f}   ({n} images)", flush=True)


if __name__ == "__main__":
    main()
