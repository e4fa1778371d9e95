"""Copies that broke the content deviations' reading (commit ea2f4e6, reviewed by trying to
break it): each reads every 表三 cell as written, or says what it could not read, and never
blames the document for the tool's own reading.

- a one-row 表三 header whose 总计 column is named 合计, repeated after a page break: each
  合计 took the other for the table's 总计 and became 法人或其他组织's 小计 (表三 lost whole);
- a flattened 2019 copy printing each result group's label with its first row's numbers
  (（三）不予公开 9 0 9 8 0 3 29 1.属于国家秘密 2.…): the numbers were taken for a subtotal
  row the copy added, the first row read blank, and R-SUM-RESULTS blamed the document;
- 本年收费金额（元）/（单位：元） over a fee in a copy read as a form (one line, one cell a
  line): the amount was kept in 元 while R-FEE-UNIT said it had been converted; a header in
  千元 was said converted too, though no reading converts it;
- the merged 合计 (the table's 总计) filled down each header row: the lowest, among the
  organisations' words, was taken for 法人或其他组织's subtotal (表三 lost whole), in a grid
  and in a PDF's text laid out in lines;
- a note in 表二 naming 本年收费金额（元） over a table whose header says 万元: the fee was
  divided by 10000 and said converted;
- 科研 / 机构 before 商业 / 企业, wrapped in a grid's cells: 商业 / 企业 not joined (both
  pieces name the column), the form's order taken, the two columns swapped silently.
"""

from __future__ import annotations

import nianbao

COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
ROWS = (
    ("new", "", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果", "（一）予以公开"),
    ("partial", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied.law_forbidden", "", "2.其他法律行政法规禁止公开"),
    ("denied.safety_stability", "", "3.危及“三安全一稳定”"),
    ("denied.third_party", "", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "", "5.属于三类内部事务信息"),
    ("denied.process_info", "", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "", "7.属于行政执法案卷"),
    ("denied.admin_query", "", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "", "3.补正后申请内容仍不明确"),
    ("rejected.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("rejected.duplicate", "", "2.重复申请"),
    ("rejected.publication", "", "3.要求提供公开出版物"),
    ("rejected.excessive", "", "4.无正当理由大量反复申请"),
    ("rejected.confirm", "", "5.要求行政机关确认或重新出具已获取信息"),
    ("other", "", "（六）其他处理"),
    ("processed_total", "", "（七）总计"),
    ("carried_forward", "", "四、结转下年度继续办理"),
)
RESULTS = [r[0] for r in ROWS if r[0] not in ("new", "carried_over", "processed_total")][:-1]


def _values() -> dict[str, list[int]]:
    """A 2019-layout 表三 whose sums hold, its result rows' cells all different."""
    vals: dict[str, list[int]] = {}
    for n, rid in enumerate(RESULTS):
        cells = [(n * 7 + c * 3) % 10 for c in range(6)]
        vals[rid] = [*cells, sum(cells)]
    vals["processed_total"] = [sum(vals[r][c] for r in RESULTS) for c in range(7)]
    vals["carried_over"] = [1, 0, 0, 0, 0, 0, 1]
    vals["carried_forward"] = [0, 1, 0, 0, 0, 0, 1]
    vals["new"] = [
        vals["processed_total"][c] + vals["carried_forward"][c] - vals["carried_over"][c]
        for c in range(7)
    ]
    return vals


def _report(s3: str, fee_head: str = "本年收费金额（单位：万元）", fee: str = "12.5") -> str:
    return (
        "示例县人民政府2023年政府信息公开工作年度报告\n\n一、总体情况\n\n"
        "2023年，示例县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开。\n\n"
        "二、主动公开政府信息情况\n\n第二十条第（一）项\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t4\t2\t26\n"
        "第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t3559\n"
        "第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t1951\n行政强制\t110\n"
        f"第二十条第（八）项\n信息内容\t{fee_head}\n行政事业性收费\t{fee}\n\n"
        f"三、收到和处理政府信息公开申请情况\n\n{s3}\n\n"
        "四、政府信息公开行政复议、行政诉讼情况\n\n"
        "行政复议\t\t\t\t\t行政诉讼\n\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
        + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
        + "\n"
        + "\t".join(["0"] * 15)
        + "\n\n五、存在的主要问题及改进情况\n\n公开内容还不够全面，下一步将加强培训。\n\n"
        "六、其他需要报告的事项\n\n本年度未收取信息处理费。\n\n示例县人民政府办公室\n2024年1月20日\n"
    )


def _parse(text: str) -> dict:
    return nianbao.parse(text.encode("utf-8"), name="copy.txt").to_dict()


def _wrong_cells(out: dict, vals: dict[str, list[int]]) -> list[str]:
    got = out["requests"]
    wrong = []
    for rid, cells in vals.items():
        node = got
        for part in rid.split("."):
            node = (node or {}).get(part) or {}
        for c, v in zip(COLS, cells):
            if node.get(c) != v:
                wrong.append(f"{rid}.{c}: {node.get(c)!r} for {v}")
    return wrong


def test_repeated_one_row_header_with_heji_keeps_the_total_column() -> None:
    vals = _values()
    head = "\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t合计"
    lines = [head]
    for rid, group, label in ROWS:
        if rid == "unable.not_held":
            lines.append(head)  # the header repeated on the next page
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, vals[rid])))
    out = _parse(_report("\n".join(lines)))
    assert not _wrong_cells(out, vals)


