"""The canonical schema: field ids, their official labels and table layouts.

Everything here is data taken from the national format (国办公开办函〔2021〕30号 and the
older 〔2019〕60号); see ``shared/spec/schema.md`` and ``format.md``. Other modules read the
layouts from here instead of spelling ids out again.
"""

from __future__ import annotations

__all__ = [
    "COLUMNS",
    "APPLICANT_COLUMNS",
    "ORG_COLUMNS",
    "COLUMN_LABELS",
    "REQUEST_ROWS_2021",
    "REQUEST_ROWS_2019",
    "REQUEST_ROW_LABELS",
    "REQUEST_GROUPS",
    "RESULT_ROWS_2021",
    "RESULT_ROWS_2019",
    "REVIEW_GROUPS",
    "REVIEW_FIELDS",
    "REVIEW_GROUP_LABELS",
    "REVIEW_FIELD_LABELS",
    "REVIEW_IDS",
    "ACTIVE_IDS",
    "ACTIVE_LABELS",
    "ACTIVE2019_IDS",
    "ACTIVE2019_LABELS",
    "SECTION_KEYS",
    "SECTION_HEADINGS",
    "DECIMAL_IDS",
    "SIGNED_IDS",
    "request_ids",
    "table_ids",
    "label_of",
]

# ---------------------------------------------------------------- section 三 (requests)
COLUMNS: tuple[str, ...] = (
    "natural",
    "commercial",
    "research",
    "social",
    "legal",
    "other_org",
    "total",
)
APPLICANT_COLUMNS: tuple[str, ...] = COLUMNS[:6]
ORG_COLUMNS: tuple[str, ...] = COLUMNS[1:6]
COLUMN_LABELS: dict[str, str] = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
    "org_subtotal": "法人或其他组织小计",
}

RESULT_ROWS_2021: tuple[str, ...] = (
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_forbidden",
    "denied.safety_stability",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_file",
    "denied.admin_query",
    "unable.not_held",
    "unable.needs_creation",
    "unable.unclear",
    "rejected.petition",
    "rejected.duplicate",
    "rejected.publication",
    "rejected.excessive",
    "rejected.confirm",
    "other.no_correction",
    "other.no_fee",
    "other.misc",
)
RESULT_ROWS_2019: tuple[str, ...] = RESULT_ROWS_2021[:18] + ("other",)

REQUEST_ROWS_2021: tuple[str, ...] = (
    ("new", "carried_over") + RESULT_ROWS_2021 + ("processed_total", "carried_forward")
)
REQUEST_ROWS_2019: tuple[str, ...] = (
    ("new", "carried_over") + RESULT_ROWS_2019 + ("processed_total", "carried_forward")
)

# Official labels, as printed in the 2021 format (the label path joined by ›).
REQUEST_ROW_LABELS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "1.属于国家秘密",
    "denied.law_forbidden": "2.其他法律行政法规禁止公开",
    "denied.safety_stability": "3.危及“三安全一稳定”",
    "denied.third_party": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_info": "6.属于四类过程性信息",
    "denied.enforcement_file": "7.属于行政执法案卷",
    "denied.admin_query": "8.属于行政查询事项",
    "unable.not_held": "1.本机关不掌握相关政府信息",
    "unable.needs_creation": "2.没有现成信息需要另行制作",
    "unable.unclear": "3.补正后申请内容仍不明确",
    "rejected.petition": "1.信访举报投诉类申请",
    "rejected.duplicate": "2.重复申请",
    "rejected.publication": "3.要求提供公开出版物",
    "rejected.excessive": "4.无正当理由大量反复申请",
    "rejected.confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.misc": "3.其他",
    "other": "（六）其他处理",
    "processed_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
# Group labels of the result rows (merged header cells in the official table).
REQUEST_GROUPS: dict[str, str] = {
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "rejected": "（五）不予处理",
    "other": "（六）其他处理",
}

# ---------------------------------------------------------------- section 四 (reviews)
REVIEW_GROUPS: tuple[str, ...] = ("reconsideration", "litigation_direct", "litigation_after")
REVIEW_FIELDS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_GROUP_LABELS: dict[str, str] = {
    "reconsideration": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after": "行政诉讼·复议后起诉",
}
REVIEW_FIELD_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
REVIEW_IDS: tuple[str, ...] = tuple(
    f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS
)

