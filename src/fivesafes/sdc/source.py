"""The data of a request, as a DuckDB table with internal column names that cannot clash.

`Source` takes a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation or a Parquet
path and exposes only the columns a table needs, renamed: dimension i is `dim:i`, the
values column `val`, the contributor column `who`. Whatever the researcher called their
columns (`n`, `count`, `sum`, `All`...), the queries never see those names, so a variable
cannot collide with a statistic. A pandas frame is registered as a narrow, zero-copy frame
of just those columns.
"""

# ruff: noqa: S608  (SQL is built only from identifiers quoted by quote() and fixed syntax)
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .errors import DuplicateLabelError, NonNumericCellError, SdcInputError

VALUES = "val"
CONTRIBUTOR = "who"


def dim_key(i: int) -> str:
    """Internal name of the i-th dimension of a table (rows first, then columns)."""
    return f"dim:{i}"


def free_name(name: str, taken: list[str]) -> str:
    """`name`, or `name_` (`name__`...) when a table variable is already called that."""
    while name in taken:
        name += "_"
    return name


def quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


_LOCAL = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB connection per thread (opening one costs ~15 ms)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = duckdb.connect()
        _LOCAL.con = con
    return con


class Source:
    """The columns `dims`, `values` and `contributor` of `data`, queryable as `{src}`."""

    def __init__(
        self, data: Any, dims: list[str], values: str | None, contributor: str | None
    ) -> None:
        self.con = connection()
        self.view = f"src_{id(self):x}"
        self.registered = False
        self.relation: duckdb.DuckDBPyRelation | None = None
        self.from_sql = self.view
        self.pandas: pd.DataFrame | None = None
        wanted = [(n, dim_key(i)) for i, n in enumerate(dims)]
        if values is not None:
            wanted.append((values, VALUES))
        if contributor is not None:
            wanted.append((contributor, CONTRIBUTOR))
        if isinstance(data, pd.DataFrame):
            self.columns = [str(c) for c in data.columns]
            self._check(wanted)
            label = {str(c): c for c in data.columns}
            narrow = {key: data[label[name]] for name, key in wanted}
            self.pandas = pd.DataFrame(narrow, copy=False)
            self._register(self.pandas)
            return
        if isinstance(data, str | Path):
            path = str(data)
            if not Path(path).exists():
                raise SdcInputError("no such file", field=path)
            table = f"read_parquet('{path.replace(chr(39), chr(39) * 2)}')"
            try:
                described = self.con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()
            except duckdb.Error as exc:
                raise SdcInputError(f"cannot read it as Parquet: {exc}", field=path) from exc
            self.columns = [str(r[0]) for r in described]
        elif isinstance(data, duckdb.DuckDBPyRelation):
            self.relation = data
            self.columns = list(data.columns)
            table = self.view
        else:
            frame = _arrow_like(data)
            self.columns = [str(c) for c in frame.column_names]
            self._register(frame)
            table = self.view
        self._check(wanted)
        select = ", ".join(f"{quote(name)} AS {quote(key)}" for name, key in wanted)
        self.from_sql = f"(SELECT {select} FROM {table})"

    def _check(self, wanted: list[tuple[str, str]]) -> None:
        for name, _key in wanted:
            if name not in self.columns:
                raise SdcInputError(
                    f"no such column; the data has {', '.join(self.columns[:20])}", field=name
                )
            if self.columns.count(name) > 1:
                raise DuplicateLabelError("the data have two columns of this name", field=name)

    def query(self, sql: str) -> pd.DataFrame:
        """Run `sql`, in which `{src}` stands for the narrow table."""
        sql = sql.replace("{src}", self.from_sql)
        try:
            if self.relation is not None:
                result = self.relation.query(self.view, sql)
                if result is None:  # pragma: no cover
                    raise SdcInputError("the query gave no result", field="data")
                return result.df()
            return self.con.execute(sql).df()
        except duckdb.ConversionException as exc:
            raise NonNumericCellError(f"values are not numeric: {exc}", field="values") from exc
        except duckdb.BinderException as exc:
            raise SdcInputError(f"cannot aggregate: {exc}", field="values") from exc

    def _register(self, obj: Any) -> None:
        self.con.register(self.view, obj)
        self.registered = True

    def close(self) -> None:
        if self.registered:
            self.con.unregister(self.view)
            self.registered = False


def _arrow_like(data: Any) -> Any:
    """A polars frame as Arrow, a pyarrow Table as it is; anything else is refused."""
    try:
        import polars as pl

        if isinstance(data, pl.DataFrame | pl.LazyFrame):
            frame = data.collect() if isinstance(data, pl.LazyFrame) else data
            return frame.to_arrow()
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyarrow as pa

        if isinstance(data, pa.Table):
            return data
    except ImportError:  # pragma: no cover
        pass
    raise SdcInputError(
        f"cannot read data of type {type(data).__name__}; give a pandas or polars "
        "DataFrame, a pyarrow Table, a DuckDB relation or a Parquet path",
        field="data",
    )
