"""Dates as integer days since 1970-01-01, and the period the synthetic register base covers."""

from __future__ import annotations

import datetime as dt

import numpy as np

FIRST_YEAR = 1980
LAST_YEAR = 2025
YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
DAYS_PER_YEAR = 365.2425


def day(year: int, month: int = 1, dom: int = 1) -> int:
    """Days since 1970-01-01 of a calendar date."""
    return int(
        (
            np.datetime64(f"{year:04d}-{month:02d}-{dom:02d}", "D")
            - np.datetime64("1970-01-01", "D")
        ).astype(np.int64)
    )


START = day(FIRST_YEAR)  # 1980-01-01
END = day(LAST_YEAR, 12, 31)  # last day covered
LAST_DAY = END
FIRST_BIRTH_DAY = day(1870)


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) arrays of day numbers."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def _calendar_year(days: np.ndarray) -> np.ndarray:
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


_TABLE_FROM = day(1850)
_YEAR_TABLE = _calendar_year(np.arange(_TABLE_FROM, day(2100))).astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of day numbers (a table lookup for 1850-2099, the calendar outside)."""
    d = np.asarray(days)
    idx = d - _TABLE_FROM
    if d.size and (idx.min() < 0 or idx.max() >= len(_YEAR_TABLE)):
        return _calendar_year(d)
    return _YEAR_TABLE[idx]


_JAN1 = (
    (np.arange(1850, 2101) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
)


def year_start(years: np.ndarray) -> np.ndarray:
    """Day number of 1 January of each year (1850-2100)."""
    return _JAN1[np.asarray(years) - 1850]


def age_years(birth: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Completed years of age on a date (approximate to a day around birthdays in leap years)."""
    return np.floor((np.asarray(on) - birth) / DAYS_PER_YEAR).astype(np.int64)


EPOCH_DATE = dt.date(1970, 1, 1)
