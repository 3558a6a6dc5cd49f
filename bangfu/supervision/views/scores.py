"""The evaluation's pages (考评): scoring schemes, the month's scores by level with the
ranking (published, or computed now), one subject's breakdown with the inspector's points,
publishing, the year's totals per department, and the households' hygiene: the village's
entry page and its ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import place_filter_choices, places_down_to, region_for, top_places
from bangfu.core.tables import xlsx_response

from .. import services
from ..forms.scores import HygieneForm, PointsForm, SchemeForm
from ..models import ItemSource, ScoreLevel
from ..scoring import COMPUTED_LEVELS
from ..selectors import scores as selectors

LEVELS = [(level, ScoreLevel(level).label) for level in COMPUTED_LEVELS]


def _place(request) -> Region:
    """The place of ``?place=``, or the user's first place."""
    code = params.place(request.GET.get("place"))
    if code:
        return region_for(request.user, code)
    top = top_places(request.user).order_by("level", "code").first()
    if top is None:
        raise Http404
    return top


def _chosen(request) -> tuple[Region, str, object]:
    level = params.choice(
        request.GET.get("level"), field="level", choices=COMPUTED_LEVELS, default=ScoreLevel.UNIT
    )
    return _place(request), level, params.month(request.GET.get("month"))


def _query(place: Region, level: str, month, **more) -> str:
    return urlencode({"place": place.code, "level": level, "month": f"{month:%Y-%m}", **more})


# ---------------------------------------------------------------------------------------------
# Schemes


@login_required
def schemes(request):
    """The schemes at the user's places (考评方案), each with its items and weights."""
    page = Paginator(selectors.schemes(request.user), 20).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "supervision/scores_schemes.html",
        {"page": page, "can_manage": request.user.has_capability(Capability.MANAGE_EVALUATION)},
    )


def _scheme_places(user) -> list[tuple[str, str]]:
    return [(code, name) for code, name, _level in places_down_to(user, RegionLevel.VILLAGE)]


@login_required
def scheme_create(request):
    if not request.user.has_capability(Capability.MANAGE_EVALUATION):
        raise NotPermitted()
    month = params.this_month()
    form = SchemeForm(
        request.POST or None,
        places=_scheme_places(request.user),
        initial={"valid_from": month},
    )

    def create():
        return services.scheme_create(
            actor=request.user, items=form.items(), **form.scheme_fields()
        )

    done = request.method == "POST" and attempt(form, create)
    if done:
        messages.success(request, _("The scheme is saved."))
        return redirect("supervision:schemes")
    return render(
        request,
        "supervision/scores_scheme_form.html",
        {"form": form, "scheme": None},
        status=400 if form.errors else 200,
    )


