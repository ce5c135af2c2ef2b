"""fivesafes.analysis: checked outputs for researchers inside the sandbox.

Each call computes a result with `fivesafes.sdc`, says at once whether it would pass and why,
and records it into the project's outputs area as a table file and its check record, which
the release room pairs. Two ways to call, the same calls as ACRO's:

    from fivesafes.analysis import crosstab
    crosstab(df.region, df.sex)

    from fivesafes.analysis import Session
    s = Session()
    s.crosstab(df.region, df.sex, values=df.income, aggfunc="mean")
    s.add_exception("crosstab_region_sex_income", "...")

The module-level functions use one session made on first use. No web framework here.
"""

from __future__ import annotations

from typing import Any

from .acro_import import import_acro
from .area import OutputsAreaError, outputs_area
from .display import Output
from .session import Session

__all__ = [
    "Output",
    "OutputsAreaError",
    "Session",
    "add_comments",
    "add_exception",
    "crosstab",
    "custom_output",
    "finalise",
    "hist",
    "import_acro",
    "logit",
    "logitr",
    "ols",
    "olsr",
    "outputs_area",
    "pivot_table",
    "print_outputs",
    "probit",
    "probitr",
    "remove_output",
    "surv_func",
    "survival_table",
]

_session: Session | None = None


def session() -> Session:
    """The session the module-level functions share (made on first use)."""
    global _session
    if _session is None:
        _session = Session()
    return _session


def crosstab(*args: Any, **kwargs: Any) -> Output:
    return session().crosstab(*args, **kwargs)


def pivot_table(*args: Any, **kwargs: Any) -> Output:
    return session().pivot_table(*args, **kwargs)


def ols(*args: Any, **kwargs: Any) -> Output:
    return session().ols(*args, **kwargs)


def olsr(*args: Any, **kwargs: Any) -> Output:
    return session().olsr(*args, **kwargs)


def logit(*args: Any, **kwargs: Any) -> Output:
    return session().logit(*args, **kwargs)


def logitr(*args: Any, **kwargs: Any) -> Output:
    return session().logitr(*args, **kwargs)


def probit(*args: Any, **kwargs: Any) -> Output:
    return session().probit(*args, **kwargs)


def probitr(*args: Any, **kwargs: Any) -> Output:
    return session().probitr(*args, **kwargs)


def hist(*args: Any, **kwargs: Any) -> Output:
    return session().hist(*args, **kwargs)


def surv_func(*args: Any, **kwargs: Any) -> Output:
    return session().surv_func(*args, **kwargs)


def survival_table(*args: Any, **kwargs: Any) -> Output:
    return session().survival_table(*args, **kwargs)


def custom_output(*args: Any, **kwargs: Any) -> Output:
    return session().custom_output(*args, **kwargs)


def add_comments(output: str, comment: str) -> None:
    session().add_comments(output, comment)


def add_exception(output: str, reason: str) -> None:
    session().add_exception(output, reason)


def remove_output(output: str) -> None:
    session().remove_output(output)


def print_outputs() -> str:
    return session().print_outputs()


def finalise(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return session().finalise(*args, **kwargs)
