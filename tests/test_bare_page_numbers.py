"""Bare page numbers where a table's cells stand (``tests.barepages`` generates them).

pdftotext's default mode prints a page's number where the page's reading order puts it: in
hongze-2024's PDF, -2- between 行政许可's label and its 9487. Printed bare (2), it was read
as 行政许可's value, and 9487 left over, with no finding: silent. A bare number among the
tables is now a possible page number where it is in the sequence that the page numbers
outside the tables show (by the page breaks, or counted between the one before and the one
after the tables); the form is read with it and without it, and a row that reads otherwise
takes the reading its sums or the numbers placed decide, else it is not read, and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import nianbao

from .barepages import BASES, cases
from .gold import flatten, same
from .shapes import SAMPLES, Rendering, load_gold
from .shapes_eval import run_one, score


def _pdftotext(name: str) -> tuple[str, dict]:
    pdf = SAMPLES / "peer" / f"{name}.pdf"
    if shutil.which("pdftotext") is None or not pdf.exists():
        pytest.skip("pdftotext or the sample PDFs not available")
    run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8"), load_gold(pdf.with_name(f"{name}.gold.json"))


@pytest.mark.parametrize("feed", [True, False])
def test_a_bare_page_number_after_a_label_is_no_value(feed: bool) -> None:
    """hongze-2024 through pdftotext, its -n- printed bare (and its page breaks lost): the 2
    after 行政许可's label is page 2's number, not 行政许可's value; every cell right or named."""
    text, gold = _pdftotext("hongze-2024")
    bare = re.sub(r"(?m)^-(\d{1,3})-$", r"\1", text)
    assert "\n行政许可\n\n2\n" in bare
    bare = bare if feed else bare.replace("\f", "")
    s = run_one(Rendering("hongze-2024", "bare-pages", 0, "sample", bare, gold))
    assert not s.problems("hongze-2024"), s.problems("hongze-2024")
    if feed:
        assert s.right == s.cells


def test_bare_page_numbers_among_the_cells_are_right_or_named() -> None:
    """The golds in pdftotext's default shape and one cell a line (cell-blank, cell-pipe),
    and the sample texts, cut into pages numbered from 1, 2 or 3, each number bare at a
    random line of its page (inside 表二/表三/表四's rows too), with and without page breaks,
    where two page numbers or more stand outside the tables: no silent cell, no false
    "missing", no sum error the gold does not earn (before: page numbers read as 行政处罚's
    value or as 表三's cells, silently or blamed on the report's sums)."""
    bad: list[str] = []
    tried = 0
    for base, feed, anchored, r, _plain in cases(
        2, ("stream", "cell-blank", "cell-pipe", "sample")
    ):
        if not anchored:
            continue
        tried += 1
        bad += run_one(r).problems(f"{base} feed={feed} {r.gold} seed={r.seed}")
    assert tried >= 60
    assert not bad, bad[:6]


def _only_inferred_apart(rep: nianbao.Report, plain: str) -> bool:
    """The two readings differ only in cells the copy without the page number read as
    inferred (the cells every reading that adds up agrees on, its finding saying so) and
    the copy with it left unread."""
    ref = nianbao.parse(plain.encode("utf-8"))
    inferred = {
        c for f in ref.findings if f.rule in ("R-CELL-COUNT", "R-DIGITS-SPLIT") for c in f.cells
    }
    a, b = ref.flat(), rep.flat()
    return all(
        b.get(k) is None and k in inferred for k in a.keys() | b.keys() if a.get(k) != b.get(k)
    )


