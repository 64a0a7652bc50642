"""Watching the forward hooks the exporter registers, through torch's public `register_forward_hook`."""

from __future__ import annotations

from typing import Any

import pytest
from torch import nn
from torch.utils.hooks import RemovableHandle


class ForwardHooks:
    """The forward hooks registered while it watches (see `watch`), and how many are still in place."""

    def __init__(self) -> None:
        self.handles: list[RemovableHandle] = []

    @property
    def live(self) -> int:
        """How many of them are still registered (a removed hook's id leaves its module's hook dict)."""
        return sum(1 for h in self.handles if (hooks := h.hooks_dict_ref()) is not None and h.id in hooks)

    def watch(self, monkeypatch: pytest.MonkeyPatch) -> ForwardHooks:
        register = nn.Module.register_forward_hook

        def recorded(module: nn.Module, *args: Any, **kwargs: Any) -> RemovableHandle:
            handle = register(module, *args, **kwargs)
            self.handles.append(handle)
            return handle

        monkeypatch.setattr(nn.Module, "register_forward_hook", recorded)
        return self
