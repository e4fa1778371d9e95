"""Groups C–E (arithmetic of sections 三 and 四, plausibility of 二), including the
arithmetic errors the peer samples' gold notes document."""

from __future__ import annotations

import pytest

from nianbao.report import Report, Value
from nianbao.schema import COLUMNS, RESULT_ROWS_2021

from .test_checks import PEER, gold_report, needs_samples, only, peer_gold, run


def _bump(rep: Report, fid: str, by: int = 1) -> tuple[int, int]:
    old = rep.get(fid)
    rep.values[fid].value = old + by
    return old, old + by


# ------------------------------------------------------------------ R-SUM-ROW
def test_sum_row_shows_the_arithmetic():
    rep = gold_report("002")
    expected, printed = _bump(rep, "requests.new.total")
    (f,) = run(rep, "R-SUM-ROW")
    assert f.severity == "error"
    assert f.expected == expected and f.actual == printed
    assert f.cells[-1] == "requests.new.total" and len(f.cells) == 7
    parts = " + ".join(
        f"{lbl} {rep.get('requests.new.' + c)}"
        for lbl, c in zip(
            ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), COLUMNS
        )
    )
    assert f"表三「一、本年新收政府信息公开申请数量」：{parts} = {expected}" in f.message
    assert f"总计填报为 {printed}（相差 1）" in f.message


def test_sum_row_counts_blanks_as_zero_and_says_so():
    rep = gold_report("002")
    rep.values["requests.granted.natural"].value = None
    (f,) = run(rep, "R-SUM-ROW")
    assert f.assumed_zero == ["requests.granted.natural"]
    assert "自然人 空白" in f.message and "空白按 0 计" in f.message
    assert run(gold_report("002"), "R-SUM-ROW") == []


def test_sum_row_org_subtotal_column():
    rep = gold_report("002")
    orgs = sum(rep.get(f"requests.new.{c}") for c in COLUMNS[1:6])
    rep.values["requests.new.org_subtotal"] = Value(orgs, str(orgs))
    assert run(rep, "R-SUM-ROW") == []
    rep.values["requests.new.org_subtotal"].value = orgs + 2
    (f,) = run(rep, "R-SUM-ROW")
    assert f.rule == "R-SUM-ROW.org_subtotal"
    assert f"= {orgs}" in f.message and "法人或其他组织小计" in f.message


# ------------------------------------------------------------------ R-SUM-RESULTS
def test_sum_results_per_column():
    rep = gold_report("003")
    expected, printed = _bump(rep, "requests.processed_total.natural")
    found = run(rep, "R-SUM-RESULTS")
    assert [f.cells[-1] for f in found] == ["requests.processed_total.natural"]
    (f,) = found
    assert f.expected == expected and f.actual == printed
    assert len(f.cells) == len(RESULT_ROWS_2021) + 1
    assert f.message.startswith("表三「（七）总计」自然人列：予以公开 ")
    assert f"= {expected}" in f.message and f"（七）总计填报为 {printed}（相差 1）" in f.message
    assert run(gold_report("003"), "R-SUM-RESULTS") == []


def test_sum_results_uses_the_single_other_row_in_a_mixed_report():
    rep = gold_report("000")
    assert run(rep, "R-SUM-RESULTS") == []
    rep.values["requests.other.total"].value = 1
    (f,) = run(rep, "R-SUM-RESULTS")
    assert "requests.other.total" in f.cells


# ------------------------------------------------------------------ R-BALANCE
def test_balance():
    rep = gold_report("002")
    new, co = rep.get("requests.new.total"), rep.get("requests.carried_over.total")
    pt, cf = (
        rep.get("requests.processed_total.total"),
        _bump(rep, "requests.carried_forward.total", 2)[1],
    )
    found = run(rep, "R-BALANCE")
    (f,) = [x for x in found if x.cells[0] == "requests.new.total"]
    assert f.cells == [
        "requests.new.total",
        "requests.carried_over.total",
        "requests.processed_total.total",
        "requests.carried_forward.total",
    ]
    assert f"一、本年新收 {new} + 二、上年结转 {co} = {new + co}" in f.message
    assert f"（七）总计 {pt} + 四、结转下年度 {cf} = {pt + cf}（相差 2）" in f.message
    assert run(gold_report("002"), "R-BALANCE") == []


