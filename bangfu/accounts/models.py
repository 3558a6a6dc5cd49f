import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.capabilities import Capability
from bangfu.core.models import Region
from bangfu.core.regions import ancestor_codes

from .roles import HELPERS, READERS, ROLE_CAPABILITIES, TOP_ONLY, Role

USER_RULES = values.Rules(
    username=values.Text(150), full_name=values.Text(50), phone=values.Phone()
)


class User(AbstractUser):
    """A person who signs in: county office, township, work team, helper, inspector, leader."""

    full_name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    places = models.ManyToManyField(
        Region, verbose_name=_("places answered for"), related_name="+", blank=True
    )

    REQUIRED_FIELDS = ["full_name"]
    value_rules = USER_RULES

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = USER_RULES.checks("user")

    def __str__(self) -> str:
        return self.full_name or self.username

    def held_places(self) -> list[tuple[str, int]]:
        """(code, level) of each place held; the scoping gate reads these."""
        return list(self.places.values_list("code", "level"))

    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    def reads_places(self) -> bool:
        """Whether their role reads their places' figures and lists (``roles.READERS``)."""
        return self.is_active and self.has_role(*READERS)

    def is_pair_helper(self) -> bool:
        """Whether their role is a pair helper's: their own households (``roles.HELPERS``)."""
        return self.is_active and self.has_role(*HELPERS)

    def has_capability(self, capability: Capability) -> bool:
        granted = self.is_active and any(
            capability in ROLE_CAPABILITIES.get(role, ()) for role in self.role_codes()
        )
        if granted and capability in TOP_ONLY:
            return self.is_top_administrator()
        return granted

    def is_top_administrator(self) -> bool:
        """No administrator holds a place above any of this user's places.

        Installation-wide data (code lists) belongs to the administrator of the top place the
        installation serves, which need not be the root of the imported tree: a district
        imports its province and city too, for their names.
        """
        above = {
            code
            for place, _level in self.held_places()
            for code in ancestor_codes(place)
            if code != place
        }
        return not User.objects.filter(
            places__code__in=above, role_grants__role=Role.COUNTY_ADMIN, is_active=True
        ).exists()


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


API_TOKEN_RULES = values.Rules(name=values.Text(100))


class ApiToken(models.Model):
    """A key another system uses to call the API as ``user``; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    value_rules = API_TOKEN_RULES

    class Meta:
        constraints = API_TOKEN_RULES.checks("api_token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are long and random, so a plain digest makes a leaked table useless.
        return hashlib.sha256(key.encode()).hexdigest()
