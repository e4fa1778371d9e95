"""Peak memory of reading a 1,000-page PDF and a 100 MB HTML page (issue 12: within 1 GB, or
refused with a clear message, never killed), each figure beside an anchor measured on the
same file in the same run.

    .venv/bin/python bench/memory_bound.py [--pages 1000] [--html-mb 100] [--cache DIR]

Inputs are generated once into ``--cache`` (default: a folder under the system's temp dir),
never committed:

- ``pdf-shared``: the pages of a sample PDF repeated to ``--pages`` pages in one import
  (fonts and content shared, as a word processor writes a long file);
- ``pdf-distinct``: the same pages imported five at a time, so that every five pages carry
  their own copy of the fonts (PDFium caches each font it loads until the file is closed);
- ``html-pad``: a writer-rendered report followed by ``--html-mb`` MB of paragraphs and
  small tables;
- ``html-giant``: the same report followed by one table of ``--html-mb`` MB;
- ``html-dense``: the same report followed by ``<p>x`` repeated to ``--html-mb`` MB.

Each measurement runs in a child process (``nianbao parse`` as a whole: read, extract,
check) and reports its peak resident size (``VmHWM``) and seconds. Anchors, in the same
run and on the same file: pypdfium2 opening the PDF and taking every page's text, and lxml
parsing the whole HTML page (nothing else). Ratios are to the anchor; the absolute peak is
what the 1 GB bound is about.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLES = ROOT.parent / "shared" / "samples"
SAMPLE_PDF = SAMPLES / "peer" / "hongze-2024.pdf"
MB = 1024 * 1024


# --------------------------------------------------------------------------- inputs


def make_pdf(src: Path, pages: int, out: Path, shared: bool = True) -> Path:
    """``src``'s pages repeated to ``pages`` pages: in one import (shared objects) or five
    at a time (each import copies the fonts again)."""
    import pypdfium2 as pdfium

    if out.exists():
        return out
    s = pdfium.PdfDocument(str(src))
    d = pdfium.PdfDocument.new()
    try:
        k = len(s)
        if shared:
            d.import_pages(s, [i % k for i in range(pages)])
        else:
            while len(d) < pages:
                d.import_pages(s, list(range(min(k, pages - len(d)))))
        tmp = out.with_suffix(".tmp")
        d.save(str(tmp))
        tmp.replace(out)
    finally:
        d.close()
        s.close()
    return out


def report_html() -> str:
    """A report as the writer renders it to HTML, from the first text sample."""
    from nianbao.api import parse
    from nianbao.writing.writer import render

    src = sorted(SAMPLES.glob("*.txt"))[0]
    return render(parse(str(src), check=False), "html").decode("utf-8")


_PARA = (
    "<p>"
    + "本机关持续推进政务公开标准化规范化建设，围绕重点领域信息公开，及时发布政策文件解读材料，回应社会关切。"
    * 3
    + "</p>\n"
)
_TABLE = (
    '<table border="1"><tr><td>事项</td><td>数量</td><td>备注</td></tr>'
    + "".join(f"<tr><td>第{i}项工作</td><td>{i * 7}</td><td>按期完成</td></tr>" for i in range(20))
    + "</table>\n"
)


def make_html(size: int, giant: bool, base: str | None = None, dense: bool = False) -> bytes:
    """A report page padded to ``size`` bytes after the report: paragraphs and small tables,
    (``giant``) one table of three columns, or (``dense``) ``<p>x`` repeated (the most
    elements a byte)."""
    html = base if base is not None else report_html()
    head, tail = html.rsplit("</body>", 1)
    parts = [head]
    used = len(html.encode("utf-8"))
    if dense:
        parts.append("<p>x" * (max(0, size - used) // 4))
    elif giant:
        parts.append('<table border="1">')
        i = 0
        while used < size:
            row = f"<tr><td>第{i}行</td><td>{i * 3}</td><td>按期完成的工作事项说明</td></tr>"
            parts.append(row)
            used += len(row.encode("utf-8"))
            i += 1
        parts.append("</table>")
    else:
        chunk = _PARA * 8 + _TABLE
        n = max(0, size - used) // len(chunk.encode("utf-8")) + 1
        parts.append('<div class="appendix">' + chunk * n + "</div>")
    parts.append("</body>" + tail)
    return "".join(parts).encode("utf-8")


def make_html_file(out: Path, size: int, giant: bool, base: str, dense: bool = False) -> Path:
    if not out.exists():
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(make_html(size, giant, base, dense))
        tmp.replace(out)
    return out


# --------------------------------------------------------------------------- children


def peak_mb() -> float:
    """This process's peak resident size (``VmHWM``: unlike ``ru_maxrss`` it does not count
    the parent's size at the fork that made this process)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _child(kind: str, path: str) -> dict[str, object]:
    import time

    t0 = time.perf_counter()
    out: dict[str, object] = {}
    if kind == "pdfium":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        out["pages"] = len(pdf)
        pdf.close()
    elif kind == "lxml":
        import lxml.html

        data = Path(path).read_bytes()
        parser = lxml.html.HTMLParser(no_network=True, recover=True, huge_tree=True)
        root = lxml.html.document_fromstring(data, parser=parser)
        out["elements"] = sum(1 for _ in root.iter())
    else:  # nianbao: the whole parse, as `nianbao parse` does it
        from nianbao.api import parse_document
        from nianbao.budget import Budget, file_budget
        from nianbao.errors import NianbaoError
        from nianbao.readers.dispatch import read

        try:  # the memory budget as the CLI has it; no time limit (the bench measures)
            with file_budget(Budget(seconds=0, memory_mb=Budget.from_env().memory_mb)):
                doc = read(path)
                report = parse_document(doc)
            out["pages"] = doc.pages
            out["agency"] = report.meta.get("agency")
            out["values"] = sum(1 for v in report.values.values() if v.value is not None)
            out["notes"] = len(doc.artifacts)
        except NianbaoError as e:
            out["refused"] = str(e)
    out["seconds"] = time.perf_counter() - t0
    out["peak_mb"] = peak_mb()
    return out


