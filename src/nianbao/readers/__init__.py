"""Stage 1 — readers: bytes → Document (text with source positions and table grids).

``dispatch.read`` tells the input kind by content and calls one reader (``text``, ``html``,
``docx``, ``pdf`` with ``pdf_tables``, ``ocr``); ``grid`` is their shared table code,
``sniff`` and ``normalize`` decode and normalise text with a map back to the original, and
``labels`` is the national form's label dictionary the grid readers and the extraction share.
"""
