"""`/api/v1/catalogue/...`: registers and variables with their code lists. Public, metadata only.

It reads through `fivesafes.data.queries`, like the catalogue pages. `/variables` pages with
`limit`/`offset` and answers the total (`shared.api.Paging`); every number a query names is
bounded, so a malformed request is a 422 in the one error format, never a server error.
(No postponed annotations here: ninja reads `Query[FiltersIn]` when the module loads.)
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fivesafes.api.security import api_public
from fivesafes.data import queries
from fivesafes.data.models import CatalogueCode, CatalogueRegister, CatalogueVariable
from fivesafes.data.queries import FIRST_YEAR, LAST_YEAR, Filters
from fivesafes.shared.api import ErrorOut, Paging

router = Router(auth=None)


class FiltersIn(Schema):
    """The search of the catalogue pages: words and filters (a year is bounded)."""

    q: str = ""
    unit_type: str = ""
    temporality: str = ""
    subject_area: str = ""
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    sensitivity: str = ""

    def parsed(self) -> Filters:
        return Filters.parse(**self.model_dump())


class RegisterOut(Schema):
    short_name: str
    version: str
    title_en: str
    title_da: str
    subject_area: str
    unit_type: str
    temporality: str
    first_year: int
    last_year: int


class CodeOut(Schema):
    code: str
    label_en: str
    label_da: str
    valid_from: str
    valid_until: str | None
    level: int | None
    parent: str
    is_sentinel: bool

    @staticmethod
    def resolve_valid_from(code: CatalogueCode) -> str:
        return code.valid_from.isoformat()

    @staticmethod
    def resolve_valid_until(code: CatalogueCode) -> str | None:
        return code.valid_until.isoformat() if code.valid_until else None


class CatalogueVariableOut(Schema):
    register_name: str
    name: str
    label_en: str
    label_da: str
    data_type: str
    role: str
    links_to: str
    sensitivity: list[str]

    @staticmethod
    def resolve_register_name(variable: CatalogueVariable) -> str:
        return variable.version.register.short_name

    @staticmethod
    def resolve_sensitivity(variable: CatalogueVariable) -> list[str]:
        return variable.sensitivity_labels


class VariableDetailOut(CatalogueVariableOut):
    description_en: str
    description_da: str
    unit_of_measure: str
    code_list_name: str
    codes: list[CodeOut]

    @staticmethod
    def resolve_codes(variable: CatalogueVariable) -> list[CatalogueCode]:
        return list(variable.codes.all())


class TextOut(Schema):
    en: str
    da: str


class VersionOut(Schema):
    version: str
    imported_at: str


class RegisterDetailOut(RegisterOut):
    description_en: str
    description_da: str
    data_owner: str
    owner_is_office: bool
    quality: dict[str, TextOut]
    versions: list[VersionOut]
    variables: list[CatalogueVariableOut]


def _register(r: CatalogueRegister) -> RegisterOut:
    v = r.current
    return RegisterOut(
        short_name=r.short_name,
        version=v.version,
        title_en=v.title_en,
        title_da=v.title_da,
        subject_area=r.subject_area,
        unit_type=r.unit_type,
        temporality=v.temporality,
        first_year=v.first_year,
        last_year=v.last_year,
    )


@router.get(
    "/registers",
    response={200: list[RegisterOut], 422: ErrorOut},
    summary="Registers, optionally searched",
)
@api_public
def registers(request: HttpRequest, filters: Query[FiltersIn]) -> list[RegisterOut]:
    return [_register(r) for r in queries.search_registers(filters.parsed())]


@router.get(
    "/registers/{short_name}",
    response={200: RegisterDetailOut, 404: ErrorOut},
    summary="One register: documentation, quality declaration, versions and variables",
)
@api_public
def register(request: HttpRequest, short_name: str) -> dict[str, Any]:
    reg = queries.current_register(short_name)
    current = queries.shown_version(reg)
    return {
        **_register(reg).model_dump(),
        "description_en": current.description_en,
        "description_da": current.description_da,
        "data_owner": current.data_owner,
        "owner_is_office": current.owner_is_office,
        "quality": current.source.document["qualityDeclaration"],
        "versions": [
            {"version": v.version, "imported_at": v.imported_at.isoformat()}
            for v in queries.versions_of(reg).only("version", "imported_at")
        ],
        "variables": list(queries.variables_of(current)),
    }


@router.get(
    "/variables",
    response={200: list[CatalogueVariableOut], 422: ErrorOut},
    summary="Search variables by words",
)
@api_public
@paginate(Paging)
def variables(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    """The variables in register and position order, `limit` a page from `offset`, with the
    total in `count`."""
    return queries.find_variables(filters.parsed())


@router.get(
    "/registers/{short_name}/variables/{name}",
    response={200: VariableDetailOut, 404: ErrorOut},
    summary="One variable with its code list",
)
@api_public
def variable(request: HttpRequest, short_name: str, name: str) -> CatalogueVariable:
    register = queries.current_register(short_name)
    return queries.variable_of(queries.shown_version(register), name)
