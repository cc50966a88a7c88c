"""A ledger file's bytes as text: UTF-8 (a BOM dropped), or the problem that says why not.

Apart from the YAML reader (reading/yamlread.py) so that what only reads files (the cache's
fingerprint, reading/files.py) does not import the reader's patterns.
"""

from __future__ import annotations

from xiangmu_cli.ledger.problems import Problem

__all__ = ["decode"]

_BOM_UTF8 = b"\xef\xbb\xbf"


def _line_col_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    col = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file (a BOM is dropped; CRLF is fine), or an E005 problem saying why not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Problem(
                "E005", "文件是 UTF-16 编码，台账须为 UTF-8", file, "用编辑器“另存为”并选择 UTF-8 编码", line=1, col=1
            )
        ]
    if raw.startswith(_BOM_UTF8):
        raw = raw[len(_BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(raw, exc.start)
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "，看起来是 GBK/GB18030 编码（旧版编辑器或 Excel 常存成这种编码）"
        except UnicodeDecodeError:
            pass
        return None, [
            Problem(
                "E005",
                f"文件不是 UTF-8 编码{guess}",
                file,
                "用编辑器“另存为”并选择 UTF-8 编码；不要从 Word 直接粘贴",
                line=line,
                col=col,
            )
        ]
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        return None, [
            Problem(
                "E005",
                "文件含有 NUL 字节，不是文本文件",
                file,
                "台账须为 UTF-8 文本；检查是否误存成了二进制文件或 UTF-16",
                line=line,
                col=col,
            )
        ]
    return text, []