def measure(kind: str, path: Path) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return {"killed_or_failed": run.returncode, "stderr": run.stderr[-500:]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--html-mb", type=float, default=100.0)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "nianbao-memory-bound"))
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child), ensure_ascii=False))
        return
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    size = int(args.html_mb * MB)
    base = report_html()
    inputs = [
        (
            "pdf-shared",
            make_pdf(SAMPLE_PDF, args.pages, cache / f"shared-{args.pages}.pdf"),
            "pdfium",
        ),
        (
            "pdf-distinct",
            make_pdf(SAMPLE_PDF, args.pages, cache / f"distinct-{args.pages}.pdf", shared=False),
            "pdfium",
        ),
        ("html-pad", make_html_file(cache / f"pad-{size}.html", size, False, base), "lxml"),
        ("html-giant", make_html_file(cache / f"giant-{size}.html", size, True, base), "lxml"),
        (
            "html-dense",
            make_html_file(cache / f"dense-{size}.html", size, False, base, True),
            "lxml",
        ),
    ]
    print(
        f"{'input':<13} {'MB':>6}  {'anchor':<8} {'peak MB':>8} {'s':>6}  "
        f"{'nianbao peak MB':>15} {'s':>6}  {'×anchor MB':>10} {'×anchor s':>9}  outcome"
    )
    for name, path, anchor_kind in inputs:
        anchor = measure(anchor_kind, path)
        ours = measure("nianbao", path)
        a_mb, a_s = float(anchor.get("peak_mb", 0) or 0), float(anchor.get("seconds", 0) or 0)
        o_mb, o_s = float(ours.get("peak_mb", 0) or 0), float(ours.get("seconds", 0) or 0)
        if "refused" in ours:
            outcome = f"refused: {ours['refused']}"
        elif "killed_or_failed" in ours:
            outcome = f"FAILED rc={ours['killed_or_failed']}: {ours['stderr']}"
        else:
            outcome = (
                f"read: {ours.get('pages') or '-'} pages, agency {ours.get('agency')}, "
                f"{ours.get('values')} values, {ours.get('notes')} notes"
            )
        print(
            f"{name:<13} {path.stat().st_size / MB:>6.1f}  {anchor_kind:<8} {a_mb:>8.0f} {a_s:>6.1f}  "
            f"{o_mb:>15.0f} {o_s:>6.1f}  {o_mb / a_mb if a_mb else 0:>10.2f} "
            f"{o_s / a_s if a_s else 0:>9.2f}  {outcome}"
        )


if __name__ == "__main__":
    main()