def test_heji_subtotal_column_under_a_heji_total() -> None:
    # 法人或其他组织's own 合计 among its columns, the table's 总计 named 合计 a row above
    vals = _values()
    head = (
        "申请人情况\n\t自然人\t法人或其他组织\t\t\t\t\t\t合计\n"
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t合计\t"
    )
    lines = [head]
    for rid, group, label in ROWS:
        cells = vals[rid]
        row = [*cells[:6], sum(cells[1:6]), cells[6]]
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, row)))
    out = _parse(_report("\n".join(lines)))
    assert not _wrong_cells(out, vals)


def test_group_label_printed_with_its_first_rows_numbers_is_no_accusation() -> None:
    vals = _values()
    parts = [
        "申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"
    ]
    for rid, group, label in ROWS:
        nums = " ".join(map(str, vals[rid]))
        if group.startswith("（") and group[1] in "三四五":
            parts += [f"{group} {nums}", label]  # the row's numbers on its group's line
        else:
            parts.append(f"{group} {label} {nums}".strip())
    out = _parse(_report(" ".join(parts)))
    sums = [f for f in out["findings"] if f["rule"].startswith(("R-SUM", "R-BALANCE"))]
    assert not sums, [f["message"] for f in sums]


def _flattened(text: str) -> str:
    """表二 as one line (a copy read as a form, no header cell)."""
    head, rest = text.split("二、主动公开政府信息情况\n\n", 1)
    s2, tail = rest.split("\n\n三、", 1)
    return f"{head}二、主动公开政府信息情况\n\n{s2.replace(chr(10), ' ').replace(chr(9), ' ')}\n\n三、{tail}"


def test_fee_in_yuan_converted_in_a_copy_read_as_a_form() -> None:
    lines = ["\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    vals = _values()
    for rid, group, label in ROWS:
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, vals[rid])))
    for head in ("本年收费金额（元）", "本年收费金额（单位：元）"):
        text = _report("\n".join(lines), head, "125000")
        for copy in (_flattened(text), text):
            out = _parse(copy)
            assert out["active"]["fees"] == 12.5
            (f,) = [f for f in out["findings"] if f["rule"] == "R-FEE-UNIT"]
            assert "已换算为万元" in f["message"]


def test_fee_in_qian_yuan_not_said_converted() -> None:
    lines = ["\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    vals = _values()
    for rid, group, label in ROWS:
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, vals[rid])))
    out = _parse(_report("\n".join(lines), "本年收费金额（千元）", "12500"))
    assert out["active"]["fees"] == 12500  # kept as published
    (f,) = [f for f in out["findings"] if f["rule"] == "R-FEE-UNIT"]
    assert "已换算" not in f["message"] and "未换算" in f["message"]


