"""Every tool opens or refuses any hostile file of up to 10 MB within 1 GB of memory: the peak RSS of a
child process that runs each tool on each file of the shared corpus and on large crafted indexes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from make_malicious import FOLDER, with_footer, write_sample

from deephys._generated.deephys.v1 import deephys_pb2 as pb

PEAK_LIMIT_KIB = 1 << 20  # 1 GiB
TEN_MB = 10 << 20

# Runs every tool on every file given; prints what each did and the process's peak RSS (KiB).
TOOLS = r"""
import json, sys, tempfile
from pathlib import Path
import deephys
from deephys.cli.info import describe
from deephys.merge import merge
from deephys.slim import slim

sys.path.insert(0, sys.argv[1])
from format_helpers import read_everything

outcomes = {}
out = Path(tempfile.mkdtemp())
for path in sys.argv[2:]:
    for tool, run in {
        "read": lambda p: read_everything(p),
        "validate": lambda p: deephys.validate(p),
        "info": lambda p: describe(deephys.open(p)),
        "slim": lambda p: slim(p, out / "slim.deephys"),
        "merge": lambda p: merge([p, p], out / "merged.deephys"),
    }.items():
        try:
            run(path)
            outcome = "ok"
        except deephys.DeephysError as exc:
            outcome = type(exc).__name__
        outcomes[f"{Path(path).name} {tool}"] = outcome
# VmHWM, this process's own peak: ru_maxrss would keep the high-water mark of the (large) test worker
# that forked it, which Linux carries across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"peak_kib": peak, "outcomes": outcomes}))
"""


def _many_datasets(footer: pb.Footer) -> None:
    """About 10 MB of index: copies of the first dataset that share its records."""
    template = pb.DatasetInfo()
    template.CopyFrom(footer.datasets[0])
    size = template.ByteSize()
    for i in range(TEN_MB // size):
        extra = footer.datasets.add()
        extra.CopyFrom(template)
        extra.name = f"shift {i}"


def _many_classes(footer: pb.Footer) -> None:
    """About 10 MB of class names, and a classifier as wide."""
    count = TEN_MB // 10  # each name: 7 characters, a tag and a length
    footer.model.layers[1].units = count
    footer.model.classes.extend(f"c{i:06d}" for i in range(count - len(footer.model.classes)))


def _wide_layer(footer: pb.Footer) -> None:
    """A layer declaring 2^31 units (and nothing else changed)."""
    footer.model.layers[0].units = 2**31


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crafted")
    valid = write_sample(folder / "valid.deephys").read_bytes()
    paths = []
    for edit in (_many_datasets, _many_classes, _wide_layer):
        path = folder / f"{edit.__name__.strip('_')}.deephys"
        path.write_bytes(with_footer(valid, edit))
        assert path.stat().st_size <= TEN_MB + (1 << 20)
        paths.append(path)
    return paths


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc (Linux)")
def test_every_tool_stays_within_a_gigabyte_on_hostile_files(crafted: list[Path]) -> None:
    corpus = sorted(FOLDER.glob("*.deephys"))
    helpers = str(Path(__file__).parent)
    result = subprocess.run(
        [sys.executable, "-c", TOOLS, helpers, *map(str, corpus), *map(str, crafted)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["peak_kib"] < PEAK_LIMIT_KIB, report["peak_kib"]
    outcomes = report["outcomes"]
    for path in crafted:
        assert outcomes[f"{path.name} read"] == "FormatError", outcomes
    # Every corpus file is refused by the reader; the tools either refuse it too or (validate) report it.
    assert all(outcomes[f"{path.name} read"] == "FormatError" for path in corpus)
