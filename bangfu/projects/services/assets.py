"""The assets projects create (扶贫项目资产): an accepted project registers what it left in a
village — its kind, quantity, value, owner and who maintains it (管护主体) — and the county
keeps the register true as maintainers and values change."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.regions import NATIONAL_CODE_LENGTH, county_code
from bangfu.core.selectors import chosen_code

from ..models import Asset, OwnerKind, Project, Stage
from .places import household_of, village_of

ASSET_FIELDS = ("name", "quantity", "unit", "value", "owner", "maintainer", "registered_on")


def _state(asset: Asset) -> dict[str, Any]:
    state = audit.snapshot(asset)
    state["kind"] = asset.kind.value
    return state


@transaction.atomic
def asset_register(
    *,
    actor,
    project_id: int,
    village_code: str,
    kind: str,
    name: str,
    quantity: Decimal | str,
    unit: str,
    value: Decimal | str,
    owner: str,
    owner_household_id: int | None = None,
    maintainer: str,
    registered_on: datetime.date | str,
) -> Asset:
    """Register an asset of an accepted project (验收后登记资产): it stands in a village of the
    project's county; owned by the village collective or by one of the village's households."""
    require(actor, Capability.PLAN_PROJECTS)
    project = Project.objects.visible_to(actor).select_for_update().filter(pk=project_id).first()
    if project is None:
        raise OutOfScope()
    if project.stage != Stage.ACCEPTED:
        raise DomainError(
            _("Project %(number)s is %(stage)s: assets are registered once it is accepted (验收).")
            % {"number": project.number, "stage": Stage(project.stage).label},
            code="not_accepted",
            field="project_id",
        )
    village = village_of(actor, village_code)
    if county_code(village.code) != project.county_id:
        raise DomainError(
            _("The asset stands in a village of the project's county; choose one of them."),
            code="other_county",
            field="village_code",
        )
    fields = {
        name_: values.clean(Asset, name_, raw)
        for name_, raw in (
            ("name", name),
            ("quantity", quantity),
            ("unit", unit),
            ("value", value),
            ("owner", owner),
            ("maintainer", maintainer),
            ("registered_on", registered_on),
        )
    }
    if fields["registered_on"] < project.stage_on:
        raise DomainError(
            _("An asset is registered on or after the day the project was accepted (%(day)s).")
            % {"day": project.stage_on.isoformat()},
            code="before_accepted",
            field="registered_on",
        )
    household = None
    if fields["owner"] == OwnerKind.HOUSEHOLD:
        if owner_household_id is None:
            raise DomainError(
                _("Choose the household that owns the asset."),
                code="no_household",
                field="owner_household_id",
            )
        household = household_of(actor, owner_household_id)
        if household.region_id[:NATIONAL_CODE_LENGTH] != village.code:  # a group is in its village
            raise DomainError(
                _("The owning household lives in another village; choose one of %(village)s.")
                % {"village": village.name},
                code="household_elsewhere",
                field="owner_household_id",
            )
    asset = Asset.objects.create(
        project=project,
        region=village,
        kind=chosen_code(
            "asset_kind",
            kind,
            _("Choose the kind of asset from the list."),
            field="kind",
            code="bad_kind",
        ),
        owner_household=household,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **fields,
    )
    audit.record(
        actor=actor,
        action="asset.register",
        obj=asset,
        region_code=village.code,
        after=_state(asset),
    )
    return asset


@transaction.atomic
def asset_update(*, actor, asset_id: int, maintainer: str, value: Decimal | str) -> Asset:
    """Change who maintains an asset (管护主体变更) or what it is worth (a revaluation),
    audited before and after; what it is and who owns it stay as registered."""
    require(actor, Capability.PLAN_PROJECTS)
    asset = Asset.objects.visible_to(actor).select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise OutOfScope()
    before = _state(asset)
    asset.maintainer = values.clean(Asset, "maintainer", maintainer)
    asset.value = values.clean(Asset, "value", value)
    asset.recorded_at, asset.recorded_by = timezone.now(), actor
    asset.save()
    audit.record(
        actor=actor,
        action="asset.update",
        obj=asset,
        region_code=asset.region_id,
        before=before,
        after=_state(asset),
    )
    return asset
