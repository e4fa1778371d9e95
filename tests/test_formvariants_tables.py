"""Copies of the national form that agencies edited (each failed before its fix): 表三 with its
columns reordered, one column dropped, the header words abbreviated or merged with their
group, rows whose label slots moved the header's columns; 表四 as two rows (复议 / 诉讼), as
fifteen rows of one value, or as fifteen lines ``label：value``.

Every test renders gold files into the edited form (tab text, pipe Markdown, HTML) and
compares the parse with the gold: the header's words, not the position, decide the column
of a value; a column the copy does not have stays absent and R-COL-MISSING names it.
"""

from __future__ import annotations

import html as H
from typing import Any

import pytest

import nianbao
from nianbao.schema import (
    COLUMN_LABELS,
    COLUMNS,
    ORG_COLUMNS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
)

from .gold import flatten, same
from .shapes import sources

_LABELS = COLUMN_LABELS
_ORG = ORG_COLUMNS
_GROUPS = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after", "复议后起诉"),
)
_FIELDS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def _golds() -> list[tuple[str, dict[str, Any]]]:
    """Golds whose 表三 and 表四 hold numbers (a blank table cannot show a misplacement)."""
    out = []
    for stem, g in sources():
        blanks = set(g.get("blank", []))
        if sum(1 for k in g if k.startswith("requests.") and k not in blanks and g[k]) >= 5:
            out.append((stem, g))
    return out


GOLDS = _golds()


def _val(g: dict[str, Any], fid: str) -> str:
    if fid in set(g.get("blank", [])) or g.get(fid) is None:
        return ""
    v = g[fid]
    return f"{v:.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _rows(g: dict[str, Any]) -> tuple[str, ...]:
    return REQUEST_ROWS_2019 if "requests.other.total" in g else REQUEST_ROWS_2021


def _grid(header: list[list[str]], body: list[list[str]], fmt: str) -> str:
    rows = header + body
    if fmt == "html":
        return (
            "<table>"
            + "".join(
                "<tr>" + "".join(f"<td>{H.escape(c)}</td>" for c in r) + "</tr>" for r in rows
            )
            + "</table>"
        )
    if fmt == "md":
        w = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (w - len(r))) + " |" for r in rows]
        return "\n".join(lines[:1] + ["|" + "---|" * w] + lines[1:])
    return "\n".join("\t".join(r) for r in rows)


def _document(g: dict[str, Any], s3: str, s4: str, fmt: str) -> bytes:
    title = f"{g.get('meta.agency') or '青岚县人民政府'}{g.get('meta.year') or 2023}年政府信息公开工作年度报告"
    parts = [
        title,
        "一、总体情况",
        "本年度政府信息公开工作有序开展。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        s3,
        "四、政府信息公开行政复议、行政诉讼情况",
        s4,
        "五、存在的主要问题及改进情况",
        "基础工作有待加强。",
        "六、其他需要报告的事项",
        "无。",
    ]
    if fmt == "html":
        body = "".join(p if p.startswith("<") else f"<p>{H.escape(p)}</p>" for p in parts)
        return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode()
    return ("\n".join(parts) + "\n").encode()


def _requests(
    g: dict[str, Any], cols: list[str], fmt: str, labels: dict[str, str], header: str = "three"
) -> str:
    """表三 with the columns ``cols`` (in that order) under a header of one row or of the
    form's three rows (申请人情况 / 自然人 法人或其他组织 总计 / the five organisations)."""
    org = [c for c in cols if c in _ORG]
    if header == "one":
        head = [["申请人情况", "", ""] + [labels[c] for c in cols]]
    else:
        row_b, row_c = ["", "", ""], ["", "", ""]
        for c in cols:
            if c in _ORG:
                row_b.append("法人或其他组织" if c == org[0] else "")
                row_c.append(labels[c])
            else:
                row_b.append(labels[c])
                row_c.append("")
        head = [
            [
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                "",
                "",
                "申请人情况",
            ]
            + [""] * (len(cols) - 1),
            row_b,
            row_c,
        ]
    body = []
    for rid in _rows(g):
        body.append(
            [REQUEST_ROW_LABELS[rid], "", ""] + [_val(g, f"requests.{rid}.{c}") for c in cols]
        )
    return _grid(head, body, fmt)


