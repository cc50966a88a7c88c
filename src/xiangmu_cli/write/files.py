"""Reading a ledger file to edit, and writing its new text back in the file's own style.

Files are read as regular files only, within the size limit (:func:`~xiangmu_cli.base.fileio.read_regular`), and
written as they are: a BOM, CRLF or lone-CR (old Mac) line breaks. A file mixing lone CRs with LF
line breaks is refused with the hint to run ``xm fmt`` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import display_path, read_regular
from xiangmu_cli.write.plan import EditError

__all__ = ["BOM", "EditedFile", "read"]

BOM = "\ufeff"
_LONE_CR = re.compile("\r(?!\n)")


@dataclass
class EditedFile:
    path: Path
    raw: bytes
    text: str  # without the BOM; lone-CR line breaks read as LF
    bom: bool
    cr: bool = False  # the line breaks are lone CRs (old Mac): written back as CR

    def output(self, text: str) -> str:
        return (BOM if self.bom else "") + (text.replace("\n", "\r") if self.cr else text)


def read(path: Path) -> EditedFile:
    """A ledger file to edit: a regular file within the size limit, in a line-break style the
    edits keep (LF, CRLF, or lone CR throughout)."""
    from xiangmu_cli.reading.yamlread import decode

    shown = display_path(path)
    try:
        raw = read_regular(path, limits.current().max_file_bytes)
    except OSError as exc:
        raise EditError(f"无法读取 {shown}：{exc.strerror or exc}") from None
    text, problems = decode(raw, shown)
    if text is None:
        raise EditError(f"{shown} 无法读取（{problems[0].message}）；请先运行 xm validate")
    cr = False
    lone = _LONE_CR.search(text)
    if lone is not None:
        if "\n" in text:
            at = lone.start()
            line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
            raise EditError(
                f"{shown}:{line}:{col}: 换行符混用：这一行有单独的回车符（CR），其他行用 LF 换行，"
                f"无法在原有写法上自动修改；请先运行 xm fmt {shown} 统一换行（内容和注释不变），再重新运行命令"
            )
        text, cr = text.replace("\r", "\n"), True
    return EditedFile(path, raw, text, raw.startswith(BOM.encode()), cr)
