"""The code lists the system knows, named once: each kind, its label, and its seed entries.

Apps seed their lists from here in a data migration (``seed_codes``); after that the lists
are data. Entries are (value, label) in the order the national forms print them; the values
are the common ones of handbook filling guides, not an official dictionary. The entries of a
list of measured things carry a third part, the unit they are counted in (公里, 盏).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CodeKind:
    kind: str
    label: str | Promise
    seed: tuple[tuple[str, str], ...] | tuple[tuple[str, str, str], ...]

    @property
    def measured(self) -> bool:
        """Whether the list's entries carry the unit they are counted in (a project's outputs:
        公里, 盏): its seed entries do, and so must every entry added to it."""
        return any(len(entry) == 3 for entry in self.seed)


ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]

KINDS: dict[str, CodeKind] = {
    k.kind: k
    for k in [
        CodeKind(
            "poverty_cause",
            _("Poverty causes"),
            (
                ("1", "因病"),
                ("2", "因残"),
                ("3", "因学"),
                ("4", "因灾"),
                ("5", "缺土地"),
                ("6", "缺水"),
                ("7", "缺技术"),
                ("8", "缺劳动力"),
                ("9", "缺资金"),
                ("10", "交通条件落后"),
                ("11", "自身发展动力不足"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "household_attribute",
            _("Household attributes"),
            (("1", "一般贫困户"), ("2", "低保贫困户"), ("3", "特困供养贫困户")),
        ),
        CodeKind(
            "identification_standard",
            _("Identification standards"),
            (("1", "国家标准"), ("2", "省定标准"), ("3", "市定标准")),
        ),
        CodeKind(
            "relation",
            _("Relations to the head"),
            (
                ("01", "户主"),
                ("02", "配偶"),
                ("03", "之子"),
                ("04", "之女"),
                ("05", "之儿媳"),
                ("06", "之女婿"),
                ("07", "之孙子"),
                ("08", "之孙女"),
                ("09", "之父"),
                ("10", "之母"),
                ("11", "之兄弟姐妹"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "health",
            _("Health"),
            (("1", "健康"), ("2", "长期慢性病"), ("3", "患有大病"), ("4", "残疾")),
        ),
        CodeKind(
            "labour",
            _("Labour ability"),
            (
                ("1", "普通劳动力"),
                ("2", "技能劳动力"),
                ("3", "弱劳动力或半劳动力"),
                ("4", "丧失劳动力"),
                ("5", "无劳动力"),
            ),
        ),
        CodeKind(
            "schooling",
            _("Schooling"),
            (
                ("0", "非在校生"),
                ("1", "学前教育"),
                ("2", "小学"),
                ("3", "七~九年级"),
                ("4", "高中"),
                ("5", "中职"),
                ("6", "高职"),
                ("7", "本科及以上"),
            ),
        ),
        CodeKind(
            "education",
            _("Education"),
            (
                ("1", "文盲或半文盲"),
                ("2", "小学"),
                ("3", "初中"),
                ("4", "高中"),
                ("5", "大专及以上"),
            ),
        ),
        CodeKind(
            "ethnicity",
            _("Ethnic groups"),
            tuple((f"{n:02d}", name) for n, name in enumerate(ETHNIC_GROUPS, start=1)),
        ),
        CodeKind(
            "monitoring_type",
            _("Monitored household types"),
            (("1", "脱贫不稳定户"), ("2", "边缘易致贫户"), ("3", "突发严重困难户")),
        ),
        CodeKind(
            "visit_service",
            _("What a visit did (十送)"),
            (
                ("1", "送爱心"),
                ("2", "送物资"),
                ("3", "送清洁"),
                ("4", "送健康"),
                ("5", "送技能"),
                ("6", "送岗位"),
                ("7", "送生产"),
                ("8", "送政策"),
                ("9", "送文化"),
                ("10", "送信心"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "team_role",
            _("Roles on a resident work team"),
            (("1", "队长"), ("2", "第一书记"), ("3", "联络员"), ("4", "队员")),
        ),
        CodeKind(
            "leave_kind",
            _("Kinds of leave"),
            (
                ("1", "事假"),
                ("2", "病假"),
                ("3", "年休假"),
                ("4", "婚丧假"),
                ("5", "探亲假"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "discipline_kind",
            _("Kinds of discipline record"),
            (
                ("1", "提醒谈话"),
                ("2", "批评教育"),
                ("3", "通报批评"),
                ("4", "诫勉谈话"),
                ("5", "召回调整"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "plan_measure",
            _("Kinds of assistance measure (一户一策)"),
            (
                ("1", "产业帮扶"),
                ("2", "就业帮扶"),
                ("3", "教育帮扶（雨露计划）"),
                ("4", "健康帮扶"),
                ("5", "易地扶贫搬迁"),
                ("6", "危房改造"),
                ("7", "小额信贷"),
                ("8", "兜底保障"),
                ("9", "生态公益岗位"),
                ("10", "基础设施"),
                ("11", "消费帮扶"),
                ("12", "金融帮扶"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "risk_type",
            _("Risk types"),
            (
                ("1", "因病"),
                ("2", "因学"),
                ("3", "因残"),
                ("4", "因自然灾害"),
                ("5", "因意外事故"),
                ("6", "因产业项目失败"),
                ("7", "因务工就业不稳"),
                ("8", "缺劳动力"),
                ("99", "其他"),
            ),
        ),
        # health
        CodeKind(
            "doctor_package",
            _("Family-doctor service packages"),
            (
                ("1", "基础包"),
                ("2", "慢病管理包"),
                ("3", "老年人健康包"),
                ("4", "孕产妇儿童包"),
                ("5", "残疾人康复包"),
            ),
        ),
        CodeKind(
            "checkup_finding",
            _("Check-up findings"),
            (
                ("1", "高血压"),
                ("2", "糖尿病"),
                ("3", "血脂异常"),
                ("4", "心脏病"),
                ("5", "肝功能异常"),
                ("6", "肾功能异常"),
                ("7", "贫血"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "illness",
            _("Chronic and serious illnesses"),
            (
                ("1", "高血压"),
                ("2", "2型糖尿病"),
                ("3", "严重精神障碍"),
                ("4", "肺结核"),
                ("5", "冠心病"),
                ("6", "脑卒中"),
                ("7", "慢性阻塞性肺疾病"),
                ("8", "恶性肿瘤"),
                ("9", "终末期肾病"),
                ("10", "重性精神病"),
                ("99", "其他"),
            ),
        ),
        # projects and funds ("2+8": the eight kinds of project of seed 004)
        CodeKind(
            "project_kind",
            _("Kinds of project"),
            (
                ("1", "基建"),
                ("2", "产业"),
                ("3", "消费"),
                ("4", "文化"),
                ("5", "健康"),
                ("6", "生态"),
                ("7", "教育"),
                ("8", "社会"),
            ),
        ),
        CodeKind(
            "fund_source",
            _("Sources of funds"),
            (
                ("1", "中央财政"),
                ("2", "省级财政"),
                ("3", "市级财政"),
                ("4", "县级财政"),
                ("5", "帮扶单位"),
                ("6", "社会帮扶"),
                ("7", "群众自筹"),
            ),
        ),
        CodeKind(
            "output_kind",
            _("Kinds of project output"),
            (
                ("1", "硬化道路", "公里"),
                ("2", "路灯", "盏"),
                ("3", "改厕", "座"),
                ("4", "植树", "株"),
                ("5", "饮水管网", "公里"),
                ("6", "桥梁", "座"),
                ("7", "文化广场", "个"),
                ("8", "产业基地", "亩"),
                ("9", "危房改造", "户"),
                ("10", "技能培训", "人次"),
                ("11", "卫生室", "个"),
                ("12", "光伏电站", "千瓦"),
            ),
        ),
        CodeKind(
            "benefit_mode",
            _("How a project benefits households (联农带农)"),
            (
                ("1", "务工就业"),
                ("2", "入股分红"),
                ("3", "土地流转"),
                ("4", "订单收购"),
                ("5", "产业带动"),
                ("6", "公益岗位"),
                ("7", "改善生产生活条件"),
                ("99", "其他"),
            ),
        ),
        CodeKind(
            "asset_kind",
            _("Kinds of project asset (扶贫项目资产)"),
            (("1", "公益性资产"), ("2", "经营性资产"), ("3", "到户类资产")),
        ),
        CodeKind(
            "collective_income_source",
            _("Sources of village collective income"),
            (
                ("1", "经营收入"),
                ("2", "发包及上交收入"),
                ("3", "投资收益"),
                ("4", "补助收入"),
                ("5", "其他收入"),
            ),
        ),
        CodeKind(
            "finding_category",
            _("Categories of inspection findings (督查问题类别)"),
            (
                ("1", "未按规定走访"),
                ("2", "记录不实"),
                ("3", "帮扶手册填写错误"),
                ("4", "帮扶措施未落实"),
                ("5", "驻村天数不足"),
                ("6", "工作作风问题"),
                ("7", "群众不知晓帮扶干部"),
                ("8", "项目资金问题"),
                ("9", "其他"),
            ),
        ),
    ]
}

HEAD_OF_HOUSEHOLD = "01"  # relation code of the head (户主)
TEAM_LEADER, FIRST_SECRETARY = "1", "2"  # team roles the rules name (队长, 第一书记)
# Finding categories a survey's contradicted answers are filed under (记录不实, 群众不知晓帮扶干部).
RECORDS_FALSE, HELPER_UNKNOWN = "2", "7"


def seed_codes(apps, schema_editor, kinds: list[str]) -> None:
    """Data-migration step: create the seed entries of ``kinds`` that do not exist yet."""
    Code = apps.get_model("core", "Code")
    for kind in kinds:
        for order, (value, label, *unit) in enumerate(KINDS[kind].seed):
            # Only lists seeded after the unit column exists (core 0005) carry units.
            defaults = {"label": label, "sort_order": order} | ({"unit": unit[0]} if unit else {})
            Code.objects.get_or_create(kind=kind, value=value, defaults=defaults)
