from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import COLUMNS
from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"), choices=ImportKind.choices, initial=ImportKind.HOUSEHOLDS
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


class ExportForm(forms.Form):
    full_ids = forms.BooleanField(
        label=_("Full ID numbers (recorded in the audit log)"), required=False
    )


class SynonymForm(forms.Form):
    column = forms.ChoiceField(label=_("Column"), choices=[(c.key, c.header) for c in COLUMNS])
    synonym = forms.CharField(label=_("Name in the sheet"), max_length=100)
