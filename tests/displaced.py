"""Copies of every gold whose tables do not stand under their section headings.

    python -m tests.displaced [--place P[,P…]] [--join J[,J…]] [--n K] [--seed N]
                              [--gold SUBSTR] [--show M]

Each gold (and invented report) is rendered by the writer as a DOCX with prose before the
tables of sections 二–四 (``shapes._narrative``), read back with python-docx in body order
(paragraphs and tables), and printed as naive extraction prints it. Where the tables go
(``PLACES``):

* ``in-place``      — the DOCX's own order (each table under its heading): what the others
  are held to;
* ``paras-tables``  — ``doc.paragraphs`` then ``doc.tables``: every table after 六 and the
  落款;
* ``tables-only``   — only ``doc.tables`` (no title, no headings, no prose);
* ``tables-first``  — the tables, then the paragraphs;
* ``attach-end``    — a CMS page: the prose, then the tables in an attachment block at the end
  (「附件：」, 「附表」 or nothing, a caption 附表1 / 表1 / none before each table);
* ``reverse``       — the tables at the end (or the start) in reverse order (表四 first);
* ``swapped``       — each table under a heading, in reverse order (表四 under 二, 表二 under 四);
* ``one-missing``   — one table left out, the others in place or at the end (the missing one
  must be named R-TABLE-MISSING, and nothing read for it);
* ``heading-lost``  — one heading of 二 / 三 / 四 lost, its table after the previous section's
  prose.

How a table's rows are printed (``JOINS``): ``tab`` (cells joined by tabs), ``pipe``
(`` | ``, with or without the outer pipes), ``lines`` (one cell a line, rows run on or
separated by a blank line), ``space`` (one space). The cells are python-docx's ``row.cells``
(a merged cell's text repeated over every slot it covers) or each ``w:tc`` once (a vertically
merged cell's continuation empty), by the seed.

Scored by ``tests.shapes_eval.score`` (right / named / silent / false "missing" / false sums),
plus: a table left out not named R-TABLE-MISSING, or a value read for it (``missing``); a
right value whose provenance does not stand in the table's printed text (``prov``); the
agency or year wrong (``meta``); the prose's figures (``narrative_facts``) not read back, or
an R-TEXT-TABLE finding against the right figures (``narr``).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nianbao.report import Report
from nianbao.writing.writer import render

from .shapes import TABLES, Rendering, _narrative, sources
from .shapes_eval import Score, covers, score

PLACES: tuple[str, ...] = (
    "in-place",
    "paras-tables",
    "tables-only",
    "tables-first",
    "attach-end",
    "reverse",
    "swapped",
    "one-missing",
    "heading-lost",
)
JOINS: tuple[str, ...] = ("tab", "pipe", "lines", "space")
SECTION_PREFIXES = {"s2": ("active.", "active2019."), "s3": ("requests.",), "s4": ("reviews.",)}
_HEADS = {"s2": "二、", "s3": "三、", "s4": "四、"}


# ---------------------------------------------------------------------- the DOCX read back
@dataclass
class _Table:
    section: str  # s2 / s3 / s4: the heading it stood under in the writer's DOCX
    rows: list[list[str]]


Block = str | _Table


def _docx_blocks(data: bytes, rng: random.Random, variants: list[str]) -> list[Block]:
    """The DOCX's body in order: paragraph texts and tables (each table's section is the
    heading before it)."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    d = docx.Document(io.BytesIO(data))
    repeat = rng.random() < 0.5
    variants.append("row.cells" if repeat else "w:tc")
    out: list[Block] = []
    section = ""
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(el, d).text
            for k, head in _HEADS.items():
                if text.startswith(head):
                    section = k
            out.append(text)
        elif tag == "tbl":
            t = DocxTable(el, d)
            if repeat:
                rows = [[c.text for c in r.cells] for r in t.rows]
            else:
                rows = []
                for r in t.rows:
                    cells = []
                    for tc in r._tr.tc_lst:
                        cont = tc.tcPr is not None and tc.tcPr.vMerge is not None
                        cont = cont and tc.tcPr.vMerge.val != "restart"
                        text = "\n".join(DocxParagraph(p, t).text for p in tc.p_lst)
                        cells.append("" if cont else text)
                    rows.append(cells)
            out.append(_Table(section, rows))
    return out