def test_group_subtotal_row_above_a_blank_first_row_not_joined_to_it() -> None:
    # a pipe table with the copy's subtotal rows on the groups' labels; 1.属于国家秘密 blank:
    # the subtotal row was joined to it as one label cut at a line break (read 2, silently)
    vals = _values()
    vals["denied.state_secret"] = [None] * 7  # type: ignore[list-item]
    for c in range(7):
        vals["processed_total"][c] = sum(vals[r][c] or 0 for r in RESULTS)
        vals["new"][c] = (
            vals["processed_total"][c] + vals["carried_forward"][c] - vals["carried_over"][c]
        )
    lines = [
        "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rid, group, label in ROWS:
        if group.startswith("（") and group[1] in "三四五":
            prefix = rid.split(".")[0] + "."
            sub = [sum(vals[r][c] or 0 for r in RESULTS if r.startswith(prefix)) for c in range(7)]
            lines.append(f"| {group} | " + " | ".join(map(str, sub)) + " |")
            group = ""
        cells = " | ".join("" if v is None else str(v) for v in vals[rid])
        lines.append(f"| {(group + label).strip()} | {cells} |")
    out = _parse(_report("\n".join(lines)))
    assert not _wrong_cells(out, vals)


def test_heji_total_filled_down_its_merged_header_rows_stays_the_total() -> None:
    # the copy filled the merged 合计 (the table's 总计) into each of the header's three
    # rows: the lowest 合计, among the organisations' words, was taken for 法人或其他组织's
    # subtotal because of the 合计 above it in the same column (表三 lost whole)
    vals = _values()
    head = (
        "\t\t申请人情况\t\t\t\t\t\t合计\n"
        "\t\t自然人\t法人或其他组织\t\t\t\t\t合计\n"
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t合计"
    )
    lines = [head]
    for rid, group, label in ROWS:
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, vals[rid])))
    # the same as a PDF's text laid out in lines, its cells no columns
    layout = [
        f"{'':35}申请人情况{'':41}合计",
        f"{'':31}自然人{'':7}法人或其他组织{'':29}合计",
        f"{'':40}商业企业 科研机构 社会公益组织 法律服务机构 其他    合计",
    ]
    for rid, group, label in ROWS:
        layout.append(f"{group + label:<40}" + "".join(f"{v:>8}" for v in vals[rid]))
    for copy in (lines, layout):
        out = _parse(_report("\n".join(copy)))
        assert not _wrong_cells(out, vals)
        assert not [f for f in out["findings"] if f["rule"] == "R-UNREAD"]


def test_fee_note_naming_yuan_does_not_convert_a_wanyuan_fee() -> None:
    # the table's header says 万元; a note in 表二 names 本年收费金额（元）: the note's words
    # were taken for the fee's header, 12.5 万元 divided by 10000 and said converted
    lines = ["\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计"]
    vals = _values()
    for rid, group, label in ROWS:
        lines.append(f"{group}\t{label}\t" + "\t".join(map(str, vals[rid])))
    text = _report("\n".join(lines)).replace(
        "第二十条第（八）项", "注：本年收费金额（元）已折算为万元填报。\n第二十条第（八）项"
    )
    for copy in (text, _flattened(text)):
        out = _parse(copy)
        assert out["active"]["fees"] == 12.5
        assert not [
            f for f in out["findings"] if f["rule"] == "R-FEE-UNIT" and "已换算" in f["message"]
        ]


def test_wrapped_words_in_another_order_read_by_their_columns() -> None:
    # 科研 / 机构 before 商业 / 企业, each word wrapped in its cell of a grid: 商业 and 企业
    # each name 商业企业, so the two pieces were not joined, the header gave no order and
    # the form's was taken (the two columns swapped, silently: every sum still holds)
    vals = _values()
    perm = [0, 2, 1, 3, 4, 5, 6]
    lines = [
        "\t\t自然人\t科研\t商业\t社会公益\t法律服务\t其他\t总计\n\t\t\t机构\t企业\t组织\t机构\t\t"
    ]
    for rid, group, label in ROWS:
        lines.append(f"{group}\t{label}\t" + "\t".join(str(vals[rid][p]) for p in perm))
    out = _parse(_report("\n".join(lines)))
    assert not _wrong_cells(out, vals)
