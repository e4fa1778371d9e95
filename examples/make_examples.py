"""Regenerate the example files of this folder with nianbao's own writer.

    .venv/bin/python examples/make_examples.py

Everything here is invented: the agencies (青岚县人民政府, 青岚县财政局) and every number.

* ``figures-2024.yaml``         — a figures file (the input of ``nianbao write``);
* ``reports/qinglan-2024.txt``          — the report written from it, 2021 layout, tab style,
  with the narrative of ``qinglan-text/`` (s1.md, s5.md, s6.md, closing.md);
* ``reports/qinglan-2023.html``         — the same agency's report of the year before, as a web
  page with merged cells; its 结转下年度 (3) differs from the 2024 report's 上年结转 (4), which
  the store's cross-year check reports;
* ``reports/qinglan-caizheng-2024.txt`` — a second agency's report with one deliberate error: the
  总计 of row 一、本年新收 is one more than the sum of its applicant columns, for ``nianbao check``.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.report import Report, Value
from nianbao.schema import APPLICANT_COLUMNS, REQUEST_ROWS_2021, REVIEW_GROUPS
from nianbao.writing.figures import load_figures
from nianbao.writing.template import yaml_template
from nianbao.writing.writer import render, write_report

HERE = Path(__file__).resolve().parent

# Applicant columns: natural, commercial, research, social, legal, other_org (总计 is computed).
QINGLAN_REQUESTS: dict[str, tuple[int, int, int, int, int, int]] = {
    "new": (41, 6, 0, 1, 3, 2),
    "carried_over": (3, 1, 0, 0, 0, 0),
    "granted": (18, 3, 0, 1, 1, 1),
    "partial": (4, 1, 0, 0, 0, 0),
    "denied.third_party": (2, 0, 0, 0, 0, 0),
    "denied.internal_affairs": (0, 0, 0, 0, 0, 1),
    "denied.process_info": (1, 0, 0, 0, 0, 0),
    "unable.not_held": (9, 2, 0, 0, 1, 0),
    "unable.unclear": (1, 0, 0, 0, 0, 0),
    "rejected.petition": (3, 0, 0, 0, 0, 0),
    "rejected.duplicate": (2, 0, 0, 0, 0, 0),
    "rejected.confirm": (0, 0, 0, 0, 1, 0),
    "other.no_correction": (1, 0, 0, 0, 0, 0),
    "other.misc": (1, 0, 0, 0, 0, 0),
    "carried_forward": (2, 1, 0, 0, 0, 0),
}
QINGLAN_ACTIVE: dict[str, int | float] = {
    "active.regulations.issued": 0,
    "active.regulations.repealed": 0,
    "active.regulations.in_force": 0,
    "active.normative.issued": 5,
    "active.normative.repealed": 2,
    "active.normative.in_force": 38,
    "active.licensing": 2316,
    "active.penalty": 187,
    "active.coercion": 9,
    "active.fees": 126.35,
}
# upheld, corrected, other, pending (总计 is computed)
QINGLAN_REVIEWS: dict[str, tuple[int, int, int, int]] = {
    "reconsideration": (2, 1, 0, 1),
    "litigation_direct": (1, 0, 1, 0),
    "litigation_after": (1, 0, 0, 0),
}

CAIZHENG_REQUESTS: dict[str, tuple[int, int, int, int, int, int]] = {
    "new": (5, 1, 0, 0, 0, 0),
    "granted": (3, 1, 0, 0, 0, 0),
    "unable.not_held": (1, 0, 0, 0, 0, 0),
    "other.misc": (1, 0, 0, 0, 0, 0),
}
CAIZHENG_ACTIVE: dict[str, int | float] = {
    "active.normative.issued": 2,
    "active.normative.repealed": 1,
    "active.normative.in_force": 11,
    "active.licensing": 0,
    "active.penalty": 4,
    "active.coercion": 0,
    "active.fees": 0,
}
CAIZHENG_REVIEWS: dict[str, tuple[int, int, int, int]] = {
    "reconsideration": (1, 0, 0, 0),
}
CAIZHENG_TEXTS = {
    "s1": (
        "2024年，青岚县财政局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕财政预决算、"
        "惠民惠农补贴资金和政府采购等重点领域，做好主动公开工作；规范依申请公开办理流程，"
        "严格落实保密审查；加强政府信息管理和公开平台维护，健全监督保障机制。"
    ),
    "s5": (
        "存在的主要问题是财政信息解读的通俗性有待提高，部分专项资金信息公开还不够及时。"
        "下一步，将围绕2025年度政务公开工作要点，加强图解、问答等解读方式，按时公开各类财政资金信息。"
    ),
    "s6": "本年度未发出信息处理费收费通知，未收取信息处理费。",
    "closing": (
        "本报告电子版可在青岚县人民政府门户网站“政府信息公开”专栏查阅。"
        "联系地址：青岚县财政路8号，联系电话：0000-7654321。\n\n青岚县财政局\n\n2025年1月15日"
    ),
}


def build_report(
    agency: str,
    year: int,
    published: str,
    active: dict[str, int | float],
    requests: dict[str, tuple[int, int, int, int, int, int]],
    reviews: dict[str, tuple[int, int, int, int]],
) -> Report:
    """A consistent report: 总计 columns, （七）总计 and review totals are computed."""
    rep = Report()
    rep.meta.update({"agency": agency, "year": year, "published": published, "format": "2021"})
    for fid, value in active.items():
        rep.values[fid] = Value(value, str(value))
    results = [
        r
        for r in REQUEST_ROWS_2021
        if r not in ("new", "carried_over", "processed_total", "carried_forward")
    ]
    for row in REQUEST_ROWS_2021:
        if row == "processed_total":
            cells = tuple(sum(requests.get(r, (0,) * 6)[k] for r in results) for k in range(6))
        else:
            cells = requests.get(row, (0,) * 6)
        for col, value in zip(APPLICANT_COLUMNS, cells):
            rep.values[f"requests.{row}.{col}"] = Value(value, str(value))
        rep.values[f"requests.{row}.total"] = Value(sum(cells), str(sum(cells)))
    for group in REVIEW_GROUPS:
        parts = reviews.get(group, (0, 0, 0, 0))
        for field, value in zip(("upheld", "corrected", "other", "pending"), parts):
            rep.values[f"reviews.{group}.{field}"] = Value(value, str(value))
        rep.values[f"reviews.{group}.total"] = Value(sum(parts), str(sum(parts)))
    return rep


# The 2023 report of the same agency: fewer applications, and 3 (not 4) carried forward.
QINGLAN_2023_REQUESTS: dict[str, tuple[int, int, int, int, int, int]] = {
    "new": (30, 4, 0, 0, 2, 1),
    "carried_over": (1, 0, 0, 0, 0, 0),
    "granted": (15, 2, 0, 0, 1, 1),
    "partial": (3, 1, 0, 0, 0, 0),
    "denied.third_party": (1, 0, 0, 0, 0, 0),
    "unable.not_held": (6, 1, 0, 0, 1, 0),
    "rejected.petition": (2, 0, 0, 0, 0, 0),
    "other.misc": (1, 0, 0, 0, 0, 0),
    "carried_forward": (3, 0, 0, 0, 0, 0),
}
QINGLAN_2023_ACTIVE: dict[str, int | float] = {
    **QINGLAN_ACTIVE,
    "active.normative.issued": 4,
    "active.normative.repealed": 1,
    "active.normative.in_force": 35,
    "active.licensing": 2071,
    "active.penalty": 164,
    "active.fees": 118.2,
}
QINGLAN_2023_REVIEWS: dict[str, tuple[int, int, int, int]] = {
    "reconsideration": (1, 0, 0, 0),
    "litigation_direct": (1, 0, 0, 0),
}


def read_texts(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def main() -> None:
    qinglan = build_report(
        "青岚县人民政府", 2024, "2025-01-20", QINGLAN_ACTIVE, QINGLAN_REQUESTS, QINGLAN_REVIEWS
    )
    figures = HERE / "figures-2024.yaml"
    write_report(yaml_template(qinglan).encode("utf-8"), figures)
    # Write the report from the figures file, as `nianbao write` does.
    report = load_figures(figures)
    texts = read_texts(HERE / "qinglan-text")
    reports = HERE / "reports"
    reports.mkdir(exist_ok=True)
    write_report(render(report, "tab", texts), reports / "qinglan-2024.txt")

    q2023 = build_report(
        "青岚县人民政府",
        2023,
        "2024-01-22",
        QINGLAN_2023_ACTIVE,
        QINGLAN_2023_REQUESTS,
        QINGLAN_2023_REVIEWS,
    )
    texts_2023 = {k: v.replace("2024", "2023").replace("2025", "2024") for k, v in texts.items()}
    # the 2023 figures differ: state them, as a careful agency would
    texts_2023["s1"] = texts_2023["s1"].replace(
        "全年新收政府信息公开申请53件，上年结转4件，均在法定期限内答复，结转下年度继续办理3件。"
        "全年因政府信息公开引起行政复议4件，行政诉讼3件。",
        "全年新收政府信息公开申请37件，上年结转1件，均在法定期限内答复，结转下年度继续办理3件。"
        "全年因政府信息公开引起行政复议1件，行政诉讼1件。",
    )
    write_report(render(q2023, "html", texts_2023), reports / "qinglan-2023.html")

    caizheng = build_report(
        "青岚县财政局", 2024, "2025-01-15", CAIZHENG_ACTIVE, CAIZHENG_REQUESTS, CAIZHENG_REVIEWS
    )
    # The deliberate error: 一、本年新收 总计 one more than 自然人 + 商业企业.
    wrong = caizheng.values["requests.new.total"].value + 1  # type: ignore[operator]
    caizheng.values["requests.new.total"] = Value(wrong, str(wrong))
    write_report(render(caizheng, "tab", CAIZHENG_TEXTS), reports / "qinglan-caizheng-2024.txt")
    for name in OUTPUTS:
        print(HERE / name)


OUTPUTS = (
    "figures-2024.yaml",
    "reports/qinglan-2024.txt",
    "reports/qinglan-2023.html",
    "reports/qinglan-caizheng-2024.txt",
)

if __name__ == "__main__":
    main()
