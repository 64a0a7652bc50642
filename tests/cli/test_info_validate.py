import json

from click.testing import CliRunner

from deephys.cli import main


def test_info_lists_model_layers_classes_and_datasets(small_run):
    result = CliRunner().invoke(main, ["info", str(small_run)])
    assert result.exit_code == 0, result.output
    assert "tiny" in result.output
    assert "features" in result.output and "classifier" in result.output
    assert "train-like" in result.output and "shifted" in result.output
    assert "40 images" in result.output and "30 images" in result.output


def test_info_json_is_complete(small_run):
    result = CliRunner().invoke(main, ["info", "--json", str(small_run)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"]["classifier"] == "logits"
    assert [layer["units"] for layer in data["model"]["layers"]] == [8, 3]
    assert data["classes"][2] == "<img src=x onerror=alert(1)>"
    assert [(d["name"], d["role"], d["images"]) for d in data["datasets"]] == [
        ("train-like", "id", 40),
        ("shifted", "ood", 30),
    ]
    assert data["format_version"] == "1.0"


def test_validate_accepts_a_good_file(small_run):
    result = CliRunner().invoke(main, ["validate", str(small_run)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_validate_reports_damage_without_traceback(small_run, tmp_path):
    data = bytearray(small_run.read_bytes())
    data[len(data) // 2] ^= 0x10
    bad = tmp_path / "bad.deephys"
    bad.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "bad.deephys" in result.output and "at byte" in result.output
    assert "Traceback" not in result.output


def test_validate_detects_a_summary_that_does_not_match_the_data(tmp_path, monkeypatch, make_small_run):
    from deephys.format import summaries

    honest = summaries.SummaryBuilder.partial

    def lying(self):
        summary = honest(self)
        summary.nan_count[0] += 7  # claims NaNs the data does not have
        return summary

    monkeypatch.setattr(summaries.SummaryBuilder, "partial", lying)
    path = make_small_run(tmp_path / "lying.deephys")
    monkeypatch.setattr(summaries.SummaryBuilder, "partial", honest)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "nan_count does not match the data" in result.output


def test_info_on_foreign_file_is_a_clean_error(tmp_path):
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello " * 100)
    result = CliRunner().invoke(main, ["info", str(foreign)])
    assert result.exit_code == 1
    assert "notes.txt" in result.output and "not a Deephys file" in result.output
    assert "Traceback" not in result.output


HOSTILE_NAMES = ["\x1b[2J\x1b]0;pwned\x07", "caf\u00e9 \u202eevil", "csi\x9b31m", "👩\u200d👩\u200d👧"]


def test_file_strings_cannot_drive_the_terminal(tmp_path):
    import numpy as np

    import deephys

    path = tmp_path / "hostile-strings.deephys"
    model = deephys.Model(HOSTILE_NAMES[0], layers={HOSTILE_NAMES[1]: 2, "out": 2}, classifier="out")
    with deephys.Writer(path, model=model, classes=HOSTILE_NAMES[2:]) as w:
        w.add_dataset(
            HOSTILE_NAMES[3] + "\x1b[31m",
            labels=[0],
            activations={HOSTILE_NAMES[1]: np.ones((1, 2)), "out": np.ones((1, 2))},
        )
    for args in (["info", str(path)], ["info", "--json", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in "\x1b\x07\x9b\u202e"), repr(result.output)
        assert "\\x1b[2J" in result.output or "\\u001b[2J" in result.output
        assert "👩\u200d👩\u200d👧" in result.output  # joiners stay: emoji keep their shape
    data = json.loads(CliRunner().invoke(main, ["info", "--json", str(path)]).output)
    assert data["model"]["name"] == HOSTILE_NAMES[0] and data["classes"] == HOSTILE_NAMES[2:]
