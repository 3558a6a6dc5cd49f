"""County A's inspection rounds for the route walk and the fuzz: a round of the county whose
sample is drawn (one of each kind, township by township: the walk's household among them),
and for each write that uses a round up (changing, drawing, drawing again, closing) a round of
钓台街道 of its own, so that the fuzz may take the writes in any order."""

from django.utils import timezone

from bangfu.supervision.services import round_plan, sample_draw

COUNTY, TOWNSHIP = "611103000000", "611103002000"  # 沣西新城, 钓台街道


def round_json(actor_id: int, **more) -> dict:
    """A round's details as the API takes them."""
    return {
        "title": "钓台街道月度督查",
        "methods": ["on_site", "phone"],
        "inspector_ids": [actor_id],
        "households_wanted": 2,
        "helpers_wanted": 1,
        "units_wanted": 1,
        "teams_wanted": 0,
        "stratified": False,
        "notes": "",
    } | more


def round_form(actor_id: int, **more) -> dict:
    """A round's details as the page's form posts them."""
    sent = round_json(actor_id, **more)
    sent["inspectors"] = sent.pop("inspector_ids")
    sent["stratified"] = ""
    return sent


def _month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _planned(actor, region_code: str = TOWNSHIP, **more):
    return round_plan(
        actor=actor, region_code=region_code, month=_month(), **round_json(actor.pk, **more)
    )


def rounds_world(county_admin, household) -> dict:
    drawn = _planned(
        county_admin,
        COUNTY,
        title="沣西新城月度督查",
        households_wanted=1,
        teams_wanted=1,
        stratified=True,
    )
    sample_draw(actor=county_admin, round_id=drawn.pk)
    to_redraw = _planned(county_admin)
    sample_draw(actor=county_admin, round_id=to_redraw.pk)
    return {
        "drawn_round": drawn,
        "planned_round": _planned(county_admin),
        "round_to_draw": _planned(county_admin),
        "round_to_redraw": to_redraw,
        "round_to_close": _planned(county_admin),
    }


def _drawn(w):
    return {"round_id": w["drawn_round"].pk}


def _planned_one(w):
    return {"round_id": w["planned_round"].pk}


def _one(key: str):
    return lambda w: {"round_id": w[key].pk}


MISSING = {"round_id": 10**9}
INTRUDING = {"title": "入侵", "methods": ["on_site"], "inspectors": ["1"], "households_wanted": "1"}


def rounds_page_probes(probe) -> dict:
    """The rounds' routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    both = ("get", "post")
    return {
        "supervision:rounds": probe(),
        "supervision:round_plan": probe(
            methods=both, data={**INTRUDING, "region_code": COUNTY, "month": "2026-11"}
        ),
        "supervision:round": probe(_drawn, MISSING),
        "supervision:round_edit": probe(_planned_one, MISSING, both, INTRUDING),
        "supervision:round_draw": probe(_one("round_to_draw"), MISSING, both),
        "supervision:round_redraw": probe(
            _one("round_to_redraw"), MISSING, both, {"reason": "入侵"}
        ),
        "supervision:round_close": probe(_one("round_to_close"), MISSING, both),
        "supervision:round_verify": probe(_drawn, MISSING),
        "supervision:round_surveys": probe(_drawn, MISSING),
    }


def rounds_api_probes(probe) -> dict:
    """The rounds' operations for the walk's API_PROBES."""
    body = round_json(1, title="入侵")
    return {
        "round_list": probe(),
        "round_get": probe(_drawn, MISSING),
        "round_plan": probe(
            methods=("post",), data=body | {"region_code": COUNTY, "month": "2026-11"}
        ),
        "round_update": probe(_planned_one, MISSING, ("post",), body),
        "sample_draw": probe(_one("round_to_draw"), MISSING, ("post",)),
        "sample_redraw": probe(_one("round_to_redraw"), MISSING, ("post",), {"reason": "入侵"}),
        "round_close": probe(_one("round_to_close"), MISSING, ("post",)),
        "sample_check": probe(_drawn, MISSING),
    }


def rounds_aims(world, aim) -> dict:
    """For each rounds operation, a valid request aimed at ``world``'s records. The writes
    that use a round up (drawing, changing, closing) each get a round of their own."""
    actor = world["drawn_round"].recorded_by

    def fresh() -> dict:
        return {"round_id": _planned(actor).pk}

    def fresh_drawn() -> dict:
        inspection = _planned(actor)
        sample_draw(actor=actor, round_id=inspection.pk)
        return {"round_id": inspection.pk}

    return {
        "round_list": lambda n: aim({}, {"place": COUNTY, "month": _month()}, None),
        "round_get": lambda n: aim(_drawn(world), {}, None),
        "round_plan": lambda n: aim(
            {},
            {},
            round_json(actor.pk, title=f"督查{n}") | {"region_code": COUNTY, "month": _month()},
        ),
        "round_update": lambda n: aim(fresh(), {}, round_json(actor.pk, title=f"督查{n}")),
        "sample_draw": lambda n: aim(fresh(), {}, None),
        "sample_redraw": lambda n: aim(fresh_drawn(), {}, {"reason": f"样本户{n}外出务工"}),
        "round_close": lambda n: aim(fresh(), {}, None),
        "sample_check": lambda n: aim(_drawn(world), {}, None),
    }
