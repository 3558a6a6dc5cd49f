"""Factories for tests. The shared world (places and named people) is built in conftest.py."""

import factory

from bangfu.accounts.models import RoleGrant, User
from bangfu.core.models import Region

TEST_PASSWORD = "correct-horse-battery"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def places(self, create, codes, **kwargs):
        if create and codes:
            self.places.set(Region.objects.filter(code__in=codes))

    @factory.post_generation
    def roles(self, create, roles, **kwargs):
        if create and roles:
            RoleGrant.objects.bulk_create([RoleGrant(user=self, role=role) for role in roles])
