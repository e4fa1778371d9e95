"""Review of the garbled-label reading (form/garbled.py): texts that a row's garbled label
shares with what stands next to it. A blank row's garbled label runs, with no number
between, into the group label after it (二、上年结府信息公开申请数量 | | … 三、本年度办理结果
（一）…); a note line ending in 。 stands between two rows, before a garbled label. Neither
may make the row missing (R-ROW-MISSING) or read a cell otherwise silently."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.schema import COLUMNS, REQUEST_ROW_LABELS

from .rowedits import garble as _garble
from .shapes import render_shape
from .test_no_false_accusation import _covered, _misread, _own, _unread

# notes like another row's label (notes holding a row's keywords, in every shape and above
# every row: tests/test_row_edits.py)
NOTES = (
    "注：本机关不掌握相关政府信息的申请已告知申请人。",
    "注：本表数据由本机关办公室统计。",
)


def _missing(rep: nianbao.Report, rid: str) -> bool:
    return any(
        f.rule == "R-ROW-MISSING" and any(c.startswith(f"requests.{rid}.") for c in f.cells)
        for f in rep.findings
    )


def test_a_blank_rows_garbled_label_before_a_group_label_is_no_missing_row(golds) -> None:  # type: ignore[no-untyped-def]
    """二、上年结转… garbled (two characters lost) and （一）予以公开 garbled too: where the
    row is blank its label runs into 三、本年度办理结果 with no number between; the row
    was called missing (000 cell-pipe: R-ROW-MISSING)."""
    blank = dict(REQUEST_ROW_LABELS)
    bad: list[str] = []
    tried = 0
    for stem, gold in golds:
        own = _own(gold)
        for shape in ("pipe-bare", "cell-pipe", "cell-blank", "flat-spaced"):
            text = render_shape(gold, shape, 0).text
            l1, l2 = blank["carried_over"], blank["granted"]
            if text.count(l1) != 1 or text.count(l2) != 1:
                continue
            t = text.replace(l1, _garble(l1, 2, "drop", len(l1) // 3))
            t = t.replace(l2, _garble(l2, 2, "ocr", len(l2) // 3))
            rep = nianbao.parse(t.encode("utf-8"))
            tried += 1
            bad += [f"{stem} {shape}: {b}" for b in _misread(rep, gold, own, ("requests.",))]
    assert tried >= 20
    assert not bad, "\n".join(bad[:10])


@pytest.mark.parametrize("note", NOTES)
def test_a_note_line_before_a_garbled_last_row_leaves_the_row_found(golds, note: str) -> None:  # type: ignore[no-untyped-def]
    """A note (ending in 。) on its own line between （七）总计 and a garbled
    四、结转下年度继续办理: the note and the label were one text, closer to another row's
    label (本机关不掌握相关政府信息), and the row was called missing."""
    label = REQUEST_ROW_LABELS["carried_forward"]
    bad: list[str] = []
    tried = 0
    for stem, gold in golds:
        own = _own(gold)
        for shape in ("pipe-bare", "cell-blank"):
            lines = render_shape(gold, shape, 0).text.split("\n")
            at = [i for i, line in enumerate(lines) if label in line]
            if len(at) != 1:
                continue
            lines[at[0]] = lines[at[0]].replace(label, _garble(label, 2, "ocr", len(label) // 3))
            lines.insert(at[0], note)
            rep = nianbao.parse("\n".join(lines).encode("utf-8"))
            tried += 1
            if _missing(rep, "carried_forward"):
                bad.append(f"{stem} {shape}: 四、结转下年度继续办理 called missing")
            bad += [f"{stem} {shape}: {b}" for b in _misread(rep, gold, own, ("requests.",))]
    assert tried >= 20
    assert not bad, "\n".join(bad[:10])


@pytest.mark.parametrize("rid", ["processed_total", "carried_forward", "granted", "other"])
def test_a_note_where_a_row_was_deleted_is_not_read_as_the_row(golds, rid: str) -> None:  # type: ignore[no-untyped-def]
    """A row deleted from the copy (its label and numbers), a note in its place
    (注：本表数据统计截至2022年12月31日。): the row is missing or named unread, never read
    from the note. 统计 shares one character with （七）总计, and the note, the only text
    there, was read as that row by its place: a blank row (R-BLANK-ROW), blaming the copy."""
    label = REQUEST_ROW_LABELS[rid]
    bad: list[str] = []
    tried = 0
    for stem, gold in golds:
        for shape in ("pipe-bare", "cell-blank"):
            lines = render_shape(gold, shape, 0).text.split("\n")
            at = [i for i, line in enumerate(lines) if label in line]
            if len(at) != 1 or not any(ch.isdigit() for ch in lines[at[0]].split(label)[1]):
                continue
            # the rows deleted with the line (（六）其他处理 stands on the line of 2021's
            # first sub-row): the document has them no more
            gone = [r for r, lab in REQUEST_ROW_LABELS.items() if lab in lines[at[0]]]
            ids = [f"requests.{r}.{c}" for r in gone for c in COLUMNS]
            g = {k: v for k, v in gold.items() if k not in ids}
            g["blank"] = [c for c in gold.get("blank") or () if c not in ids]
            own = _own(g)
            lines[at[0]] = "注：本表数据统计截至2022年12月31日。"
            rep = nianbao.parse("\n".join(lines).encode("utf-8"))
            tried += 1
            bad += [
                f"{stem} {shape}: {b}"
                for b in _misread(rep, g, own, ("requests.",))
                if not b.startswith("R-ROW-MISSING")
            ]
            unread = _unread(rep) | {
                c for f in rep.findings if f.rule in ("R-UNREAD", "R-ROW-MISSING") for c in f.cells
            }
            bad += [
                f"{stem} {shape}: {c} read as {rep.get(c)} from the note"
                for c in ids
                if c not in unread and not _covered(unread, c) and rep.get(c) is not None
            ]
    assert tried >= 10
    assert not bad, "\n".join(bad[:10])
