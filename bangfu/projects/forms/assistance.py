"""Forms of assets, donations, consumption assistance and collective income. The rules are
the services'; the forms take their hints (``maxlength``, ``min``, ``max``) from the models."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from ..models import (
    Asset,
    CollectiveIncome,
    Donation,
    OwnerKind,
    PartyKind,
    PurchaseAgreement,
    RecipientKind,
    Sale,
)

NONE = [("", "—")]


def _household_id() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Household (its id in the registry)"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
    )


class AssetForm(RuledForm):
    rules_of = Asset

    village_code = forms.ChoiceField(label=_("Village"))
    kind = forms.ChoiceField(label=_("Kind of asset"))
    name = forms.CharField(label=_("Asset"))
    quantity = forms.DecimalField(label=_("Quantity"))
    unit = forms.CharField(label=_("Unit"))
    value = forms.DecimalField(label=_("Value (yuan)"))
    owner = forms.ChoiceField(label=_("Owned by"), choices=OwnerKind.choices)
    owner_household_id = _household_id()
    maintainer = forms.CharField(label=_("Maintained by"))
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE_INPUT)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = villages
        self.fields["kind"].choices = code_choices("asset_kind")


class AssetUpdateForm(RuledForm):
    rules_of = Asset

    maintainer = forms.CharField(label=_("Maintained by"))
    value = forms.DecimalField(label=_("Value (yuan)"))


class DonationForm(RuledForm):
    rules_of = Donation

    donor_kind = forms.ChoiceField(label=_("Donor is"), choices=PartyKind.choices)
    donor = forms.CharField(label=_("Donor"))
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    cash = forms.DecimalField(label=_("Cash (yuan)"), required=False)
    goods = forms.CharField(label=_("Goods"), required=False)
    goods_value = forms.DecimalField(label=_("Goods valued at (yuan)"), required=False)
    recipient_kind = forms.ChoiceField(label=_("Recipient is"), choices=RecipientKind.choices)
    household_id = _household_id()
    region_code = forms.ChoiceField(
        label=_("Place"),
        required=False,
        help_text=_("The village that received it, or where the school or student is."),
    )
    recipient = forms.CharField(label=_("School or student"), required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = NONE + places


class SellerForm(RuledForm):
    """A seller: a registered household, or a village (or one of its groups)."""

    household_id = _household_id()
    region_code = forms.ChoiceField(label=_("Selling village"), required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = NONE + places


class AgreementForm(SellerForm):
    rules_of = PurchaseAgreement

    buyer_kind = forms.ChoiceField(label=_("Buyer is"), choices=PartyKind.choices)
    buyer = forms.CharField(label=_("Buyer"))
    products = forms.CharField(label=_("Products"))
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)
    amount = forms.DecimalField(label=_("Agreed amount (yuan)"), required=False)


class SaleForm(SellerForm):
    rules_of = Sale

    agreement_id = forms.TypedChoiceField(
        label=_("Under the agreement"), coerce=int, required=False, empty_value=None
    )
    buyer_kind = forms.ChoiceField(label=_("Buyer is"), choices=PartyKind.choices)
    buyer = forms.CharField(label=_("Buyer"))
    product = forms.CharField(label=_("Product"))
    quantity = forms.DecimalField(label=_("Quantity"))
    unit = forms.CharField(label=_("Unit"))
    amount = forms.DecimalField(label=_("Amount (yuan)"))
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement_id"].choices = NONE + agreements


class CollectiveIncomeForm(RuledForm):
    rules_of = CollectiveIncome

    village_code = forms.ChoiceField(label=_("Village"))
    year = forms.IntegerField(label=_("Year"))
    source = forms.ChoiceField(label=_("Source of income"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), help_text=_("A loss is negative."))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = villages
        self.fields["source"].choices = code_choices("collective_income_source")
