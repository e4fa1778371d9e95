"""What the form reading returns: tokens, cells, rows, tables and the whole reading."""

from __future__ import annotations

from dataclasses import dataclass, field

from .spec import HeadingHit

# ----------------------------------------------------------------------------- tokens


@dataclass(slots=True)
class Tok:
    kind: str  # v (value) | s (separator run) | t (other text)
    start: int
    end: int
    text: str
    digits: bool = False  # a plain run of digits (may be split)
    counted: bool = False  # the number of a cell led by a count word (合计12, 共5件)
    # a number grouped by thousands with the comma that may part its line's cells
    # (「行政规范性文件：5，120，356」: 5120356, or 5, 120 and 356)
    grouped: str = ""


# ----------------------------------------------------------------------------- results
@dataclass
class FormCell:
    id: str
    start: int = -1  # offsets in the document text (normalised); -1 when blank/unread
    end: int = -1
    text: str = ""  # the token as written ("" for a blank)
    status: str = "read"  # read | blank | split | placed | unread


@dataclass
class FormRow:
    rid: str
    label: str  # the label as written
    label_start: int
    label_end: int
    cells: list[FormCell]
    how: str = "read"  # read | separators | split | placed | unread | blank
    candidates: list[list[tuple[str | None, int, int]]] = field(default_factory=list)
    checked: bool = False  # the candidates satisfy the table's arithmetic (else merely possible)
    shown: str = ""  # the values as they stand in the text (for findings)
    # read without a bare number the text holds that may be a page's (``pages._decide``)
    paged: bool = False
    # not read (all or some cells): the readings with and without such a number differ
    # and nothing decided between them (``pages._unread``)
    page_doubt: bool = False
    # read by the headers over its runs of numbers, which name its groups in another order
    # than the form's (表四 in halves, 行政诉讼 first): a reading in the form's order is wrong
    headed: bool = False


@dataclass
class FormTable:
    key: str  # s2 | s3 | s4
    layout: str | None
    rows: list[FormRow]
    region: tuple[int, int]
    labels_found: list[str]
    ends_inside: bool = False  # the text ends inside this table
    columns: list[str] | None = None  # 表三's columns as the copy's header orders them
    # 表二: the layout its rows were read in (``layout`` is None when no column word said
    # it: then the report's year chose, and the reading is no signal of the format)
    read_as: str | None = None
    # numbers stand where no row took them (after a 第二十条 item heading that follows a
    # label: a copy that put the labels first and the numbers after)
    stray: bool = False
    # rows read from the numbers after another row's (row id -> that row's label): their
    # labels stand elsewhere, and the run held exactly their rows' numbers (``_split_runs``)
    inferred: dict[str, str] = field(default_factory=dict)
    # rows read from the table's numbers as one stream in the form's order (``stream``),
    # their numbers not right after their own label: row id -> "column" (read from
    # paragraphs column by column), "placed" (so, the blanks of columns short of them
    # placed by the rows' sums) or "row" (in text order, after another row's label); 表二's
    # rows "item:<heading>", 表四 "moved"
    streamed: dict[str, str] = field(default_factory=dict)
    # rows found by a garbled label (``garbled``): row id -> (the label as written, how:
    # "label" close to the form's, "place" the only text where the row stands, "unread",
    # "ordinal": only its ordinal, a bare number, stands there; the row before is unread too;
    # "gap", "head": no label, numbers where the row stands after the row before's or the
    # header, read by the form's order; "lost": no label where the row shows, unread)
    garbled: dict[str, tuple[str, str]] = field(default_factory=dict)
    stream_from: int = 0  # the first row read from the stream (the rows before stay unread)
    # the bare numbers taken for pages' numbers (``pages.by_page_sequence``): the table was
    # read without them, the one reading in which its arithmetic holds
    paged_out: list[str] = field(default_factory=list)


@dataclass
class FormReading:
    tables: dict[str, FormTable]
    headings: dict[str, HeadingHit]
    # tables whose region holds another section's heading (a text not in the form's order)
    scrambled: set[str] = field(default_factory=set)
