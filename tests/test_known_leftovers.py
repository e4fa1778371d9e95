"""Three families where the reading was wrong without a word, or blamed a right document,
each over a generator of the golds (``tests.shapes.sources``):

1. a flattened 表二 (a crawler ran each row's label and digits together:
   「行政规范性文件0326」) followed by a page's number on a line of its own and a form feed
   before section 三: the page's line made the line break the table's cell separator, and
   0326 was read as 326 in the row's first cell, silently (a flattened row's digits that no
   count splits are unread with R-DIGITS-SPLIT); a page's number after 表二's last row
   (政府集中采购23251.3, then 4) was read as its last cell;
2. a row of 表三 shifted one column right by an empty cell after its label, its last cell
   blank (the writer's grids: tab, pipe, Markdown, HTML, a cell a line): two placements fit,
   no sum decides between them (0 = 0 + 0 … holds wherever a row of 0s stands), and the
   row was read by the label side or the siblings' first column: 总计 0, 自然人 blank;
3. page numbers among a copy of one cell a line (``cell-pipe``, ``cell-bar``, paged as
   ``tests.barepages`` pages them): a page's number taken for a cell, or a cell taken for a
   page's number, and the column sums then blamed the document.

Each asserts no silent cell, no false "missing" finding and no false sum finding.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from nianbao.report import Report
from nianbao.schema import COLUMNS
from nianbao.writing.writer import render

from .barepages import cases
from .shapes import Rendering, render_shape, sources
from .shapes_eval import copy_problems

_SECTION_3 = "三、收到和处理"


def flat_paged(seed: int = 0) -> Iterator[Rendering]:
    """Every gold in the ``flat`` shape, a page's number (1–9) and a form feed before
    section 三 in four ways (on its line, with blank lines around it, the feed first)."""
    for stem, gold in sources():
        r = render_shape(gold, "flat", seed, stem)
        at = r.text.find(_SECTION_3)
        if at < 0:
            continue
        rng = random.Random(f"{seed}|{stem}|flat-paged")
        head = r.text[:at] if r.text[:at].endswith("\n") else r.text[:at] + "\n"
        for way in ("{n}\n\f", "{n}\f", "\n{n}\n\n\f", "\f{n}\n"):
            text = head + way.format(n=rng.randint(1, 9)) + r.text[at:]
            yield Rendering(
                stem,
                "flat-paged",
                seed,
                r.base,
                text,
                r.expected,
                set(r.unrecoverable),
                variants=[*r.variants, repr(way)],
            )


_PROBE = 987654321  # a number no gold holds: finds the row's line in the writer's text


def _shift(text: str, style: str, line: int) -> str:
    """``text`` with an empty cell after the label of the row that stands on ``line``
    (its first value's line in the ``lines`` style)."""
    lines = text.split("\n")
    row = lines[line]
    if style == "lines":
        lines.insert(line, "\t")
    elif style == "html":
        lines[line] = row.replace("</td>", "</td><td></td>", 1)
    elif style == "tab":
        cells = row.split("\t")
        cells.insert(len(cells) - len(COLUMNS), "")
        lines[line] = "\t".join(cells)
    else:  # pipe, md
        cells = row.strip()[1:-1].split("|")
        cells.insert(len(cells) - len(COLUMNS), "  ")
        lines[line] = "|" + "|".join(cells) + "|"
    return "\n".join(lines)


def shifted_rows(
    styles: tuple[str, ...] = ("tab", "pipe", "html", "lines"),
    hows: tuple[str, ...] = ("blank", "zero"),
    seed: int = 0,
) -> Iterator[Rendering]:
    """Every gold with 表三's 四、结转下年度 row and one other row picked at random, each
    row's 总计 blank (``blank``; ``zero``: the row all 0 but its blank 总计), written in each
    of ``styles`` with an empty cell after the row's label."""
    for stem, gold in sources():
        rids = sorted(
            {k.split(".")[1] for k in gold if k.startswith("requests.") and k.endswith(".total")}
        )
        if not rids:
            continue
        rng = random.Random(f"{seed}|{stem}|shifted")
        picks = {rng.choice(rids)} | ({"carried_forward"} & set(rids))
        for rid in sorted(picks):
            for how in hows:
                g: dict[str, Any] = {k: v for k, v in gold.items() if k != "notes"}
                g["blank"] = list(gold.get("blank") or [])
                if how == "zero":
                    g.update({f"requests.{rid}.{c}": 0 for c in COLUMNS})
                g[f"requests.{rid}.total"] = None
                g["blank"].append(f"requests.{rid}.total")
                probe = {k: v for k, v in g.items() if k != "blank"}
                probe[f"requests.{rid}.natural"] = _PROBE
                for style in styles:
                    text = render(Report.from_flat(g), style).decode()
                    marked = render(Report.from_flat(probe), style).decode().split("\n")
                    at = [i for i, line in enumerate(marked) if str(_PROBE) in line]
                    if len(at) != 1 or len(marked) != text.count("\n") + 1:
                        continue
                    yield Rendering(
                        f"{stem}~{rid}~{how}",  # (its own gold: the sums it earns are its own)
                        f"shifted-{style}",
                        seed,
                        style,
                        _shift(text, style, at[0]),
                        g,
                        variants=[rid, how],
                    )


def paged_cells(seeds: int) -> Iterator[Rendering]:
    """The golds in the one-cell-a-line shapes ``cell-pipe`` and ``cell-bar``, paged by
    ``tests.barepages.paged`` (with and without form feeds), seeds 0 … ``seeds`` − 1."""
    for _base, _feed, _anchored, r, _plain in cases(seeds, ("cell-pipe", "cell-bar")):
        yield r


def test_flat_table_2_then_a_page_number() -> None:
    copies = list(flat_paged())
    assert len(copies) >= 40
    assert copy_problems(copies, whole=False) == []


def test_row_shifted_by_an_empty_cell_with_its_last_cell_blank() -> None:
    copies = list(shifted_rows())
    assert len(copies) >= 120
    assert copy_problems(copies, whole=False) == []


def test_page_numbers_among_cells_a_line() -> None:
    copies = list(paged_cells(6))
    assert len(copies) >= 250
    assert copy_problems(copies, whole=False) == []
