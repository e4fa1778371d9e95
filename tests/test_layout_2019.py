"""The older 2019 layout (国办公开办函〔2019〕60号) on an invented report."""

from __future__ import annotations

import nianbao

REPORT_2019 = """青岚县人民政府2020年政府信息公开工作年度报告

一、总体情况
2020年，青岚县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息1200条。本年度报告中所列数据的统计期限为2020年1月1日至2020年12月31日。

二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t5\t5\t40
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t120\t-3\t2100
其他对外管理服务事项\t15\t增加2\t300
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t80\t0\t450
行政强制\t12\t+1\t30
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t6\t减少1
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t14\t251000元

三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况
\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计
\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t
一、本年新收政府信息公开申请数量\t\t\t8\t1\t0\t0\t1\t0\t10
二、上年结转政府信息公开申请数量\t\t\t1\t0\t0\t0\t0\t0\t1
三、本年度办理结果\t（一）予以公开\t\t5\t1\t0\t0\t1\t0\t7
\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t1\t0\t0\t0\t0\t0\t1
\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0
\t\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0
\t\t3.危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0
\t\t4.保护第三方合法权益\t0\t0\t0\t0\t0\t0\t0
\t\t5.属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0
\t\t6.属于四类过程性信息\t0\t0\t0\t0\t0\t0\t0
\t\t7.属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0
\t\t8.属于行政查询事项\t0\t0\t0\t0\t0\t0\t0
\t（四）无法提供\t1.本机关不掌握相关政府信息\t2\t0\t0\t0\t0\t0\t2
\t\t2.没有现成信息需要另行制作\t0\t0\t0\t0\t0\t0\t0
\t\t3.补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0
\t（五）不予处理\t1.信访举报投诉类申请\t0\t0\t0\t0\t0\t0\t0
\t\t2.重复申请\t0\t0\t0\t0\t0\t0\t0
\t\t3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0
\t\t4.无正当理由大量反复申请\t0\t0\t0\t0\t0\t0\t0
\t\t5.要求行政机关确认或重新出具已获取信息\t0\t0\t0\t0\t0\t0\t0
\t（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1
\t（七）总计\t\t9\t1\t0\t0\t1\t0\t11
四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0

四、政府信息公开行政复议、行政诉讼情况
行政复议\t\t\t\t\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉
\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计
1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0

五、存在的主要问题及改进情况
存在的问题是政策解读形式还不够丰富。下一步将加强培训，提升依申请公开办理质量，完善平台建设和信息发布审核。

六、其他需要报告的事项
本年度未收取信息处理费。

2021年3月20日
"""


def test_2019_layout_is_read_into_active2019_and_the_single_other_row():
    rep = nianbao.parse(REPORT_2019.encode("gb18030"))
    assert rep.meta["format"] == "2019"
    assert rep.meta["agency"] == "青岚县人民政府" and rep.meta["year"] == 2020
    assert rep.meta["published"] == "2021-03-20"
    g = rep.get
    assert (
        g("active2019.normative.made"),
        g("active2019.normative.published"),
        g("active2019.normative.total_public"),
    ) == (5, 5, 40)
    assert (
        g("active2019.licensing.items_prev"),
        g("active2019.licensing.items_delta"),
        g("active2019.licensing.decisions"),
    ) == (120, -3, 2100)
    assert g("active2019.other_services.items_delta") == 2
    assert g("active2019.coercion.items_delta") == 1
    assert g("active2019.fees.items_delta") == -1
    assert g("active2019.procurement.items") == 14
    assert g("active2019.procurement.amount") == 251000
    assert rep.raw("active2019.procurement.amount") == "251000元"
    assert g("requests.other.natural") == 1 and g("requests.other.total") == 1
    assert not rep.has("requests.other.misc.total")
    assert g("requests.processed_total.total") == 11
    assert g("reviews.reconsideration.total") == 1
    out = rep.to_dict()
    assert out["active2019"]["licensing"]["items_delta"] == -3
    assert "active" not in out


def test_2019_layout_on_a_2022_report_is_reported_as_old_format():
    rep = nianbao.parse(REPORT_2019.replace("2020年政府信息", "2022年政府信息").encode())
    assert rep.meta["format"] == "2019"
    rules = {f.rule for f in rep.findings}
    assert "R-FORMAT-OLD" in rules


def test_the_2019_label_of_normative_documents_is_a_variant_in_the_2021_layout_only():
    """规范性文件 is the 2019 layout's own row label (format.md): read in that layout it is
    no variant; in the 2021 layout (行政规范性文件) it still is one."""
    from pathlib import Path

    from nianbao.report import Report
    from nianbao.writing.writer import render

    from .shapes import _invented_2019

    rep = Report.from_flat(_invented_2019())
    for style in ("html", "md", "tab"):
        data = render(rep, style)
        got = nianbao.parse(data if isinstance(data, bytes) else data.encode(), name=f"r.{style}")
        assert got.meta.get("format") == "2019"
        assert not [f for f in got.findings if f.rule == "R-LABEL-VARIANT"], style
    sample = Path(__file__).resolve().parents[2] / "shared" / "samples" / "003_d51677336c3a457a.txt"
    old_label = nianbao.parse(sample)
    assert any(
        f.rule == "R-LABEL-VARIANT" and "active.normative.issued" in f.cells
        for f in old_label.findings
    )
