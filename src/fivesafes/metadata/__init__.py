"""Register metadata, framework-free: the model, the JSON format, versions and data verification.

The Django catalogue layer calls:
- `load_registers(paths)` -> list[Register], or raises `MetadataError` (`.issues`: file, JSON path, reason);
- `fingerprint(register)` to recognise an unchanged file on re-import;
- `version_change(old, new)` / `check_new_version(old, new)` / `next_version(v, bump)` for revisions;
- `verify_register(register, data_dir)` -> `VerificationReport` (`.ok`, `.to_text()`, `.to_json()`).
"""

from fivesafes.metadata.codec import (
    fingerprint,
    register_from_dict,
    register_to_dict,
    register_to_json,
)
from fivesafes.metadata.loader import (
    MetadataError,
    MetadataIssue,
    check_document,
    load_register,
    load_registers,
)
from fivesafes.metadata.model import (
    Code,
    CodeList,
    DataOwner,
    DataType,
    QualityDeclaration,
    Register,
    Role,
    Sensitivity,
    Sentinel,
    SubjectArea,
    Temporality,
    Text,
    TimeCoverage,
    UnitType,
    UpdateFrequency,
    ValueDomain,
    Variable,
)
from fivesafes.metadata.unittypes import UNIT_TYPES
from fivesafes.metadata.verify import (
    VerificationReport,
    Violation,
    register_data_dir,
    verify_register,
)
from fivesafes.metadata.versioning import (
    Bump,
    VersionChange,
    check_new_version,
    next_version,
    version_change,
)

__all__ = [
    "UNIT_TYPES",
    "Bump",
    "Code",
    "CodeList",
    "DataOwner",
    "DataType",
    "MetadataError",
    "MetadataIssue",
    "QualityDeclaration",
    "Register",
    "Role",
    "Sensitivity",
    "Sentinel",
    "SubjectArea",
    "Temporality",
    "Text",
    "TimeCoverage",
    "UnitType",
    "UpdateFrequency",
    "ValueDomain",
    "Variable",
    "VerificationReport",
    "VersionChange",
    "Violation",
    "check_document",
    "check_new_version",
    "fingerprint",
    "load_register",
    "load_registers",
    "next_version",
    "register_data_dir",
    "register_from_dict",
    "register_to_dict",
    "register_to_json",
    "verify_register",
    "version_change",
]
