"""Regression outputs (OLS, logit, probit) fitted with statsmodels and checked.

Rules: residual degrees of freedom at least `models.min_dof`; the minimum-frequency rule on
every category of a categorical regressor (and every dummy column) and on both values of a
binary outcome (also when OLS fits one: a linear probability model). Call shapes follow
statsmodels and ACRO: `ols(endog, exog)` or `ols(formula="y ~ x + C(region)", data=df)`,
and ACRO's formula forms `olsr(formula, data)`; likewise `logit`/`logitr`, `probit`/`probitr`.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from .config import DEFAULT_RULES, RuleSet
from .errors import EmptyTableError, NonFiniteValueError, SdcInputError
from .findings import Finding
from .output import CheckedOutput


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
            model = cls(endog, exog, missing="drop")
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


def _categorical_counts(result: Any) -> dict[str, int]:
    """Contributors per category of categorical regressors, or per 0/1 dummy column."""
    counts: dict[str, int] = {}
    model = result.model
    exog = pd.DataFrame(model.exog, columns=model.exog_names)
    for name in exog.columns:
        col = exog[name].to_numpy()
        if name in ("const", "Intercept"):
            continue
        uniq = np.unique(col)
        if len(uniq) <= 2 and np.all(np.isin(uniq, (0.0, 1.0))):
            counts[f"{name}=1"] = int((col == 1).sum())
            counts[f"{name}=0"] = int((col == 0).sum())
    # the reference category of each categorical term: rows where all its dummies are 0
    info = getattr(getattr(model, "data", None), "design_info", None)
    if info is not None:
        for term, sl in info.term_name_slices.items():
            cols = exog.iloc[:, sl]
            if (
                cols.shape[1]
                and all(f"{c}=1" in counts for c in cols.columns)
                and term != "Intercept"
            ):
                ref = int((cols.to_numpy().sum(axis=1) == 0).sum())
                if ref < len(exog):
                    counts[f"{term} (reference category)"] = ref
                for c in cols.columns:
                    counts.pop(f"{c}=0", None)
    return counts


def _check(kind: str, result: Any, rules: RuleSet) -> list[Finding]:
    found: list[Finding] = []
    dof = float(result.df_resid)
    if dof < rules.models.min_dof:
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
    for term, n in _categorical_counts(result).items():
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


def _model_output(
    kind: str, endog: Any, exog: Any, formula: str | None, data: Any, rules: RuleSet | None
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    result = _fit(kind, endog, exog, formula, data)
    if int(result.nobs) == 0:
        raise EmptyTableError("no observations left to fit", field="data")
    found = _check(kind, result, rules)
    ci = result.conf_int()
    table = pd.DataFrame(
        {
            "coef": result.params,
            "std_err": result.bse,
            "statistic": result.tvalues,
            "p_value": result.pvalues,
            "ci_low": ci.iloc[:, 0],
            "ci_high": ci.iloc[:, 1],
        }
    )
    table.index.name = "term"
    notes = pd.DataFrame("ok", index=table.index, columns=table.columns)
    model_wide = [f.rule for f in found if f.cell is None]
    if model_wide:
        notes[:] = "; ".join(model_wide)
    for f in found:
        if f.cell and "term" in f.cell:
            term = f.cell["term"].split("=")[0].replace(" (reference category)", "")
            hits = [i for i in table.index if str(i) == term or str(i).startswith(term + "[")]
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
