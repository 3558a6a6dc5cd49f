from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from . import heartbeat, params, selectors, services
from .errors import DomainError
from .forms import CodeAddForm, CodeUpdateForm, DataIssueResolveForm, RuleForm, attempt
from .home import panels_for as home_panels
from .place_links import links_for, sections_for
from .policies import REGISTRY
from .scoping import public
from .tables import xlsx_response


def bad_request(request, exception):
    """handler400: a parameter a person can correct is answered in the shared layout, with
    what to change. Other 400s (a disallowed host, too many fields) keep Django's bare page:
    the layout needs a request those may not have."""
    if not isinstance(exception, params.BadParameter):
        return defaults.bad_request(request, exception)
    return render(
        request, "400.html", {"message": exception.message, "field": exception.field}, status=400
    )


@public
def livez(request):
    """This web process answers: no database, nothing else (the benchmark's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")


@public
def healthz(request):
    """For a load balancer or a monitor: 200 when the database answers and a background
    worker beat within the last minute, else 503; the JSON names what failed. Public (it
    tells nothing about anyone) and cheap: one query."""
    try:
        worker = heartbeat.worker_health(timezone.now())
    except DatabaseError:
        details = {"database": "unavailable", "worker": "unknown"}
    else:
        details = {
            "database": "ok",
            "worker": worker.state,
            "worker_seconds_since_beat": worker.seconds_since_beat,
        }
    healthy = details["database"] == "ok" and details["worker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **details}, status=200 if healthy else 503
    )


@login_required
def home(request):
    """The first screen after signing in: what the apps put there for this person (figures
    and what needs them, or a helper's households), then their roles and places."""
    return render(
        request,
        "core/home.html",
        {"places": selectors.top_places(request.user), "panels": home_panels(request.user)},
    )


@login_required
def place_detail(request, code):
    region = selectors.region_for(request.user, code)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            region.name,
            [_("Code"), _("Name"), _("Level"), _("Places under it")],
            (
                [c.code, c.name, c.get_level_display(), c.child_count]
                for c in selectors.children_of(request.user, region)
            ),
        )
    return render(
        request,
        "core/place.html",
        {
            "region": region,
            "trail": selectors.trail_of(request.user, region),
            "children": selectors.children_of(request.user, region),
            "links": links_for(request.user, region),
            "sections": sections_for(request.user, region),
        },
    )


@login_required
def place_rules(request, code):
    region = selectors.region_for(request.user, code)
    # ``?key=``: the rule to set preselected (the monitoring rules page links each number here).
    chosen = params.choice(request.GET.get("key"), field="key", choices=REGISTRY)
    form = RuleForm(
        request.POST or None, initial={"valid_from": timezone.localdate(), "key": chosen}
    )

    def set_rule():
        return services.policy_set(
            actor=request.user,
            region_code=region.code,
            key=form.cleaned_data["key"],
            value=form.cleaned_data["value"],
            valid_from=form.cleaned_data["valid_from"],
            note=form.cleaned_data["note"],
        )

    if request.method == "POST" and attempt(form, set_rule):
        messages.success(request, _("The rule was saved."))
        return redirect("core:place_rules", code=region.code)
    rules = selectors.rules_at(request.user, region)
    if request.method == "GET" and params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Rules in force at %(name)s") % {"name": region.name},
            [_("Rule"), _("Key"), _("Value today"), _("Comes from"), _("From"), _("Default")],
            (
                [
                    str(rule.spec.label),
                    rule.spec.key,
                    rule.shown,
                    rule.source.name if rule.source else _("Default"),
                    rule.effective.valid_from,
                    rule.default_shown,
                ]
                for rule in rules
            ),
        )
    return render(
        request,
        "core/rules.html",
        {
            "region": region,
            "trail": selectors.trail_of(request.user, region),
            "rules": rules,
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
    entries = selectors.audit_entries(request.user)
    if params.download(request.GET, "xlsx"):
        # People read the labels; the codes stay beside them for machines and searches.
        return xlsx_response(
            _("Audit log"),
            [
                "#",
                _("Time"),
                _("Who"),
                _("Action"),
                _("Record"),
                _("Record number"),
                _("Place"),
                _("Action code"),
                _("Record type code"),
            ],
            (
                [
                    row.entry.seq,
                    timezone.localtime(row.entry.at),
                    row.entry.actor_name,
                    row.action,
                    row.object_type,
                    row.entry.object_id,
                    row.entry.region_code,
                    row.entry.action,
                    row.entry.object_type,
                ]
                for row in selectors.audit_rows(entries.iterator(chunk_size=2000))
            ),
        )
    page = Paginator(entries, 50).get_page(params.page_number(request.GET.get("page")))
    return render(request, "core/audit.html", {"page": page, "rows": selectors.audit_rows(page)})


@login_required
def code_lists(request):
    lists = selectors.code_lists(request.user)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Code lists"),
            [_("List"), _("Code"), _("Label"), _("Unit"), _("Retired")],
            (
                [str(kind.label), c.value, c.label, c.unit, _("yes") if c.retired else ""]
                for kind, entries in lists
                for c in entries
            ),
        )
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
            services.code_update(actor=request.user, code_id=code_id, **form.changes(request.POST))
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("The entry was saved."))
    else:
        messages.error(request, _("Enter the label."))
    return redirect("core:code_lists")


@login_required
def data_issues(request):
    """Clashes across places and values set aside, for the administrators who resolve them
    (待核实的数据问题): open ones first, the resolved ones a click away."""
    resolved = request.GET.get("state") == "resolved"
    issues = selectors.data_issues(request.user).filter(resolved_at__isnull=not resolved)
    page = Paginator(issues, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/data_issues.html",
        {
            "page": page,
            "issues": selectors.named_issues(page),
            "resolved": resolved,
            # One form a row: no element ids, which would repeat.
            "form": DataIssueResolveForm(auto_id=False),
        },
    )


@login_required
@require_POST
def data_issue_resolve(request, issue_id):
    form = DataIssueResolveForm(request.POST)
    done = attempt(
        form,
        lambda: services.data_issue_resolve(
            actor=request.user, issue_id=issue_id, resolution=form.cleaned_data["resolution"]
        ),
    )
    if done:
        messages.success(request, _("The issue is resolved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("core:data_issues")
