"""PyTorch adapter internals; the public entry point is `deephys.torch.export`."""
