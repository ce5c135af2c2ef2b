"""Invented but realistic code lists for the synthetic registers.

Municipalities with a 2007 reform (old codes valid until 2006-12-31, merged into new ones) under
five regions; ISCED-like education levels; NACE-like industries (section > division); ISCO-like
occupations (major > sub-major > unit group); ATC-like drugs in five levels; ICD-10-like diagnoses
(chapter > category > subcategory, Danish "D" prefix); countries of birth. The structure and the
frequencies are realistic, the names and lower-level labels invented. Every list is built with a
fixed random generator, so it is the same whatever seed the registers are generated with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np

from fivesafes.metadata.model import Code, CodeList, Text

EPOCH = dt.date(1970, 1, 1)
REFORM = dt.date(2007, 1, 1)
BEFORE_REFORM = dt.date(2006, 12, 31)


def _code(
    code: str,
    en: str,
    da: str,
    *,
    level: int | None = None,
    parent: str | None = None,
    valid_from: dt.date = EPOCH,
    valid_until: dt.date | None = None,
) -> Code:
    return Code(code, Text(en, da), valid_from, valid_until, level, parent)


def zipf_weights(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Zipf-like probabilities over n items in a random order (so that rare items exist)."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    rng.shuffle(w)
    return w / w.sum()


# -- municipalities -------------------------------------------------------------------------


@dataclass(frozen=True)
class Municipalities:
    code_list: CodeList
    new_codes: np.ndarray  # code per new municipality (valid from 2007)
    old_codes: np.ndarray  # (n_new, 4) predecessor codes valid until 2006, '' where none
    n_old: np.ndarray  # number of predecessors per new municipality
    weight: np.ndarray  # share of the population living there
    region: np.ndarray  # region code per new municipality


_PREFIX = [
    "Nørre",
    "Søndre",
    "Øster",
    "Vester",
    "Ny",
    "Gammel",
    "Lille",
    "Store",
    "Hede",
    "Skov",
    "Strand",
    "Bakke",
    "Mose",
    "Enge",
    "Fjord",
    "Å",
    "Lyng",
    "Kær",
    "Sø",
    "Holme",
]
_SUFFIX = [
    "by",
    "havn",
    "lev",
    "rup",
    "sted",
    "bjerg",
    "holm",
    "borg",
    "løse",
    "vig",
    "inge",
    "ager",
]
REGIONS = [
    ("1081", "North Region", "Region Nord"),
    ("1082", "Central Region", "Region Midt"),
    ("1083", "South Region", "Region Syd"),
    ("1084", "Capital Region", "Region Hovedstad"),
    ("1085", "Zealand Region", "Region Sjælland"),
]


@cache
def municipalities() -> Municipalities:
    rng = np.random.default_rng(1007)
    n_new = 40
    names = [
        f"{_PREFIX[i % len(_PREFIX)]}{_SUFFIX[(i * 7) % len(_SUFFIX)]}" for i in range(n_new + 120)
    ]
    codes: list[Code] = [_code(c, f"{en}", da, level=1) for c, en, da in REGIONS]
    new_codes, regions, weights = [], [], []
    old = np.full((n_new, 4), "", dtype=object)
    n_old = np.zeros(n_new, dtype=np.int64)
    name_i = n_new
    for i in range(n_new):
        code = f"{101 + i * 20:03d}" if i < 40 else f"{900 + i}"
        region = REGIONS[i % 5][0] if i else "1084"
        weight = (
            12.0
            if i == 0
            else (4.0 if i < 4 else (0.03 if i in (37, 38, 39) else float(rng.uniform(0.5, 2.0))))
        )
        k = 1 if i in (0, 37, 38, 39) else int(rng.integers(1, 5))
        n_old[i] = k if k > 1 else 0
        name = names[i]
        if k == 1:  # unchanged by the reform
            codes.append(
                _code(code, f"{name} Municipality", f"{name} Kommune", level=2, parent=region)
            )
        else:
            codes.append(
                _code(
                    code,
                    f"{name} Municipality",
                    f"{name} Kommune",
                    level=2,
                    parent=region,
                    valid_from=REFORM,
                )
            )
            for j in range(k):
                old_code = f"{int(code) + 1 + j:03d}"
                old_name = names[name_i]
                name_i += 1
                old[i, j] = old_code
                codes.append(
                    _code(
                        old_code,
                        f"{old_name} Municipality (until 2006)",
                        f"{old_name} Kommune (til 2006)",
                        level=2,
                        parent=region,
                        valid_until=BEFORE_REFORM,
                    )
                )
        new_codes.append(code)
        regions.append(region)
        weights.append(weight)
    w = np.array(weights)
    return Municipalities(
        CodeList("municipality", tuple(codes)),
        np.array(new_codes, dtype=object),
        old,
        n_old,
        w / w.sum(),
        np.array(regions, dtype=object),
    )


# -- education --------------------------------------------------------------------------------

ISCED = [
    ("10", "Primary education", "Grundskole, 1.-6. klasse"),
    ("20", "Lower secondary education", "Grundskole, 7.-10. klasse"),
    ("34", "General upper secondary education", "Gymnasial uddannelse"),
    ("35", "Vocational upper secondary education", "Erhvervsfaglig uddannelse"),
    ("54", "Short-cycle tertiary education", "Kort videregående uddannelse"),
    ("64", "Bachelor's or equivalent level", "Bachelor eller mellemlang videregående uddannelse"),
    ("74", "Master's or equivalent level", "Kandidat eller lang videregående uddannelse"),
    ("84", "Doctoral or equivalent level", "Ph.d. eller tilsvarende"),
]
EDUCATION_UNKNOWN = "99"


def education_code_list() -> CodeList:
    return CodeList("isced_level", tuple(_code(c, en, da, level=1) for c, en, da in ISCED))


# -- industries and occupations -------------------------------------------------------------------

INDUSTRY_SECTIONS = [
    ("A", "Agriculture, forestry and fishing", "Landbrug, skovbrug og fiskeri", ["01", "02", "03"]),
    ("B", "Mining and quarrying", "Råstofindvinding", ["05", "06", "08"]),
    ("C", "Manufacturing", "Industri", ["10", "11", "12", "16", "20", "21", "25", "28", "31"]),
    ("D", "Energy supply", "Energiforsyning", ["35"]),
    ("F", "Construction", "Bygge og anlæg", ["41", "43"]),
    ("G", "Trade", "Handel", ["45", "46", "47"]),
    ("H", "Transport", "Transport", ["49", "50", "52"]),
    ("I", "Accommodation and food", "Hoteller og restauranter", ["55", "56"]),
    ("J", "Information and communication", "Information og kommunikation", ["58", "62"]),
    ("K", "Finance and insurance", "Finansiering og forsikring", ["64", "65"]),
    ("M", "Professional services", "Videnservice", ["69", "71", "72"]),
    (
        "N",
        "Administrative services",
        "Rejsebureauer, rengøring og anden operationel service",
        ["78", "81"],
    ),
    ("O", "Public administration", "Offentlig administration", ["84"]),
    ("P", "Education", "Undervisning", ["85"]),
    ("Q", "Health and social work", "Sundhed og socialvæsen", ["86", "87", "88"]),
    ("R", "Arts and recreation", "Kultur og fritid", ["90", "93"]),
    ("S", "Other services", "Andre serviceydelser", ["94", "96"]),
]


@dataclass(frozen=True)
class Hierarchy:
    """A hierarchical code list and the leaf codes data are drawn from."""

    code_list: CodeList
    leaves: np.ndarray  # leaf codes (object array of str)
    leaf_group: np.ndarray  # index of each leaf's top-level group
    weights: np.ndarray  # default frequency of each leaf


@cache
def industries() -> Hierarchy:
    rng = np.random.default_rng(2007)
    codes, leaves, group = [], [], []
    for gi, (section, en, da, divisions) in enumerate(INDUSTRY_SECTIONS):
        codes.append(_code(section, en, da, level=1))
        for d in divisions:
            codes.append(
                _code(d, f"{en}: division {d}", f"{da}: hovedgruppe {d}", level=2, parent=section)
            )
            leaves.append(d)
            group.append(gi)
    w = zipf_weights(len(leaves), 0.9, rng)
    for rare in ("05", "06", "12"):  # coal, oil and tobacco: a handful of enterprises
        w[leaves.index(rare)] = 0.0005
    return Hierarchy(
        CodeList("industry", tuple(codes)),
        np.array(leaves, dtype=object),
        np.array(group),
        w / w.sum(),
    )


OCCUPATION_MAJOR = [
    ("1", "Managers", "Ledere"),
    ("2", "Professionals", "Akademisk arbejde"),
    ("3", "Technicians and associate professionals", "Arbejde der kræver viden på mellemniveau"),
    ("4", "Clerical support workers", "Almindeligt kontor- og kundeservicearbejde"),
    ("5", "Service and sales workers", "Service- og salgsarbejde"),
    ("6", "Agricultural and fishery workers", "Arbejde inden for landbrug og fiskeri"),
    ("7", "Craft and trades workers", "Håndværkspræget arbejde"),
    ("8", "Plant and machine operators", "Operatør- og monteringsarbejde"),
    ("9", "Elementary occupations", "Andet manuelt arbejde"),
]


@cache
def occupations() -> Hierarchy:
    rng = np.random.default_rng(2008)
    codes, leaves, group = [], [], []
    for gi, (major, en, da) in enumerate(OCCUPATION_MAJOR):
        codes.append(_code(major, en, da, level=1))
        for s in range(1, 4):
            sub = f"{major}{s}"
            codes.append(
                _code(
                    sub,
                    f"{en}, sub-major group {sub}",
                    f"{da}, undergruppe {sub}",
                    level=2,
                    parent=sub[0],
                )
            )
            for u in range(1, int(rng.integers(2, 6))):
                unit = f"{sub}{u}0"
                codes.append(
                    _code(
                        unit,
                        f"{en}, unit group {unit}",
                        f"{da}, enhedsgruppe {unit}",
                        level=3,
                        parent=sub,
                    )
                )
                leaves.append(unit)
                group.append(gi)
    return Hierarchy(
        CodeList("occupation", tuple(codes)),
        np.array(leaves, dtype=object),
        np.array(group),
        zipf_weights(len(leaves), 1.0, rng),
    )


# -- drugs (ATC-like) --------------------------------------------------------------------------------

ATC_GROUPS = [
    ("A", "Alimentary tract and metabolism", "Fordøjelse og stofskifte", 1.6),
    ("B", "Blood", "Blod og bloddannende organer", 0.8),
    ("C", "Cardiovascular system", "Hjerte og kredsløb", 2.2),
    ("D", "Dermatologicals", "Hudmidler", 0.7),
    ("G", "Genito-urinary system and sex hormones", "Urogenitalsystem og kønshormoner", 0.8),
    ("H", "Systemic hormonal preparations", "Hormoner til systemisk brug", 0.4),
    ("J", "Anti-infectives for systemic use", "Infektionsmidler til systemisk brug", 1.8),
    (
        "L",
        "Antineoplastic and immunomodulating agents",
        "Antineoplastiske og immunmodulerende midler",
        0.15,
    ),
    ("M", "Musculo-skeletal system", "Muskler, led og knogler", 0.9),
    ("N", "Nervous system", "Nervesystemet", 2.0),
    ("P", "Antiparasitic products", "Antiparasitære midler", 0.05),
    ("R", "Respiratory system", "Respirationsorganer", 1.2),
    ("S", "Sensory organs", "Sanseorganer", 0.4),
    ("V", "Various", "Diverse", 0.02),
]


def _hierarchy_5(
    rng: np.random.Generator,
    name: str,
    groups: list[tuple[str, str, str, float]],
    n_sub: tuple[int, int],
    exponent: float,
) -> Hierarchy:
    codes, leaves, group, base = [], [], [], []
    letters = "ABCDEFGHJKLMNPX"
    for gi, (g, en, da, weight) in enumerate(groups):
        codes.append(_code(g, en, da, level=1))
        for l2 in sorted(
            rng.choice(np.arange(1, 20), size=int(rng.integers(*n_sub)), replace=False)
        ):
            c2 = f"{g}{l2:02d}"
            codes.append(
                _code(
                    c2,
                    f"{en}: therapeutic group {c2}",
                    f"{da}: terapeutisk gruppe {c2}",
                    level=2,
                    parent=g,
                )
            )
            for l3 in letters[: int(rng.integers(1, 4))]:
                c3 = f"{c2}{l3}"
                codes.append(
                    _code(
                        c3,
                        f"Pharmacological group {c3}",
                        f"Farmakologisk gruppe {c3}",
                        level=3,
                        parent=c2,
                    )
                )
                for l4 in letters[: int(rng.integers(1, 3))]:
                    c4 = f"{c3}{l4}"
                    codes.append(
                        _code(c4, f"Chemical group {c4}", f"Kemisk gruppe {c4}", level=4, parent=c3)
                    )
                    for l5 in range(1, int(rng.integers(2, 6))):
                        c5 = f"{c4}{l5:02d}"
                        codes.append(_code(c5, f"Substance {c5}", f"Stof {c5}", level=5, parent=c4))
                        leaves.append(c5)
                        group.append(gi)
                        base.append(weight)
    w = zipf_weights(len(leaves), exponent, rng) * np.array(base)
    return Hierarchy(
        CodeList(name, tuple(codes)), np.array(leaves, dtype=object), np.array(group), w / w.sum()
    )


@cache
def atc() -> Hierarchy:
    return _hierarchy_5(np.random.default_rng(1995), "atc", ATC_GROUPS, (2, 5), 1.1)


# -- diagnoses (ICD-10-like) -------------------------------------------------------------------------

ICD_CHAPTERS = [  # roman numeral, first letters, English, Danish, weight in hospital contacts
    ("I", "AB", "Infectious diseases", "Infektionssygdomme", 0.03),
    ("II", "C", "Neoplasms", "Svulster", 0.07),
    (
        "IV",
        "E",
        "Endocrine and metabolic diseases",
        "Endokrine sygdomme og stofskiftesygdomme",
        0.04,
    ),
    (
        "V",
        "F",
        "Mental and behavioural disorders",
        "Psykiske lidelser og adfærdsmæssige forstyrrelser",
        0.05,
    ),
    ("VI", "G", "Diseases of the nervous system", "Sygdomme i nervesystemet", 0.03),
    ("VII", "H", "Diseases of the eye and ear", "Sygdomme i øje og øre", 0.04),
    ("IX", "I", "Diseases of the circulatory system", "Sygdomme i kredsløbsorganer", 0.09),
    ("X", "J", "Diseases of the respiratory system", "Sygdomme i åndedrætsorganer", 0.06),
    ("XI", "K", "Diseases of the digestive system", "Sygdomme i fordøjelsesorganer", 0.07),
    (
        "XIII",
        "M",
        "Diseases of the musculoskeletal system",
        "Sygdomme i knogler, muskler og bindevæv",
        0.08,
    ),
    ("XIV", "N", "Diseases of the genitourinary system", "Sygdomme i urin- og kønsorganer", 0.05),
    ("XV", "O", "Pregnancy and childbirth", "Graviditet, fødsel og barsel", 0.06),
    ("XVIII", "R", "Symptoms and abnormal findings", "Symptomer og abnorme fund", 0.09),
    ("XIX", "ST", "Injury and poisoning", "Læsioner og forgiftninger", 0.1),
    ("XX", "VWXY", "External causes", "Ydre årsager", 0.005),
    (
        "XXI",
        "Z",
        "Factors influencing health status",
        "Faktorer af betydning for helbredstilstand",
        0.135,
    ),
]


@cache
def icd10() -> Hierarchy:
    rng = np.random.default_rng(1994)
    codes, leaves, group, base = [], [], [], []
    for gi, (roman, letters, en, da, weight) in enumerate(ICD_CHAPTERS):
        codes.append(_code(roman, f"Chapter {roman}: {en}", f"Kapitel {roman}: {da}", level=1))
        cats = sorted(
            {
                f"{letters[int(rng.integers(len(letters)))]}{int(n):02d}"
                for n in rng.choice(100, size=12, replace=False)
            }
        )
        for cat in cats:
            c2 = f"D{cat}"
            codes.append(
                _code(c2, f"{en}: category {cat}", f"{da}: kategori {cat}", level=2, parent=roman)
            )
            for sub in range(int(rng.integers(1, 5))):
                c3 = f"{c2}{sub}"
                codes.append(
                    _code(c3, f"{en}: {cat}.{sub}", f"{da}: {cat}.{sub}", level=3, parent=c2)
                )
                leaves.append(c3)
                group.append(gi)
                base.append(weight)
    leaf_group = np.array(group)
    w = zipf_weights(len(leaves), 1.2, rng)
    for gi in range(len(ICD_CHAPTERS)):  # chapter shares as given, Zipf within each chapter
        sel = leaf_group == gi
        w[sel] = w[sel] / w[sel].sum() * ICD_CHAPTERS[gi][4]
    return Hierarchy(
        CodeList("icd10", tuple(codes)), np.array(leaves, dtype=object), leaf_group, w / w.sum()
    )


def icd_chapter_index(roman: str) -> int:
    return [c[0] for c in ICD_CHAPTERS].index(roman)


# -- countries -------------------------------------------------------------------------------------

COUNTRIES = [
    ("DNK", "Denmark", "Danmark", 0.0),
    ("TUR", "Türkiye", "Tyrkiet", 0.1),
    ("POL", "Poland", "Polen", 0.1),
    ("SYR", "Syria", "Syrien", 0.07),
    ("DEU", "Germany", "Tyskland", 0.07),
    ("ROU", "Romania", "Rumænien", 0.06),
    ("IRQ", "Iraq", "Irak", 0.05),
    ("NOR", "Norway", "Norge", 0.05),
    ("SWE", "Sweden", "Sverige", 0.05),
    ("UKR", "Ukraine", "Ukraine", 0.05),
    ("BIH", "Bosnia and Herzegovina", "Bosnien-Hercegovina", 0.04),
    ("LBN", "Lebanon", "Libanon", 0.03),
    ("PAK", "Pakistan", "Pakistan", 0.03),
    ("SOM", "Somalia", "Somalia", 0.03),
    ("IRN", "Iran", "Iran", 0.03),
    ("AFG", "Afghanistan", "Afghanistan", 0.03),
    ("GBR", "United Kingdom", "Storbritannien", 0.03),
    ("LTU", "Lithuania", "Litauen", 0.025),
    ("VNM", "Viet Nam", "Vietnam", 0.02),
    ("THA", "Thailand", "Thailand", 0.02),
    ("PHL", "Philippines", "Filippinerne", 0.02),
    ("CHN", "China", "Kina", 0.02),
    ("IND", "India", "Indien", 0.02),
    ("USA", "United States", "USA", 0.02),
    ("ISL", "Iceland", "Island", 0.01),
    ("GRL", "Greenland", "Grønland", 0.01),
    ("ERI", "Eritrea", "Eritrea", 0.005),
    ("MNG", "Mongolia", "Mongoliet", 0.001),
    ("BTN", "Bhutan", "Bhutan", 0.0003),
    ("TUV", "Tuvalu", "Tuvalu", 0.0001),
    ("OTH", "Other countries", "Øvrige lande", 0.05),
]
COUNTRY_UNKNOWN = "ZZZ"


def country_code_list() -> CodeList:
    return CodeList("country", tuple(_code(c, en, da) for c, en, da, _w in COUNTRIES))


def immigrant_countries() -> tuple[np.ndarray, np.ndarray]:
    codes = np.array([c for c, *_ in COUNTRIES[1:]], dtype=object)
    w = np.array([c[3] for c in COUNTRIES[1:]])
    return codes, w / w.sum()
