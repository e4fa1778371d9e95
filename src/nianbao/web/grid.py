"""The statistics tables of a report page as HTML, written in Python: the same markup the
Jinja macro wrote, at a fraction of its cost (a report page has some two hundred value
cells, each with its attributes and the findings that name it; as a macro they were most
of the page's time)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..store import display as sd
from .tables import Cell

__all__ = ["grid_html"]


# A finding's message in a cell's tooltip, cut after this many characters: a finding that
# names a hundred cells (a dozen blank rows) repeated its whole message in each of them,
# 120 KB of the page's 150 K characters; the whole text is in the list of findings.
TITLE_CHARS = 80


def _brief(message: str) -> str:
    return message if len(message) <= TITLE_CHARS else message[: TITLE_CHARS - 1] + "…"


def _span(name: str, n: int) -> str:
    return f' {name}="{n}"' if n > 1 else ""


def grid_html(
    rows: Sequence[Sequence[Cell]],
    values: Mapping[str, Any],
    cell_class: Mapping[str, str],
    by_cell: Mapping[str, Sequence[Any]],
    report_id: int,
    cls: str = "",
    *,
    label: Callable[[str], str],
    fmt: Callable[[Any], str],
) -> Markup:
    """A ``<table class="grid …">`` of the cells (see ``tables``): value cells carry their
    id, severity class, a title with their label and findings, and the htmx call that
    shows where the value stood in the source."""
    out = [f'<table class="grid {escape(cls)}">']
    rid = escape(str(report_id))
    for row in rows:
        out.append("\n<tr>")
        for c in row:
            if c.kind == "value" and c.fid is not None:
                fid = escape(c.fid)
                v = values.get(c.fid)
                state = " absent" if v is None else (" blank" if v.blank else "")
                title: list[str] = [str(escape(label(c.fid)))]
                for f in by_cell.get(c.fid, ()):
                    sev = sd.SEVERITY_ZH[f.severity]
                    title.append(
                        f"&#10;【{escape(sev)}·{escape(sd.STATUS_ZH[f.status])}】"
                        f"{escape(_brief(f.message))}"
                    )
                if v is None:
                    text = "缺"
                elif v.blank:
                    text = str(escape(v.raw)) if v.raw else "空"
                else:
                    text = str(escape(fmt(v.value)))
                out.append(
                    f'\n<td id="c-{fid}" class="v {escape(cell_class.get(c.fid, ""))}{state}"'
                    f'{_span("colspan", c.colspan)} data-fid="{fid}" tabindex="0"'
                    f' title="{"".join(title)}"'
                    f' hx-get="/reports/{rid}/source/{fid}" hx-target="#source"'
                    f' hx-swap="innerHTML">{text}</td>'
                )
            elif c.kind == "note":
                out.append(
                    f'\n<th class="note" rowspan="{c.rowspan}" colspan="{c.colspan}">'
                    f"{escape(c.text)}</th>"
                )
            elif c.kind == "head":
                out.append(
                    f"\n<th{_span('rowspan', c.rowspan)}{_span('colspan', c.colspan)}>"
                    f"{escape(c.text)}</th>"
                )
            else:
                out.append(
                    f'\n<th class="label"{_span("rowspan", c.rowspan)}'
                    f"{_span('colspan', c.colspan)}>{escape(c.text)}</th>"
                )
        out.append("\n</tr>")
    out.append("\n</table>")
    return Markup("".join(out))
