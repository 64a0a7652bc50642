"""`deephys bundle`: the viewer page with the files inside, slim copies, size limit, atomic write."""

from __future__ import annotations

import html
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from bundle_helpers import embedded, write_run
from click.testing import CliRunner

import deephys
from deephys import bundle as bundle_module
from deephys.bundle import EMBED_TYPE, BundleTooLargeError, bundle, render
from deephys.cli.bundle import ByteSize
from deephys.cli.bundle import bundle as bundle_command
from deephys.format.dataset_writer import EncodedImage
from deephys.format.limits import ABSENT_INDEX
from deephys.format.validate import validate
from deephys.merge import merge
from deephys.server import ViewerNotBuiltError
from deephys.slim import images_to_keep, slim

PAGE = '<!doctype html><html><head><title>viewer</title></head><body>\n<div id="app"></div>\n</body>\n</html>\n'


@pytest.fixture
def viewer(tmp_path: Path) -> Path:
    path = tmp_path / "viewer.html"
    path.write_text(PAGE)
    return path


# ---- the page ------------------------------------------------------------------------------------------


def test_each_file_is_embedded_before_body_and_decodes_to_its_bytes(
    tmp_path: Path, viewer: Path, small_run: Path
) -> None:
    other = write_run(tmp_path / "other.deephys")
    out = bundle([small_run, other], tmp_path / "report.html", viewer_html=viewer)
    page = out.read_text(encoding="utf-8")
    assert embedded(page) == [("small.deephys", small_run.read_bytes()), ("other.deephys", other.read_bytes())]
    # The page is intact around the elements, which come right before </body>.
    before, after = page.split(f'<script type="{EMBED_TYPE}"', 1)
    assert before == PAGE.split("</body>")[0]
    assert page.endswith("</script>\n</body>\n</html>\n")
    assert render([small_run, other], viewer_html=viewer) == page


def test_names_are_escaped(tmp_path: Path, viewer: Path, small_run: Path) -> None:
    name = """a "quoted" <b>bold & 'single' <script>.deephys"""
    hostile = tmp_path / name
    hostile.write_bytes(small_run.read_bytes())
    page = bundle([hostile], tmp_path / "report.html", viewer_html=viewer).read_text()
    assert "<b>" not in page and '"quoted"' not in page
    assert f'data-name="{html.escape(name, quote=True)}"' in page
    assert embedded(page) == [(name, small_run.read_bytes())]


