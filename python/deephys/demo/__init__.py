"""`deephys demo`: the paper's Colored MNIST experiment on scikit-learn's bundled digits, in PyTorch or Flax.

from deephys.demo import run_demo
result = run_demo("torch", out_dir="out")     # trains, writes out/colored-mnist-torch.deephys, reports
print(result.findings.format())
"""

from .run import FRAMEWORKS, DemoResult, claim_demo_path, demo_path, run_demo

__all__ = ["FRAMEWORKS", "DemoResult", "claim_demo_path", "demo_path", "run_demo"]