# ------------------------------------------------------------------ carry-over plausibility
def test_carry_processed_and_carry_forward_new():
    rep = gold_report("002")
    assert run(rep, "R-CARRY-PROCESSED", "R-CARRY-FORWARD-NEW") == []
    pt = rep.get("requests.processed_total.total")
    rep.values["requests.carried_over.total"].value = pt + 5
    (f,) = run(rep, "R-CARRY-PROCESSED")
    assert f.severity == "warning" and f.cells[0] == "requests.processed_total.total"
    assert str(pt + 5) in f.message
    new = rep.get("requests.new.total")
    rep.values["requests.carried_forward.total"].value = new + 2
    (f,) = run(rep, "R-CARRY-FORWARD-NEW")
    assert f.cells == ["requests.carried_forward.total", "requests.new.total"]
    assert str(new + 2) in f.message


# ------------------------------------------------------------------ R-SUBTOTAL
def test_subtotal_rows_printed_by_the_report_must_add_up():
    rep = gold_report("003")
    denied = sum(
        rep.get(f"requests.{r}.total") for r in RESULT_ROWS_2021 if r.startswith("denied.")
    )
    rep.values["requests.denied.total"] = Value(denied, str(denied))
    assert run(rep, "R-SUBTOTAL") == []
    rep.values["requests.denied.total"].value = denied - 1
    (f,) = run(rep, "R-SUBTOTAL")
    assert f.expected == denied and f.actual == denied - 1
    assert "（三）不予公开" in f.message and f"= {denied}" in f.message
    # a printed subtotal is not counted a second time by R-SUM-RESULTS
    assert run(rep, "R-SUM-RESULTS") == []


def test_all_zero():
    rep = gold_report("002")
    assert run(rep, "R-ALL-ZERO") == []
    for fid, v in rep.values.items():
        if fid.startswith(("requests.", "reviews.")):
            v.value = 0
    (f,) = run(rep, "R-ALL-ZERO")
    assert f.severity == "info"


# ------------------------------------------------------------------ section 四
def test_review_total():
    rep = gold_report("003")
    expected, printed = _bump(rep, "reviews.reconsideration.total")
    (f,) = run(rep, "R-REVIEW-TOTAL")
    assert f.cells[-1] == "reviews.reconsideration.total" and len(f.cells) == 5
    assert f.message.startswith("表四「行政复议」：结果维持 ")
    assert f"= {expected}，但总计填报为 {printed}（相差 1）" in f.message
    assert run(gold_report("003"), "R-REVIEW-TOTAL") == []


def test_review_after_gt_recon():
    rep = gold_report("002")
    recon = rep.get("reviews.reconsideration.total")
    rep.values["reviews.litigation_after.total"].value = recon + 2
    (f,) = run(rep, "R-REVIEW-AFTER-GT-RECON")
    assert f.severity == "info" and f.actual == recon + 2
    assert run(gold_report("002"), "R-REVIEW-AFTER-GT-RECON") == []


def test_unmapped_table_skips_its_arithmetic():
    rep = gold_report("003")
    _bump(rep, "reviews.reconsideration.total")
    rep.layout["reviews_unmapped"] = True
    assert run(rep, "R-REVIEW-TOTAL") == []


# ------------------------------------------------------------------ section 二
def test_regs_level():
    rep = gold_report("002", admin_level="county")
    assert run(rep, "R-REGS-LEVEL") == []
    rep.values["active.regulations.in_force"].value = 3
    (f,) = run(rep, "R-REGS-LEVEL")
    assert f.cells == ["active.regulations.in_force"] and "现行有效件数 3" in f.message
    rep.meta["admin_level"] = "prefecture"
    assert run(rep, "R-REGS-LEVEL") == []


def test_inforce_lt_issued():
    rep = gold_report("004")
    assert run(rep, "R-INFORCE-LT-ISSUED") == []
    issued = rep.get("active.normative.issued")
    rep.values["active.normative.in_force"].value = issued - 1 if issued else 0
    if not issued:
        rep.values["active.normative.issued"].value = issued = 1
    (f,) = run(rep, "R-INFORCE-LT-ISSUED")
    assert f.cells == ["active.normative.issued", "active.normative.in_force"]
    assert f"本年制发件数 {issued}" in f.message