def test_a_page_number_before_a_row_holding_the_same_number_is_right_or_named() -> None:
    """A page's number bare after a row's label where the row holds the same number further
    on (pdftotext's default mode, no form feeds: 1 before the tables, 2 after 不予更正's
    label, 3 after them; the row 8 2 0 0 0 0 10 printed 2 8 2 0 0 0 0 10). Read without the
    first 2 (8 2 … 10) or without the second (2 8 … 10), the row's sums hold either way:
    the row is read as the gold or named, never 2 8 … 10 silently (before: the reading
    without the second 2 was taken, as it places as many numbers as the text as it stands),
    and where 表三's column sums say which, read as the text without the page number."""
    from .shapes_eval import score
    from .test_textshapes_pdftotext import _golds, _paras
    from .test_textshapes_pdftotext_pages import _paragraph_table, _with_table

    tried = same = 0
    for stem, gold in _golds():
        body = _paras(*_paragraph_table(gold))
        labels = [p for p in _paragraph_table(gold)[2:] if not p.isdigit()]
        rows = body.split("\n\n")
        for i, p in enumerate(rows):
            if p not in labels or "2" not in rows[i + 2 : i + 8] or tried >= 12:
                continue
            # (the row's second cell on holds a 2: the page number's 2 before its first)
            paged = "\n\n".join([*rows[: i + 1], "2", *rows[i + 1 :]])
            text = _with_table(gold, paged + "\n\n")
            j = text.index("二、主动公开")
            text = text[:j].rstrip("\n") + "\n\n1\n\n" + text[j:].rstrip("\n") + "\n\n3\n"
            expected = {k: v for k, v in gold.items() if k != "notes"}
            expected["blank"] = [k for k, v in gold.items() if v is None]
            rep = nianbao.parse(text.encode("utf-8"))
            sc = score(Rendering(stem, "pages", 0, "default", text, expected), rep.to_dict())
            assert not (sc.silent_ids or sc.false_missing or sc.false_sums), (
                stem,
                p,
                sc.silent_ids,
                sc.false_sums,
            )
            tried += 1
            plain = _with_table(gold, body + "\n\n")
            ref = run_one(Rendering(stem, "plain", 0, "default", plain, expected))
            same += sc.right == ref.right or _only_inferred_apart(rep, plain)
    assert tried >= 6, tried
    # (most read as without the page number: the column sums decide where the row's hold
    # both ways)
    assert same >= tried - 2, (same, tried)


@pytest.mark.parametrize("where", ["head", "tail"])
def test_one_stray_number_outside_the_tables_makes_no_suspects(where: str) -> None:
    """A copy with no page numbers but one bare number before or after the tables (a stray
    1 of a crawled page's list of pages): it counted the pages from that side alone, every
    cell holding a number within three of it became a suspect, and rows read right were
    unread (sample 004 so copied with a 6 after the tables: 200 -> 178 cells right). Each
    gold's copy reads as it does without the number."""
    from .barepages import _bases

    for stem, text, expected in _bases("cell-blank", 0):
        want = run_one(Rendering(stem, "as is", 0, "cell-blank", text, expected)).right
        for n in ("1", "4", "6"):
            stray = f"{n}\n{text}" if where == "head" else f"{text.rstrip()}\n{n}\n"
            got = run_one(Rendering(stem, n, 0, "cell-blank", stray, expected))
            assert got.right == want and not got.silent, (stem, n, got.right, want)


def test_every_paged_copy_is_right_or_named() -> None:
    """Every case of ``tests.barepages`` (two seeds), with two page numbers or more outside
    the tables or not: no silent cell, no false "missing", no sum error the gold does not
    earn. Before: 22 silent cells and 30 false sum errors, mostly where every page number
    stood among the tables' cells (a copy of one cell a line whose cells carry a mark the
    page numbers lack, pages whose numbers were all among the cells, a page number padded
    by blank lines before a page break). Left out: pdftotext's default shape without page
    breaks where no page number stands outside the tables (its cells bare numbers like
    the page numbers: nothing tells them apart)."""
    bad: list[str] = []
    tried = 0
    for base, feed, anchored, r, _plain in cases(2, BASES):
        if base == "stream" and not feed and not anchored:
            continue
        tried += 1
        bad += run_one(r).problems(f"{base} feed={feed} {r.gold} seed={r.seed}")
    assert tried >= 200, tried
    assert not bad, bad[:6]


def _by_sequence(d: dict) -> list[dict]:
    """The findings of a parse that say a table was read without numbers taken for the
    pages' (``extraction.form.pages.by_page_sequence``)."""
    return [
        f
        for f in d.get("findings") or []
        if f.get("rule") == "R-LAYOUT-SHIFT" and "作为页码" in str(f.get("message"))
    ]


