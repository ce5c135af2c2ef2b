"""`/api/v1/catalogue/...`: registers and variables with their code lists. Public, metadata only."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from fivesafes.api.security import api_public
from fivesafes.data.catalogue.search import Filters, search_registers, search_variables
from fivesafes.data.models import CatalogueRegister, CatalogueVariable

router = Router(auth=None)
MAX_VARIABLES = 1000  # per answer of /variables


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


class VariableOut(Schema):
    register_name: str
    name: str
    label_en: str
    label_da: str
    data_type: str
    role: str
    links_to: str
    sensitivity: list[str]


class VariableDetailOut(VariableOut):
    description_en: str
    description_da: str
    unit_of_measure: str
    code_list_name: str
    codes: list[CodeOut]


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
    variables: list[VariableOut]


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


def _variable(v: CatalogueVariable) -> dict:
    return {
        "register_name": v.version.register.short_name,
        "name": v.name,
        "label_en": v.label_en,
        "label_da": v.label_da,
        "data_type": v.data_type,
        "role": v.role,
        "links_to": v.links_to,
        "sensitivity": v.sensitivity_labels,
    }


@router.get("/registers", response=list[RegisterOut], summary="Registers, optionally searched")
@api_public
def registers(
    request: HttpRequest,
    q: str = "",
    unit_type: str = "",
    temporality: str = "",
    subject_area: str = "",
    year: int | None = None,
    sensitivity: str = "",
) -> list[RegisterOut]:
    filters = Filters.parse(
        q=q,
        unit_type=unit_type,
        temporality=temporality,
        subject_area=subject_area,
        year=year,
        sensitivity=sensitivity,
    )
    return [_register(r) for r in search_registers(filters)]


@router.get(
    "/registers/{short_name}",
    response=RegisterDetailOut,
    summary="One register: documentation, quality declaration, versions and variables",
)
@api_public
def register(request: HttpRequest, short_name: str) -> dict:
    reg = get_object_or_404(
        CatalogueRegister.objects.select_related("current"),
        short_name=short_name,
        current__isnull=False,
    )
    current = reg.current
    variables = current.variables.select_related("version__register")
    return {
        **_register(reg).model_dump(),
        "description_en": current.description_en,
        "description_da": current.description_da,
        "data_owner": current.data_owner,
        "owner_is_office": current.owner_is_office,
        "quality": current.source.document["qualityDeclaration"],
        "versions": [
            {"version": v.version, "imported_at": v.imported_at.isoformat()}
            for v in reg.versions.order_by("-imported_at").only("version", "imported_at")
        ],
        "variables": [_variable(v) for v in variables],
    }


@router.get("/variables", response=list[VariableOut], summary="Search variables by words")
@api_public
def variables(
    request: HttpRequest,
    q: str = "",
    unit_type: str = "",
    temporality: str = "",
    subject_area: str = "",
    year: int | None = None,
    sensitivity: str = "",
    offset: int = Query(0, ge=0),
    limit: int = Query(200, ge=1, le=MAX_VARIABLES),
) -> list[dict]:
    """At most `limit` variables in register and position order; page on with `offset`."""
    filters = Filters.parse(
        q=q,
        unit_type=unit_type,
        temporality=temporality,
        subject_area=subject_area,
        year=year,
        sensitivity=sensitivity,
    )
    return [_variable(v) for v in search_variables(filters, limit=limit, offset=offset)]


@router.get(
    "/registers/{short_name}/variables/{name}",
    response=VariableDetailOut,
    summary="One variable with its code list",
)
@api_public
def variable(request: HttpRequest, short_name: str, name: str) -> dict:
    reg = get_object_or_404(CatalogueRegister, short_name=short_name, current__isnull=False)
    var = get_object_or_404(
        CatalogueVariable.objects.select_related("version__register"),
        version=reg.current,
        name=name,
    )
    codes = [
        {
            "code": c.code,
            "label_en": c.label_en,
            "label_da": c.label_da,
            "valid_from": c.valid_from.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "level": c.level,
            "parent": c.parent,
            "is_sentinel": c.is_sentinel,
        }
        for c in var.codes.all()
    ]
    return {
        **_variable(var),
        "description_en": var.description_en,
        "description_da": var.description_da,
        "unit_of_measure": var.unit_of_measure,
        "code_list_name": var.code_list_name,
        "codes": codes,
    }
