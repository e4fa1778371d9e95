"""Scanned PDF -> Document by OCR (the optional ``[ocr]`` extra: rapidocr + onnxruntime).

A PDF without a text layer is read by rendering each page with pypdfium2 and running
rapidocr on the picture. Only the models that ship inside the rapidocr wheel
(``site-packages/rapidocr/models/``) are used, named by path: nothing is ever downloaded, and
a missing model file raises :class:`OcrUnavailable` before the engine starts.

rapidocr returns one box per text line. The boxes are laid out the way ``reader_pdf`` lays
out a text PDF, so that the extractor sees the same shapes:

0. a scan fed in askew (up to 5°) is straightened: the boxes are turned back by the median
   slope of the long text lines;
1. boxes that hold a label and numbers (``行政许可 9487``) or several numbers are split;
2. value rows: value boxes (numbers, placeholders) clustered by their vertical centres; the
   label boxes beside them (wrapped label lines, merged group cells) join the row they
   overlap vertically;
3. the other boxes make text lines; a run of value rows with the lines between them is a
   table, the non-prose lines just above it its header (words of one header cell printed on
   two lines are joined); a table that runs on at the top of the next page is stitched;
4. table grids: value columns from the x-ranges of the numbers, label columns from where
   the labels start; the rest of the lines become paragraphs.

The subpackage, stage by stage: ``engine`` (the on/off switch, the bundled model files,
the rapidocr engine), ``boxes`` (a page rendered and OCR'd into upright line boxes in PDF
points, skew undone, label and numbers cut apart), ``layout`` (steps 2–3: value rows, text
lines, table runs), ``tables`` (step 4: the cell grid of a run) and ``reader`` (the pages
read in turn, running heads dropped, tables stitched, paragraphs joined: ``ocr_pdf``).

Cells carry their page (1-based) and their box in PDF points (top-left origin, as
pdfplumber's). Every OCR'd document says so in ``Document.artifacts``.
"""

from .engine import MODEL_FILES, OcrUnavailable, model_dir, ocr_available, ocr_enabled, use_ocr
from .reader import (
    MAX_OCR_PAGES,
    OCR_DPI,
    OCR_NOTE,
    maybe_ocr,
    ocr_image_pages,
    ocr_lost_pages,
    ocr_pdf,
)

__all__ = [
    "MAX_OCR_PAGES",
    "MODEL_FILES",
    "OCR_DPI",
    "OCR_NOTE",
    "OcrUnavailable",
    "maybe_ocr",
    "ocr_image_pages",
    "ocr_lost_pages",
    "model_dir",
    "ocr_available",
    "ocr_enabled",
    "ocr_pdf",
    "use_ocr",
]
