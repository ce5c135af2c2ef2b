"""Linking external data (R15), free of Django: external files (CSV, Parquet, Stata, SPSS,
SAS) read within limits, told by content, validated and written as Parquet keyed by person
number (`ExternalTable`, which extraction reads), with a report that counts and never lists
identifiers; and distributed linking (seed 004): scrambling-key files of person number and
random serial for a data owner, the owner's data accepted by serial, the key file expired and
deleted."""

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.external import (
    ExternalData,
    RawTable,
    check_table_name,
    link_external,
    read_external,
    read_raw,
)
from fivesafes.linkage.limits import Limits
from fivesafes.linkage.output import remove_partials
from fivesafes.linkage.paths import delete_upload, safe_source
from fivesafes.linkage.report import ColumnReport, ExternalReport, SerialCounts
from fivesafes.linkage.scrambling import (
    ScramblingKey,
    accept_serial_data,
    delete_scrambling_key,
    draw_serials,
    expire_scrambling_keys,
    issue_scrambling_key,
    load_scrambling_key,
)
from fivesafes.linkage.tables import ExternalTable

__all__ = [
    "ColumnReport",
    "ExternalData",
    "ExternalDataError",
    "ExternalReport",
    "ExternalTable",
    "Limits",
    "RawTable",
    "ScramblingKey",
    "SerialCounts",
    "accept_serial_data",
    "check_table_name",
    "delete_upload",
    "delete_scrambling_key",
    "draw_serials",
    "expire_scrambling_keys",
    "issue_scrambling_key",
    "link_external",
    "load_scrambling_key",
    "read_external",
    "read_raw",
    "remove_partials",
    "safe_source",
]
