"""The commands: generate-registers prints progress per chunk and a summary; the bench reports figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivesafes.metadata import load_registers
from fivesafes.synthetic import cli
from fivesafes.synthetic.bench import run_generator_bench


def test_generate_registers_writes_data_metadata_and_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(
            ["--persons", "3000", "--seed", "3", "--chunk-size", "1000", "--out", str(tmp_path)]
        )
        == 0
    )
    out, err = capsys.readouterr()
    progress = [line for line in err.splitlines() if line.startswith("chunk ")]
    assert [line.split(":")[0] for line in progress] == ["chunk 1/3", "chunk 2/3", "chunk 3/3"]
    assert all("rows/s" in line for line in progress)
    assert "POPULATION" in out and "total" in out
    assert len(load_registers([tmp_path / "metadata"])) == 12
    info = json.loads((tmp_path / "generation.json").read_text())
    assert info["persons"] == 3000 and info["rows"]["POPULATION"] == 3000


def test_generate_registers_refuses_nonsense(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--persons", "0", "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert "--persons and --chunk-size must be positive" in capsys.readouterr().err
    a_file = tmp_path / "registers.txt"
    a_file.write_text("not a folder")
    with pytest.raises(SystemExit) as exc:
        cli.main(["--persons", "10", "--out", str(a_file)])
    assert exc.value.code == 2
    assert f"--out {a_file} is a file; give a folder" in capsys.readouterr().err


def test_the_generator_bench_measures_a_child_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = run_generator_bench(2000, 5, out=tmp_path / "bench", keep=False, echo=False)
    assert figures["persons"] == 2000 and figures["total_rows"] > 100_000
    assert (
        figures["rows_per_second"] > 0 and figures["peak_rss_mib"] > 50 and figures["disk_mib"] > 0
    )
    assert set(figures["registers"]) >= {"POPULATION", "PRESCRIPTIONS", "BUSINESS"}
    assert figures["registers"]["RESIDENCE"]["rows_per_second"] > 0
    assert not (tmp_path / "bench").exists()


def test_a_write_failure_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import errno

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "INCOME"))

    monkeypatch.setattr(cli, "generate", disk_full)
    assert cli.main(["--persons", "10", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {tmp_path / 'INCOME'}: No space left on device" in err
