"""Rows whose label is lost whole in the copy while the row itself stands there (a crawler
dropped the label cell, a CMS put the label in an image): no text where the row belongs,
only its numbers or its blank cells.

The chain of labels passes over such a row, and :mod:`.garbled` finds no text for it. Where
exactly one row of the form is passed over between two labels found, and nothing but
separators, values and group labels (（三）不予公开) stands between them, the row may be
there unlabelled. It is taken as standing there (``trace``) when the gap shows more than one
row: more values than the row before has cells, values after a group label (a group label
opens the rows after it: 三、本年度办理结果 then （一）'s numbers are not 二、上年结转's), or
far more separators than a row takes elsewhere in the table (a line of pipes, a row of
blank cells). Which numbers are whose the text does not say there (the row before may be
blank and these numbers the lost row's, or the other way round): both rows are unread, and
the lost row is never called missing (R-UNREAD, the tool's limit). Where nothing shows a
row, the row before that could not be read (its numbers may be both rows') makes the lost
row unread too; else the row is missing, as a copy without it is.

The first row of a table, its label lost between the table's header and the second row's
label with only numbers between them, is read by the form's order (``head``: the finding
says the label was not found) as ``read._fill_unlabelled`` reads a row between two labels
(``gap``); it must read whole, else it is unread.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import FormCell, FormRow, Tok
from .spec import RowSpec, fold_text
from .tokens import ValueRun, row_run, tokenize

# 表三's group labels, folded (a group label stands before its first row's label)
_GROUPS = ("三本年度办理结果", "三不予公开", "四无法提供", "五不予处理", "六其他处理")

Run = tuple[RowSpec, int, int, ValueRun, list[Tok]]


@dataclass
class Lost:
    """A row passed over with no text where it stands: the found row before it (None: the
    table's header) and whether the gap shows it (``trace``)."""

    rid: str
    before: str | None
    trace: bool


def _weight(s: str) -> int:
    """Separators of a gap: pipes, tabs and line breaks (a row's cells show as these)."""
    return sum(s.count(c) for c in "|｜\t\n")


def _group(t: Tok) -> bool:
    return fold_text(t.text) in _GROUPS


def lost_rows(
    runs: list[Run],
    form: tuple[RowSpec, ...],
    text: str,
    layout: str | None,
    lead: int | None,
    b: int,
    filled: dict[str, tuple[str, str]],
) -> tuple[list[Run], list[Lost]]:
    """``runs`` with the rows whose label is lost (see the module): a shown row gets an
    empty run (unread later), the first row read by the form's order a run of its numbers
    (recorded in ``filled`` as "head"). ``lead`` is the text offset after the table's
    header (None: not known), ``b`` the region's end."""
    pos = {s.rid: i for i, s in enumerate(form)}
    if layout == "2019":
        skip = {s.rid for s in form if s.rid.startswith("other.")}
    else:
        skip = {"other"}
    present = {spec.rid for spec, *_ in runs}
    out = list(runs)
    lost: list[Lost] = []
    if not runs:
        return out, lost
    # what a gap between two neighbouring rows found takes (its median)
    plain = sorted(
        _weight(text[en : runs[i + 1][1]])
        for i, (spec, _st, en, _r, _t) in enumerate(runs[:-1])
        if pos[runs[i + 1][0].rid] == pos[spec.rid] + 1
    )
    typ = plain[len(plain) // 2] if plain else 0
    first = [s for s in form[: pos[runs[0][0].rid]] if s.rid not in skip]
    if len(first) == 1 and first[0].rid not in present and lead is not None and lead < runs[0][1]:
        toks = tokenize(text, lead, runs[0][1])
        vals = [t for t in toks if t.kind == "v"]
        if vals and not any(t.kind == "t" for t in toks) and len(vals) <= len(first[0].ids):
            run = row_run(toks)
            out.append((first[0], vals[0].start, vals[0].start, run, toks))
            filled[first[0].rid] = ("", "head")
    for i, (spec, _st, en, _run, _toks) in enumerate(runs):
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        hi = pos[nxt[0].rid] if nxt else len(form)
        gap = [s for s in form[pos[spec.rid] + 1 : hi] if s.rid not in skip]
        if len(gap) != 1 or gap[0].rid in present or gap[0].rid in filled:
            continue
        if nxt is None and b >= len(text.rstrip()):
            continue  # (the text ends in the table: the rows after it are cut, said so)
        end = nxt[1] if nxt else b
        toks = tokenize(text, en, end)
        if nxt is None:
            # after the last label found: up to the first words that are no group label
            # (what follows the table)
            cut = next((n for n, t in enumerate(toks) if t.kind == "t" and not _group(t)), None)
            if cut is not None:
                toks = toks[:cut]
                end = toks[-1].end if toks else en
        elif any(t.kind == "t" and not _group(t) for t in toks):
            continue  # words stand there: a garbled label or a note (``garbled``)
        nums = [n for n, t in enumerate(toks) if t.kind == "v"]
        grouped = any(t.kind == "t" for t in toks[: nums[-1]]) if nums else False
        heavy = typ >= 2 and _weight(text[en:end]) >= max(typ + 2, 1.5 * typ)
        trace = grouped or heavy or len(nums) > len(spec.ids)
        lost.append(Lost(gap[0].rid, spec.rid, trace))
        if trace:
            at = toks[nums[0]].start if nums else en
            out.append((gap[0], at, at, ValueRun([], [""], ""), []))
    out.sort(key=lambda r: pos[r[0].rid])
    return out, lost


def unread_lost(
    rows: list[FormRow],
    lost: list[Lost],
    form: tuple[RowSpec, ...],
    garbled: dict[str, tuple[str, str]],
) -> None:
    """The rows of ``lost`` after placement: a row the gap shows is unread, and so is the
    row before it (its numbers and the lost row's cannot be told apart); a row the gap
    does not show is unread where the row before could not be read from numbers shown
    after its label (they may be both rows'), else left out (missing)."""
    ids = {s.rid: s.ids for s in form}
    for x in lost:
        at = {r.rid: n for n, r in enumerate(rows)}
        prev = rows[at[x.before]] if x.before in at else None
        if x.rid in at:
            row = rows[at[x.rid]]
        elif prev is not None and prev.how == "unread" and prev.shown:
            row = FormRow(x.rid, "", prev.label_end, prev.label_end, [])
            rows.insert(at[prev.rid] + 1, row)
        else:
            continue
        row.how = "unread"
        row.candidates = []
        row.cells = [FormCell(f, status="unread") for f in ids[x.rid]]
        garbled[x.rid] = ("", "lost")
        if prev is not None and x.trace:
            prev.how = "unread"
            prev.candidates = []
            prev.cells = [FormCell(c.id, status="unread") for c in prev.cells]
