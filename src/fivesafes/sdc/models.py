"""Regression outputs (OLS, logit, probit) fitted with statsmodels and checked.

Rules: residual degrees of freedom at least `models.min_dof`; the minimum-frequency rule on
every category of a categorical regressor (and every dummy column) and on both values of a
binary outcome (also when OLS fits one: a linear probability model). Call shapes follow
statsmodels and ACRO: `ols(endog, exog)` or `ols(formula="y ~ x + C(region)", data=df)`,
and ACRO's formula forms `olsr(formula, data)`; likewise `logit`/`logitr`, `probit`/`probitr`.

Categories are counted from the design matrix, whichever formula engine statsmodels uses
(patsy's DesignInfo or formulaic's ModelSpec): each level of a categorical term is one pattern
of its columns, so the reference category (all dummies 0) is counted like any other level.
In an array model, adjacent mutually exclusive 0/1 columns are read as one category's dummies
and the rows where all are 0 as its reference. A part of the check that cannot run gives a
`model_check_not_run` finding (review): the model never passes unchecked.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from .config import DEFAULT_RULES, RuleSet
from .errors import EmptyTableError, NonFiniteValueError, SdcInputError
from .findings import Finding
from .output import CheckedOutput


def _pandas(x: Any) -> Any:
    """polars and pyarrow columns and frames as pandas; numpy and pandas as they are."""
    if isinstance(x, pd.DataFrame | pd.Series | np.ndarray) or not hasattr(x, "to_pandas"):
        return x
    return x.to_pandas()


def _fit(kind: str, endog: Any, exog: Any, formula: str | None, data: Any) -> Any:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    try:
        if formula is not None:
            if data is None:
                raise SdcInputError("a formula needs data=", field="data")
            frame = (
                data.to_pandas()
                if hasattr(data, "to_pandas") and not isinstance(data, pd.DataFrame)
                else data
            )
            fn = {"ols": smf.ols, "logit": smf.logit, "probit": smf.probit}[kind]
            model = fn(formula, data=frame)
        else:
            if endog is None or exog is None:
                raise SdcInputError("give endog and exog, or formula and data", field="endog")
            cls = {"ols": sm.OLS, "logit": sm.Logit, "probit": sm.Probit}[kind]
            model = cls(_pandas(endog), _pandas(exog), missing="drop")
        if kind == "ols":
            return model.fit()
        return model.fit(disp=0)
    except SdcInputError:
        raise
    except Exception as exc:  # statsmodels/patsy raise many kinds for bad specifications
        name = type(exc).__name__
        if "MissingData" in name or "inf" in str(exc).lower():
            raise NonFiniteValueError(f"cannot fit the model: {exc}", field="data") from exc
        raise SdcInputError(f"cannot fit the model: {exc}", field=formula or "exog") from exc


def _is_indicator(col: np.ndarray) -> bool:
    uniq = np.unique(col)
    return len(uniq) <= 2 and bool(np.all(np.isin(uniq, (0.0, 1.0))))


def _dummy_counts(exog: pd.DataFrame) -> dict[str, int]:
    """Both values of every 0/1 column (an indicator regressor or one dummy of a category)."""
    counts: dict[str, int] = {}
    for name in exog.columns:
        if name in ("const", "Intercept"):
            continue
        col = exog[name].to_numpy()
        if _is_indicator(col):
            for value in (1, 0):
                k = int((col == value).sum())
                if k:  # a value nobody has describes nobody (a constant column, say)
                    counts[f"{name}={value}"] = k
    return counts


def _kind(flags: list[bool]) -> str:
    """A term made of only categorical factors, of some, or of none."""
    if flags and all(flags):
        return "categorical"
    return "mixed" if any(flags) else "other"


def _term_slices(spec: Any) -> tuple[dict[str, slice], dict[str, str]] | None:
    """Per term of a formula model: its design-matrix columns, and whether its factors are
    all categorical ("categorical"), some ("mixed": a category's slope, `C(region):x`) or
    none ("other"). Reads patsy's DesignInfo and formulaic's ModelSpec (the two engines
    statsmodels uses); None when the specification is neither."""
    if spec is None:
        return None
    factor_infos = getattr(spec, "factor_infos", None)
    names = getattr(spec, "term_name_slices", None)
    if factor_infos is not None and names is not None and hasattr(spec, "terms"):
        # patsy
        is_cat = {f: info.type == "categorical" for f, info in factor_infos.items()}
        return dict(names), {
            t.name(): _kind([is_cat.get(f, False) for f in t.factors]) for t in spec.terms
        }
    term_slices = getattr(spec, "term_slices", None)
    encoder_state = getattr(spec, "encoder_state", None)
    if term_slices is not None and encoder_state is not None:
        # formulaic; a factor without encoder state (the intercept "1") is no category
        slices: dict[str, slice] = {}
        kinds: dict[str, str] = {}
        for term, sl in term_slices.items():
            factors = [str(getattr(f, "expr", f)) for f in getattr(term, "factors", [])]
            flags = [
                str(getattr(encoder_state.get(f, (None,))[0], "value", "")) == "categorical"
                for f in factors
            ]
            slices[str(term)] = sl
            kinds[str(term)] = _kind(flags)
        return slices, kinds
    return None


def _pattern_counts(name: str, cols: pd.DataFrame) -> dict[str, int]:
    """Observations per level of a categorical term: each level of a full-rank coding is one
    pattern of the term's columns (treatment coding: one dummy at 1, or all 0 for the
    reference), whatever the contrast."""
    counts: dict[str, int] = {}
    arr = cols.to_numpy(dtype="float64")
    patterns, n = np.unique(arr, axis=0, return_counts=True)
    for pattern, k in zip(patterns, n, strict=True):
        if not pattern.any():
            label = f"{name} (reference category)"
        elif np.isin(pattern, (0.0, 1.0)).all() and pattern.sum() == 1:
            label = f"{cols.columns[int(np.argmax(pattern))]}=1"
        else:
            label = f"{name} level coded " + ",".join(f"{v:g}" for v in pattern)
        counts[label] = int(k)
    return counts


def _exclusive_groups(exog: pd.DataFrame) -> list[list[str]]:
    """Runs of adjacent 0/1 columns no observation has two of: the dummies of one category
    (as `pd.get_dummies(..., drop_first=True)` makes them) in an array model."""
    groups: list[list[str]] = []
    current: list[str] = []
    ones = np.zeros(len(exog), bool)
    for name in exog.columns:
        col = exog[name].to_numpy()
        if name not in ("const", "Intercept") and _is_indicator(col):
            hit = col == 1
            if current and not (ones & hit).any():
                current.append(name)
                ones |= hit
                continue
            if len(current) > 1:
                groups.append(current)
            current, ones = [name], hit.copy()
        else:
            if len(current) > 1:
                groups.append(current)
            current, ones = [], np.zeros(len(exog), bool)
    if len(current) > 1:
        groups.append(current)
    return groups


def _categorical_counts(result: Any, formula: str | None) -> tuple[dict[str, int], list[str]]:
    """Contributors per category of categorical regressors (the reference category too), or
    per 0/1 dummy column; and the reasons any part of this could not be worked out."""
    model = result.model
    exog = pd.DataFrame(np.asarray(model.exog), columns=list(model.exog_names))
    counts = _dummy_counts(exog)
    problems: list[str] = []
    if formula is None:
        # an array model: dummies of one category are adjacent, mutually exclusive columns;
        # the rows where all are 0 are its reference category
        for group in _exclusive_groups(exog):
            ref = int((exog[group].to_numpy() == 0).all(axis=1).sum())
            counts[f"reference of {', '.join(group)} (all 0)"] = ref
        return counts, problems
    data = getattr(model, "data", None)
    spec = getattr(data, "model_spec", None) or getattr(data, "design_info", None)
    terms = _term_slices(spec)
    if terms is None:
        problems.append(
            f"the formula's terms could not be read (specification {type(spec).__name__}): "
            "the categories of categorical regressors, their reference categories included, "
            "were not counted"
        )
        return counts, problems
    slices, kinds = terms
    for term, sl in slices.items():
        cols = exog.iloc[:, sl]
        if not cols.shape[1] or kinds.get(term) == "other":
            continue
        if kinds.get(term) == "mixed":
            # a slope per category: each coefficient rests on the observations of its level
            # (those where its column is not 0)
            for c in cols.columns:
                if f"{c}=1" not in counts:
                    counts[f"{c} (observations behind it)"] = int((cols[c] != 0).sum())
            continue
        for c in cols.columns:
            counts.pop(f"{c}=0", None)  # "not this dummy" is no group; the levels are
            counts.pop(f"{c}=1", None)
        counts.update(_pattern_counts(term, cols))
    return counts, problems


def _check(kind: str, result: Any, rules: RuleSet, formula: str | None = None) -> list[Finding]:
    found: list[Finding] = []
    dof = float(result.df_resid)
    if not np.isfinite(dof):
        found.append(
            Finding(
                rule="model_check_not_run",
                severity="review",
                values={"check": "model_dof"},
                reason="the residual degrees of freedom could not be computed",
            )
        )
    elif dof < rules.models.min_dof:
        found.append(
            Finding(
                rule="model_dof",
                severity=rules.models.severity,
                values={"residual_dof": dof, "minimum": rules.models.min_dof},
                reason=(
                    f"the model has {dof:g} residual degrees of freedom, fewer than "
                    f"{rules.models.min_dof}: it comes close to listing the data"
                ),
            )
        )
    t = rules.frequency.threshold
    counts, problems = _categorical_counts(result, formula)
    for problem in problems:
        # a check that cannot run fails closed: a person looks, the output never passes
        found.append(
            Finding(
                rule="model_check_not_run",
                severity="review",
                values={"check": "model_category"},
                reason=problem,
            )
        )
    for term, n in counts.items():
        if n < t:
            found.append(
                Finding(
                    rule="model_category",
                    severity=rules.frequency.severity,
                    cell={"term": term},
                    values={"contributors": n, "threshold": t},
                    reason=(
                        f"only {n} observations have {term}, fewer than {t}: its coefficient "
                        "describes a small group"
                    ),
                )
            )
    y = np.asarray(result.model.endog)
    if kind in ("logit", "probit") or (y.size and np.isin(y, (0.0, 1.0)).all()):
        # a binary outcome, also in a linear probability model fitted by OLS
        for value in (0, 1):
            n = int((y == value).sum())
            if n < t:
                found.append(
                    Finding(
                        rule="model_category",
                        severity=rules.frequency.severity,
                        cell={"outcome": str(value)},
                        values={"contributors": n, "threshold": t},
                        reason=f"only {n} observations have outcome {value}, fewer than {t}",
                    )
                )
    return found


def _rows_of(term: str, index: list[str]) -> list[str]:
    """The coefficient rows a category finding concerns."""
    if term.startswith("reference of ") and term.endswith(" (all 0)"):
        names = set(term[len("reference of ") : -len(" (all 0)")].split(", "))
        return [i for i in index if i in names]
    for tail in (" (reference category)", " (observations behind it)", "=1", "=0"):
        if term.endswith(tail):
            term = term[: -len(tail)]
    term = term.split(" level coded ")[0]
    return [i for i in index if i == term or i.startswith(term + "[")]


def _model_output(
    kind: str, endog: Any, exog: Any, formula: str | None, data: Any, rules: RuleSet | None
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    result = _fit(kind, endog, exog, formula, data)
    if int(result.nobs) == 0:
        raise EmptyTableError("no observations left to fit", field="data")
    found = _check(kind, result, rules, formula)
    # statsmodels gives Series for pandas input and arrays for numpy input
    ci = np.asarray(result.conf_int())
    table = pd.DataFrame(
        {
            "coef": np.asarray(result.params),
            "std_err": np.asarray(result.bse),
            "statistic": np.asarray(result.tvalues),
            "p_value": np.asarray(result.pvalues),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        },
        index=pd.Index([str(n) for n in result.model.exog_names]),
    )
    table.index.name = "term"
    notes = pd.DataFrame("ok", index=table.index, columns=table.columns)
    model_wide = [f.rule for f in found if f.cell is None]
    if model_wide:
        notes[:] = "; ".join(model_wide)
    for f in found:
        if f.cell and "term" in f.cell:
            hits = _rows_of(f.cell["term"], list(table.index))
            for i in hits:
                for col in notes.columns:
                    old = str(notes.loc[i, col])
                    notes.loc[i, col] = f.rule if old == "ok" else f"{old}; {f.rule}"
    request = {
        "method": kind,
        "formula": formula,
        "nobs": int(result.nobs),
        "residual_dof": float(result.df_resid),
    }
    return CheckedOutput.judged("model", table, notes, found, rules, request)


class ModelCheck(Protocol):
    """A checked regression called the statsmodels way: `(endog, exog)` or `formula=, data=`."""

    def __call__(
        self,
        endog: Any = None,
        exog: Any = None,
        *,
        formula: str | None = None,
        data: Any = None,
        rules: RuleSet | None = None,
    ) -> CheckedOutput: ...


class FormulaCheck(Protocol):
    """A checked regression called ACRO's formula way: `(formula, data)`."""

    def __call__(
        self, formula: str, data: Any, *, rules: RuleSet | None = None
    ) -> CheckedOutput: ...


def _model_check(method: str) -> ModelCheck:
    """The checked `method` ("ols", "logit", "probit") in statsmodels' call shapes."""

    def check(
        endog: Any = None,
        exog: Any = None,
        *,
        formula: str | None = None,
        data: Any = None,
        rules: RuleSet | None = None,
    ) -> CheckedOutput:
        return _model_output(method, endog, exog, formula, data, rules)

    check.__name__ = check.__qualname__ = method
    check.__doc__ = f"Fit `{method}` from endog and exog or from a formula and data, and check it."
    return check


def _formula_check(method: str) -> FormulaCheck:
    """ACRO's formula form of the checked `method`, named `method` + "r"."""

    def check(formula: str, data: Any, *, rules: RuleSet | None = None) -> CheckedOutput:
        return _model_output(method, None, None, formula, data, rules)

    check.__name__ = check.__qualname__ = f"{method}r"
    check.__doc__ = f'ACRO\'s formula form of `{method}`: `{method}r("y ~ x + C(region)", df)`.'
    return check


ols, logit, probit = _model_check("ols"), _model_check("logit"), _model_check("probit")
olsr, logitr, probitr = _formula_check("ols"), _formula_check("logit"), _formula_check("probit")
