"""Scanned PDF -> Document by OCR (the optional ``[ocr]`` extra: rapidocr + onnxruntime)."""

from .layout import (
    MAX_OCR_PAGES,
    MODEL_FILES,
    OCR_DPI,
    OCR_NOTE,
    OcrUnavailable,
    maybe_ocr,
    model_dir,
    ocr_available,
    ocr_enabled,
    ocr_pdf,
    use_ocr,
)

__all__ = [
    "MAX_OCR_PAGES",
    "MODEL_FILES",
    "OCR_DPI",
    "OCR_NOTE",
    "OcrUnavailable",
    "maybe_ocr",
    "model_dir",
    "ocr_available",
    "ocr_enabled",
    "ocr_pdf",
    "use_ocr",
]