def test_2019_total_lt_new():
    rep = gold_report("002")
    rep.meta["format"] = "2019"
    rep.values["active2019.normative.published"] = Value(60, "60")
    rep.values["active2019.normative.total_public"] = Value(368, "368")
    assert run(rep, "R-2019-TOTAL-LT-NEW") == []
    rep.values["active2019.normative.total_public"].value = 40
    (f,) = run(rep, "R-2019-TOTAL-LT-NEW")
    assert "对外公开总数量 40 少于本年新公开数量 60" in f.message


# ------------------------------------------------------------------ peer gold notes
@needs_samples
def test_peer_hongze_2023_review_totals_are_reported():
    """Gold notes: reconsideration 10+1+0+0 = 11 but 总计 0; litigation_after 5+0+0+0 but 0."""
    rep = Report.from_flat(peer_gold("hongze-2023"))
    found = only(run_checks_all(rep), "R-REVIEW-TOTAL")
    assert [f.cells[-1] for f in found] == [
        "reviews.reconsideration.total",
        "reviews.litigation_after.total",
    ]
    for f in found:
        parts = [rep.get(c) for c in f.cells[:-1]]
        assert f.expected == sum(parts) and f.actual == rep.get(f.cells[-1])
        labels = ("结果维持", "结果纠正", "其他结果", "尚未审结")
        shown = " + ".join(f"{lbl} {p}" for lbl, p in zip(labels, parts))
        assert f"{shown} = {sum(parts)}，但总计填报为 {f.actual}" in f.message


@needs_samples
def test_peer_shanghai_kewei_blank_total_breaks_balance_and_row_sum():
    """Gold notes: the blank 结转 总计 cell breaks R-BALANCE (总计 column) and R-SUM-ROW
    (carried_forward), both with the blank counted as 0."""
    rep = Report.from_flat(peer_gold("shanghai-kewei-2024"))
    found = run_checks_all(rep)
    (bal,) = only(found, "R-BALANCE")
    assert bal.cells[0] == "requests.new.total"
    assert bal.assumed_zero == ["requests.carried_forward.total"]
    (row,) = only(found, "R-SUM-ROW")
    assert row.cells[-1] == "requests.carried_forward.total"
    assert row.assumed_zero == ["requests.carried_forward.total"]
    assert "总计为空白" in row.message
    assert not only(found, "R-SUM-RESULTS") and not only(found, "R-REVIEW-TOTAL")


@needs_samples
@pytest.mark.parametrize(
    "name", ["hongze-2024", "huaian-2024", "shanghai-office-2025", "shuyang-2025-ocr"]
)
def test_peer_reports_without_documented_arithmetic_errors_pass(name):
    rep = Report.from_flat(peer_gold(name))
    arithmetic = {"R-SUM-ROW", "R-SUM-RESULTS", "R-BALANCE", "R-REVIEW-TOTAL", "R-SUBTOTAL"}
    assert not {f.rule for f in run_checks_all(rep)} & arithmetic


def _parsed_peer(name: str) -> Report:
    import nianbao

    path = next(p for p in PEER.iterdir() if p.stem == name and not p.name.endswith(".json"))
    return nianbao.parse(path)


@needs_samples
def test_peer_errors_are_reported_on_the_parsed_documents():
    hongze = _parsed_peer("hongze-2023")  # PDF
    assert [f.cells[-1] for f in only(hongze.findings, "R-REVIEW-TOTAL")] == [
        "reviews.reconsideration.total",
        "reviews.litigation_after.total",
    ]
    kewei = _parsed_peer("shanghai-kewei-2024")  # markdown text
    assert [f.cells[0] for f in only(kewei.findings, "R-BALANCE")] == ["requests.new.total"]
    assert [f.cells[-1] for f in only(kewei.findings, "R-SUM-ROW")] == [
        "requests.carried_forward.total"
    ]


def run_checks_all(rep: Report):
    from nianbao.checks import run_checks

    return run_checks(rep)
