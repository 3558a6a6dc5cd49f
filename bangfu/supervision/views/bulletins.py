"""The bulletins' pages (简报/通报): the list, drafting one, changing a draft, the bulletin as
it reads (a draft from the records now, a published one as it was frozen), publishing,
correcting, and the published files, served within the reader's places."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.documents import DOCX
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for

from .. import selectors, services
from ..bulletins_files import file_name
from ..forms.bulletins import BulletinCreateForm, BulletinEditForm
from ..models import Bulletin


def _may_manage(user) -> bool:
    return user.has_capability(Capability.MANAGE_EVALUATION)


@login_required
def bulletins(request):
    """The bulletins of the reader's places (or of one), by year, the latest first."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    year = params.year(request.GET.get("year"))
    found = selectors.bulletins_of(request.user, within, year)
    page = Paginator(found, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "supervision/bulletins.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "year": year,
            "page": page,
            "may_manage": _may_manage(request.user),
        },
    )


@login_required
def bulletin_create(request):
    """Draft a place's bulletin of a month."""
    require(request.user, Capability.MANAGE_EVALUATION)
    form = BulletinCreateForm(
        request.POST or None,
        user=request.user,
        initial={"month": f"{timezone.localdate():%Y-%m}"},
    )

    def create() -> Bulletin:
        return services.bulletin_create(actor=request.user, **form.cleaned_data)

    done = attempt(form, create) if request.method == "POST" else None
    if done:
        messages.success(request, _("The bulletin is drafted."))
        return redirect("supervision:bulletin", bulletin_id=done.result.pk)
    return render(
        request,
        "supervision/bulletins_form.html",
        {"form": form, "bulletin": None, "title": _("Draft a bulletin")},
        status=400 if form.errors else 200,
    )


@login_required
def bulletin(request, bulletin_id):
    """A bulletin as it reads: a draft from the records now, a published one as it was."""
    record = selectors.bulletin_for(request.user, bulletin_id)
    return render(
        request,
        "supervision/bulletins_detail.html",
        {
            "bulletin": record,
            "content": selectors.bulletin_content(record),
            "draft": selectors.is_draft(record),
            "corrections": list(record.corrections.visible_to(request.user)),
            "may_manage": _may_manage(request.user),
        },
    )


@login_required
def bulletin_edit(request, bulletin_id):
    """Change a draft's title, summary and good practice."""
    require(request.user, Capability.MANAGE_EVALUATION)
    record = selectors.bulletin_for(request.user, bulletin_id)
    form = BulletinEditForm(
        request.POST or None,
        initial={
            "title": record.title,
            "summary": record.summary,
            "good_practice": record.good_practice,
        },
    )

    def change() -> Bulletin:
        return services.bulletin_update(
            actor=request.user, bulletin_id=record.pk, **form.cleaned_data
        )

    if request.method == "POST" and attempt(form, change):
        messages.success(request, _("The draft is changed."))
        return redirect("supervision:bulletin", bulletin_id=record.pk)
    return render(
        request,
        "supervision/bulletins_form.html",
        {"form": form, "bulletin": record, "title": _("Change the draft")},
        status=400 if form.errors else 200,
    )


def _posted(request, bulletin_id, call, done: str):
    """A button of the bulletin's page: done, to the bulletin it answers; refused, back to
    the bulletin with the refusal."""
    record = selectors.bulletin_for(request.user, bulletin_id)
    if request.method != "POST":
        return redirect("supervision:bulletin", bulletin_id=record.pk)
    try:
        result = call(record)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("supervision:bulletin", bulletin_id=record.pk)
    messages.success(request, done)
    return redirect("supervision:bulletin", bulletin_id=result.pk)


@login_required
def bulletin_publish(request, bulletin_id):
    return _posted(
        request,
        bulletin_id,
        lambda record: services.bulletin_publish(actor=request.user, bulletin_id=record.pk),
        _("The bulletin is published; its figures and files are kept as they are."),
    )


@login_required
def bulletin_correct(request, bulletin_id):
    """Draft a correction of a published bulletin: a new number, naming the old."""
    return _posted(
        request,
        bulletin_id,
        lambda record: services.bulletin_create(
            actor=request.user,
            region_code=record.region_id,
            month=record.month,
            corrects_id=record.pk,
        ),
        _("The correction is drafted; change it and publish it."),
    )


def _stored(request, bulletin_id, name: str, content_type: str, extension: str):
    record = selectors.bulletin_for(request.user, bulletin_id)
    stored = getattr(record, name)
    if not stored:
        raise Http404
    return FileResponse(
        stored.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{file_name(record)}.{extension}",
    )


@login_required
def bulletin_docx(request, bulletin_id):
    """A published bulletin's .docx as it was made when published."""
    return _stored(request, bulletin_id, "docx", DOCX, "docx")


@login_required
def bulletin_pdf(request, bulletin_id):
    """A published bulletin's PDF as it was made when published."""
    return _stored(request, bulletin_id, "pdf", "application/pdf", "pdf")
