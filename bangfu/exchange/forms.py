from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bangfu.core import params

from .columns import COLUMNS
from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"),
        # The national system's export has its own page, where its county and month are chosen.
        choices=[(k, label) for k, label in ImportKind.choices if k != ImportKind.NATIONAL],
        initial=ImportKind.HOUSEHOLDS,
    )
    file = forms.FileField(
        label=_("Sheet"),
        help_text=_(
            ".xlsx, .xls or .csv. Households: as the national system exports them, or the "
            "template. Pairings: 户编号 (or 户主身份证号码), 帮扶干部手机号, "
            "是否主要帮扶人, 结对日期. Work teams: 派出单位, 所驻村, 队伍名称, 姓名, 身份证号, "
            "队内职务, 手机号, 派驻时间, 任期截止. The health bureau's sheets, each person "
            "by 身份证号: contracts 家庭医生, 签约机构, 服务包, 签约日期, 有效期至; check-ups "
            "体检日期, 体检机构, 体检结论, 异常发现; follow-ups 疾病名称, 随访日期, 随访医生, "
            "随访方式, 随访情况, 下次随访日期. Disasters (emergency management, "
            "agriculture): 行政区划代码 or 乡镇 and 村, 灾害种类, 发生日期, 灾害等级 (1–4), 备注."
        ),
    )
    file.help_text = format_lazy(
        "{} {}",
        file.help_text,
        _(
            "Project library: 项目编号, 项目名称, 项目类型, 行政区划代码 (or 县, 乡镇 and 村), "
            "年度, 责任单位, 建设内容, and the planned yuan of each source in its column "
            "(中央财政（元）…). Funds (county finance sheet): 项目编号, 类型 (下达 or 拨付), "
            "资金来源, 金额（元）, 日期, 凭证号, 备注."
        ),
    )


class ExportForm(forms.Form):
    full_ids = forms.BooleanField(
        label=_("Full ID numbers (recorded in the audit log)"), required=False
    )


class SynonymForm(forms.Form):
    column = forms.ChoiceField(label=_("Column"), choices=[(c.key, c.header) for c in COLUMNS])
    synonym = forms.CharField(label=_("Name in the sheet"), max_length=100)


class SnapshotUploadForm(forms.Form):
    """The national system's export of one county's month (国家系统导出)."""

    region_code = forms.ChoiceField(label=_("County"))
    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        help_text=_("The month the export shows, from 2014-01 to this month."),
    )
    file = forms.FileField(
        label=_("Export"),
        help_text=_(
            ".xlsx, .xls or .csv, as the national system exports households and members: one "
            "row a person, with 户编号, 证件号码 and the place (行政区划代码, or 乡镇 and 行政村); "
            "人均纯收入 and 收入年度 are read too. Rows of another county are not kept."
        ),
    )

    def __init__(self, *args, counties: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = counties  # type: ignore[attr-defined]
        self.fields["month"].initial = f"{params.this_month():%Y-%m}"

    def clean_month(self):
        try:
            return params.month(self.cleaned_data["month"], field="month")
        except params.BadParameter as refusal:
            raise forms.ValidationError(str(refusal.message)) from None