# ---------------------------------------------------------------------- printing
class _Text:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.spans: dict[str, tuple[int, int]] = {}

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s)

    def text(self) -> str:
        return "".join(self.parts)


def _print_table(out: _Text, t: _Table, join: str, rng: random.Random) -> None:
    start = out.n
    outer = rng.random() < 0.5
    gap = rng.random() < 0.5
    for r in t.rows:
        if join == "tab":
            out.add("\t".join(r) + "\n")
        elif join == "pipe":
            line = " | ".join(r)
            out.add((f"| {line} |" if outer else line) + "\n")
        elif join == "space":
            out.add(" ".join(r) + "\n")
        else:  # lines
            for c in r:
                out.add(c.replace("\n", "") + "\n")
            if gap:
                out.add("\n")
    out.spans[t.section] = (start, out.n)


def _order(blocks: list[Block], place: str, rng: random.Random, variants: list[str]) -> tuple:
    """The blocks in the copy's order, and the sections whose table / heading was left out."""
    paras = [b for b in blocks if isinstance(b, str)]
    tables = [b for b in blocks if isinstance(b, _Table)]
    dropped_table: str | None = None
    dropped_head: str | None = None
    seq: list[Block]
    if place == "in-place":
        seq = list(blocks)
    elif place == "paras-tables":
        seq = [*paras, *tables]
    elif place == "tables-only":
        seq = list(tables)
    elif place == "tables-first":
        seq = [*tables, *paras]
    elif place == "attach-end":
        seq = list(paras)
        head = rng.choice(("附件：", "附表", ""))
        if head:
            seq.append(head)
        caption = rng.choice(("附表{n}", "表{n}", ""))
        variants.append(f"attach {head or '-'} caption {caption or '-'}")
        for n, t in enumerate(tables, 1):
            if caption:
                seq.append(caption.format(n=n))
            seq.append(t)
    elif place == "reverse":
        at_start = rng.random() < 0.3
        variants.append("at start" if at_start else "at end")
        seq = [*tables[::-1], *paras] if at_start else [*paras, *tables[::-1]]
    elif place == "swapped":
        rev = tables[::-1]
        seq = []
        k = 0
        for b in blocks:
            if isinstance(b, _Table):
                seq.append(rev[k])
                k += 1
            else:
                seq.append(b)
    elif place == "one-missing":
        drop = rng.choice(tables)
        dropped_table = drop.section
        at_end = rng.random() < 0.4
        variants.append(f"no {drop.section}" + (" rest at end" if at_end else ""))
        kept = [b for b in blocks if b is not drop]
        if at_end:
            seq = [b for b in kept if isinstance(b, str)] + [
                b for b in kept if isinstance(b, _Table)
            ]
        else:
            seq = kept
    elif place == "heading-lost":
        dropped_head = rng.choice(("s2", "s3", "s4"))
        variants.append(f"no heading {dropped_head}")
        seq = [b for b in blocks if not (isinstance(b, str) and b.startswith(_HEADS[dropped_head]))]
    else:
        raise ValueError(place)
    return seq, dropped_table, dropped_head


