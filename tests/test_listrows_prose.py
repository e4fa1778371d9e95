"""Prose list items that repeat a few rows of 表三 beside the table itself.

A report's prose may sum up its table in list items named like its rows and columns
(``- 本年新收政府信息公开申请数量：自然人 6 件，总计 6 件``). Where the text holds 表三 as a
table, such lines are prose: taken for a second 表三 (a list of rows as an LLM parser writes
a table), the partial list stood beside the real table and the real table's rows were named
unread (the first row's cells lost, a blank row said to be unreadable)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import nianbao
from tests import blindmd

_S3_HEAD = re.compile(r"^\W*三、收到和处理[^\n]*\n", re.MULTILINE)


def _copies(tmp: Path) -> list[Path]:
    if not blindmd.golds():
        pytest.skip("no gold samples beside the checkout")
    return blindmd.make(tmp, 1, ["docling", "marker", "plaintext"])


def _summary(gold: dict) -> str:
    lines = []
    for rid, label in (("new", "本年新收政府信息公开申请数量"), ("granted", "予以公开")):
        nat, tot = gold.get(f"requests.{rid}.natural"), gold.get(f"requests.{rid}.total")
        if isinstance(nat, int) and isinstance(tot, int):
            lines.append(f"- {label}：自然人 {nat} 件，总计 {tot} 件；")
    return "\n".join(lines)


def _flat(d: dict, prefix: str = "") -> dict:
    out: dict = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _read(text: str) -> dict:
    return nianbao.parse(text.encode("utf-8"), name="copy.md").to_dict()


def test_prose_list_items_beside_the_table(tmp_path: Path) -> None:
    tried = 0
    for copy in _copies(tmp_path):
        gold = json.loads(copy.with_suffix(".gold.json").read_text(encoding="utf-8"))
        summary = _summary(gold)
        text = copy.read_text(encoding="utf-8")
        m = _S3_HEAD.search(text)
        if not summary or m is None:
            continue
        tried += 1
        plain = _read(text)
        listed = _read(text[: m.end()] + "\n" + summary + "\n\n" + text[m.end() :])
        if listed["requests"] != plain["requests"]:
            # the one difference allowed: a cell read without the summary only as inferred
            # (the cells every reading that adds up agrees on, its finding saying so) and
            # with it left unread, named: never another value, never silent
            named = {c for f in listed["findings"] if f["rule"] == "R-UNREAD" for c in f["cells"]}
            inferred = {
                c
                for f in plain["findings"]
                if f["rule"] in ("R-CELL-COUNT", "R-DIGITS-SPLIT")
                for c in f["cells"]
            }
            a, b = _flat(plain["requests"]), _flat(listed["requests"])
            for k in a.keys() | b.keys():
                if a.get(k) != b.get(k):
                    fid = f"requests.{k}"
                    assert b.get(k) is None and fid in inferred, (copy.name, k)
                    assert fid in named or any(fid.startswith(n + ".") for n in named), (
                        copy.name,
                        k,
                    )
        if ".plaintext." in copy.name:
            # (the lines' numbers there stand among the table's lines: a blank row beside
            # them is named unread, as it was before list rows were read)
            continue
        unread = [f for f in listed["findings"] if f["rule"] == "R-UNREAD"]
        before = [f for f in plain["findings"] if f["rule"] == "R-UNREAD"]
        assert len(unread) == len(before), (copy.name, [f["message"][:80] for f in unread])
    assert tried > 0
