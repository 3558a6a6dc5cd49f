from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.forms import attempt
from bangfu.core.scoping import public
from bangfu.core.tables import xlsx_response

from . import selectors, services
from .forms import ApiTokenForm, PasswordResetForm, SignInForm, UserCreateForm, UserEditForm


@public
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        self.request.session.set_expiry(selectors.session_idle_seconds(user))
        services.sign_in_recorded(user=user)
        return response


@public
class SignOutView(auth_views.LogoutView):
    pass


@login_required
def user_list(request):
    require(request.user, Capability.MANAGE_USERS)
    users = selectors.manageable_users(request.user)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Users"),
            [_("Login name"), _("Full name"), _("Phone"), _("Roles"), _("Places"), _("Status")],
            (
                [
                    u.username,
                    u.full_name,
                    u.phone,
                    "、".join(g.get_role_display() for g in u.role_grants.all()),
                    "、".join(p.name for p in u.places.all()),
                    _("Open") if u.is_active else _("Closed"),
                ]
                for u in users
            ),
        )
    return render(request, "accounts/users.html", {"users": users})


@login_required
def user_create(request):
    require(request.user, Capability.MANAGE_USERS)
    form = UserCreateForm(request.POST or None, actor=request.user)

    def create():
        data = form.cleaned_data
        return services.user_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            password=data["password"],
            place_codes=data["places"],
            roles=data["roles"],
            phone=data["phone"],
        )

    if request.method == "POST" and (done := attempt(form, create)):
        messages.success(request, _("Account %(username)s opened.") % {"username": done.result})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, user_id):
    require(request.user, Capability.MANAGE_USERS)
    user = get_object_or_404(selectors.manageable_users(request.user), pk=user_id)
    initial = {
        "full_name": user.full_name,
        "phone": user.phone,
        "places": [place.code for place in user.places.all()],
        "roles": [grant.role for grant in user.role_grants.all()],
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, actor=request.user, initial=initial)

    def update():
        data = form.cleaned_data
        return services.user_update(
            actor=request.user,
            user_id=user.pk,
            full_name=data["full_name"],
            phone=data["phone"],
            place_codes=data["places"],
            roles=data["roles"],
            is_active=data["is_active"],
        )

    if request.method == "POST" and attempt(form, update):
        messages.success(request, _("Account %(username)s saved.") % {"username": user})
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "subject": user,
            "password_form": PasswordResetForm(),
            "token_form": ApiTokenForm(),
            "tokens": selectors.tokens_of(user),
        },
    )


@login_required
def user_password(request, user_id):
    require(request.user, Capability.MANAGE_USERS)
    user = get_object_or_404(selectors.manageable_users(request.user), pk=user_id)
    form = PasswordResetForm(request.POST or None)

    def set_password():
        return services.user_set_password(
            actor=request.user, user_id=user.pk, password=form.cleaned_data["password"]
        )

    if request.method == "POST" and attempt(form, set_password):
        messages.success(request, _("New password set for %(username)s.") % {"username": user})
        return redirect("accounts:user_edit", user_id=user.pk)
    return render(request, "accounts/password_form.html", {"form": form, "subject": user})


@login_required
def user_token_create(request, user_id):
    """Issue an API token for another system acting as this user; its key is shown only now."""
    require(request.user, Capability.MANAGE_USERS)
    user = get_object_or_404(selectors.manageable_users(request.user), pk=user_id)
    form = ApiTokenForm(request.POST or None)
    key = None

    def create():
        return services.api_token_create(
            actor=request.user, user_id=user.pk, name=form.cleaned_data["name"]
        )

    if request.method == "POST" and (done := attempt(form, create)):
        _token, key = done.result
    return render(
        request, "accounts/token_created.html", {"form": form, "subject": user, "key": key}
    )


@login_required
@require_POST
def user_token_revoke(request, user_id, token_id):
    require(request.user, Capability.MANAGE_USERS)
    user = get_object_or_404(selectors.manageable_users(request.user), pk=user_id)
    services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked; systems using it are refused from now."))
    return redirect("accounts:user_edit", user_id=user.pk)