@dataclass
class Copy(Rendering):
    """A rendering with where each table stands, what was left out and the prose's texts."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    dropped_table: str | None = None
    dropped_head: str | None = None
    prose: dict[str, str] = field(default_factory=dict)


def render_displaced(gold: dict[str, Any], shape: str, seed: int = 0, stem: str = "gold") -> Copy:
    """``gold`` as a DOCX read back naively, printed in ``shape`` (``PLACE/JOIN``)."""
    place, join = shape.split("/")
    # the prose and the cells as read are the same whatever the place (the copies of one
    # gold and join differ only where the tables stand)
    base = random.Random(f"{seed}|{stem}|{join}")
    rng = random.Random(f"{seed}|{stem}|{shape}")
    variants: list[str] = []
    report = Report.from_flat(gold)
    prose = _narrative(gold, base)
    blocks = _docx_blocks(render(report, "docx", texts=prose), base, variants)
    seq, dropped_table, dropped_head = _order(blocks, place, rng, variants)
    out = _Text()
    blank_lines = rng.random() < 0.5
    for b in seq:
        if isinstance(b, _Table):
            _print_table(out, b, join, rng)
        else:
            out.add(b + "\n")
        if blank_lines:
            out.add("\n")
    expected: dict[str, Any] = {k: v for k, v in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    unrec: set[str] = set()
    if place == "tables-only":
        unrec |= {"meta.agency", "meta.year", "meta.published", "meta.format"}
        prose = {}
    if dropped_table:
        pre = SECTION_PREFIXES[dropped_table]
        expected = {k: v for k, v in expected.items() if not k.startswith(pre)}
        expected["blank"] = [b for b in expected["blank"] if not b.startswith(pre)]
    return Copy(
        gold=stem,
        shape=shape,
        seed=seed,
        base=join,
        text=out.text(),
        expected=expected,
        unrecoverable=unrec,
        variants=variants,
        spans=out.spans,
        dropped_table=dropped_table,
        dropped_head=dropped_head,
        prose=prose,
    )


def all_displaced(
    shapes: Iterable[str], seed: int = 0, n: int = 1, gold_filter: str = ""
) -> list[Copy]:
    return [
        render_displaced(g, shape, seed + k, stem)
        for stem, g in sources(gold_filter)
        for shape in shapes
        for k in range(n)
    ]


def every_shape(places: Iterable[str] = PLACES, joins: Iterable[str] = JOINS) -> list[str]:
    return [f"{p}/{j}" for p in places for j in joins]


# ---------------------------------------------------------------------- scoring
@dataclass
class Result:
    score: Score
    missing: list[str] = field(default_factory=list)  # a table left out, not said so
    prov: list[str] = field(default_factory=list)  # a right value read from elsewhere
    meta: list[str] = field(default_factory=list)
    narr: list[str] = field(default_factory=list)

    def problems(self, what: str, n: int = 3) -> list[str]:
        out = self.score.problems(what, n)
        for name, items in (
            ("missing", self.missing),
            ("provenance", self.prov),
            ("meta", self.meta),
            ("narrative", self.narr),
        ):
            out += [f"{what}: {name} {x}" for x in items[:n]]
        return out


def _facts(text: str) -> set[tuple[str, Any]]:
    from nianbao.extraction.textfacts import narrative_facts

    return {(f.kind, f.value) for f in narrative_facts(text)}


def judge(c: Copy) -> Result:
    """Parse the copy, score it with ``shapes_eval.score`` and add the displaced checks."""
    import nianbao
    from nianbao.checks.rules.common import body_text

    try:
        rep = nianbao.parse(c.data, name=c.name)
        out = rep.to_dict()
    except Exception as exc:  # every exception is a refusal here
        return Result(score(c, None, f"{type(exc).__name__}: {str(exc)[:120]}"))
    s = score(c, out)
    if c.dropped_head:
        # the lost heading said missing is right: the copy has no such heading
        s.false_missing = [
            f for f in s.false_missing if f != f"R-SECTIONS ['sections.{c.dropped_head}']"
        ]
    res = Result(s)
    findings = out.get("findings") or []
    if c.dropped_table:
        pre = SECTION_PREFIXES[c.dropped_table]
        said = any(
            f.get("rule") == "R-TABLE-MISSING"
            and any(covers(x, k) for x in f.get("cells") or [] for k in _ids_of(pre))
            for f in findings
        )
        if not said:
            res.missing.append(f"table {c.dropped_table} left out, not named R-TABLE-MISSING")
        read = [k for k, v in rep.values.items() if k.startswith(pre) and v.value is not None]
        if read:
            res.missing.append(f"table {c.dropped_table} left out, read {read[:3]}")
    prov = out.get("provenance") or {}
    blank = set(c.expected.get("blank") or ())
    for k in c.table_ids():
        sec = next(s for s, pre in SECTION_PREFIXES.items() if k.startswith(pre))
        span = c.spans.get(sec)
        p = prov.get(k) or {}
        if span is None or k in blank or rep.values.get(k) is None:
            continue
        if rep.values[k].value != c.expected_value(k):
            continue
        start = p.get("start")
        if not isinstance(start, int) or not span[0] <= start < span[1]:
            res.prov.append(f"{k} at {start}, table {sec} at {span}")
    meta = out.get("meta") or {}
    for m in ("agency", "year"):
        key = f"meta.{m}"
        if key in c.expected and key not in c.unrecoverable and c.expected[key] != meta.get(m):
            res.meta.append(f"{key}: gold={c.expected[key]!r} got={meta.get(m)!r}")
    if c.prose:
        want = _facts("\n".join(c.prose.values()))
        got = _facts(body_text(rep, ("s1", "s2", "s3", "s4")))
        if want - got:
            res.narr.append(f"prose facts not read {sorted(want - got)[:3]}")
        res.narr += [
            f"R-TEXT-TABLE {str(f.get('message'))[:80]}"
            for f in findings
            if f.get("rule") == "R-TEXT-TABLE"
        ]
    return res


def _ids_of(prefixes: tuple[str, ...]) -> list[str]:
    from nianbao.schema import ACTIVE_IDS, REVIEW_IDS

    ids: list[str] = []
    if "active." in prefixes:
        ids += list(ACTIVE_IDS)
    if "requests." in prefixes:
        ids.append("requests.new.total")
    if "reviews." in prefixes:
        ids += list(REVIEW_IDS)
    return [i for i in ids if i.startswith(TABLES)]


def displaced_problems(copies: Iterable[Copy], floor: float = 0.0) -> list[str]:
    """What must not be seen in the copies read: silent cells, false findings, refusals, a
    table left out unsaid, a wrong provenance, agency, year or prose fact; and, shape by
    shape, fewer right cells than ``floor`` of them."""
    bad: list[str] = []
    tally: dict[str, list[int]] = {}
    for c in copies:
        r = judge(c)
        what = f"{c.shape} {c.gold} seed {c.seed} {' '.join(c.variants)}"
        bad += r.problems(what)
        t = tally.setdefault(c.shape, [0, 0])
        t[0] += r.score.right
        t[1] += r.score.cells
    bad += [
        f"{shape}: right {right}/{cells}"
        for shape, (right, cells) in tally.items()
        if right < floor * cells
    ]
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--place", default="")
    ap.add_argument("--join", default="")
    ap.add_argument("--n", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold", default="")
    ap.add_argument("--show", type=int, default=2)
    a = ap.parse_args(argv)
    places = [p for p in a.place.split(",") if p] or list(PLACES)
    joins = [j for j in a.join.split(",") if j] or list(JOINS)
    print(
        f"{'shape':<20}{'runs':>5} {'right/cells':>15} {'named':>6} {'silent':>6} "
        f"{'false':>6} {'refused':>7} {'missing':>7} {'prov':>5} {'meta':>5} {'narr':>5}"
    )
    grand = [0] * 11
    worst: list[tuple[str, Copy, Result]] = []
    for shape in every_shape(places, joins):
        tot = [0] * 11
        for c in all_displaced((shape,), a.seed, a.n, a.gold):
            r = judge(c)
            s = r.score
            row = [
                1,
                s.right,
                s.cells,
                s.named,
                s.silent,
                len(s.false_missing) + len(s.false_sums),
                1 if s.refused else 0,
                len(r.missing),
                len(r.prov),
                len(r.meta),
                len(r.narr),
            ]
            tot = [x + y for x, y in zip(tot, row)]
            if any(row[4:]):
                worst.append((shape, c, r))
        grand = [x + y for x, y in zip(grand, tot)]
        print(_line(shape, tot))
    print(_line("ALL", grand))
    shown: dict[str, int] = {}
    for shape, c, r in worst:
        if shown.get(shape, 0) >= a.show:
            continue
        shown[shape] = shown.get(shape, 0) + 1
        print(f"  {shape} --seed {c.seed} --gold {c.gold} {' '.join(c.variants)}")
        for p in r.problems("   ", 3):
            print("   " + p)
    return 0


def _line(name: str, t: list[int]) -> str:
    return (
        f"{name:<20}{t[0]:>5} {t[1]:>7}/{t[2]:<7} {t[3]:>6} {t[4]:>6} {t[5]:>6} {t[6]:>7} "
        f"{t[7]:>7} {t[8]:>5} {t[9]:>5} {t[10]:>5}"
    )


if __name__ == "__main__":
    sys.exit(main())
