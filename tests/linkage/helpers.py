"""Writing small external files in every accepted format at test time, and checking that a
refusal left nothing behind."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat

PNRS = ["0101011234", "0202025678", "0303039012", "1512994321"]
FORMATS = ("csv", "parquet", "dta", "sav", "sas7bdat")


def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pnr": PNRS,
            "score": [1.5, 2.0, None, 4.25],
            "answer": ["yes", "no", "yes", ""],
        }
    )


def write(frame: pd.DataFrame, path: Path, fmt: str, **options: object) -> Path:
    """`frame` written as `fmt` at `path` (the name's extension is whatever the test says)."""
    if fmt == "csv":
        frame.to_csv(path, index=False, **options)  # type: ignore[call-overload]
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, **options)
    elif fmt == "dta":
        pyreadstat.write_dta(frame, path, **options)
    elif fmt == "sav":
        pyreadstat.write_sav(frame, path, **options)
    elif fmt == "sas7bdat":
        pyreadstat.write_sas7bdat(frame, path, **options)
    else:
        raise ValueError(fmt)
    return path


def contents(folder: Path) -> list[str]:
    """Every name in `folder`, hidden temporary files included."""
    return sorted(entry.name for entry in folder.iterdir())
