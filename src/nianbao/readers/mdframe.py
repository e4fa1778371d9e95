"""A Markdown (or plain) text that holds its tables as HTML markup, made into HTML whose
lines stay lines.

PDF-to-Markdown tools (MinerU, marker, document AI services) print a report's prose as
Markdown lines and its tables as raw ``<table>`` blocks (MinerU wraps each in
``<html><body>…</body></html>``). Read as an HTML page, the prose would collapse into one
paragraph: headings run into the text, and a picture written in Markdown
(``![](images/….jpg)``, docling's ``<!-- image -->``) is not seen as a picture at all. Here
each prose line becomes a paragraph, Markdown heading and bold marks and backslash escapes
are dropped, links keep their text, a picture becomes an ``<img>`` (so that the reader
says it could not read the table the picture shows), and a Markdown pipe table among the
HTML ones (a document AI writes the tables without merged cells so) becomes an HTML table.

Told by content: table markup, and outside the tables no HTML markup but pictures (a page
or a fragment of one has its own block tags and is left as it is).
"""

from __future__ import annotations

import re

_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_WRAPPER = re.compile(r"</?(?:html|body)\s*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# markup that says the text outside the tables is HTML itself
_HTML_TAG = re.compile(r"</?(?!img\b)[a-z][a-z0-9]*\b[^<>]*>|&lt;|<!doctype", re.IGNORECASE)
_PICTURE_COMMENT = re.compile(r"<!--\s*(?:image|figure|picture|图片)\s*-->", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\([^)\n]*\)")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}(?:\s+|(?=[^\s#]))")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def _is_markdown_frame(text: str) -> bool:
    rest = _COMMENT.sub(" ", _WRAPPER.sub(" ", _TABLE.sub(" ", text)))
    if _HTML_TAG.search(rest):
        return False
    return sum(1 for line in rest.splitlines() if line.strip()) >= 3


def _line(line: str) -> str:
    line = _PICTURE_COMMENT.sub('<img src="image" alt="">', line)
    line = _MD_IMAGE.sub(lambda m: f'<img src="{m.group(2) or "image"}" alt="{m.group(1)}">', line)
    line = _MD_LINK.sub(r"\1", line)
    line = _HEADING_MARK.sub("", line)
    line = _BOLD.sub(lambda m: m.group(1) or m.group(2), line)
    line = _ESCAPE.sub(r"\1", line)
    return line.strip()


# a page's number printed as its footer: — 3 —, - 3 -, 第 3 页 共 8 页; between two tables
# (a table split at a page break) a bare number too
_PAGE_LINE = re.compile(
    r"^(?:[—–\-－]{1,2} *\d{1,3} *[—–\-－]{1,2}|第 *\d{1,3} *页(?: *[/，,]? *共 *\d{1,3} *页)?)$"
)
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
PAGE_NOTE = "页码行（— n —、第 n 页）已删除"


def markdown_frame(text: str) -> tuple[str, bool] | None:
    """``text`` as HTML with one paragraph per prose line, and whether page-number lines
    were dropped; None when it is not a Markdown text holding HTML tables (see the module
    docstring). A page footer's line (``— 3 —``; a bare number between two tables) is no
    prose: dropped, so that no reading takes its number for a cell."""
    if not _TABLE.search(text) or not _is_markdown_frame(text):
        return None
    out: list[str] = []
    pos = 0
    pages = False
    for m in _TABLE.finditer(text):
        lines, dropped = _prose(text[pos : m.start()], between=pos > 0)
        out += lines
        pages |= dropped
        out.append(m.group(0))
        pos = m.end()
    lines, dropped = _prose(text[pos:], between=False)
    out += lines
    return "\n".join(out), pages | dropped


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]*\|")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _pipe_cells(line: str) -> list[str]:
    t = line.strip()
    t = t[1:] if t.startswith("|") else t
    t = t[:-1] if t.endswith("|") and not t.endswith("\\|") else t
    return [c.strip() for c in re.split(r"(?<!\\)\|", t)]


def _pipe_table(lines: list[str]) -> str:
    """A Markdown pipe table (its rule line dropped) as an HTML table, each cell's text
    cleaned as a prose line is."""
    rows = []
    for ln in lines:
        if _PIPE_RULE.match(ln):
            continue
        cells = "".join(f"<td>{_line(c.replace(chr(92) + '|', '|'))}</td>" for c in _pipe_cells(ln))
        rows.append(f"<tr>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _prose(segment: str, between: bool) -> tuple[list[str], bool]:
    """The HTML of a stretch of Markdown between two HTML tables: a paragraph per line,
    pipe tables (a document AI prints its tables without merged cells so, in the same text
    as those with, as HTML) as tables, page-number lines dropped."""
    out = []
    raws = [r for r in _WRAPPER.sub("\n", segment).splitlines() if r.strip()]
    # between two tables: lines of page numbers only (a table split at a page break)
    bare = between and all(
        _BARE_NUMBER.match(r.strip()) or _PAGE_LINE.match(r.strip()) for r in raws
    )
    dropped = False
    i = 0
    while i < len(raws):
        if (
            i + 1 < len(raws)
            and "|" in raws[i]
            and "|" in raws[i + 1]
            and _PIPE_RULE.match(raws[i + 1])
        ):
            # a GFM table: its header row, its rule, its rows (with or without outer pipes)
            j = i + 2
            while j < len(raws) and _PIPE_ROW.match(raws[j]):
                j += 1
            out.append(_pipe_table(raws[i:j]))
            i = j
            continue
        raw = raws[i]
        i += 1
        line = _line(raw)
        if not line:
            continue
        if _PAGE_LINE.match(line) or (bare and _BARE_NUMBER.match(line)):
            dropped = True
            continue
        if line.startswith("<img ") and line.endswith(">") and line.count("<") == 1:
            out.append(line)
        else:
            out.append(f"<p>{line}</p>")
    return out, dropped