# ---------------------------------------------------------------- section 二 (active disclosure)
ACTIVE_IDS: tuple[str, ...] = (
    "active.regulations.issued",
    "active.regulations.repealed",
    "active.regulations.in_force",
    "active.normative.issued",
    "active.normative.repealed",
    "active.normative.in_force",
    "active.licensing",
    "active.penalty",
    "active.coercion",
    "active.fees",
)
ACTIVE_LABELS: dict[str, str] = {
    "active.regulations.issued": "规章·本年制发件数",
    "active.regulations.repealed": "规章·本年废止件数",
    "active.regulations.in_force": "规章·现行有效件数",
    "active.normative.issued": "行政规范性文件·本年制发件数",
    "active.normative.repealed": "行政规范性文件·本年废止件数",
    "active.normative.in_force": "行政规范性文件·现行有效件数",
    "active.licensing": "行政许可·本年处理决定数量",
    "active.penalty": "行政处罚·本年处理决定数量",
    "active.coercion": "行政强制·本年处理决定数量",
    "active.fees": "行政事业性收费·本年收费金额（单位：万元）",
}
ACTIVE2019_IDS: tuple[str, ...] = (
    "active2019.regulations.made",
    "active2019.regulations.published",
    "active2019.regulations.total_public",
    "active2019.normative.made",
    "active2019.normative.published",
    "active2019.normative.total_public",
    "active2019.licensing.items_prev",
    "active2019.licensing.items_delta",
    "active2019.licensing.decisions",
    "active2019.other_services.items_prev",
    "active2019.other_services.items_delta",
    "active2019.other_services.decisions",
    "active2019.penalty.items_prev",
    "active2019.penalty.items_delta",
    "active2019.penalty.decisions",
    "active2019.coercion.items_prev",
    "active2019.coercion.items_delta",
    "active2019.coercion.decisions",
    "active2019.fees.items_prev",
    "active2019.fees.items_delta",
    "active2019.procurement.items",
    "active2019.procurement.amount",
)
_ROW2019 = {
    "regulations": "规章",
    "normative": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
_COL2019 = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_public": "对外公开总数量",
    "items_prev": "上一年项目数量",
    "items_delta": "本年增/减",
    "decisions": "处理决定数量",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
ACTIVE2019_LABELS: dict[str, str] = {
    i: f"{_ROW2019[i.split('.')[1]]}·{_COL2019[i.split('.')[2]]}" for i in ACTIVE2019_IDS
}

# Ids whose values may carry decimals; all other counts are integers.
DECIMAL_IDS: frozenset[str] = frozenset({"active.fees", "active2019.procurement.amount"})
# Ids whose values may be negative.
SIGNED_IDS: frozenset[str] = frozenset(i for i in ACTIVE2019_IDS if i.endswith(".items_delta"))

# ---------------------------------------------------------------- sections
SECTION_KEYS: tuple[str, ...] = ("s1", "s2", "s3", "s4", "s5", "s6")
SECTION_HEADINGS: dict[str, str] = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}


def request_ids(layout: str) -> list[str]:
    """All ``requests.*`` cell ids of a layout ("2021", or "2019"/"mixed" with the single
    （六）其他处理 row)."""
    rows = REQUEST_ROWS_2021 if layout == "2021" else REQUEST_ROWS_2019
    return [f"requests.{r}.{c}" for r in rows for c in COLUMNS]


def default_layout(year: object) -> str:
    """The table layout a report of ``year`` is under when its tables do not say: the 2019
    格式（试行） for the years 2019 and 2020, else the 2021 format (format.md §1)."""
    return "2019" if isinstance(year, int) and 2019 <= year <= 2020 else "2021"


def table_ids(layout: str) -> list[str]:
    """Every table cell id a report of ``layout`` carries, in the order the report prints them."""
    active = list(ACTIVE2019_IDS) if layout == "2019" else list(ACTIVE_IDS)
    if layout in ("legacy", "unknown"):
        return []
    return active + request_ids(layout) + list(REVIEW_IDS)


def label_of(field_id: str) -> str:
    """A short Chinese description of a cell id, for messages: 表三「（一）予以公开」自然人."""
    if field_id.startswith("requests."):
        row, col = field_id[len("requests.") :].rsplit(".", 1)
        row_label = REQUEST_ROW_LABELS.get(row, row)
        group = row.split(".")[0]
        if "." in row and group in REQUEST_GROUPS:
            row_label = f"{REQUEST_GROUPS[group]}{row_label}"
        return f"表三「{row_label}」{COLUMN_LABELS.get(col, col)}"
    if field_id.startswith("reviews."):
        _, group, field = field_id.split(".")
        return f"表四「{REVIEW_GROUP_LABELS.get(group, group)}」{REVIEW_FIELD_LABELS.get(field, field)}"
    if field_id in ACTIVE_LABELS:
        row, col = ACTIVE_LABELS[field_id].split("·")
        return f"表二「{row}」{col}"
    if field_id in ACTIVE2019_LABELS:
        row, col = ACTIVE2019_LABELS[field_id].split("·")
        return f"表二「{row}」{col}"
    return field_id
