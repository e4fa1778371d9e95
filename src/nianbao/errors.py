"""Named exceptions of the library. Front ends (CLI, API) turn them into messages in one
place; every message is Chinese and says what to do."""

from __future__ import annotations

__all__ = [
    "NianbaoError",
    "UnusableInput",
    "EmptyInput",
    "BinaryInput",
    "NotAReport",
    "EncodingError",
    "UnsupportedFormat",
    "InputTooLarge",
    "FileBudgetExceeded",
    "EncryptedPdf",
    "ScannedPdf",
    "UndecodableText",
    "BrokenFile",
    "NoTables",
    "OcrUnavailable",
    "InvalidFigures",
    "ConverterMissing",
    "CollectUnavailable",
    "UnknownAgency",
    "StoreNotFound",
    "RosterError",
]


class NianbaoError(Exception):
    """Base class; ``str(e)`` is a Chinese message meant for the user."""

    exit_code = 2


class UnusableInput(NianbaoError):
    """The input cannot be read as an annual report at all (exit code 2)."""


class EmptyInput(UnusableInput):
    pass


class BinaryInput(UnusableInput):
    pass


class NotAReport(UnusableInput):
    pass


class EncodingError(UnusableInput):
    pass


class UnsupportedFormat(UnusableInput):
    pass


class InputTooLarge(UnusableInput):
    pass


class FileBudgetExceeded(UnusableInput):
    """Reading one file took more time or memory than its budget (see nianbao.budget): the
    file is stopped and reported, not waited for."""


class EncryptedPdf(UnusableInput):
    pass


class ScannedPdf(UnusableInput):
    pass


class UndecodableText(ScannedPdf):
    """A PDF whose text layer cannot be decoded (fonts without a character map: the text
    comes out as other scripts' characters): read as a scan, by OCR when it is there."""


class BrokenFile(UnusableInput):
    pass


class NoTables(UnusableInput):
    """A report in which none of the three tables could be read."""


class OcrUnavailable(ScannedPdf):
    """A scan that OCR could not read here: the ``[ocr]`` extra is not installed or a model
    file is missing. A ScannedPdf, so callers handle it the same way (exit code 2)."""


class InvalidFigures(UnusableInput):
    """A figures file holds an unknown id or a value that is not a number."""


class ConverterMissing(NianbaoError):
    """A PDF was asked for but LibreOffice (soffice) is not installed."""


class CollectUnavailable(NianbaoError):
    """``nianbao collect`` needs httpx (the ``[collect]`` extra), which is not installed."""


class UnknownAgency(NianbaoError):
    """A name that no agency of the store resolves to, where one must exist (aliasing,
    renaming, letters); the message names the closest known agencies."""


class StoreNotFound(NianbaoError):
    """A ``--db`` path that does not exist: refused rather than creating an empty store
    (``ingest`` and ``roster import`` create it, as does ``--create``)."""


class RosterError(NianbaoError):
    """A roster file that cannot be imported (missing columns, unreadable); the message
    says which line and column."""
