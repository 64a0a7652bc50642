"""Internals of `deephys.flax`: module paths, jitted capture (NNX and Linen), batches."""
