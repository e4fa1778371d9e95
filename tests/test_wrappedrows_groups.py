"""A group row of 表三 that carries numbers (a subtotal an agency wrote on 「（三）不予公开」's
own row) above its first sub-row left blank (the agency's zeros left blank): two rows, not
one row cut at its label's line break. Joined, the subtotal was read as 1.属于国家秘密's
values, with no finding, and the totals then blamed the report (R-SUM-RESULTS).

And 「三、本年度办理结果」's row with numbers between a blank 二、上年结转 row and a blank
（一）予以公开 row: the layout reading named both blank rows unread (the numbers might be
either's), but the form reading then gave the group's numbers to 上年结转, shown as that
row's values under a finding that said no guess was made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nianbao
from tests import blindmd

COLS = blindmd.COLS
SUBS = [rid for _, rid in blindmd.DENIED]


def _rows(text: str) -> list[str] | None:
    lines = text.split("\n")
    at = [i for i, ln in enumerate(lines) if "1.属于国家秘密" in ln and ln.startswith("|")]
    return lines if len(at) == 1 else None


def test_a_group_subtotal_above_a_blank_sub_row(tmp_path: Path) -> None:
    if not blindmd.golds():
        pytest.skip("no gold samples beside the checkout")
    tried = 0
    for copy in blindmd.make(tmp_path, 1, ["docling"]):
        gold = json.loads(copy.with_suffix(".gold.json").read_text(encoding="utf-8"))
        first = [gold.get(f"requests.denied.state_secret.{c}") for c in COLS]
        subs = [[gold.get(f"requests.denied.{s}.{c}") for c in COLS] for s in SUBS]
        if any(v != 0 for v in first) or any(not isinstance(v, int) for r in subs for v in r):
            continue
        text = copy.read_text(encoding="utf-8")
        lines = _rows(text)
        if lines is None:
            continue
        i = next(i for i, ln in enumerate(lines) if "1.属于国家秘密" in ln)
        width = lines[i].count("|") - 1
        labels = width - len(COLS)
        subtotal = [str(sum(r[k] for r in subs)) for k in range(len(COLS))]
        group = "| " + " | ".join([""] * (labels - 1) + ["（三）不予公开"] + subtotal) + " |"
        blank = "| " + " | ".join([""] * (labels - 1) + ["1.属于国家秘密"] + [""] * 7) + " |"
        lines[i : i + 1] = [group, blank]
        out = nianbao.parse("\n".join(lines).encode("utf-8"), name="copy.md").to_dict()
        tried += 1
        assert all(out["requests"]["denied"]["state_secret"][c] is None for c in COLS), copy.name
        for s in SUBS[1:]:
            got = [out["requests"]["denied"][s][c] for c in COLS]
            assert got == [gold[f"requests.denied.{s}.{c}"] for c in COLS], (copy.name, s)
        plain = nianbao.parse(text.encode("utf-8"), name="copy.md").to_dict()
        sums = [f["cells"] for f in out["findings"] if f["rule"].startswith("R-SUM")]
        assert sums == [f["cells"] for f in plain["findings"] if f["rule"].startswith("R-SUM")]
    assert tried > 0


def test_a_results_subtotal_between_two_blank_rows(tmp_path: Path) -> None:
    if not blindmd.golds():
        pytest.skip("no gold samples beside the checkout")
    tried = 0
    for copy in blindmd.make(tmp_path, 1, ["docling"]):
        gold = json.loads(copy.with_suffix(".gold.json").read_text(encoding="utf-8"))
        granted = [gold.get(f"requests.granted.{c}") for c in COLS]
        if any(gold.get(f"requests.carried_over.{c}") is not None for c in COLS) or not all(
            isinstance(v, int) for v in granted
        ):
            continue
        lines = copy.read_text(encoding="utf-8").split("\n")
        at = [i for i, ln in enumerate(lines) if "（一）予以公开" in ln and ln.startswith("|")]
        if len(at) != 1:
            continue
        i = at[0]
        width = lines[i].count("|") - 1
        labels = width - len(COLS)
        group = (
            "| "
            + " | ".join(["三、本年度办理结果"] + [""] * (labels - 1) + [str(v) for v in granted])
            + " |"
        )
        blank = "| " + " | ".join([""] * (labels - 1) + ["（一）予以公开"] + [""] * 7) + " |"
        lines[i : i + 1] = [group, blank]
        out = nianbao.parse("\n".join(lines).encode("utf-8"), name="copy.md").to_dict()
        tried += 1
        # 上年结转 is blank in the report: never the group's numbers
        assert all(out["requests"]["carried_over"][c] is None for c in COLS), copy.name
        # 予以公开 is blank or named unread, never the numbers without a word
        got = [out["requests"]["granted"][c] for c in COLS]
        named = any(
            f["rule"] == "R-UNREAD" and any(c.startswith("requests.granted") for c in f["cells"])
            for f in out["findings"]
        )
        assert got == [None] * 7 or named, copy.name
    assert tried > 0
