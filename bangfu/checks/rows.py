"""A household and a member of the national system's export, as read and cleaned: what the
snapshot's import hands to ``services.snapshots.snapshot_store`` (and the demo and the
tests build), one field for each column of ``SnapshotHousehold`` and ``SnapshotMember``."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class SnapshotHouseholdRow:
    number: str
    region_code: str = ""
    place_written: str = ""
    attribute: str = ""
    standard: str = ""
    main_cause: str = ""
    other_causes: str = ""  # the codes sorted, joined by commas
    year_identified: int | None = None
    planned_exit_year: int | None = None
    status: str = ""
    monitoring_type: str = ""
    risk_types: str = ""  # the codes sorted, joined by commas
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    land_area_mu: Decimal | None = None
    housing_area: Decimal | None = None
    housing_structure: str = ""
    danger_grade: str = ""
    water_difficulty: bool | None = None
    water_safe: bool | None = None
    has_power: bool | None = None
    toilet: str = ""
    road_distance_km: Decimal | None = None
    per_capita_income: Decimal | None = None
    income_year: int | None = None
    unreadable: list[str] = field(default_factory=list)


@dataclass
class SnapshotMemberRow:
    household_number: str
    id_number_hash: str
    id_number_masked: str = ""
    name: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    relation: str = ""
    ethnicity: str = ""
    education: str = ""
    schooling: str = ""
    health: str = ""
    disability: str = ""
    labour: str = ""
    work_status: str = ""
    dibao: bool | None = None
    medical_insurance: bool | None = None
    pension_insurance: bool | None = None
    unreadable: list[str] = field(default_factory=list)