@login_required
def scheme_edit(request, scheme_id):
    scheme = selectors.scheme_for(request.user, scheme_id)
    if not request.user.has_capability(Capability.MANAGE_EVALUATION):
        raise NotPermitted()
    initial = {"name": scheme.name, "valid_from": scheme.valid_from}
    for row, item in enumerate(scheme.items.all(), start=1):
        initial.update(
            {
                f"item_{row}_name": item.name,
                f"item_{row}_source": item.source,
                f"item_{row}_weight": item.weight,
            }
        )
    form = SchemeForm(request.POST or None, places=[], editing=True, initial=initial)

    def update():
        return services.scheme_update(
            actor=request.user, scheme_id=scheme.pk, items=form.items(), **form.scheme_fields()
        )

    if request.method == "POST" and attempt(form, update):
        messages.success(request, _("The scheme is saved."))
        return redirect("supervision:schemes")
    return render(
        request,
        "supervision/scores_scheme_form.html",
        {"form": form, "scheme": scheme, "frozen": selectors.is_frozen(scheme)},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# The month's scores


def _cells(row: selectors.ScoreRow) -> list:
    return [row.rank, row.name, row.total] + [
        line.points if line.applies else _("n/a") for line in row.lines
    ]


@login_required
def scores(request):
    """The month's scores of a level under a place, ranked (月度考评排名): as published, or
    computed now; the publish button for those who manage the evaluation."""
    place, level, month = _chosen(request)
    can_publish = request.user.has_capability(Capability.MANAGE_EVALUATION)
    if request.method == "POST":
        if not can_publish:
            raise NotPermitted()
        try:
            services.scores_publish(
                actor=request.user, region_code=place.code, level=level, month=month
            )
            messages.success(request, _("The month's scores are published."))
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        return redirect(f"{reverse('supervision:scores')}?{_query(place, level, month)}")
    rows = selectors.month_scores(request.user, place, level, month)
    sheet = selectors.published_sheet(place, level, month)
    items = [line.name for line in rows[0].lines] if rows else []
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"scores-{level}-{month:%Y-%m}",
            [_("Rank"), _("Name"), _("Score"), *items],
            (_cells(row) for row in rows),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    before, after = params.months_around(month)
    scheme = sheet.scheme if sheet else selectors.scheme_in_force(place.code, level, month)
    return render(
        request,
        "supervision/scores.html",
        {
            "place": place,
            "level": level,
            "month": month,
            "levels": LEVELS,
            "places": place_filter_choices(request.user, place.code),
            "page": page,
            "items": items,
            "sheet": sheet,
            "scheme": scheme,
            "can_publish": can_publish and sheet is None and month <= params.this_month(),
            "query": _query(place, level, month),
            "before": before,
            "after": after,
        },
    )


@login_required
def score_subject(request):
    """One subject's score of the month item by item (考评明细), and for inspectors the
    points of the scored items, each with its reason, until the month is published."""
    place, level, month = _chosen(request)
    subject = params.text(request.GET.get("subject"), field="subject", most=20)
    if not subject:  # whose score: the month's ranking, to choose from
        rows = selectors.month_scores(request.user, place, level, month)
        return render(
            request,
            "supervision/scores_subject.html",
            {"rows": rows, "place": place, "month": month, "back": _query(place, level, month)},
        )
    row = selectors.score_breakdown(request.user, place, level, month, subject)
    sheet = selectors.published_sheet(place, level, month)
    scored = []
    if sheet is None and request.user.has_capability(Capability.INSPECT):
        scheme = selectors.scheme_in_force(place.code, level, month)
        scored = [item for item in scheme.items.all() if item.source == ItemSource.SCORED]
    initial = {}
    for line in row.lines:
        if line.given is not None:
            initial.update(
                {f"points_{line.item_id}": line.given, f"reason_{line.item_id}": line.reason}
            )
    form = PointsForm(request.POST or None, items=scored, initial=initial) if scored else None
    if request.method == "POST":
        if form is None:
            raise NotPermitted()

        def give():
            with transaction.atomic():
                for item, points, reason in form.given():
                    services.item_score_set(
                        actor=request.user,
                        item_id=item.pk,
                        month=month,
                        subject=subject,
                        points=points,
                        reason=reason,
                    )

        if attempt(form, give):
            messages.success(request, _("The points are saved."))
            here = _query(place, level, month, subject=subject)
            return redirect(f"{reverse('supervision:score_subject')}?{here}")
    return render(
        request,
        "supervision/scores_subject.html",
        {
            "row": row,
            "place": place,
            "level": ScoreLevel(level).label,
            "month": month,
            "sheet": sheet,
            "form": form,
            "back": _query(place, level, month),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def year_totals(request):
    """The year-end target-responsibility score of each department (年终目标责任考核): the
    mean of its published monthly scores of the year, with the months counted."""
    place = _place(request)
    level = params.choice(
        request.GET.get("level"), field="level", choices=COMPUTED_LEVELS, default=ScoreLevel.UNIT
    )
    year = params.year(request.GET.get("year")) or timezone.localdate().year
    totals = selectors.year_totals(request.user, place, year, level)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"year-scores-{level}-{year}",
            [_("Rank"), _("Name"), _("Year's score"), _("Months scored")],
            ([row.rank, row.name, row.average, row.months] for row in totals.rows),
        )
    return render(
        request,
        "supervision/scores_year.html",
        {
            "totals": totals,
            "place": place,
            "level": level,
            "levels": LEVELS,
            "places": place_filter_choices(request.user, place.code),
        },
    )


# ---------------------------------------------------------------------------------------------
# Hygiene


def _choose_village(request, place: Region):
    """Hygiene is a village's: above one, the page offers the villages to choose from."""
    return render(
        request,
        "supervision/scores_hygiene.html",
        {"place": place, "places": place_filter_choices(request.user, place.code)},
    )


@login_required
def hygiene(request):
    """A village's households ranked by their hygiene of the month (卫生评比)."""
    village, month = _place(request), params.month(request.GET.get("month"))
    if village.level < RegionLevel.VILLAGE:
        return _choose_village(request, village)
    rows = selectors.month_scores(request.user, village, ScoreLevel.HOUSEHOLD, month)
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    sheet = selectors.published_sheet(village, ScoreLevel.HOUSEHOLD, month)
    can_publish = request.user.has_capability(Capability.MANAGE_EVALUATION)
    if request.method == "POST":
        if not can_publish:
            raise NotPermitted()
        try:
            services.scores_publish(
                actor=request.user, region_code=village.code, level="household", month=month
            )
            messages.success(request, _("The month's scores are published."))
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        here = urlencode({"place": village.code, "month": f"{month:%Y-%m}"})
        return redirect(f"{reverse('supervision:hygiene')}?{here}")
    return render(
        request,
        "supervision/scores_hygiene.html",
        {
            "place": village,
            "village": village,
            "month": month,
            "page": page,
            "sheet": sheet,
            "places": place_filter_choices(request.user, village.code),
            "can_score": request.user.has_capability(Capability.SCORE_HYGIENE),
            "can_publish": can_publish and sheet is None,
        },
    )


@login_required
def hygiene_entry(request):
    """The village's households × the hygiene items of the month, one card a household,
    for village staff on a phone."""
    if not request.user.has_capability(Capability.SCORE_HYGIENE):
        raise NotPermitted()
    village, month = _place(request), params.month(request.GET.get("month"))
    if village.level < RegionLevel.VILLAGE:
        return _choose_village(request, village)
    entry = selectors.hygiene_entry(request.user, village, month)
    cards, failed, posted = [], None, None
    if request.method == "POST" and entry.scheme is not None and not entry.published:
        posted = params.possible_id(request.POST.get("household_id"))
        form = HygieneForm(request.POST, items=entry.items, auto_id=f"h{posted}_%s")

        def score():
            return services.hygiene_score(
                actor=request.user,
                household_id=form.cleaned_data["household_id"],
                month=month,
                points={item.pk: points for item, points, _reason in form.given()},
                reason=form.cleaned_data["reason"],
            )

        if attempt(form, score):
            messages.success(request, _("The household's hygiene is scored."))
            here = urlencode({"place": village.code, "month": f"{month:%Y-%m}"})
            return redirect(f"{reverse('supervision:hygiene_entry')}?{here}")
        failed = form
    for household, name, given in entry.rows:
        if failed is not None and household.pk == posted:
            cards.append((household, name, failed))
            continue
        initial = {"household_id": household.pk, **{f"points_{pk}": v for pk, v in given.items()}}
        blank = HygieneForm(items=entry.items, initial=initial, auto_id=f"h{household.pk}_%s")
        cards.append((household, name, blank))
    return render(
        request,
        "supervision/scores_hygiene_entry.html",
        {"village": village, "month": month, "entry": entry, "cards": cards, "failed": failed},
        status=400 if failed is not None else 200,
    )