def test_tables_the_page_sequence_decides_are_read_as_the_golds() -> None:
    """Every case of ``tests.barepages`` (two seeds) whose 表三 or 表四 the text as it stands
    leaves unread, read again without each set of the suspected page numbers that the
    pages' sequence allows (one number a page, each one more than the one before, in the
    text's order): where exactly one reading holds the table whole and its arithmetic holds
    (表三's rows and column sums, 表四's groups), the table is read so, and a finding names
    its cells and the numbers taken for the pages'. Each cell it names is the gold's, and
    the copies keep no silent cell and no false finding. Before: these tables stayed unread
    (40,519 of 47,896 cells right; now 44,268). Where no number stands in the
    sequence of the page numbers outside the tables (none stands outside them), the bare
    numbers among the tables in a sequence of their own (two pages or more, each a page's
    lines after the one before) are tried so."""
    bad: list[str] = []
    read = 0
    for base, feed, _anchored, r, _plain in cases(2, BASES):
        d = nianbao.parse(r.data, name=r.name).to_dict()
        said = _by_sequence(d)
        if not said:
            continue
        read += 1
        what = f"{base} feed={feed} {r.gold} seed={r.seed}"
        flat = flatten({k: v for k, v in d.items() if k in ("requests", "reviews")})
        for f in said:
            assert f["cells"] and f["actual"], (what, f)
            bad += [
                f"{what}: {c} gold={r.expected_value(c)!r} got={flat.get(c)!r}"
                for c in f["cells"]
                if not same(r.expected_value(c), flat.get(c))
            ]
        # (表二 aside: no sum decides it, and the page sequence does not read it)
        bad += [p for p in score(r, d).problems(what) if "active" not in p]
    # (28 copies: only where page numbers outside the tables show the sequence; 37 while a
    # sequence of the tables' own bare numbers counted too, which the review found taking a
    # real cell of a document whose sums are wrong)
    assert read >= 28, read
    assert not bad, bad[:6]


def test_a_table_two_page_sequences_read_otherwise_stays_unread() -> None:
    """Each table read by the pages' sequence (``by_page_sequence``) with a copy of one of
    the numbers taken for a page's put back as a cell's line beside a cell of the table's
    (the number now stands twice: one of them a cell's, or neither): where two readings
    the pages' sequence allows hold with other values, nothing is taken; any cell then is
    right or named, never read silently."""
    bad: list[str] = []
    tried = 0
    for base, feed, _anchored, r, _plain in cases(1, ("stream", "sample")):
        d = nianbao.parse(r.data, name=r.name).to_dict()
        said = _by_sequence(d)
        if not said:
            continue
        number = said[0]["actual"][0]
        lines = r.text.split("\n")
        at = [k for k, line in enumerate(lines) if line.strip() == number]
        if not at:
            continue
        lines.insert(at[-1] + 1, number)
        tried += 1
        twice = Rendering(r.gold, "twice", r.seed, base, "\n".join(lines), r.expected)
        problems = run_one(twice).problems(f"{base} feed={feed} {r.gold} seed={r.seed}")
        bad += [p for p in problems if "active" not in p]  # (表二: as above)
    assert tried >= 5, tried
    assert not bad, bad[:6]


def _table_lines(text: str) -> tuple[list[str], int, int]:
    """The lines of ``text`` and the first and last line of its tables (二 to 四)."""
    lines = text.split("\n")
    a = text[: text.index("二、主动公开")].count("\n") + 1
    four = text.index("四、政府信息公开行政复议")
    b = text[: text.index("\n五、", four) if "\n五、" in text[four:] else len(text)].count("\n")
    return lines, a, b


def _marked(text: str, mark: str) -> str:
    """``text`` (one cell a line, each cell ``x |`` and a blank one `` |``, rows parted by a
    line of pipes: cell-pipe) with each of the tables' cells opened by ``mark`` instead
    (``\t0``, ``\t`` for a blank cell: pdftotext's copy of a PDF made from a Word table)
    and the lines of pipes gone."""
    lines, a, b = _table_lines(text)
    out = lines[:a]
    for line in lines[a:b]:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)? \|", line)
        if m:
            out.append(mark + (m.group(1) or ""))
        elif not re.fullmatch(r"\|+", line):
            out.append(line)
    return "\n".join(out + lines[b:])


def _cases_marked(seed: int) -> list[tuple[str, str, dict]]:
    """(stem, text, expected) of every gold one cell a line with a mark on every cell:
    `` |`` after it (cell-pipe), a tab or a full-width space before it."""
    from .barepages import _bases

    out = []
    for stem, text, exp in _bases("cell-pipe", seed):
        out += [(stem, text, exp), (stem, _marked(text, "\t"), exp)]
        out.append((stem, _marked(text, "\u3000"), exp))
    return out


