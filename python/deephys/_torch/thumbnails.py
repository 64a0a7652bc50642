"""Thumbnails made on the model's device: undo the normalization, shrink, convert to uint8, then copy.

On a GPU this copies a uint8 thumbnail per image to the host instead of the full float input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ..export.thumbnails import RANGE_TOLERANCE


def thumbnail_pixels(
    x: torch.Tensor, size: int, mean: Sequence[float] | None, std: Sequence[float] | None
) -> np.ndarray | None:
    """uint8 (N, h, w, 3) or (N, h, w) thumbnails of a float image batch (N, C, H, W), C in {1, 3};
    None when the batch is something else or out of range (the NumPy path then explains the problem)."""
    if not isinstance(x, torch.Tensor) or x.ndim != 4 or x.shape[1] not in (1, 3) or not x.is_floating_point():
        return None
    x = x.detach().float()
    channels = x.shape[1]
    if mean is not None and std is not None:
        m = torch.as_tensor(mean, dtype=torch.float32, device=x.device).reshape(-1)
        s = torch.as_tensor(std, dtype=torch.float32, device=x.device).reshape(-1)
        if m.numel() not in (1, channels) or s.numel() not in (1, channels):
            return None
        x = torch.addcmul(m.reshape(1, -1, 1, 1), x, s.reshape(1, -1, 1, 1))
    if x.numel():
        lo, hi = (float(v) for v in torch.aminmax(x))
        if not (math.isfinite(lo) and math.isfinite(hi)):  # rare: show bad pixels as black/white
            x = torch.nan_to_num(x, nan=0.0, posinf=1.0, neginf=0.0)
            lo, hi = (float(v) for v in torch.aminmax(x))
        if lo < -RANGE_TOLERANCE or hi > 1 + RANGE_TOLERANCE:
            return None
    height, width = x.shape[-2:]
    if max(height, width) > size:
        scale = size / max(height, width)
        new = (max(1, round(height * scale)), max(1, round(width * scale)))
        x = F.interpolate(x, size=new, mode="bilinear", antialias=True, align_corners=False)
    on_device = x.clamp(0, 1).mul_(255).round_().to(torch.uint8)
    pixels = on_device.permute(0, 2, 3, 1).contiguous().cpu().numpy()
    return pixels[..., 0] if channels == 1 else pixels
