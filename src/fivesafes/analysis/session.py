"""A session of checked outputs: each call computes, checks, shows the verdict and records.

`Session()` writes to the outputs area ($FIVESAFES_OUTPUTS, /project/outputs inside the
sandbox); `Session(outputs=folder)` elsewhere. The methods have ACRO's call shapes (`crosstab`,
`pivot_table`, `ols`/`olsr`, `logit`/`logitr`, `probit`/`probitr`, `hist`, `surv_func`,
`survival_table`, `custom_output`, `add_comments`, `add_exception`, `finalise`); the
computing and checking is `fivesafes.sdc`'s, the writing is `area.py`'s.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fivesafes import sdc
from fivesafes.sdc.config import RuleSet
from fivesafes.sdc.output import CheckedOutput
from fivesafes.sdc.record import RECORD_FORMAT

from .area import free_stem, outputs_area, replace_own, safe_name, write_new
from .display import Output
from .records import LIBRARY, file_record, record_bytes, seal, table_csv

# The file types the release room releases (release/outputs.py, ALLOWED_SUFFIXES; a test
# keeps the two lists equal).
RELEASABLE = frozenset(
    {".csv", ".tsv", ".txt", ".xlsx", ".json", ".png", ".jpg", ".jpeg", ".svg", ".pdf", ".md"}
)


def _shown(value: Any) -> str:
    """An argument as the command shows it: names of columns, sizes of frames, no data."""
    if isinstance(value, str | int | float | bool) or value is None:
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    shape = getattr(value, "shape", None)
    name = getattr(value, "name", None)
    if shape is not None and len(shape) == 1:
        return f"<column {name!r}>" if name is not None else f"<{len(value)} values>"
    if shape is not None and len(shape) == 2:
        return f"<table of {shape[0]} rows and {shape[1]} columns>"
    return f"<{type(value).__name__}>"


def command_text(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [_shown(a) for a in args]
    parts += [f"{k}={_shown(v)}" for k, v in kwargs.items() if v is not None]
    return f"{method}({', '.join(parts)})"


def _stem(method: str, checked: CheckedOutput) -> str:
    request = checked.request
    words = [method]
    for key in ("index", "columns"):
        value = request.get(key)
        words += value if isinstance(value, list) else []
    formula = request.get("formula")
    if isinstance(formula, str) and "~" in formula:
        words.append(formula.split("~", 1)[0].strip())
    for key in ("values", "column", "time"):
        if isinstance(request.get(key), str):
            words.append(request[key])
    return safe_name("_".join(str(w) for w in words), method)


class Session:
    """Checked outputs recorded into one outputs area (see the module docstring).

    `rules` are fivesafes.sdc's rules (the office's defaults unless given); `show=False`
    keeps the summaries from being printed (the returned outputs still carry them)."""

    def __init__(
        self,
        outputs: str | Path | None = None,
        *,
        rules: RuleSet | None = None,
        show: bool = True,
    ) -> None:
        self.folder = outputs_area(outputs)
        self.rules = rules
        self.show = show
        self.results: dict[str, Output] = {}

    # the checked functions

    def crosstab(self, index: Any, columns: Any = None, *args: Any, **kwargs: Any) -> Output:
        """pandas' and ACRO's crosstab: `crosstab(df.region, df.sex)`, `values=`, `aggfunc=`,
        `margins=`, or column names with `data=`; `name=` names the files."""
        return self._run("crosstab", sdc.crosstab, (index, columns, *args), kwargs)

    def pivot_table(self, data: Any, *args: Any, **kwargs: Any) -> Output:
        """pandas' pivot_table: `pivot_table(df, values="income", index="region", ...)`."""
        return self._run("pivot_table", sdc.pivot_table, (data, *args), kwargs)

    def ols(self, endog: Any = None, exog: Any = None, **kwargs: Any) -> Output:
        return self._run("ols", sdc.ols, (endog, exog), kwargs)

    def olsr(self, formula: str, data: Any, **kwargs: Any) -> Output:
        return self._run("olsr", sdc.olsr, (formula, data), kwargs)

    def logit(self, endog: Any = None, exog: Any = None, **kwargs: Any) -> Output:
        return self._run("logit", sdc.logit, (endog, exog), kwargs)

    def logitr(self, formula: str, data: Any, **kwargs: Any) -> Output:
        return self._run("logitr", sdc.logitr, (formula, data), kwargs)

    def probit(self, endog: Any = None, exog: Any = None, **kwargs: Any) -> Output:
        return self._run("probit", sdc.probit, (endog, exog), kwargs)

    def probitr(self, formula: str, data: Any, **kwargs: Any) -> Output:
        return self._run("probitr", sdc.probitr, (formula, data), kwargs)

    def hist(
        self, data: Any, column: str, *args: Any, filename: str | None = None, **kwargs: Any
    ) -> Output:
        """A histogram's bins, checked: `hist(df, "income", bins=10, range=(0, 1e6))`. With
        `filename="income.png"` the figure is drawn from the checked bins and recorded too
        (a figure goes to two checkers; its comment names the bins' output)."""
        out = self._run("hist", sdc.hist, (data, column, *args), kwargs)
        if filename:
            out.extra["figure"] = self._figure(out, filename)
        return out

    def _figure(self, bins: Output, filename: str) -> Output:
        from matplotlib.figure import Figure  # no pyplot: a notebook's backend stays as it is

        target = Path(filename).name
        if Path(target).suffix.lower() not in (".png", ".pdf", ".svg", ".jpg", ".jpeg"):
            raise ValueError("give the figure's file name with .png, .pdf, .svg or .jpg")
        table = bins.table
        figure = Figure(figsize=(6, 4))
        axes = figure.subplots()
        axes.bar(table["left"], table["count"], width=table["right"] - table["left"], align="edge")
        axes.set_xlabel(str(bins.record["input"].get("column", "")))
        axes.set_ylabel("count")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / target
            figure.savefig(path)
            return self.custom_output(path, f"drawn from the checked bins of {bins.name}")

    def surv_func(self, time: Any, status: Any, output: str = "table", **kwargs: Any) -> Output:
        return self._run("surv_func", sdc.surv_func, (time, status, output), kwargs)

    def survival_table(self, data: Any, time: str, event: str, **kwargs: Any) -> Output:
        return self._run("survival_table", sdc.survival_table, (data, time, event), kwargs)

    def _run(
        self,
        method: str,
        fn: Callable[..., CheckedOutput],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Output:
        name = kwargs.pop("name", None)
        while args and args[-1] is None:
            args = args[:-1]  # defaults left out of the call and of the command
        if self.rules is not None:
            kwargs.setdefault("rules", self.rules)
        shown = {k: v for k, v in kwargs.items() if k != "rules"}
        command = command_text(method, args, shown)
        checked = fn(*args, **kwargs)
        return self.record(checked, method=method, command=command, name=name)

    def record(
        self,
        checked: CheckedOutput,
        *,
        method: str | None = None,
        command: str = "",
        name: str | None = None,
    ) -> Output:
        """Record an output already checked with fivesafes.sdc (`table.csv` + `table.json`)."""
        method = method or str(checked.request.get("method") or checked.kind)
        record = checked.record()
        record["analysis"] = {
            "library": LIBRARY,
            "command": command or method,
            "comments": [],
            "exception": "",
        }
        seal(record)
        stem = safe_name(name) if name else _stem(method, checked)
        paths = write_new(
            self.folder, stem, {".csv": table_csv(record), ".json": record_bytes(record)}
        )
        output = Output(
            name=paths[".csv"].stem,
            method=method,
            command=record["analysis"]["command"],
            record=record,
            paths={"table": paths[".csv"], "record": paths[".json"]},
            table=checked.table,
            findings=checked.findings,
        )
        return self._keep(output)

    def _keep(self, output: Output) -> Output:
        self.results[output.name] = output
        if self.show:
            print(output.summary(), file=sys.stdout, flush=True)
        return output

    # files made by other means, comments and exceptions

    def custom_output(self, filename: str | Path, comment: str = "") -> Output:
        """Record a file made by other means (a figure, a table written directly) as an output:
        copied into the outputs area when it is elsewhere, with a record saying a person must
        check it."""
        source = Path(filename)
        if not source.is_absolute() and not source.exists():
            source = self.folder / source
        if not source.is_file():
            raise FileNotFoundError(f"no file {filename}: give the path of the file to record")
        suffix = source.suffix.lower()
        if suffix not in RELEASABLE:
            raise ValueError(
                f"{suffix or 'files without an extension'} files are not released; save it as "
                f"one of {', '.join(sorted(RELEASABLE))}"
            )
        inside = source.resolve().parent == self.folder.resolve()
        if inside:
            target = source
            record = file_record(target, comment=comment)
            paths = write_new(self.folder, target.name, {".json": record_bytes(record)})
            record_path = paths[".json"]
        else:
            stem = free_stem(self.folder, safe_name(source.stem), (suffix, f"{suffix}.json"))
            record = file_record(source, comment=comment, name=f"{stem}{suffix}")
            paths = write_new(
                self.folder,
                stem,
                {suffix: source.read_bytes(), f"{suffix}.json": record_bytes(record)},
            )
            target, record_path = paths[suffix], paths[f"{suffix}.json"]
        output = Output(
            name=target.name,
            method="custom_output",
            command=command_text("custom_output", (str(filename),), {}),
            record=record,
            paths={"file": target, "record": record_path},
        )
        return self._keep(output)

    def _output(self, name: str) -> Output:
        """An output of this session, or one recorded earlier in the outputs area (by an
        earlier run, a notebook, the R wrapper)."""
        if name in self.results:
            return self.results[name]
        found = self._recorded(name)
        if found is None:
            known = ", ".join(self.results) or "none in this session"
            raise KeyError(
                f"no output {name!r} in this session ({known}) or in {self.folder}; give the "
                "name its summary printed"
            )
        self.results[name] = found
        return found

    def _recorded(self, name: str) -> Output | None:
        if safe_name(name) != name:
            return None
        record_path = self.folder / f"{name}.json"
        if not record_path.is_file() or record_path.is_symlink():
            return None
        try:
            record = json.loads(record_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            return None
        if record.get("output_type") == "file":
            paths = {"file": self.folder / name, "record": record_path}
        else:
            paths = {"table": self.folder / f"{name}.csv", "record": record_path}
        analysis = record.get("analysis") or {}
        method = str((record.get("input") or {}).get("method", ""))
        return Output(name, method, str(analysis.get("command", "")), record, paths)

    def _annotate(self, name: str, change: Callable[[dict[str, Any]], None]) -> Output:
        output = self._output(name)
        record = output.record
        record.setdefault("analysis", {"library": LIBRARY, "comments": [], "exception": ""})
        change(record["analysis"])
        seal(record)
        replace_own(output.paths["record"], record_bytes(record))
        return output

    def add_comments(self, output: str, comment: str) -> None:
        """A note for the output checker, kept in the output's record."""
        self._annotate(output, lambda a: a.setdefault("comments", []).append(str(comment)))

    def add_exception(self, output: str, reason: str) -> None:
        """Why a failing output should be released anyway, kept in its record; give it again
        as the exception justification when asking for release."""
        if not str(reason).strip():
            raise ValueError("an exception needs a reason in words")
        self._annotate(output, lambda a: a.__setitem__("exception", str(reason)))

    def remove_output(self, output: str) -> None:
        """Forget an output and delete its files from the outputs area."""
        for path in self._output(output).paths.values():
            path.unlink(missing_ok=True)
        del self.results[output]

    def print_outputs(self) -> str:
        text = "\n".join(o.summary() for o in self.results.values()) or "no outputs yet"
        print(text)
        return text

    def finalise(self, path: str | None = None, ext: str | None = None) -> list[dict[str, Any]]:
        """The session's outputs and their verdicts. Each was recorded when it was made, so
        nothing more is written; `path` and `ext` (ACRO's) are accepted and not needed."""
        rows = []
        for output in self.results.values():
            analysis = output.record.get("analysis", {})
            rows.append(
                {
                    "name": output.name,
                    "status": output.status,
                    "files": [p.name for p in output.paths.values()],
                    "exception": analysis.get("exception", ""),
                }
            )
        if self.show:
            counts = {s: sum(r["status"] == s for r in rows) for s in ("pass", "fail", "review")}
            print(
                f"{len(rows)} outputs in {self.folder}: {counts['pass']} would pass, "
                f"{counts['fail']} would fail, {counts['review']} need review."
            )
            for r in rows:
                note = f" (exception: {r['exception']})" if r["exception"] else ""
                print(f"  {r['status']:<6} {', '.join(r['files'])}{note}")
            print("Ask for release in the release room; records (.json) are evidence for it.")
        return json.loads(json.dumps(rows))