@pytest.mark.parametrize("feed", [False, True])
def test_page_numbers_printed_unlike_the_cells_are_no_cells(feed: bool) -> None:
    """Every gold one cell a line whose cells carry a mark (`` |`` after, a tab or spaces
    before), its pages' numbers (from 1, 2 or 3, three to five of them) printed bare at
    random lines among the tables' cells only (none outside the tables to count the pages
    by), padded by blank lines or not, with page breaks or not: read as the copy without
    them (before: each read as a cell, and the row's sums blamed on the report)."""
    import random

    tried = 0
    for stem, text, expected in _cases_marked(0):
        rng = random.Random(f"{stem}|{feed}")
        lines, a, b = _table_lines(text)
        ref = run_one(Rendering(stem, "plain", 0, "marked", text, expected))
        at = sorted(rng.sample(range(a + 1, b), rng.randint(3, 5)))
        first = rng.randint(1, 3)
        out = list(lines)
        for k, line in reversed(list(enumerate(at))):
            pad = rng.random() < 0.5
            page = ([""] if pad else []) + [str(first + k)] + ([""] if pad else [])
            if feed:
                out[line] = "\f" + out[line]
            out[line:line] = page
        s = run_one(Rendering(stem, "marked-paged", 0, "marked", "\n".join(out), expected))
        assert not s.problems(stem), s.problems(stem)
        assert s.right >= ref.right - 8, (stem, s.right, ref.right)
        tried += 1
    assert tried >= 36, tried


@pytest.mark.parametrize("lost", [1, 2, 3])
def test_cells_that_lost_their_mark_are_never_taken_for_page_numbers(lost: int) -> None:
    """A copy of one cell a line (`` |`` after each cell) where ``lost`` cells in the
    pages' order (1 2 3 …, each one more than the one before) lost their mark: printed
    unlike the table's cells as page numbers are, but each in a cell's place (their rows
    no longer than the others). Never dropped as page numbers (their rows' sums then
    blamed the report): read, or read both ways and named."""
    import random

    from .barepages import _bases

    tried = 0
    for stem, text, expected in _bases("cell-pipe", 0):
        lines, a, b = _table_lines(text)
        cells = [
            (k, int(lines[k][:-2]))
            for k in range(a, b)
            if re.fullmatch(r"\d{1,3} \|", lines[k]) and int(lines[k][:-2]) >= 1
        ]
        rng = random.Random(f"{stem}|{lost}")
        for _ in range(3):
            if not cells:
                break
            pick = [rng.choice(cells)]
            for c in cells:
                if len(pick) < lost and c[0] > pick[-1][0] and c[1] == pick[-1][1] + 1:
                    pick.append(c)
            if len(pick) < lost:
                continue
            out = list(lines)
            for k, v in pick:
                out[k] = str(v)
            s = run_one(Rendering(stem, "lost-mark", 0, "cell-pipe", "\n".join(out), expected))
            assert not s.problems(stem), (pick, s.problems(stem))
            tried += 1
    assert tried >= 5, tried


def _small_active(gold: dict) -> dict:
    """``gold`` with 表二's numbers those of a small body: 规章 1 0 2, 行政规范性文件 3 0 4,
    行政许可 5, 行政处罚 6, 行政强制 7 (in the pages' order, each one or two more)."""
    out = dict(gold)
    for pre in ("active", "active2019"):
        for key, v in (
            ("regulations.issued", 1),
            ("regulations.repealed", 0),
            ("regulations.in_force", 2),
            ("normative.issued", 3),
            ("normative.repealed", 0),
            ("normative.in_force", 4),
            ("licensing", 5),
            ("penalty", 6),
            ("coercion", 7),
        ):
            if f"{pre}.{key}" in out:
                out[f"{pre}.{key}"] = v
    return out


def _unmarked(text: str, pick: str) -> str:
    """``text`` (one cell a line, every cell marked) with the mark of 表二's first (``pick``
    "first") or last cell of each row taken away, or of every cell of its second row (3 0 4
    of 行政规范性文件: "row"): a crawler's copy that lost them."""
    lines, a, _b = _table_lines(text)
    three = next(k for k in range(a, len(lines)) if "三、收到和处理" in lines[k])
    rows: list[list[int]] = []
    for k in range(a, three):
        if re.search(r"[\u4e00-\u9fff]", lines[k]):
            rows.append([])
        elif re.fullmatch(r"(?:[ \t\u3000]+\d+|\d+ ?\|)", lines[k]) and rows:
            rows[-1].append(k)
    rows = [row for row in rows if row]
    picked = {"first": [r[0] for r in rows], "last": [r[-1] for r in rows]}.get(pick, rows[1])
    for k in picked:
        lines[k] = re.sub(r"[ \t\u3000|]", "", lines[k])
    return "\n".join(lines)