def _official_reviews(g: dict[str, Any], fmt: str) -> str:
    head = [
        ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
        [f for _, f in _FIELDS] + ["未经复议直接起诉", "", "", "", "", "复议后起诉"] + [""] * 4,
        [""] * 5 + [f for _, f in _FIELDS] * 2,
    ]
    body = [[_val(g, f"reviews.{gid}.{f}") for gid, _ in _GROUPS for f, _ in _FIELDS]]
    return _grid(head, body, fmt)


def _check(
    g: dict[str, Any], data: bytes, name: str, prefix: str, absent: frozenset[str] = frozenset()
) -> None:
    rep = nianbao.parse(data, name=name)
    flat = flatten(rep.to_dict())
    blanks = set(g.get("blank", []))
    wrong = []
    for k, v in g.items():
        if not k.startswith(prefix) or k.rsplit(".", 1)[-1] in absent:
            continue
        want = None if k in blanks else v
        if not same(want, flat.get(k)):
            wrong.append(f"{k}: gold={want!r} got={flat.get(k)!r}")
    assert not wrong, f"{name}: {len(wrong)} wrong, e.g. {wrong[:4]}"
    for col in absent:
        ids = [f"requests.{r}.{col}" for r in _rows(g)]
        assert not any(rep.has(i) for i in ids), f"{name}: column {col} is not in the copy"
        assert any(f.rule == "R-COL-MISSING" and set(ids) <= set(f.cells) for f in rep.findings), (
            f"{name}: the dropped column {col} is not named"
        )


FMTS = ("tab", "md", "html")
_ORDERS = {
    "total-first": ["total", "natural", *_ORG],
    "natural-after-org": [*_ORG, "natural", "total"],
}


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("order", sorted(_ORDERS))
@pytest.mark.parametrize("header", ["three", "one"])
def test_reordered_columns_follow_the_header(order: str, fmt: str, header: str) -> None:
    for stem, g in GOLDS:
        s3 = _requests(g, _ORDERS[order], fmt, _LABELS, header)
        data = _document(g, s3, _official_reviews(g, fmt), fmt)
        _check(g, data, f"{stem}-{order}.{'html' if fmt == 'html' else 'txt'}", "requests.")


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("dropped", ["research", "other_org"])
def test_a_dropped_column_stays_absent_and_named(dropped: str, fmt: str) -> None:
    cols = [c for c in COLUMNS if c != dropped]
    for stem, g in GOLDS:
        data = _document(g, _requests(g, cols, fmt, _LABELS), _official_reviews(g, fmt), fmt)
        _check(g, data, f"{stem}-no-{dropped}.txt", "requests.", frozenset({dropped}))


@pytest.mark.parametrize("fmt", FMTS)
def test_abbreviated_and_group_prefixed_headers_decide_the_columns(fmt: str) -> None:
    short = dict(_LABELS, commercial="企业", social="公益组织", legal="法律服务")
    prefixed = {c: ("法人或其他组织" + t if c in _ORG else t) for c, t in _LABELS.items()}
    for stem, g in GOLDS:
        for labels, header in ((short, "three"), (prefixed, "one")):
            s3 = _requests(g, _ORDERS["total-first"], fmt, labels, header)
            data = _document(g, s3, _official_reviews(g, fmt), fmt)
            _check(g, data, f"{stem}-abbrev.txt", "requests.")


