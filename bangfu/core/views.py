from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .errors import DomainError
from .forms import CodeAddForm, CodeUpdateForm, RuleForm, show_refusal
from .scoping import public


@public
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    return render(request, "core/home.html", {"places": selectors.top_places(request.user)})


@login_required
def place_detail(request, code):
    region = selectors.region_for(request.user, code)
    return render(
        request,
        "core/place.html",
        {
            "region": region,
            "trail": selectors.trail_of(request.user, region),
            "children": selectors.children_of(request.user, region),
        },
    )


@login_required
def place_rules(request, code):
    region = selectors.region_for(request.user, code)
    form = RuleForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(
                actor=request.user,
                region_code=region.code,
                key=form.cleaned_data["key"],
                value=form.cleaned_data["value"],
                valid_from=form.cleaned_data["valid_from"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("core:place_rules", code=region.code)
    return render(
        request,
        "core/rules.html",
        {
            "region": region,
            "trail": selectors.trail_of(request.user, region),
            "rules": selectors.rules_at(request.user, region),
            "form": form,
        },
    )


@login_required
@require_POST
def rule_withdraw(request, code, policy_id):
    region = selectors.region_for(request.user, code)
    services.policy_withdraw(actor=request.user, policy_id=policy_id)
    messages.success(request, _("The value was withdrawn; the place follows the rule above it."))
    return redirect("core:place_rules", code=region.code)


@login_required
def audit_log(request):
    page = Paginator(selectors.audit_entries(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page})


@login_required
def code_lists(request):
    lists = selectors.code_lists(request.user)
    return render(request, "core/code_lists.html", {"lists": lists, "form": CodeAddForm()})


@login_required
@require_POST
def code_add(request):
    form = CodeAddForm(request.POST)
    if form.is_valid():
        try:
            services.code_add(actor=request.user, **form.cleaned_data)
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The entry was added."))
    else:
        messages.error(request, _("Enter both the code and its label."))
    return redirect("core:code_lists")


@login_required
@require_POST
def code_update(request, code_id):
    form = CodeUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.code_update(actor=request.user, code_id=code_id, **form.cleaned_data)
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The entry was saved."))
    else:
        messages.error(request, _("Enter the label."))
    return redirect("core:code_lists")
