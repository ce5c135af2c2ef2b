"""Survival (Kaplan-Meier) tables: numbers at risk and events per step, checked.

Each step of the table needs at least `survival.threshold` persons at risk, and a step with
events needs at least that many events (otherwise the drop in the curve shows what happened
to a handful of people). Grouping time into intervals (`interval=`) is the usual remedy.
Aggregation is done by DuckDB. `surv_func(time, status, "table")` takes ACRO's call shape
(two columns instead of a frame and column names).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .config import DEFAULT_RULES, RuleSet
from .errors import EmptyTableError, NonFiniteValueError, NonNumericCellError, SdcInputError
from .findings import Finding
from .output import CheckedOutput
from .source import Source, dim_key, quote


def survival_table(
    data: Any,
    time: str,
    event: str,
    *,
    interval: float | None = None,
    rules: RuleSet | None = None,
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    if interval is not None and interval <= 0:
        raise SdcInputError("the interval must be positive", field="interval")
    if time == event:
        raise SdcInputError("time and event must be two columns", field=event)
    source = Source(data, [time, event], None, None)
    try:
        qt, qe = quote(dim_key(0)), quote(dim_key(1))
        probe = source.query(f"SELECT {qt}, {qe} FROM {{src}} LIMIT 0")  # noqa: S608
        for name, dtype in zip((time, event), probe.dtypes, strict=True):
            if not any(k in str(dtype).lower() for k in ("int", "float", "decimal", "bool")):
                raise NonNumericCellError(f"holds {dtype}, not numbers", field=name)
        step = f"floor({qt} / {float(interval)!r}) * {float(interval)!r}" if interval else qt
        bad = source.query(
            f"SELECT count(*) FILTER (WHERE {qe}::DOUBLE NOT IN (0, 1)) AS bad_event, "  # noqa: S608
            f"count(*) FILTER (WHERE {qt} < 0) AS bad_time, "
            f"count(*) FILTER (WHERE isnan({qt}::DOUBLE) OR isinf({qt}::DOUBLE)) AS nonfinite, "
            f"count(*) FILTER (WHERE {qt} IS NULL OR {qe} IS NULL) AS missing FROM {{src}}"
        ).iloc[0]
        if int(bad["nonfinite"]):
            raise NonFiniteValueError(
                f"{int(bad['nonfinite'])} times are NaN or infinite; make them missing (null) "
                "or give a time",
                field=time,
            )
        if int(bad["bad_event"]):
            raise SdcInputError("the event indicator must be 0 or 1", field=event)
        if int(bad["bad_time"]):
            raise SdcInputError("times must not be negative", field=time)
        steps = source.query(
            f"SELECT {step} AS t, count(*) AS leaving, sum({qe}) AS events FROM {{src}} "  # noqa: S608
            f"WHERE {qt} IS NOT NULL AND {qe} IS NOT NULL GROUP BY 1 ORDER BY 1"
        )
    finally:
        source.close()
    if steps.empty:
        raise EmptyTableError("no rows with both time and event", field=time)
    leaving = steps["leaving"].to_numpy(dtype="int64")
    events = steps["events"].to_numpy(dtype="int64")
    at_risk = leaving[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - events / at_risk)
    table = pd.DataFrame(
        {
            "time": steps["t"].to_numpy(),
            "at_risk": at_risk,
            "events": events,
            "censored": leaving - events,
            "survival": surv,
        }
    ).set_index("time")
    t = rules.survival.threshold
    found: list[Finding] = []
    if int(bad["missing"]):
        found.append(
            Finding(
                rule="missing_values",
                severity=rules.missing_values.severity,
                values={"missing": int(bad["missing"])},
                reason=(
                    f"{int(bad['missing'])} records have no {time} or no {event}; the table "
                    "leaves them out"
                ),
            )
        )
    notes = pd.DataFrame("ok", index=table.index, columns=table.columns)
    for i, when in enumerate(table.index):
        cell = {"time": f"{when:g}"}
        small = [  # (too few?, the count, why it matters)
            (
                at_risk[i] < t,
                {"at_risk": int(at_risk[i])},
                f"only {int(at_risk[i])} persons at risk at this step, fewer than {t}",
            ),
            (
                0 < events[i] < t,
                {"events": int(events[i])},
                f"{int(events[i])} events at this step, fewer than {t}: group time into "
                "longer intervals",
            ),
        ]
        flagged = [
            Finding(
                rule="survival",
                severity=rules.survival.severity,
                cell=cell,
                values={**count, "threshold": t},
                reason=reason,
            )
            for too_few, count, reason in small
            if too_few
        ]
        found.extend(flagged)
        if flagged:
            notes.iloc[i, :] = "survival"
    request = {"method": "survival_table", "time": time, "event": event, "interval": interval}
    return CheckedOutput.judged("survival", table, notes, found, rules, request)


def surv_func(
    time: Any,
    status: Any,
    output: str = "table",
    *,
    interval: float | None = None,
    rules: RuleSet | None = None,
) -> CheckedOutput:
    """ACRO's call shape: `surv_func(df.time, df.status, "table")`, checked as
    `survival_table`. Only the table is made; a plot drawn from it shows the same steps."""
    if output != "table":
        raise SdcInputError(
            "only output='table' is made; draw the plot from the checked table", field="output"
        )
    t_name = str(getattr(time, "name", None) or "time")
    e_name = str(getattr(status, "name", None) or "status")
    if e_name == t_name:
        e_name = t_name + "_status"
    frame = pd.DataFrame({t_name: np.asarray(time), e_name: np.asarray(status)})
    return survival_table(frame, t_name, e_name, interval=interval, rules=rules)
