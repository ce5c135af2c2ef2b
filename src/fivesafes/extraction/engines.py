"""The two engines that run a plan's SQL: DuckDB (default, streaming within a memory limit) and
Spark through PySpark. Both take the same SQL (sql.py), the same Arrow mapping tables and write
one Parquet file per table; Spark's part files are joined into one file in its order."""

# ruff: noqa: S608 (table names are ours; paths are quoted)
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from .sql import DUCKDB, SPARK, Dialect

ROW_GROUP = 122_880
SPILL_CODEC = "snappy"  # the buckets' scratch files: written and read once, speed over size
# The delivered files from Python's writer: zstd at its fastest level (pseudonyms, random 64-bit
# integers, do not compress at any level; dates and codes do at the first).
WRITER: dict[str, Any] = {"compression": "zstd", "compression_level": 1}


class Engine(Protocol):
    dialect: Dialect

    def source(self, register: str, files: tuple[str, ...]) -> str: ...

    def query(self, sql: str) -> pa.Table: ...

    def register(self, name: str, table: pa.Table) -> None: ...

    def register_parquet(self, name: str, path: Path) -> None: ...

    def write(self, sql: str, path: Path) -> int: ...

    def close(self) -> None: ...


class DuckDBEngine:
    """DuckDB in this process: `memory_limit` bounds its memory (it spills to `spill_dir`);
    results stream from the Parquet registers to the Parquet output."""

    dialect = DUCKDB

    def __init__(
        self, root: Path, *, memory_limit: str, spill_dir: Path, threads: int | None = None
    ) -> None:
        import duckdb

        self.root = root
        self.spill = spill_dir
        config: dict[str, Any] = {
            "memory_limit": memory_limit,
            "temp_directory": str(spill_dir),
            "preserve_insertion_order": True,
        }
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(config=config)
        self.con.execute("SET enable_progress_bar = false")

    def source(self, register: str, files: tuple[str, ...]) -> str:
        listed = ", ".join("'" + str(self.root / f).replace("'", "''") + "'" for f in files)
        if not files:
            return "(SELECT * FROM (SELECT 1) WHERE FALSE)"
        return f"read_parquet([{listed}], hive_partitioning = false)"

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"{name}_arrow", table)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")

    def register_parquet(self, name: str, path: Path) -> None:
        quoted = str(path).replace("'", "''")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM '{quoted}'")

    def write(self, sql: str, path: Path) -> int:
        quoted = str(path).replace("'", "''")
        self.con.execute(
            f"COPY ({sql}) TO '{quoted}' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP})"
        )
        return int(pq.read_metadata(path).num_rows)

    def write_sorted(
        self,
        sql: str,
        keys: list[str],
        hidden: list[str],
        buckets: int,
        path: Path,
        replace: Mapping[str, Callable[[pa.ChunkedArray], pa.Array]],
    ) -> int | None:
        """The rows a bucket at a time (`_buckets`; `__bucket` is the top bits of the unit's
        pseudonym), so that no sort spills and pseudonyms are made vectorised: each bucket in
        memory has its `replace` columns (raw identifiers) replaced by what their
        function gives (the pseudonyms, vectorised over the whole bucket), sorted by `keys`
        with the `hidden` columns dropped, and appended to the output. None if no rows (the
        caller writes the empty file)."""
        order = ", ".join(f"{k} ASC NULLS LAST" for k in keys)
        drop = f" EXCLUDE ({', '.join(hidden)})" if hidden else ""
        writer: pq.ParquetWriter | None = None
        rows = 0
        try:
            for table in self._buckets(sql, buckets, path):
                for name, make in replace.items():
                    where = table.schema.get_field_index(name)
                    table = table.set_column(where, name, make(table.column(name)))
                self.con.register("bucket_rows", table)
                reader = self.con.sql(
                    f"SELECT *{drop} FROM bucket_rows ORDER BY {order}"
                ).to_arrow_reader(ROW_GROUP)
                for batch in reader:
                    if writer is None:
                        writer = pq.ParquetWriter(path, batch.schema, **WRITER)
                    elif batch.schema != writer.schema:
                        batch = pa.Table.from_batches([batch]).cast(writer.schema)
                    writer.write_batch(batch)
                    rows += batch.num_rows
                self.con.unregister("bucket_rows")
                del table, reader
        finally:
            if writer is not None:
                writer.close()
        return rows if writer is not None else None

    def _buckets(self, sql: str, buckets: int, path: Path) -> Iterator[pa.Table]:
        """The rows of each bucket in turn, unsorted and without `__bucket`: one bucket comes
        straight from the query; more are written once to scratch files and read back one by
        one (each is removed when the next is read, all of them in the end)."""
        if buckets == 1:
            table = self.con.sql(sql).to_arrow_table()
            if table.num_rows:
                yield table.drop_columns(["__bucket"])
            return
        folder = self.spill / f"{path.stem}-buckets"
        quoted = str(folder).replace("'", "''")
        try:
            self.con.execute(
                f"COPY ({sql}) TO '{quoted}' (FORMAT parquet, PARTITION_BY (__bucket), "
                f"COMPRESSION {SPILL_CODEC}, ROW_GROUP_SIZE {ROW_GROUP})"
            )
            for bucket in range(buckets):
                part = folder / f"__bucket={bucket}"
                files = sorted(part.glob("*.parquet")) if part.is_dir() else []
                if files:
                    yield pa.concat_tables([pq.read_table(f) for f in files])
                shutil.rmtree(part, ignore_errors=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """PySpark at `master` (local[2] in tests); an existing session is reused and left open."""

    dialect = SPARK

    def __init__(self, root: Path, *, master: str, scratch: Path, memory: str) -> None:
        from pyspark.sql import SparkSession

        self.root = root
        self.scratch = scratch
        active = SparkSession.getActiveSession()
        self.owned = active is None
        self.spark = active or (
            SparkSession.builder.master(master)
            .appName("fivesafes-extraction")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.driver.memory", memory.replace("GB", "g").replace("MB", "m"))
            .config("spark.driver.maxResultSize", "0")  # identifier sets come to the driver
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )
        self.views: dict[tuple[str, tuple[str, ...]], str] = {}
        self.count = 0

    def source(self, register: str, files: tuple[str, ...]) -> str:
        key = (register, files)
        if key not in self.views:
            self.count += 1
            name = f"src_{register.lower()}_{self.count}"
            paths = [str(self.root / f) for f in files]
            frame = self.spark.read.option("mergeSchema", "false").parquet(*paths)
            frame.createOrReplaceTempView(name)
            self.views[key] = name
        return self.views[key]

    def query(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def register(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def register_parquet(self, name: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def write(self, sql: str, path: Path) -> int:
        parts = self.scratch / (path.name + ".parts")
        self.spark.sql(sql).write.mode("error").parquet(str(parts))
        rows = join_parts(sorted(parts.glob("part-*.parquet")), path)
        shutil.rmtree(parts, ignore_errors=True)
        return rows

    def close(self) -> None:
        for name in self.views.values():
            self.spark.catalog.dropTempView(name)
        if self.owned:
            self.spark.stop()


def join_parts(parts: list[Path], target: Path) -> int:
    """Spark's ordered part files as one Parquet file, in part order (Spark numbers the parts
    of a sorted result in sort order)."""
    writer: pq.ParquetWriter | None = None
    rows = 0
    schema: pa.Schema | None = None
    try:
        for part in parts:
            handle = pq.ParquetFile(part)
            if schema is None:
                schema = handle.schema_arrow
                writer = pq.ParquetWriter(target, schema, compression="zstd")
            for batch in handle.iter_batches(batch_size=ROW_GROUP):
                table = pa.Table.from_batches([batch]).cast(schema)
                assert writer is not None
                writer.write_table(table, row_group_size=ROW_GROUP)
                rows += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
    return rows


def make_engine(
    name: str,
    root: Path,
    *,
    memory_limit: str,
    scratch: Path,
    spark_master: str,
    threads: int | None = None,
) -> Engine:
    if name == "duckdb":
        return DuckDBEngine(root, memory_limit=memory_limit, spill_dir=scratch, threads=threads)
    if name == "spark":
        return SparkEngine(root, master=spark_master, scratch=scratch, memory=memory_limit)
    raise ValueError(f"unknown engine {name!r} (duckdb, spark)")