def _reviews_by_group(g: dict[str, Any], fmt: str) -> str:
    """表四 in two grids: 行政复议 above its five values, 行政诉讼 above its ten; each value
    row keeps an empty label slot."""
    one = _grid(
        [["行政复议"] + [f for _, f in _FIELDS]],
        [[""] + [_val(g, f"reviews.reconsideration.{f}") for f, _ in _FIELDS]],
        fmt,
    )
    two = _grid(
        [
            ["行政诉讼", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
            [""] + [f for _, f in _FIELDS] * 2,
        ],
        [[""] + [_val(g, f"reviews.{gid}.{f}") for gid, _ in _GROUPS[1:] for f, _ in _FIELDS]],
        fmt,
    )
    return one + "\n" + two


def _reviews_one_per_row(g: dict[str, Any], fmt: str) -> str:
    body = [
        [
            ("" if gid == "reconsideration" else "行政诉讼") + glab + flab,
            _val(g, f"reviews.{gid}.{f}"),
        ]
        for gid, glab in _GROUPS
        for f, flab in _FIELDS
    ]
    return _grid([["项目", "数量"]], body, fmt)


def _reviews_lines(g: dict[str, Any], fmt: str) -> str:
    lines = [
        ("" if gid == "reconsideration" else "行政诉讼（")
        + glab
        + ("" if gid == "reconsideration" else "）")
        + flab
        + "："
        + _val(g, f"reviews.{gid}.{f}")
        for gid, glab in _GROUPS
        for f, flab in _FIELDS
    ]
    if fmt == "html":
        return "".join(f"<p>{H.escape(x)}</p>" for x in lines)
    return "\n".join(lines)


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("shape", ["by-group", "one-per-row", "lines"])
def test_reviews_in_other_orientations_are_read_by_their_labels(shape: str, fmt: str) -> None:
    render = {
        "by-group": _reviews_by_group,
        "one-per-row": _reviews_one_per_row,
        "lines": _reviews_lines,
    }[shape]
    for stem, g in sources():
        s3 = _requests(g, list(COLUMNS), fmt, _LABELS)
        data = _document(g, s3, render(g, fmt), fmt)
        _check(g, data, f"{stem}-reviews-{shape}.{'html' if fmt == 'html' else 'txt'}", "reviews.")


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("header", ["three", "one"])
def test_a_column_of_the_copys_own_takes_no_form_column(fmt: str, header: str) -> None:
    """其中：网上申请 after 自然人 (numbers) and 备注 after 总计 (placeholders): each value is
    read under its header's column; the numbers of the extra column go nowhere, and a
    finding says so."""
    labels = dict(_LABELS, online="其中：网上申请", remark="备注")
    cols = ["natural", "online", *_ORG, "total", "remark"]
    for stem, g in GOLDS:
        for rid in _rows(g):
            g = {**g, f"requests.{rid}.online": g.get(f"requests.{rid}.natural")}
            g[f"requests.{rid}.remark"] = "—" if rid in ("new", "granted") else None
        s3 = _requests(g, cols, fmt, labels, header)
        for rid in _rows(g):
            del g[f"requests.{rid}.online"], g[f"requests.{rid}.remark"]
        data = _document(g, s3, _official_reviews(g, fmt), fmt)
        _check(g, data, f"{stem}-extra.txt", "requests.")
        rep = nianbao.parse(data, name=f"{stem}-extra.txt")
        if any(g.get(f"requests.{r}.natural") for r in _rows(g)):
            assert any(f.rule == "R-CELL-COUNT" and "网上申请" in f.message for f in rep.findings)


@pytest.mark.parametrize("fmt", FMTS)
def test_reviews_header_with_total_first_decides_the_fields(fmt: str) -> None:
    fields = [_FIELDS[4], *_FIELDS[:4]]
    for stem, g in sources():
        head = [
            ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            [f for _, f in fields] + ["未经复议直接起诉", "", "", "", "", "复议后起诉"] + [""] * 4,
            [""] * 5 + [f for _, f in fields] * 2,
        ]
        body = [[_val(g, f"reviews.{gid}.{f}") for gid, _ in _GROUPS for f, _ in fields]]
        s4 = _grid(head, body, fmt)
        data = _document(g, _requests(g, list(COLUMNS), fmt, _LABELS), s4, fmt)
        _check(g, data, f"{stem}-reviews-total-first.txt", "reviews.")


def _one_line(grid_text: str) -> str:
    """A table run into one line (a page copied as text): cells and rows joined by spaces."""
    return " ".join(c for line in grid_text.split("\n") for c in line.split("\t") if c.strip())


def _never_silent(g: dict[str, Any], data: bytes, name: str) -> int:
    """Every 表三 cell right or named by a finding; no missing finding for 表三. Returns the
    number of cells right."""
    from .shapes_eval import is_missing_rule, named

    out = nianbao.parse(data, name=name).to_dict()
    findings = out["findings"]
    flat = flatten({"requests": out["requests"]})
    blanks = set(g.get("blank", []))
    right = 0
    for k, v in g.items():
        if k.startswith("requests."):
            ok = same(None if k in blanks else v, flat.get(k))
            right += ok
            assert ok or named(findings, k), f"{name}: {k} wrong and not named"
    assert not any(
        is_missing_rule(f["rule"]) and any(c.startswith("requests.") for c in f.get("cells") or [])
        for f in findings
    ), name
    return right


def test_a_run_together_header_moves_total_only_when_the_rows_add_up_so() -> None:
    """A header run into one line reads 申请人情况 总计 自然人 法人或其他组织 … both when the
    copy put 总计 first and when it set the form's last column at the end of the 申请人情况
    row (seed 000's copy): the rows' own sums decide; where they cannot (a row whose only
    figure is its 总计's), the rows that would read otherwise are unread and said, never
    guessed. (Golds with blank cells are left out: a blank vanishes when cells run
    together.)"""
    for stem, g in GOLDS:
        if any(k.startswith("requests.") for k in g.get("blank", [])):
            continue
        first = _requests(g, _ORDERS["total-first"], "tab", _LABELS)
        data = _document(g, _one_line(first), _official_reviews(g, "tab"), "tab")
        _never_silent(g, data, f"{stem}-total-first-one-line.txt")
        # 总计 at the end of the 申请人情况 row, the columns in the form's order
        rows = _requests(g, list(COLUMNS), "tab", _LABELS).split("\n")
        rows[0] = rows[0].rstrip("\t") + "\t总计"
        rows[1] = "\t".join(c if c != "总计" else "" for c in rows[1].split("\t"))
        data = _document(g, _one_line("\n".join(rows)), _official_reviews(g, "tab"), "tab")
        _never_silent(g, data, f"{stem}-total-in-row-a-one-line.txt")
    # the invented report's rows add up only one way: read right in both
    g = dict(sources("invented-2021-large"))["invented-2021-large"]
    first = _requests(g, _ORDERS["total-first"], "tab", _LABELS)
    data = _document(g, _one_line(first), _official_reviews(g, "tab"), "tab")
    _check(g, data, "invented-total-first-one-line.txt", "requests.")


def _spaced(grid_text: str) -> str:
    """A table as a PDF-to-text copy prints it: cells of a row apart by spaces, blank cells
    gone."""
    return "\n".join(
        "  ".join(c for c in line.split("\t") if c.strip()) for line in grid_text.split("\n")
    )


def test_an_abbreviated_review_header_in_text_is_still_the_table() -> None:
    """表四's header abbreviated (复议 / 诉讼 / 维持 / 纠正 / 未审结 / 合计) above a value row
    whose blank cells vanished: the table is there (never 「未找到表」), and what cannot be
    placed is said."""
    from .shapes_eval import is_missing_rule, named

    short = {
        "结果维持": "维持",
        "结果纠正": "纠正",
        "其他结果": "其他",
        "尚未审结": "未审结",
        "总计": "合计",
    }
    head = [
        ["复议", "", "", "", "", "诉讼"] + [""] * 9,
        [short[f] for _, f in _FIELDS] + ["直接起诉", "", "", "", "", "经复议后起诉"] + [""] * 4,
        [""] * 5 + [short[f] for _, f in _FIELDS] * 2,
    ]
    for stem, g in sources():
        body = [[_val(g, f"reviews.{gid}.{f}") for gid, _ in _GROUPS for f, _ in _FIELDS]]
        s4 = _spaced(_grid(head, body, "tab"))
        data = _document(g, _requests(g, list(COLUMNS), "tab", _LABELS), s4, "tab")
        out = nianbao.parse(data, name=f"{stem}.txt").to_dict()
        findings = out["findings"]
        assert not any(
            is_missing_rule(f["rule"])
            and any(c.startswith(("reviews", "sections.s4")) for c in f.get("cells") or [])
            for f in findings
        ), stem
        flat = flatten({"reviews": out["reviews"]})
        blanks = set(g.get("blank", []))
        for k, v in g.items():
            if k.startswith("reviews."):
                want = None if k in blanks else v
                assert same(want, flat.get(k)) or named(findings, k), f"{stem}: {k} silent"


def test_a_blank_row_of_a_subtotal_matrix_in_text_is_blank_not_missing() -> None:
    """A 表三 with a 小计 column, printed as text whose blank cells vanished: a row that
    shows no value is blank (R-BLANK-ROW's business), never a missing row."""
    labels = dict(_LABELS, org_subtotal="小计")
    cols = ["natural", *_ORG, "org_subtotal", "total"]
    for stem, g in sources():
        g2 = dict(g)
        for rid in _rows(g):
            vals = [g.get(f"requests.{rid}.{c}") for c in _ORG]
            shown = [
                v for v, c in zip(vals, _ORG) if f"requests.{rid}.{c}" not in g.get("blank", [])
            ]
            g2[f"requests.{rid}.org_subtotal"] = sum(v or 0 for v in shown) if shown else None
        s3 = _spaced(_requests(g2, cols, "tab", labels))
        rep = nianbao.parse(_document(g, s3, _official_reviews(g, "tab"), "tab"), name="a.txt")
        missing = [f for f in rep.findings if f.rule == "R-ROW-MISSING"]
        assert not missing, f"{stem}: {missing[0].message}"


def _columnwise_active(g: dict[str, Any]) -> str:
    """表二 as pdfminer copies a printed table: the labels first, then each item's heading
    lines with its numbers after (行政许可's number under 第二十条第（五）项, after the
    label 行政强制)."""

    def v(fid: str) -> str:
        x = g.get(fid)
        return "" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))

    lines = [
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数 本年废止件数 现行有效件数",
        "规章",
        "行政规范性文件",
        *(
            v(f"active.{r}.{c}")
            for r in ("regulations", "normative")
            for c in ("issued", "repealed", "in_force")
        ),
        "信息内容",
        "行政许可",
        "信息内容",
        "行政处罚",
        "行政强制",
        "信息内容",
        "行政事业性收费",
        "第二十条第（五）项",
        "本年处理决定数量",
        v("active.licensing"),
        "第二十条第（六）项",
        "本年处理决定数量",
        v("active.penalty"),
        v("active.coercion"),
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
        v("active.fees"),
    ]
    return "\n\n".join(x for x in lines if x != "")


def test_a_table_copied_labels_first_never_gives_a_label_another_blocks_number() -> None:
    """Every 表二 cell either comes back right or is named unread: a label is never given
    the number that stands under the next item's heading (行政强制 took 行政许可's 3559)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    wrong = []
    for stem, g in _golds():
        if g.get("meta.format") == "2019":
            continue
        text = render(Report.from_flat(g), "lines").decode("utf-8")
        a = text.index("二、主动公开政府信息情况")
        b = text.index("三、收到和处理政府信息公开申请情况")
        report = nianbao.parse((text[:a] + _columnwise_active(g) + "\n\n" + text[b:]).encode())
        named = {c for f in report.findings for c in f.cells}
        for fid, want in g.items():
            if fid.startswith("active.") and report.get(fid) != want and fid not in named:
                wrong.append(f"{stem} {fid}: {want!r} read as {report.get(fid)!r}, unnamed")
    assert not wrong, "\n".join(wrong[:20])
