"""The counts of an ingest and its summary in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IngestSummary"]


@dataclass
class IngestSummary:
    """Counts of one batch, and the files that could not be stored and why."""

    files: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    with_errors: int = 0  # stored/updated reports with error findings
    unusable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, path: str, status: str, reason: str | None, errors: bool) -> None:
        """Count one file's outcome (stored, updated, unusable, failed or unchanged)."""
        if status in ("stored", "updated"):
            setattr(self, status, getattr(self, status) + 1)
            self.with_errors += int(errors)
        elif status == "unusable":
            self.unusable.append((path, reason or ""))
        elif status == "failed":
            self.failed.append((path, reason or ""))
        else:
            self.unchanged += 1

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The summary in Chinese."""
        out = [
            f"共处理 {self.files} 个文件，用时 {self.seconds:.1f} 秒（{self.rate:.1f} 份/秒）。",
            f"新入库 {self.stored} 份，重新解析更新 {self.updated} 份，内容未变跳过 {self.unchanged} 份。",
            f"入库报告中有错误级问题的 {self.with_errors} 份。",
            f"无法使用 {len(self.unusable)} 个，解析出错 {len(self.failed)} 个。",
        ]
        for path, why in self.unusable[:50]:
            out.append(f"  无法使用：{path}：{why}")
        if len(self.unusable) > 50:
            out.append(f"  ……另有 {len(self.unusable) - 50} 个无法使用的文件")
        for path, why in self.failed[:20]:
            out.append(f"  解析出错：{path}：{why}")
        if len(self.failed) > 20:
            out.append(f"  ……另有 {len(self.failed) - 20} 个解析出错的文件")
        return out
