"""The 2021 national form's words that the blind generators print, from the official form
(not from the reader code): 表三's note, its sub-rows under （三）–（六）, and 表二's blocks."""

from __future__ import annotations

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (sub-row label, row id) under （三）不予公开, （四）无法提供, （五）不予处理, （六）其他处理
DENIED = [
    ("1.属于国家秘密", "state_secret"),
    ("2.其他法律行政法规禁止公开", "law_forbidden"),
    ("3.危及“三安全一稳定”", "safety_stability"),
    ("4.保护第三方合法权益", "third_party"),
    ("5.属于三类内部事务信息", "internal_affairs"),
    ("6.属于四类过程性信息", "process_info"),
    ("7.属于行政执法案卷", "enforcement_file"),
    ("8.属于行政查询事项", "admin_query"),
]
UNABLE = [
    ("1.本机关不掌握相关政府信息", "not_held"),
    ("2.没有现成信息需要另行制作", "needs_creation"),
    ("3.补正后申请内容仍不明确", "unclear"),
]
REJECTED = [
    ("1.信访举报投诉类申请", "petition"),
    ("2.重复申请", "duplicate"),
    ("3.要求提供公开出版物", "publication"),
    ("4.无正当理由大量反复申请", "excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "confirm"),
]
OTHER = [
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "no_fee"),
    ("3.其他", "misc"),
]

# 表二: (block header, value column headers, [(row label, id)]); a row of three values has
# ids id.issued, id.repealed, id.in_force
ACTIVE_BLOCKS = [
    (
        "第二十条第（一）项",
        ["本年制发件数", "本年废止件数", "现行有效件数"],
        [("规章", "active.regulations"), ("行政规范性文件", "active.normative")],
    ),
    ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "active.licensing")]),
    (
        "第二十条第（六）项",
        ["本年处理决定数量"],
        [("行政处罚", "active.penalty"), ("行政强制", "active.coercion")],
    ),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "active.fees")]),
]
