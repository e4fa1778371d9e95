"""Section 三 column plans beyond the official seven: an added 小计 column and a matrix that
prints only 自然人 / 法人或其他组织 / 总计."""

from __future__ import annotations

import nianbao
from nianbao.schema import REQUEST_ROW_LABELS, REQUEST_ROWS_2021

HEAD = """青岚县交通运输局2023年政府信息公开工作年度报告
一、总体情况
本局认真落实政府信息公开工作要求，主动公开各类信息，依法办理政府信息公开申请，加强平台建设和监督保障，各项工作有序开展。
三、收到和处理政府信息公开申请情况
"""


def _matrix(header: list[str], row_values: dict[str, list[int]]) -> str:
    lines = ["| 项目 | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for rid in REQUEST_ROWS_2021:
        vals = row_values.get(rid, [0] * len(header))
        lines.append(f"| {REQUEST_ROW_LABELS[rid]} | " + " | ".join(map(str, vals)) + " |")
    return "\n".join(lines) + "\n"


def test_subtotal_column_maps_to_org_subtotal():
    header = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "小计",
        "总计",
    ]
    vals = {
        "new": [3, 1, 0, 0, 1, 0, 2, 5],
        "granted": [3, 1, 0, 0, 1, 0, 2, 5],
        "processed_total": [3, 1, 0, 0, 1, 0, 2, 5],
    }
    rep = nianbao.parse((HEAD + _matrix(header, vals)).encode())
    assert rep.get("requests.new.org_subtotal") == 2
    assert rep.get("requests.new.total") == 5
    assert rep.get("requests.new.legal") == 1
    assert not any(f.rule == "R-CELL-COUNT" for f in rep.findings)


def test_three_column_matrix_keeps_the_organisation_columns_absent():
    header = ["自然人", "法人或其他组织", "总计"]
    vals = {"new": [4, 1, 5], "granted": [4, 1, 5], "processed_total": [4, 1, 5]}
    rep = nianbao.parse((HEAD + _matrix(header, vals)).encode())
    assert rep.get("requests.new.natural") == 4
    assert rep.get("requests.new.org_subtotal") == 1
    assert rep.get("requests.new.total") == 5
    assert not rep.has("requests.new.commercial")
    assert not any(f.rule == "R-CELL-COUNT" for f in rep.findings)
