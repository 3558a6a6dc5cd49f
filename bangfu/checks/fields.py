"""The fields the monthly check compares, and the names the national form gives them.

The names are the national system's column headers, declared once with the columns in
``exchange.columns``; exchange sits above checks, so it hands them over when Django starts
(``ExchangeConfig.ready`` → ``name_fields``), as the apps above the registry register their
parts with it. Two fields are the check's own: 人均纯收入 (a snapshot-only column) and the
presence of a household or a member on one side.
"""

from dataclasses import dataclass

HOUSEHOLD, MEMBER = "household", "member"  # ``Difference.field`` of one on one side only
INCOME = "per_capita_income"
ID_NUMBER, NUMBER = "id_number", "number"  # an ID number changed; a member in another household

# Data, not UI text: the national form's words.
OWN_NAMES = {
    INCOME: "人均纯收入",
    HOUSEHOLD: "户",
    MEMBER: "家庭成员",
    ID_NUMBER: "证件号码",
    NUMBER: "户编号",
}
NAMES: dict[str, str] = dict(OWN_NAMES)


def name_fields(headers: dict[str, str]) -> None:
    """The national form's header of each column key (``exchange.columns``)."""
    NAMES.update(headers)
    NAMES.update({key: name for key, name in OWN_NAMES.items() if key not in headers})


def field_name(key: str) -> str:
    return NAMES.get(key, key)


@dataclass(frozen=True)
class Field:
    """A compared column: its key (the snapshot's and ``exchange.columns``' name), how its
    values compare and read (``TEXT``: blank and none the same; ``VALUE``: numbers, dates,
    years and yes/no, none only equal to none; ``CODE``/``CODES``: one or several entries of
    the code list ``kind``; ``CHOICE``: one of the registry's choices)."""

    key: str
    how: str
    kind: str = ""


TEXT, VALUE, FLAG, DAY, CODE, CODES, CHOICE = (
    "text",
    "value",
    "flag",
    "day",
    "code",
    "codes",
    "choice",
)

HOUSEHOLD_FIELDS = (
    Field("region_code", TEXT),
    Field("attribute", CODE, "household_attribute"),
    Field("standard", CODE, "identification_standard"),
    Field("main_cause", CODE, "poverty_cause"),
    Field("other_causes", CODES, "poverty_cause"),
    Field("year_identified", VALUE),
    Field("planned_exit_year", VALUE),
    Field("status", CHOICE, "status"),
    Field("monitoring_type", CODE, "monitoring_type"),
    Field("risk_types", CODES, "risk_type"),
    Field("address", TEXT),
    Field("phone", TEXT),
    Field("bank_name", TEXT),
    Field("land_area_mu", VALUE),
    Field("housing_area", VALUE),
    Field("housing_structure", TEXT),
    Field("danger_grade", CHOICE, "danger_grade"),
    Field("water_difficulty", FLAG),
    Field("water_safe", FLAG),
    Field("has_power", FLAG),
    Field("toilet", CHOICE, "toilet"),
    Field("road_distance_km", VALUE),
)

MEMBER_FIELDS = (
    Field("name", TEXT),
    Field("sex", CHOICE, "sex"),
    Field("birth_date", DAY),
    Field("relation", CODE, "relation"),
    Field("ethnicity", CODE, "ethnicity"),
    Field("education", CODE, "education"),
    Field("schooling", CODE, "schooling"),
    Field("health", CODE, "health"),
    Field("disability", TEXT),
    Field("labour", CODE, "labour"),
    Field("work_status", TEXT),
    Field("dibao", FLAG),
    Field("medical_insurance", FLAG),
    Field("pension_insurance", FLAG),
)