def test_the_packaged_viewer_is_used(tmp_path: Path, small_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_module, "VIEWER_HTML", tmp_path / "not-built.html")
    with pytest.raises(ViewerNotBuiltError, match="make viewer"):
        bundle([small_run], tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()
    packaged = tmp_path / "packaged.html"
    packaged.write_text(PAGE.replace("viewer", "packaged viewer"))
    monkeypatch.setattr(bundle_module, "VIEWER_HTML", packaged)
    assert "packaged viewer" in bundle([small_run], tmp_path / "report.html").read_text()


def test_only_deephys_files(tmp_path: Path, viewer: Path) -> None:
    notes = tmp_path / "notes.deephys"
    notes.write_text("not a Deephys file\n" * 10)
    with pytest.raises(deephys.FormatError):
        bundle([notes], tmp_path / "report.html", viewer_html=viewer)
    with pytest.raises(FileNotFoundError):
        bundle([tmp_path / "missing.deephys"], tmp_path / "report.html", viewer_html=viewer)
    with pytest.raises(ValueError, match="at least one"):
        bundle([], tmp_path / "report.html", viewer_html=viewer)


# ---- size limit ---------------------------------------------------------------------------------------


def test_too_large_says_what_to_do_instead(tmp_path: Path, viewer: Path, small_run: Path) -> None:
    out = tmp_path / "report.html"
    with pytest.raises(BundleTooLargeError) as caught:
        bundle([small_run], out, max_bytes=1000, viewer_html=viewer)
    message = str(caught.value)
    assert "too large for a single HTML file" in message
    assert "deephys view" in message and "--slim" in message
    assert not out.exists()
    # Already slim: no advice to slim, and a file whose tables alone exceed the limit fails before any copy.
    with pytest.raises(BundleTooLargeError) as caught:
        bundle([small_run], out, slim=True, max_bytes=1000, viewer_html=viewer)
    assert "--slim," not in str(caught.value) and "--max-size" in str(caught.value)
    assert not out.exists()
    assert bundle([small_run], out, max_bytes=small_run.stat().st_size, viewer_html=viewer) == out


# ---- atomic write -------------------------------------------------------------------------------------


def test_atomic_write(tmp_path: Path, viewer: Path, small_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("the previous report")
    os.chmod(out, 0o640)

    def failing(f, page, files):
        f.write(b"half a page")
        raise OSError("disk full")

    monkeypatch.setattr(bundle_module, "write_html", failing)
    with pytest.raises(OSError, match="disk full"):
        bundle([small_run], out, viewer_html=viewer)
    assert out.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["report.html", "small.deephys", "viewer.html"])
    monkeypatch.undo()
    bundle([small_run], out, viewer_html=viewer)
    assert embedded(out.read_text()) == [("small.deephys", small_run.read_bytes())]
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # the replaced file's permissions
    with pytest.raises(ValueError, match="one of the files"):
        bundle([small_run], small_run, viewer_html=viewer)
    assert validate(small_run).ok


# ---- slim ---------------------------------------------------------------------------------------------


def _extract(page: str, folder: Path) -> list[Path]:
    paths = []
    for i, (_, data) in enumerate(embedded(page)):
        path = folder / f"extracted-{i}.deephys"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _top_images(dataset: deephys.Dataset) -> set[int]:
    tops = (dataset.summary(layer.name).top_indices for layer in dataset.run.model.layers)
    return {int(i) for top in tops for i in top.ravel() if i != ABSENT_INDEX}


def test_slim_bundle_validates_and_keeps_every_top_image(tmp_path: Path, viewer: Path) -> None:
    source = write_run(tmp_path / "run.deephys")
    page = bundle([source], tmp_path / "report.html", slim=True, images_per_list=2, viewer_html=viewer).read_text()
    (copy,) = _extract(page, tmp_path)
    assert validate(copy).ok, validate(copy).problems
    assert copy.stat().st_size < source.stat().st_size
    with deephys.open(source) as original, deephys.open(copy) as run:
        assert run.model == original.model and run.metadata["slimmed_from"] == "run.deephys"
        for name, d in run.datasets.items():
            o = original.datasets[name]
            kept = {i for i in range(len(d)) if d.has_image(i)}
            assert _top_images(d) <= kept
            assert kept == images_to_keep(o, 2)
            assert 0 < len(kept) < len(d)
            for i in kept:
                assert d.image_bytes(i) == o.image_bytes(i)  # copied byte for byte
            absent = min(set(range(len(d))) - kept)
            with pytest.raises(LookupError, match=f"image {absent} of dataset '{name}' is not in this file"):
                d.image(absent)
            np.testing.assert_array_equal(d.labels, o.labels)
            np.testing.assert_array_equal(d.predictions, o.predictions)
            np.testing.assert_array_equal(d.confidences, o.confidences)
            for layer in run.model.layer_names:
                np.testing.assert_array_equal(d.activations(layer), o.activations(layer))
                a, b = d.summary(layer), o.summary(layer)
                for field in ("top_indices", "top_values", "histogram", "class_means", "min", "max", "mean"):
                    np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_slim_keeps_the_first_images_of_each_class_list(tmp_path: Path) -> None:
    from deephys import analysis as A

    source = write_run(tmp_path / "run.deephys", top_k=1)
    with deephys.open(source) as run:
        d = run.datasets["id"]
        keep = images_to_keep(d, 3)
        lab, pre, conf = d.labels, d.predictions, d.confidences
        for c in range(3):
            for images in (
                A.confusion_cell_images(lab, pre, conf, c, c),
                A.false_positive_images(lab, pre, conf, c),
                A.false_negative_images(lab, pre, conf, c),
            ):
                assert set(images[:3].tolist()) <= keep
                assert not set(images[3:].tolist()) <= keep  # the lists are longer than 3
        assert _top_images(d) <= keep
        assert len(keep) <= 3 * 3 * 3 + len(_top_images(d))


def test_slim_float16(tmp_path: Path) -> None:
    source = write_run(tmp_path / "run.deephys")
    result = slim(source, tmp_path / "slim.deephys", dtype="float16", images_per_list=2)
    assert validate(result.path).ok
    with deephys.open(result.path) as run, deephys.open(source) as original:
        for name, d in run.datasets.items():
            assert {d.dtype(layer) for layer in run.model.layer_names} == {"float16"}
            assert _top_images(d) <= {i for i in range(len(d)) if d.has_image(i)}
            np.testing.assert_allclose(
                d.activations("features"), original.datasets[name].activations("features"), rtol=1e-3, atol=1e-3
            )
            assert result.kept[name] == sum(d.has_image(i) for i in range(len(d)))


def test_slim_of_a_file_without_images_and_of_an_empty_dataset(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"logits": 2}, classifier="logits")
    source = tmp_path / "plain.deephys"
    with deephys.Writer(source, model=model, classes=["x", "y"]) as w:
        w.add_dataset("plain", labels=[0, 1, 1], activations={"logits": np.eye(3, 2, dtype=np.float32)})
        w.add_dataset("empty", labels=np.zeros(0, int), activations={"logits": np.zeros((0, 2), np.float32)})
    result = slim(source, tmp_path / "slim.deephys")
    assert validate(result.path).ok
    assert result.kept == {"plain": 0, "empty": 0} and result.describe() == "0 of 0 images kept"


