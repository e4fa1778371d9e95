"""The ``[ocr]`` extra: the on/off switch, the bundled model files and the rapidocr engine.

Only the models that ship inside the rapidocr wheel (``site-packages/rapidocr/models/``)
are used, named by path: nothing is ever downloaded, and a missing model file raises
:class:`OcrUnavailable` before the engine starts.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errors import OcrUnavailable

__all__ = ["MODEL_FILES", "OcrUnavailable", "model_dir", "ocr_available", "ocr_enabled", "use_ocr"]

MODEL_FILES = (
    "PP-OCRv6_det_small.onnx",
    "PP-OCRv6_rec_small.onnx",
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
)

_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("nianbao_ocr", default=True)


# --------------------------------------------------------------------------- switch


def ocr_enabled() -> bool:
    """OCR may run: not switched off by :func:`use_ocr` (``--no-ocr``) or ``NIANBAO_OCR=0``."""
    env = os.environ.get("NIANBAO_OCR", "").strip().lower()
    return _enabled.get() and env not in ("0", "off", "no", "false")


@contextlib.contextmanager
def use_ocr(enabled: bool) -> Iterator[None]:
    """Switch OCR on or off for the code run inside the ``with`` block (CLI ``--no-ocr``)."""
    token = _enabled.set(enabled)
    try:
        yield
    finally:
        _enabled.reset(token)


def model_dir() -> Path | None:
    """Where the rapidocr wheel keeps its bundled models, or None when it is not installed
    (found without importing it: importing loads OpenCV)."""
    try:
        spec = importlib.util.find_spec("rapidocr")
        ort = importlib.util.find_spec("onnxruntime")
    except (ImportError, ValueError):
        return None
    if spec is None or ort is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "models"


def ocr_available() -> bool:
    """rapidocr and onnxruntime are installed and every bundled model file is there."""
    where = model_dir()
    return where is not None and all((where / name).is_file() for name in MODEL_FILES)


def ocr_threads() -> int | None:
    """Threads of one recognition (``NIANBAO_OCR_THREADS``), or None for onnxruntime's own
    choice (one a core). Parser pools set 1 in their workers: a pool already runs a worker a
    core, and more threads a worker only spin against each other (≈ 20 % more CPU a page
    with two workers on two cores)."""
    raw = os.environ.get("NIANBAO_OCR_THREADS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@lru_cache(maxsize=2)
def _engine(where: str, threads: int | None = None) -> Any:
    """A RapidOCR engine on the bundled model files, named by path (never downloaded)."""
    try:
        from rapidocr import RapidOCR
    except ImportError:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；文字识别组件（rapidocr、onnxruntime）无法加载。"
            "请安装 nianbao[ocr] 后重试，或先用其他工具做文字识别（OCR）。"
        ) from None
    root = Path(where)
    det, rec, cls = (str(root / name) for name in MODEL_FILES)
    try:
        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.model_root_dir": where,
                "Det.model_path": det,
                "Rec.model_path": rec,
                "Cls.model_path": cls,
            }
            | (
                {
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
                if threads
                else {}
            )
        )
        # rapidocr loads its models on first use: load them now, so that a damaged model
        # is told apart from a page that cannot be read
        for load in ("_load_det_model", "_load_cls_model", "_load_rec_model"):
            if hasattr(engine, load):
                getattr(engine, load)()
        return engine
    except Exception as e:  # a damaged model file, an onnxruntime that will not start
        raise OcrUnavailable(
            f"PDF 是扫描件，无文字层；文字识别引擎无法启动（{type(e).__name__}）。"
            "请重新安装 nianbao[ocr]，或先用其他工具做文字识别（OCR）。"
        ) from None


def _get_engine() -> Any:
    where = model_dir()
    if where is None:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；未安装文字识别组件（rapidocr、onnxruntime）。"
            "请安装 nianbao[ocr] 后重试，或先用其他工具做文字识别（OCR）。"
        )
    missing = [name for name in MODEL_FILES if not (where / name).is_file()]
    if missing:
        raise OcrUnavailable(
            "PDF 是扫描件，无文字层；文字识别模型文件缺失（"
            + "、".join(missing)
            + "），不会联网下载。请重新安装 rapidocr。"
        )
    from ...budget import uninterrupted

    # built whole or not at all: a time limit reached inside the engine's configuration
    # (omegaconf) broke it and surfaced as an engine error; the limit applies right after
    with uninterrupted():
        return _engine(str(where), ocr_threads())
