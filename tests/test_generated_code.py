"""The committed generated code must equal what the .proto generates now."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROTO = "deephys/v1/deephys.proto"
ES_PLUGIN = ROOT / "viewer" / "node_modules" / ".bin" / "protoc-gen-es"


def _protoc(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{ROOT / 'proto'}", *args, PROTO], check=True, cwd=ROOT / "proto"
    )


def _same_tree(generated: Path, committed: Path, suffixes: tuple[str, ...]) -> None:
    fresh = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.suffix in suffixes)
    assert fresh, "protoc generated nothing"
    for rel in fresh:
        assert (committed / rel).read_bytes() == (generated / rel).read_bytes(), (
            f"{committed / rel} is stale: run `make proto` and commit the result"
        )


def test_python_code_is_fresh(tmp_path):
    _protoc(f"--python_out={tmp_path}", f"--pyi_out={tmp_path}")
    _same_tree(tmp_path, ROOT / "python" / "deephys" / "_generated", (".py", ".pyi"))


@pytest.mark.skipif(
    not ES_PLUGIN.exists() and not os.environ.get("DEEPHYS_REQUIRE_BROWSER"),
    reason="viewer/node_modules not installed (make setup-viewer)",
)
def test_typescript_code_is_fresh(tmp_path):
    _protoc(f"--plugin=protoc-gen-es={ES_PLUGIN}", f"--es_out={tmp_path}", "--es_opt=target=ts")
    _same_tree(tmp_path, ROOT / "viewer" / "src" / "generated", (".ts",))


def test_built_viewer_in_package_is_fresh():
    built = ROOT / "viewer" / "dist" / "index.html"
    shipped = ROOT / "python" / "deephys" / "_viewer" / "deephys-viewer.html"
    if not built.exists():
        if os.environ.get("DEEPHYS_REQUIRE_BROWSER"):
            pytest.fail("viewer/dist/index.html is missing: run `make viewer-build`")
        pytest.skip("viewer not built")
    assert shipped.exists() and shutil.os.path.getsize(shipped) > 0, "run `make viewer` and commit the result"
    assert shipped.read_bytes() == built.read_bytes(), f"{shipped} is stale: run `make viewer` and commit it"