@pytest.mark.parametrize("pick", ["first", "last", "row"])
def test_small_cells_that_lost_their_mark_are_no_page_numbers(pick: str) -> None:
    """A copy without page numbers, one cell a line, each cell marked (a tab, spaces or
    `` |``), where the first (or last) cell of each of 表二's rows lost its mark, or every
    cell of 行政规范性文件's row, and 表二's
    numbers are small ones in the pages' order (1 0 2, 3 0 4, 5, 6, 7). Before: 1 and 3 (a
    row of three cells taken for a row of one and its page number with its padding: the
    blank lines counted as padding stood nowhere near it) or 5, 6 and 7 (rows of one cell,
    a few lines apart on one page) were taken away as page numbers: 表二's cells silently
    wrong. Never dropped now: read, or read both ways and named."""
    from .shapes import render_shape, sources

    tried = 0
    for stem, gold in sources():
        small = _small_active(gold)
        for shape in ("cell-blank", "cell-pipe"):
            r = render_shape(small, shape, 0, f"{stem}~small")
            texts = [r.text]
            if shape == "cell-pipe":
                texts += [_marked(r.text, "\t"), _marked(r.text, "\u3000")]
            for text in texts:
                copy = _unmarked(text, pick)
                if copy == text:
                    continue
                s = run_one(Rendering(r.gold, "lost-mark", 0, shape, copy, r.expected))
                assert not s.problems(stem), s.problems(stem)
                tried += 1
    assert tried >= 30, tried


def test_cells_a_few_lines_apart_are_not_pages_apart() -> None:
    """Cells of rows of one cell (行政许可 5, 行政处罚 6, 行政强制 7, one cell a line, a
    blank line between cells) that lost their mark, a few lines apart: no page's numbers
    (page after page stand a page apart: a page break between them, else a page's lines).
    Before: taken away from the text as page numbers (each row of one cell a line more
    than a blank line between two labels); kept now."""
    from nianbao.readers.normalize import normalize_text

    from .shapes import render_shape, sources

    tried = 0
    for stem, gold in sources():
        r = render_shape(_small_active(gold), "cell-blank", 0, f"{stem}~small")
        copy = _unmarked(r.text, "first")
        lines = normalize_text(copy).text.split("\n")
        if all(n in copy.split("\n") for n in ("5", "6", "7")):
            assert all(n in lines for n in ("5", "6", "7")), stem
            tried += 1
    assert tried >= 5, tried


def test_small_cells_with_or_without_marks_among_page_numbers_are_never_silent() -> None:
    """One cell a line (``cell-pipe``, ``cell-bar``, ``cell-blank``), 表二's one-number rows
    small (1 to 5), their marks kept or taken away, cut into pages with bare page numbers
    (from 1, 2 or 3), a form feed between pages or not. Before, silently wrong: a page
    number's line between a row's label and its cells, put there with no blank line of its
    own and a form feed after it, taken away with the larger of the breaks around it kept
    (0 moved from 总计 to 其他, no guess recorded); a page number the layout reading began
    a table at, its row's 0 counted from the wrong line (其他, 总计 blank) where the form
    reading read it in 总计 (no sum tells which); 表三's （六）其他处理 read by the form but
    left out by a layout reading of other columns: absent without a word. Now each such row
    is named unread (or read where the counts agree)."""
    import dataclasses
    import random

    from .barepages import paged
    from .shapes import render_shape, sources

    silent: list[str] = []
    for stem, gold in sources():
        for seed in (0, 1):
            rng = random.Random(seed)
            small = dict(gold)
            for k in ("active.licensing", "active.penalty", "active.coercion", "active.fees"):
                if isinstance(small.get(k), (int, float)):
                    small[k] = rng.randint(1, 5)
            for shape in ("cell-pipe", "cell-bar", "cell-blank"):
                r = render_shape(small, shape, seed, stem=stem)
                a, b = r.text.find("二、主动公开"), r.text.find("三、收到和处理")
                mid = re.sub(r"(?m)^(\s*)(\d+(?:\.\d+)?) \|$", r"\2", r.text[a:b])
                for var, text in (("orig", r.text), ("s2bare", r.text[:a] + mid + r.text[b:])):
                    for feed in (False, True):
                        prng = random.Random(f"{seed}{stem}{shape}{var}{feed}")
                        copy, _ = paged(text, prng, feed, prng.random() < 0.3)
                        s = run_one(dataclasses.replace(r, text=copy))
                        if s.silent:
                            silent.append(f"{stem} {shape} {seed} {var} {feed}: {s.silent_ids[:3]}")
    assert not silent, silent


