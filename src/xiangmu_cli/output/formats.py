"""Every output format of a document, and which one a command uses (``--format``, ``-o``).

The text formats are rendered by :mod:`tables`, html by :mod:`html` (which uses the tables'
cell formatting); this module is the one place that knows all of them.
"""

from __future__ import annotations

import os

from xiangmu_cli.output.tables import Document, render_text

__all__ = [
    "FORMATS",
    "BINARY_FORMATS",
    "EXTENSIONS",
    "render",
    "render_binary",
    "binary_format",
    "infer_format",
    "file_bytes",
]

FORMATS = ("rich", "md", "plain", "csv", "json", "html")
#: Formats that are files, never text on a terminal or a pipe: written only with ``-o``.
BINARY_FORMATS = ("xlsx", "docx")
#: The format of an ``-o`` file by its extension; any other extension is refused.
EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "plain",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".docx": "docx",
}
#: Hints for extensions that people try and xm does not write.
_OTHER_HINTS = {
    ".pdf": "PDF 请先输出网页（-o 报告.html），在浏览器中打开后打印为 PDF（页码、表头随页重复）",
    ".xls": "请用 .xlsx（Excel 2007 及以后的格式）",
    ".doc": "请用 .docx（通报的 Word 文件）",
}
#: CSV written to a file starts with a byte order mark, so that Excel (Chinese Windows) reads
#: it as UTF-8 rather than GBK; on stdout it has none (pipelines and other programs).
UTF8_BOM = "\ufeff"


def render(doc: Document, fmt: str, width: int | None = None, color: bool | None = None) -> str:
    """The document as text in ``fmt`` (one of FORMATS); ``width``/``color`` apply to rich only.

    ``color=None`` follows the real stdout (terminal, NO_COLOR); False never emits ANSI codes.
    """
    if fmt == "html":
        from xiangmu_cli.output.html import render_html

        return render_html(doc)
    if fmt == "rich":
        from xiangmu_cli.output.terminal import render_rich  # rich is imported only for a terminal

        return render_rich(doc, width, color)
    if fmt not in FORMATS:
        raise ValueError(f"未知的输出格式「{fmt}」，可选：{'、'.join(FORMATS)}")
    return render_text(doc, fmt)


def render_binary(doc: Document, fmt: str) -> bytes:
    """The document as a file in ``fmt`` (one of BINARY_FORMATS): xlsx (one sheet per table) or
    docx (the Word document of a 通报, :mod:`docx`)."""
    if fmt == "xlsx":
        from xiangmu_cli.output.xlsx import render_xlsx

        return render_xlsx(doc)
    if fmt == "docx":
        from xiangmu_cli.output.docx import render_docx

        return render_docx(doc)
    raise ValueError(f"未知的文件格式「{fmt}」，可选：{'、'.join(BINARY_FORMATS)}")


def binary_format(path: str | None, explicit: str | None) -> str | None:
    """The binary format asked for: by ``--format``, else by the ``-o`` file's extension; None for
    a text format."""
    if explicit is not None:
        return explicit if explicit in BINARY_FORMATS else None
    if path and path != "-":
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        return ext if ext in BINARY_FORMATS else None
    return None


def infer_format(path: str | None, explicit: str | None, stdout_is_tty: bool) -> str:
    """``--format`` wins; else by the ``-o`` file's extension (:data:`EXTENSIONS`; any other
    extension, or none, is a ValueError with a Chinese message: a ``-o 月报.pdf`` must not quietly
    write plain text); else rich on a terminal and plain when piped."""
    if explicit:
        if explicit not in FORMATS + BINARY_FORMATS:
            raise ValueError(f"未知的输出格式「{explicit}」，可选：{'、'.join(FORMATS + BINARY_FORMATS)}")
        return explicit
    if path and path != "-":
        extension = os.path.splitext(path)[1].lower()
        if extension in EXTENSIONS:
            return EXTENSIONS[extension]
        known = " ".join(dict.fromkeys(EXTENSIONS))
        what = f"扩展名「{extension}」" if extension else "没有扩展名的文件名"
        hint = _OTHER_HINTS.get(extension, f"用 {known} 之一作扩展名，或用 --format 指定格式")
        raise ValueError(f"无法从{what}判断输出格式（{path}）；{hint}")
    return "rich" if stdout_is_tty else "plain"


def file_bytes(text: str, fmt: str) -> bytes:
    """A rendered text format as written to an ``-o`` file: UTF-8, csv with a BOM (:data:`UTF8_BOM`)."""
    return ((UTF8_BOM if fmt == "csv" else "") + text).encode("utf-8")