def test_absent_images_in_writer_reader_merge_and_info(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"logits": 2}, classifier="logits")
    path = tmp_path / "holes.deephys"
    png = deephys.format.images.encode(np.zeros((4, 4, 3), np.uint8))
    images = [EncodedImage(png, 4, 4, 3, 1), EncodedImage.absent(), EncodedImage(png, 4, 4, 3, 1)]
    with deephys.Writer(path, model=model, classes=["x", "y"]) as w:
        w.add_dataset("d", labels=[0, 1, 0], images=images, activations={"logits": np.eye(3, 2, dtype=np.float32)})
    assert validate(path).ok
    merged = merge([path, path], tmp_path / "merged.deephys")
    for file, n in ((path, 3), (merged.path, 6)):
        with deephys.open(file) as run:
            d = run.datasets["d"]
            assert [d.has_image(i) for i in range(n)] == [True, False, True] * (n // 3)
            assert d.image(0).shape == (4, 4, 3)
            with pytest.raises(LookupError, match="left out"):
                d.image_bytes(1)
    from deephys._generated.deephys.v1 import deephys_pb2 as pb
    from deephys.cli.info import describe

    with deephys.open(path) as run:  # the absent image takes no bytes
        d = run.datasets["d"]
        records = [pb.Record(image=d.image_record(i)).SerializeToString() for i in (0, 2)]
        assert describe(run)["datasets"][0]["bytes"]["images"] == sum(8 + len(r) for r in records)


# ---- command line -------------------------------------------------------------------------------------


def test_cli(tmp_path: Path, viewer: Path, small_run: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(bundle_command, [str(small_run), "-o", str(out), "--viewer-html", str(viewer)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out} (" in result.output and "offline" in result.output
    assert embedded(out.read_text())[0][1] == small_run.read_bytes()

    again = runner.invoke(bundle_command, [str(small_run), "-o", str(out), "--viewer-html", str(viewer)])
    assert again.exit_code != 0 and "--force" in again.output

    slimmed = runner.invoke(
        bundle_command,
        [str(small_run), "-o", str(out), "-f", "--slim", "--dtype", "float16", "--viewer-html", str(viewer)],
    )
    assert slimmed.exit_code == 0, slimmed.output
    assert "small.deephys: slim copy of" in slimmed.output and "images kept" in slimmed.output

    large = runner.invoke(
        bundle_command,
        [str(small_run), "-o", str(tmp_path / "big.html"), "--max-size", "1kB", "--viewer-html", str(viewer)],
    )
    assert large.exit_code == 1
    assert "too large for a single HTML file" in large.output and "Traceback" not in large.output
    assert not (tmp_path / "big.html").exists()

    dtype_alone = runner.invoke(bundle_command, [str(small_run), "-o", str(tmp_path / "x.html"), "--dtype", "float16"])
    assert dtype_alone.exit_code == 2 and "--slim" in dtype_alone.output


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1000", 1000),
        ("256MB", 256_000_000),
        ("256M", 256_000_000),
        ("1.5G", 1_500_000_000),
        ("512MiB", 512 << 20),
        ("10 kb", 10_000),
        ("2KiB", 2048),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert ByteSize().convert(text, None, None) == size


def test_bad_size() -> None:
    import click

    with pytest.raises(click.BadParameter, match="not a size"):
        ByteSize().convert("lots", None, None)
