"""表二 主动公开政府信息情况 (section 二): rows matched by label in the 2021 or 2019 layout,
values placed by the layout's columns, and the fee unit (元 / 万元).
"""

from __future__ import annotations

import re

from ..readers import labels as L
from ..readers.normalize import key
from ..schema import (
    label_of,
)
from .context import Ctx, Row

# ============================================================================ section 二
_ACTIVE_DEFAULT = {
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount"],
    },
    "2019": {
        "regulations": ["made", "published", "total_public"],
        "normative": ["made", "published", "total_public"],
        "licensing": ["items_prev", "items_delta", "decisions"],
        "other_services": ["items_prev", "items_delta", "decisions"],
        "penalty": ["items_prev", "items_delta", "decisions"],
        "coercion": ["items_prev", "items_delta", "decisions"],
        "fees": ["items_prev", "items_delta"],
        "procurement": ["items", "amount2019"],
    },
}
_ONLY_2019_ROWS = {"other_services", "procurement"}


def _active_id(layout: str, row: str, fld: str) -> str:
    if layout == "2021":
        if row in ("regulations", "normative"):
            return f"active.{row}.{fld}"
        return f"active.{row}"
    if fld == "amount2019":
        fld = "amount"
    return f"active2019.{row}.{fld}"


def read_active(ctx: Ctx, rows: list[Row]) -> str | None:
    """Section 二: returns the layout ("2021"/"2019") it was read in, or None."""
    header: list[tuple[str, str]] = []
    seen_2021 = seen_2019 = False
    mapped: list[tuple[str, list[str], Row]] = []
    variants: list[str] = []
    for row in rows:
        cols = [L.match_active_column(c.text) for c in row.cells]
        hits = [c for c in cols if c]
        if hits and not row.numeric:
            header = hits
            for _, lay in hits:
                seen_2021 |= lay == "2021"
                seen_2019 |= lay == "2019"
            continue
        if not row.labels:
            continue
        m = L.match_active_row(row.labels[-1].text)
        if m is None:
            continue
        if m.id in _ONLY_2019_ROWS:
            seen_2019 = True
        if m.how == "variant":
            variants.append(f"variant:{m.note}:active.{m.id}")
        mapped.append((m.id, [f for f, _ in header], row))
    if not mapped:
        return None
    layout = "2019" if seen_2019 and not seen_2021 else "2021"
    if layout == "2021":
        # 规范性文件 is the 2019 layout's own label: a variant only in the 2021 layout
        ctx.signals.update(variants)
    if seen_2021:
        ctx.signals.add("s2:2021")
    if seen_2019:
        ctx.signals.add("s2:2019")
    defaults = _ACTIVE_DEFAULT[layout]
    done: set[str] = set()
    for rid, hdr, row in mapped:
        if rid in done or rid not in defaults:
            continue
        done.add(rid)
        expected = defaults[rid]
        fields = (
            hdr
            if hdr and len(hdr) == len(expected) and set(hdr) <= set(expected) | {"decisions"}
            else expected
        )
        if rid in ("licensing", "penalty", "coercion") and layout == "2021":
            fields = ["decisions"]
        vals = list(row.values)
        while len(vals) > len(fields) and not vals[-1].text.strip():
            vals.pop()
        while len(vals) > len(fields) and not vals[0].text.strip():
            vals.pop(0)
        label = row.label_text
        ids = [_active_id(layout, rid, f) for f in fields]
        if len(vals) == len(fields):
            ctx.put_row(ids, vals, "s2", label)
        elif len(vals) < len(fields) and len(vals) >= 2 and len(fields) == 3:
            # one cell lost: keep the outer columns (the first and the running total), leave the
            # middle blank and say so
            ctx.put(ids[0], vals[0], "s2", label)
            ctx.put(ids[2], vals[-1], "s2", label)
            ctx.put(ids[1], None, "s2", label)
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行只有 {len(vals)} 个数值单元格（应为 {len(fields)} 个）："
                f"{'、'.join(c.text for c in vals)}。已按首列和末列读取，中间一列（{label_of(ids[1]).split('」')[-1]}）无法确定，记为空。",
                expected=len(fields),
                actual=len(vals),
                evidence=[c.text for c in row.cells],
            )
        elif vals:
            n = min(len(vals), len(fields))
            for fid, c in zip(ids[:n], vals[:n]):
                ctx.put(fid, c, "s2", label)
            for fid in ids[n:]:
                ctx.put(fid, None, "s2", label)
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行有 {len(vals)} 个数值单元格，应为 {len(fields)} 个：{'、'.join(c.text or '（空）' for c in vals)}。",
                expected=len(fields),
                actual=len(vals),
                evidence=[c.text for c in row.cells],
            )
        else:
            for fid in ids:
                ctx.put(fid, vals[0] if vals else None, "s2", label)
    _fee_unit(ctx, rows)
    return layout


_YUAN_CELL = re.compile(r"(?<!万)元")
_YUAN_HEADER = re.compile(r"单位[:：]?\s*元")


def _fee_unit(ctx: Ctx, rows: list[Row]) -> None:
    """A fee written in 元 (in the cell, 1816元, or the header, （单位：元）) is converted to
    the format's 万元; ``layout["fee_unit"]`` records it for R-FEE-UNIT."""
    fee = ctx.report.values.get("active.fees")
    if fee is None or not isinstance(fee.value, (int, float)):
        return
    in_cell = bool(fee.raw and _YUAN_CELL.search(fee.raw))
    in_header = any(
        "收费金额" in c.text and _YUAN_HEADER.search(c.text) for r in rows for c in r.cells
    )
    if in_cell or in_header:
        fee.value = fee.value / 10000
        ctx.report.layout["fee_unit"] = "元"
