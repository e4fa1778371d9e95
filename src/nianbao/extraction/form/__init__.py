"""Reading the three tables by the national form, whatever the layout of the copy.

``spec`` holds the form as data (rows, keywords, counts, headings; the folding of text),
``model`` what a reading returns, ``tokens`` the labels found in the form's order and each
row's values and separators, ``solve`` the tables' arithmetic as a judge (digit splits,
column equations), ``read`` the reading itself (regions, rows, placement), ``stream``
表三 as one stream of numbers (a PDF's reading order), ``columns`` numbers read by the
column words printed before them, ``garbled`` rows found by a garbled label, ``lost``
rows whose label is lost whole. The method is
described at the top of ``read``. The package is pure: :mod:`nianbao.extraction.formfill`
merges a :class:`FormReading` into the Report and words the findings.
"""

from .model import FormCell, FormReading, FormRow, FormTable
from .read import displaced_tables, read_form
from .spec import HeadingHit, find_headings, fold
from .tokens import cell_number, tokenize

__all__ = [
    "FormCell",
    "FormRow",
    "FormTable",
    "FormReading",
    "read_form",
    "displaced_tables",
    "find_headings",
    "HeadingHit",
    "cell_number",
    "fold",
    "tokenize",
]