def test_page_numbers_are_seen_where_only_the_first_table_lost_its_marks() -> None:
    """One cell a line, every cell marked (`` |``), cut into pages with bare page numbers:
    where the page numbers are seen (taken away, or read both ways), they are seen too in
    the same copy whose 表二 cells lost their marks (bare like the page numbers), as 表三's
    and 表四's cells still print them all. Before: 表二's bare cells made the tables' numbers
    no longer all marked, and no bare number was a page's: a page number among 表三's blank
    cells was read as a cell (科研机构 6 in 四、结转下年度继续办理), and the sums blamed."""
    import random

    from nianbao.readers.normalize import normalize_text

    from .barepages import paged
    from .shapes import render_shape, sources

    def seen(text: str) -> bool:
        n = normalize_text(text)
        return bool(n.page_suspects) or any("页码" in a for a in n.artifacts)

    missed: list[tuple[str, str, bool]] = []
    tried = 0
    for stem, gold in sources():
        for shape in ("cell-pipe", "cell-bar"):
            r = render_shape(gold, shape, 0, stem=stem)
            a, b = r.text.find("二、主动公开"), r.text.find("三、收到和处理")
            mid = re.sub(r"(?m)^[ \t\u3000]*(\d+(?:\.\d+)?) \|$", r"\1", r.text[a:b])
            bare = r.text[:a] + mid + r.text[b:]
            if bare == r.text:
                continue
            for feed in (False, True):
                marked, _ = paged(r.text, random.Random(f"{stem}{shape}{feed}"), feed, False)
                if not seen(marked):
                    continue
                copy, _ = paged(bare, random.Random(f"{stem}{shape}{feed}"), feed, False)
                tried += 1
                if not seen(copy):
                    missed.append((stem, shape, feed))
    assert tried >= 10, tried
    assert not missed, missed


def _typo_copies() -> list[tuple[str, str, int]]:
    """(stem, one-cell-a-line copy, the typo's id and value) of each gold: a 表三 cell the
    document prints 7 where its sums say 0 (its row and column sums fail), a 表四 cell 8
    (its group's total with it) more than 20 lines further on, 表四 failing a sum too. No
    page number anywhere: 7 and 8 are cells, never pages 7 and 8."""
    import random

    from tests.shapes import render_shape, sources

    out = []
    for stem, gold in sources():
        if "requests.new.total" not in gold:
            continue
        rng = random.Random(f"typo|{stem}")
        g = dict(gold)
        g["blank"] = list(gold.get("blank") or [])
        cells = [
            k
            for k in g
            if k.startswith(("requests.granted.", "requests.denied.", "requests.unable."))
            and not k.endswith(".total")
            and not g.get(k)
        ]
        if not cells:
            continue
        typo = rng.choice(cells)
        g[typo] = 7
        if typo in g["blank"]:
            g["blank"].remove(typo)
        g["reviews.reconsideration.upheld"] = 8
        parts = ("upheld", "corrected", "other", "pending")
        g["reviews.reconsideration.total"] = sum(
            g.get(f"reviews.reconsideration.{p}") or 0 for p in parts
        )
        g["reviews.litigation_after.total"] = (g.get("reviews.litigation_after.total") or 0) + 10
        r = render_shape(g, "cell-blank", 3, stem + "-typo")
        out.append((stem, r.text, typo))
    return out


def test_a_cell_and_a_cell_of_the_other_table_are_no_pages() -> None:
    """A 表三 cell whose sums fail and a 表四 cell one more, 20 lines on, in a copy without
    page numbers: 表三 is never read without its cell as if they were pages 7 and 8."""
    wrong = []
    for stem, text, typo in _typo_copies():
        flat = nianbao.parse(text.encode("utf-8")).flat()
        if flat.get(typo) not in (7, None):
            wrong.append((stem, typo, flat.get(typo)))
        elif flat.get(typo) is None:
            rep = nianbao.parse(text.encode("utf-8")).to_dict()
            if not any(
                typo in (f.get("cells") or []) and f.get("rule") != "R-BLANK-ROW"
                for f in rep.get("findings") or []
            ):
                wrong.append((stem, typo, None))
    assert not wrong
