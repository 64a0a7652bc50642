"""One error family: every exception deephys raises on purpose is a `deephys.errors` class that keeps the
built-in base its callers catch; no module raises a bare built-in exception or defines its own class."""

from __future__ import annotations

import ast
import builtins
import pickle
from pathlib import Path

import pytest

import deephys
from deephys import errors

PACKAGE = Path(deephys.__file__).parent
SOURCES = [path for path in PACKAGE.rglob("*.py") if "_generated" not in path.parts]
BUILTIN_EXCEPTIONS = {
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
}
# Raised as Python's protocols expect them: an abstract method, a module's __getattr__, a CLI exit code,
# the second Ctrl-C the exporters hold while finishing a file.
PROTOCOL_RAISES = {"NotImplementedError", "AttributeError", "SystemExit", "KeyboardInterrupt"}


def _raised_names(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name):
                found.append((target.id, node.lineno))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_bare_builtin_exception_is_raised(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = [
        f"{name} at line {line}" for name, line in _raised_names(tree) if name in BUILTIN_EXCEPTIONS - PROTOCOL_RAISES
    ]
    assert not bare, f"{path}: raise a deephys.errors class instead of {bare}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_exception_classes_live_in_the_errors_module(path: Path) -> None:
    if path == PACKAGE / "errors.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(base, ast.Name)
            and (base.id in BUILTIN_EXCEPTIONS or base.id.endswith(("Error", "Exception", "Interrupted")))
            and not base.id.endswith("Warning")
            for base in node.bases
        )
    ]
    assert not defined, f"{path}: define {defined} in deephys/errors.py"


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (errors.FormatError, (errors.DeephysError,)),
        (errors.UsageError, (errors.DeephysError, ValueError)),
        (errors.WrongTypeError, (errors.UsageError, TypeError)),
        (errors.WrongStateError, (errors.UsageError, RuntimeError)),
        (errors.NotFoundError, (errors.UsageError, LookupError)),
        (errors.UnknownNameError, (errors.NotFoundError, KeyError)),
        (errors.OutOfRangeError, (errors.NotFoundError, IndexError)),
        (errors.MissingFileError, (errors.UsageError, FileNotFoundError)),
        (errors.NothingToRepair, (errors.DeephysError,)),
        (errors.BundleTooLargeError, (errors.DeephysError, ValueError)),
        (errors.MergeError, (errors.DeephysError, ValueError)),
        (errors.ConvertError, (errors.DeephysError,)),
        (errors.ExportError, (errors.DeephysError, ValueError)),
        (errors.UnknownLayerError, (errors.ExportError,)),
        (errors.DistributedExportError, (errors.ExportError,)),
        (errors.ServerError, (errors.DeephysError,)),
        (errors.ViewerNotBuiltError, (errors.ServerError, FileNotFoundError)),
        (errors.RangeNotSatisfiable, (errors.ServerError, ValueError)),
        (errors.ExportInterrupted, (KeyboardInterrupt,)),
        (errors.Terminated, (KeyboardInterrupt,)),
    ],
)
def test_each_error_keeps_the_bases_its_callers_catch(error: type[BaseException], bases: tuple[type, ...]) -> None:
    assert all(issubclass(error, base) for base in bases)


def test_ctrl_c_stays_outside_exception() -> None:
    assert not issubclass(errors.ExportInterrupted, Exception)


def test_old_import_paths_still_work() -> None:
    from deephys.bundle import BundleTooLargeError
    from deephys.export import DistributedExportError, ExportError, ExportInterrupted, UnknownLayerError
    from deephys.merge import MergeError
    from deephys.server import RangeNotSatisfiable, ViewerNotBuiltError

    assert (BundleTooLargeError, MergeError, RangeNotSatisfiable, ViewerNotBuiltError) == (
        errors.BundleTooLargeError,
        errors.MergeError,
        errors.RangeNotSatisfiable,
        errors.ViewerNotBuiltError,
    )
    assert (ExportError, UnknownLayerError, DistributedExportError, ExportInterrupted) == (
        errors.ExportError,
        errors.UnknownLayerError,
        errors.DistributedExportError,
        errors.ExportInterrupted,
    )


def test_format_error_carries_a_known_code_and_survives_pickling() -> None:
    error = errors.FormatError("run.deephys", 12, "header CRC mismatch", "checksum")
    assert str(error) == "run.deephys: at byte 12: header CRC mismatch"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.offset, copy.problem, copy.code) == ("run.deephys", 12, "header CRC mismatch", "checksum")
    with pytest.raises(errors.UsageError, match="unknown FormatError code"):
        errors.FormatError("run.deephys", 0, "?", "no-such-code")


def test_unknown_layer_name_reads_plainly(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"fc": 2}, classifier="fc")
    with pytest.raises(KeyError) as info:
        model.layer_index("nope")
    assert str(info.value).startswith("no layer named 'nope'")
