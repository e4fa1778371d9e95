"""A subset of the blind 2019-format test (tests/blind2019.py): invented 2019/2020 reports
as portal pages, DOCX, text copies and (when LibreOffice is there) pdftotext copies of
LibreOffice PDFs — no silent value, no false accusation, and a floor of cells read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import blind2019 as B


def test_blind2019_copies(tmp_path: Path) -> None:
    # the county (units in cells), the 街道 with 「/」 cells and 表二's items on the left,
    # the 委员会 with a wrong total, the 街道 with blanks and 「——」
    made = B.build(tmp_path, which=(0, 2, 3, 6))
    s = B.score(made)
    assert s["silent"] == 0 and s["false"] == 0, s
    assert s["right"] >= 0.97 * s["cells"], s


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="no LibreOffice"
)
def test_blind2019_pdf_text(tmp_path: Path) -> None:
    # pdftotext's raw copy puts 表二's numbers after the next heading: 表二 is unread and
    # named, never blank; the -layout copy reads 表三's wrapped 5.要求行政机关确认 row
    made = B.build(tmp_path, pdf=True, which=(2, 6))
    s = B.score([p for p in made if "_lo" in p.name])
    assert s["silent"] == 0 and s["false"] == 0, s
    lay = B.score([p for p in made if p.name.endswith("_pdflayout.txt") and "b19_2" in p.name])
    assert lay["right"] == lay["cells"], lay


def test_period_statement_qi_zhi(tmp_path: Path) -> None:
    from nianbao.extraction.extract import extract
    from nianbao.readers.dispatch import read

    made = B.build(tmp_path, which=(1,))
    rep = extract(read(str(next(p for p in made if p.name.endswith("_oneline.txt")))))
    # 统计期限自2020年1月1日起至2020年12月31日止; the title's agency before a space
    assert rep.meta["period_start"] == "2020-01-01" and rep.meta["period_end"] == "2020-12-31"
    assert rep.meta["agency"] == "临川市生态环境局"


def test_a_menu_before_a_title_naming_no_agency_is_not_the_agency() -> None:
    """A one-line copy whose title names no agency, after a menu or breadcrumb whose last
    item ends as an agency's name does (市教育局 市公安局 2024年…): the item is no agency
    (the spaced title's name is taken only when the body names it again)."""
    import nianbao

    body = (
        "一、总体情况 本年度，本机关认真贯彻《条例》。 二、主动公开政府信息情况 "
        "三、收到和处理政府信息公开申请情况 四、政府信息公开行政复议、行政诉讼情况 "
        "五、存在的主要问题及改进情况 无。 六、其他需要报告的事项 无。"
    )
    for head in (
        "网站首页 机构概况 市教育局 市公安局 2024年政府信息公开工作年度报告 ",
        "当前位置：首页 > 政务公开 > 市公安局 2024年政府信息公开工作年度报告 ",
    ):
        out = nianbao.parse((head + body).encode(), name="x.txt").to_dict()
        assert out["meta"].get("agency") != "市公安局", head
    own = "青岚县财政局 2024年政府信息公开工作年度报告 " + body + " 青岚县财政局 2025年1月20日"
    out = nianbao.parse(own.encode(), name="x.txt").to_dict()
    assert out["meta"]["agency"] == "青岚县财政局"
