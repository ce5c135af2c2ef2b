"""The delivery folder: written into a `.partial-*` sibling and renamed into place at the end;
the codebook (JSON and HTML), the manifest (SHA-256 of every file) and the optional CSV, Stata
and SPSS copies."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

PARTIAL = ".partial-"
MANIFEST = "manifest.json"


def partial_folder(output_dir: Path) -> Path:
    return output_dir.parent / f"{PARTIAL}{output_dir.name}-{uuid.uuid4().hex[:12]}"


def remove_partials(parent: Path) -> list[Path]:
    """Remove what killed runs left in `parent` (folders named `.partial-*`); the removed."""
    removed = []
    if Path(parent).is_dir():
        for path in sorted(Path(parent).iterdir()):
            if path.name.startswith(PARTIAL):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
    return removed


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path) -> dict[str, Any]:
    """SHA-256 and bytes of every file in the folder except the manifest itself."""
    files = [
        {"name": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    ]
    return {"algorithm": "sha256", "files": files}


def verify_manifest(folder: Path) -> list[str]:
    """The files that differ from the manifest (missing, changed, or not listed)."""
    listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    names = {f["name"] for f in listed}
    wrong = [
        f["name"]
        for f in listed
        if not (folder / f["name"]).is_file() or sha256(folder / f["name"]) != f["sha256"]
    ]
    extra = [p.name for p in folder.iterdir() if p.name not in names and p.name != MANIFEST]
    return sorted(wrong + extra)


def coverage(path: Path, column: str | None) -> dict[str, int]:
    """Rows per year of the table's time column (all rows under "all" for fixed tables),
    counted by DuckDB over the written file."""
    if column is None:
        return {"all": pq.read_metadata(path).num_rows}
    import duckdb

    kind = pq.read_schema(path).field(column).type
    year = f'year("{column}")' if pa.types.is_date(kind) else f'"{column}"'
    quoted = str(path).replace("'", "''")
    with duckdb.connect() as con:
        pairs = con.execute(
            f"SELECT CAST({year} AS VARCHAR) AS y, count(*) FROM '{quoted}' GROUP BY y ORDER BY y"  # noqa: S608 (our own file and column)
        ).fetchall()
    return {str(y): int(n) for y, n in pairs}


def write_copies(path: Path, formats: tuple[str, ...], pseudonym_columns: list[str]) -> list[Path]:
    """CSV (pyarrow, streamed), Stata and SPSS (pyreadstat) copies of a Parquet file. The two
    statistics formats hold numbers as doubles, which cannot hold 62-bit pseudonyms exactly, so
    there the pseudonyms are text."""
    written = []
    if "csv" in formats:
        target = path.with_suffix(".csv")
        handle = pq.ParquetFile(path)
        with pacsv.CSVWriter(target, handle.schema_arrow) as writer:
            for batch in handle.iter_batches():
                writer.write_batch(batch)
        written.append(target)
    wanted = [f for f in ("dta", "sav") if f in formats]
    if wanted:
        import pyreadstat

        frame = pq.read_table(path).to_pandas()
        for name in pseudonym_columns:
            frame[name] = frame[name].astype("Int64").astype("string")
        for column in frame.columns:
            if str(frame[column].dtype) == "object":
                frame[column] = frame[column].astype("string")
        for fmt in wanted:
            target = path.with_suffix(f".{fmt}")
            if fmt == "dta":
                pyreadstat.write_dta(frame, str(target))
            else:
                pyreadstat.write_sav(frame, str(target))
            written.append(target)
    return written


def codebook_html(book: dict[str, Any]) -> str:
    e = html.escape
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Codebook: project {e(book['project'])}, delivery {book['delivery']}</title>",
        "</head><body>",
        f"<h1>Codebook: project {e(book['project'])}, delivery {book['delivery']}</h1>",
        f"<p>Created {e(book['created'])} by the {e(book['engine'])} engine.</p>",
        "<h2>Population</h2><ul>",
    ]
    out += [f"<li>{e(line)}</li>" for line in book["population"]["criteria"]]
    out.append("</ul>")
    out.append(f"<p>{book['population']['size']:,} units. {e(book['sample']['how'])}</p>")
    out.append(f"<h2>Pseudonyms</h2><p>{e(book['pseudonyms']['how'])}</p>")
    for f in book["files"]:
        out.append(f"<h2>{e(f['name'])}</h2>")
        out.append(f"<p>{e(f['description'])} {f['rows']:,} rows.</p>")
        out.append("<table><tr><th>Year</th><th>Rows</th></tr>")
        out += [f"<tr><td>{e(y)}</td><td>{n:,}</td></tr>" for y, n in f["coverage"].items()]
        out.append("</table>")
        out.append(
            "<table><tr><th>Variable</th><th>Label</th><th>Type</th><th>Source</th>"
            "<th>Treatment</th></tr>"
        )
        for v in f["variables"]:
            out.append(
                f"<tr><td>{e(v['name'])}</td><td>{e(v['label'])}</td><td>{e(v['type'])}</td>"
                f"<td>{e(v['source'])}</td><td>{e(v['treatment'])}</td></tr>"
            )
        out.append("</table>")
        for v in f["variables"]:
            if v.get("codes"):
                out.append(f"<h3>Codes of {e(v['name'])}</h3><table>")
                out.append("<tr><th>Code</th><th>Label</th><th>Valid from</th><th>Until</th></tr>")
                out += [
                    f"<tr><td>{e(c['code'])}</td><td>{e(c['label'])}</td>"
                    f"<td>{e(c['valid_from'])}</td><td>{e(c['valid_until'] or '')}</td></tr>"
                    for c in v["codes"]
                ]
                out.append("</table>")
    for x in book.get("external") or []:
        out.append(f"<h2>{e(x['name'])}</h2>")
        out.append(
            f"<p>External data linked on the person number: {e(x.get('description', ''))}. "
            f"{x['rows']:,} rows of persons in the population; pnr is the project's pseudonym."
            "</p>"
        )
        out.append("<table><tr><th>Variable</th><th>Type</th></tr>")
        out += [
            f"<tr><td>{e(v['name'])}</td><td>{e(v['type'])}</td></tr>"
            for v in x.get("variables") or []
        ]
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_codebook(folder: Path, book: dict[str, Any]) -> None:
    (folder / "codebook.json").write_text(
        json.dumps(book, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / "codebook.html").write_text(codebook_html(book), encoding="utf-8")
