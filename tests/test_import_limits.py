"""`xm import` on hostile and broken files (issue 12): limits where input enters, Chinese messages.

Every hostile file is built here, small on disk (zip bombs from one pre-compressed block repeated,
merged ranges and far cells patched into a workbook openpyxl wrote). Each runs `xm import` in a
subprocess limited to 1 GiB of address space (RLIMIT_AS) with a timeout: it must end with a clean
exit code (1 for a bad input file, 2 for usage) and a Chinese message naming the file, never a
traceback or 「内部错误」, in bounded memory (the child's peak RSS, reported at exit).
"""

from __future__ import annotations

import functools
import io
import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from .conftest import ROOT, write_repo

CONFIG = (ROOT / "ledgers" / "xiangmu.yaml").read_text(encoding="utf-8")
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["编号", "名称", "总投资", "建设性质", "开工日期", "年度计划投资"]
ROW = ["CY-NEW-1", "新项目", 6000, "新建", "2018-05-01", 1000]
AS_LIMIT = 1 << 30
#: Peak RSS allowed (an ordinary small import peaks at ~50 MiB, every hostile file here under 80).
RSS_BOUND_MB = 200

#: The child's peak RSS at exit: VmHWM (this process image only; ru_maxrss would include the
#: pytest process it was forked from), else ru_maxrss.
_WRAPPER = """
import atexit, re, resource, sys
def peak():
    try:
        return int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())[1])
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: sys.stderr.write("\\nXM-MAXRSS-KB %d\\n" % peak()))
sys.argv = ["xm", *sys.argv[1:]]
from xiangmu_cli.cli import main
main()
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    rss_mb: float

    def clean(self, code: int, *needles: str) -> Run:
        """Exit ``code``, a Chinese message containing every needle, no traceback, bounded memory."""
        assert self.code == code, (self.code, self.stderr[-2000:])
        for bad in ("Traceback", "内部错误", "MemoryError"):
            assert bad not in self.stderr + self.stdout, self.stderr[-2000:]
        for needle in needles:
            assert needle in self.stderr, (needle, self.stderr[-2000:])
        assert self.rss_mb < RSS_BOUND_MB, self.rss_mb
        return self


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def run_xm(*args: str | Path, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None) -> Run:
    """``xm args…`` in a child limited to 1 GiB of address space; a hang fails the test."""
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
        env={**os.environ, **(env or {})},
    )
    stderr = result.stderr.decode("utf-8", "replace")
    rss = float("inf")
    if "XM-MAXRSS-KB " in stderr:
        stderr, _, tail = stderr.rpartition("XM-MAXRSS-KB ")
        rss = int(tail.split()[0]) / 1024
    return Run(result.returncode, result.stdout.decode("utf-8", "replace"), stderr.rstrip("\n") + "\n", rss)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG})


def import_(kind: str, file: Path, repo: Path, *extra: str, **kwargs: object) -> Run:
    return run_xm(
        "import",
        kind,
        file,
        "--ledger",
        "在建",
        "--region",
        "船营区",
        "--ledgers",
        repo,
        "--dry-run",
        *extra,
        cwd=file.parent,
        **kwargs,
    )  # type: ignore[arg-type]


# --- building workbooks -------------------------------------------------------------------------


def book_bytes(rows: list[list[object]] | None = None, title: str = "在建") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows if rows is not None else [HEADER, ROW]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    """The parts of a workbook, non-ASCII text as UTF-8: openpyxl writes it so without lxml and
    as character references (``&#26032;``) with it, and the tests patch the text itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: _unreference(z.read(i)) for i in z.infolist()}


def _unreference(xml: bytes) -> bytes:
    return re.sub(rb"&#(\d+);", lambda m: chr(int(m[1])).encode() if int(m[1]) > 127 else m[0], xml)


def pack(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def patched(name: str, change, data: bytes | None = None) -> bytes:  # type: ignore[no-untyped-def]
    files = members(data if data is not None else book_bytes())
    files[name] = change(files[name])
    return pack(files)


def with_merge(ref: str) -> bytes:
    return patched(
        SHEET,
        lambda x: x.replace(
            b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="%s"/></mergeCells>' % ref.encode()
        ),
    )


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members given as (name, raw deflate data, crc32, unpacked size)."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0x800,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)


def bomb(mib: int) -> bytes:
    """The small workbook with ``mib`` MiB of spaces inside its sheet (valid XML, valid CRC): one
    deflated block of 1 MiB of spaces (~1 KB) repeated, since a full flush makes blocks independent."""
    files = members(book_bytes())
    head, tail = files[SHEET].split(b"<sheetData>", 1)
    rest = b"<sheetData>" + tail
    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    data = start + block * mib + packer.compress(rest) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    entries = []
    for name, content in files.items():
        if name == SHEET:
            entries.append((name, data, zlib.crc32(rest, crc), len(head) + (mib << 20) + len(rest)))
        else:
            one = zlib.compressobj(9, zlib.DEFLATED, -15)
            entries.append((name, one.compress(content) + one.flush(), zlib.crc32(content), len(content)))
    return raw_zip(entries)


def with_shared_strings(xml: bytes, book: bytes | None = None) -> bytes:
    files = members(book if book is not None else book_bytes())
    files["xl/sharedStrings.xml"] = xml
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return pack(files)


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
    + SST
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>' + SST


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the review's findings ----------------------------------------------------------------------


def test_a_merged_range_over_the_whole_sheet_is_refused_naming_it(tmp_path: Path, repo: Path) -> None:
    book = write(tmp_path / "合并.xlsx", with_merge("A1:XFD1048576"))
    assert book.stat().st_size < 10_000
    import_("xlsx", book, repo).clean(1, "合并.xlsx", "工作表「在建」", "合并单元格 A1:XFD1048576", "取消")


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path, repo: Path) -> None:
    book = write(tmp_path / "炸弹.xlsx", bomb(2048))  # 2 MB on disk, 2 GiB unpacked
    assert book.stat().st_size < 3_000_000
    import_("xlsx", book, repo).clean(1, "炸弹.xlsx", "解压后", "压缩炸弹")


def test_a_member_unpacking_to_a_thousand_times_its_size_is_refused(tmp_path: Path, repo: Path) -> None:
    book = write(tmp_path / "压缩比.xlsx", bomb(40))  # 40 MiB: under the unpacked limit, but ~1000:1
    import_("xlsx", book, repo).clean(1, "压缩比.xlsx", "xl/worksheets/sheet1.xml", "压缩比")


def test_the_import_file_size_limit_and_its_option(tmp_path: Path, repo: Path) -> None:
    rows = [[*HEADER, "联系电话"]] + [
        [f"CY-X-{i}", "项目", 6000, "新建", "2018-05-01", 1000, "1" * 60_000] for i in range(20)
    ]  # the long column is not imported
    csv_file = write(tmp_path / "大.csv", "\n".join(",".join(map(str, r)) for r in rows).encode())
    assert 1 << 20 < csv_file.stat().st_size < 2 << 20
    import_("csv", csv_file, repo, "--max-file-mb", "1").clean(1, "大.csv", "过大", "--max-file-mb")
    import_("csv", csv_file, repo, env={"XM_IMPORT_MAX_FILE_MB": "1"}).clean(1, "大.csv", "过大")
    result = import_("csv", csv_file, repo, "--max-file-mb", "2", env={"XM_IMPORT_MAX_FILE_MB": "1"})
    assert result.code == 0, result.stderr


def test_the_cell_limit_and_its_option(tmp_path: Path, repo: Path) -> None:
    rows = [HEADER, *([f"CY-X-{i}", "项目", 6000, "新建", "2018-05-01", 1000] for i in range(30))]
    book = write(tmp_path / "多.xlsx", book_bytes(rows))
    import_("xlsx", book, repo, "--max-cells", "100").clean(1, "多.xlsx", "工作表「在建」", "--max-cells")
    import_("xlsx", book, repo, env={"XM_IMPORT_MAX_CELLS": "100"}).clean(1, "多.xlsx", "--max-cells")
    csv_file = write(tmp_path / "多.csv", "\n".join(",".join(map(str, r)) for r in rows).encode())
    import_("csv", csv_file, repo, "--max-cells", "100").clean(1, "多.csv", "--max-cells")
    assert import_("xlsx", book, repo, "--max-cells", "1000").code == 0


def test_the_extent_comes_from_the_cells_never_from_the_dimension_record(tmp_path: Path, repo: Path) -> None:
    # A lying <dimension> costs nothing (openpyxl's read-only mode would pad every row to it) …
    lying = write(
        tmp_path / "范围.xlsx",
        patched(SHEET, lambda x: x.replace(b'<dimension ref="A1:F2" />', b'<dimension ref="A1:XFD1048576" />')),
    )
    assert import_("xlsx", lying, repo).clean(0).stdout.count("+  - 编号: CY-NEW-1") == 1
    # … a value in the last cell of the grid is refused, naming it (17 billion cells otherwise).
    far = write(
        tmp_path / "远.xlsx",
        patched(
            SHEET,
            lambda x: x.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'),
        ),
    )
    import_("xlsx", far, repo).clean(1, "远.xlsx", "工作表「在建」", "XFD1048576", "--max-cells")
    # a cell outside Excel's grid is a broken file
    outside = write(
        tmp_path / "外.xlsx",
        patched(SHEET, lambda x: x.replace(b"</sheetData>", b'<row r="3"><c r="XFE3"><v>1</v></c></row></sheetData>')),
    )
    import_("xlsx", outside, repo).clean(1, "外.xlsx", "XFE3", "16384")


@pytest.mark.parametrize(("xml", "needle"), [(LAUGHS, "DTD"), (EXTERNAL, "DTD")])
def test_xml_entities_in_shared_strings_are_refused(tmp_path: Path, repo: Path, xml: bytes, needle: str) -> None:
    book = write(tmp_path / "实体.xlsx", with_shared_strings(xml))
    import_("xlsx", book, repo).clean(1, "实体.xlsx", "xl/sharedStrings.xml", needle)


def test_broken_archives_and_sheets_are_bad_input_files(tmp_path: Path, repo: Path) -> None:
    good = book_bytes()
    cases = {
        "截断.xlsx": (good[: len(good) // 2], "不是有效的 .xlsx"),
        "非表格.xlsx": (pack({"readme.txt": b"hello"}), "不是有效的 .xlsx"),
        "空.xlsx": (b"", "不是有效的 .xlsx"),
        "加密.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "密码"),
        "坏表.xlsx": (patched(SHEET, lambda x: x[: len(x) // 2]), "工作表「在建」"),
        "坏样式.xlsx": (patched("xl/styles.xml", lambda x: b"<styleSheet><"), "不是有效的 .xlsx"),
        "坏数字.xlsx": (patched(SHEET, lambda x: x.replace(b"<v>6000</v>", b"<v>" + b"9" * 5000 + b"</v>")), "第 2 行"),
        "坏编码.xlsx": (patched(SHEET, lambda x: b'<?xml version="1.0" encoding="cp500"?>' + x), "编码"),
        "UTF16.xlsx": (patched(SHEET, lambda x: x.decode().encode("utf-16")), "UTF-16"),
    }
    for name, (data, needle) in cases.items():
        import_("xlsx", write(tmp_path / name, data), repo).clean(1, name, needle)


def test_element_floods_and_giant_tags_are_refused_before_openpyxl_builds_them(tmp_path: Path, repo: Path) -> None:
    # 600,000 elements in styles.xml (numbers vary so that it packs only ~10:1) would be ~0.6 GB
    # of objects in openpyxl; a 3 MB cell text is 100 times Excel's longest.
    flood = b"".join(b'<x a="%d"/>' % (i * 7919 % 1000003) for i in range(600_000))
    styles = write(
        tmp_path / "样式.xlsx",
        patched("xl/styles.xml", lambda x: x.replace(b"</styleSheet>", flood + b"</styleSheet>")),
    )
    import_("xlsx", styles, repo).clean(1, "样式.xlsx", "xl/styles.xml", "元素")
    # ~3 MB of text, patched in (openpyxl writes 32,767 characters at most)
    text = "".join(chr(0x4E00 + i * 7919 % 20000) for i in range(1_000_000)).encode()
    giant = write(tmp_path / "长.xlsx", patched(SHEET, lambda x: x.replace("新项目".encode(), text)))
    import_("xlsx", giant, repo).clean(1, "长.xlsx", "1 MB")
    wide = b'<row r="3">' + b"".join(b"<c><v>1</v></c>" for _ in range(20_000)) + b"</row>"
    row = write(tmp_path / "宽.xlsx", patched(SHEET, lambda x: x.replace(b"</sheetData>", wide + b"</sheetData>")))
    import_("xlsx", row, repo).clean(1, "宽.xlsx", "16384")


def test_too_many_zip_members(tmp_path: Path, repo: Path) -> None:
    files = members(book_bytes())
    files.update({f"junk/{i}.bin": b"" for i in range(12_000)})
    import_("xlsx", write(tmp_path / "部件.xlsx", pack(files)), repo).clean(1, "部件.xlsx", "部件过多")


def test_merged_ranges_beyond_the_bound_or_overlapping(tmp_path: Path, repo: Path) -> None:
    import_("xlsx", write(tmp_path / "大合并.xlsx", with_merge("A1:Z10000")), repo).clean(
        1, "合并单元格 A1:Z10000", "260000"
    )
    import_("xlsx", write(tmp_path / "坏合并.xlsx", with_merge("A1:Q")), repo).clean(1, "「A1:Q」", "无效")
    many = b'<mergeCells count="40">' + b'<mergeCell ref="A1:E20000"/>' * 40 + b"</mergeCells>"
    flood = patched(
        SHEET,
        lambda x: x.replace(b"</sheetData>", b'<row r="20000"><c r="F20000"><v>1</v></c></row></sheetData>' + many),
    )
    import_("xlsx", write(tmp_path / "重叠.xlsx", flood), repo).clean(1, "重叠.xlsx", "合并单元格")


def test_values_excel_cannot_hold_do_not_crash_the_import(tmp_path: Path, repo: Path) -> None:
    # A TRUE cell in a project row (here in 重点, which 在建 has not: a column not imported) and a
    # number beyond float range in a text and a date column: imported, or rows with issues.
    rows = [[*HEADER, "重点"], [*ROW, True]]
    book = write(tmp_path / "逻辑.xlsx", book_bytes(rows))
    assert "+  - 编号: CY-NEW-1" in import_("xlsx", book, repo).clean(0).stdout
    inf = patched(
        SHEET,
        lambda x: x.replace(
            b'<c r="E2" t="inlineStr"><is><t>2018-05-01</t></is></c>', b'<c r="E2"><v>1e999</v></c>'
        ).replace('<c r="B2" t="inlineStr"><is><t>新项目</t></is></c>'.encode(), b'<c r="B2"><v>-1e999</v></c>'),
    )
    result = import_("xlsx", write(tmp_path / "无穷.xlsx", inf), repo).clean(1)
    assert "第 2 行 B 列「名称」" in result.stdout and "第 2 行 E 列「开工日期」" in result.stdout


# --- CSV ----------------------------------------------------------------------------------------


def test_hostile_csv_files(tmp_path: Path, repo: Path) -> None:
    header = ",".join(HEADER).encode()
    cases = {
        "nul.csv": (header + b"\nCY-1,\x00\x00,1,\xe6\x96\xb0\xe5\xbb\xba,2018-05-01,1\n", 1, "NUL"),
        "乱码.csv": (b"a,\x81,\xff\n" * 3, 1, "编码"),
        "utf16.csv": ("\n".join([",".join(HEADER), ",".join(map(str, ROW))]).encode("utf-16"), 1, "UTF-16"),
        "宽.csv": (b"," * 10_000_000 + b"\n", 1, "16384"),
        "引号.csv": (header + b'\nCY-1,"' + b"x" * 200_000 + b"\n", 1, "第 2 行"),
    }
    for name, (data, code, needle) in cases.items():
        import_("csv", write(tmp_path / name, data), repo).clean(code, name, needle)


def test_control_characters_from_a_file_are_shown_escaped(tmp_path: Path, repo: Path) -> None:
    row = "CY-1,新项目,6000,新建,\x1b[2J\x1b]0;pwned\x07\u009b31m,1000"
    result = import_("csv", write(tmp_path / "控制.csv", (",".join(HEADER) + "\n" + row + "\n").encode()), repo)
    result.clean(1)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u009b" not in result.stdout
    assert "\\x1b[2J" in result.stdout


# --- files that are not files -------------------------------------------------------------------


def test_fifos_devices_and_directories_never_hang(tmp_path: Path, repo: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    book = write(tmp_path / "正常.xlsx", book_bytes())
    map_fifo = tmp_path / "map.yaml"
    os.mkfifo(map_fifo)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "链接.xlsx").symlink_to(book)
    import_("xlsx", fifo, repo, timeout=30).clean(2, "管道.xlsx", "命名管道")
    run_xm(
        "import",
        "xlsx",
        "/dev/zero",
        "--ledger",
        "在建",
        "--region",
        "船营区",
        "--ledgers",
        repo,
        cwd=tmp_path,
        timeout=30,
    ).clean(2, "/dev/zero", "字符设备")
    import_("csv", tmp_path, repo, timeout=30).clean(2, "目录")
    import_("xlsx", book, repo, "--map", str(map_fifo), timeout=30).clean(2, "map.yaml", "命名管道")
    import_("xlsx", book, repo, "--map", "/dev/zero", timeout=30).clean(2, "/dev/zero", "字符设备")
    import_("xlsx", book, repo, "--map", str(tmp_path / "zero.yaml"), timeout=30).clean(2, "字符设备")
    # a link named on the command line is followed (as cat would), its target checked the same way
    assert "+  - 编号: CY-NEW-1" in import_("xlsx", tmp_path / "链接.xlsx", repo, timeout=30).clean(0).stdout


def test_hostile_header_maps(tmp_path: Path, repo: Path) -> None:
    book = write(tmp_path / "正常.xlsx", book_bytes())
    cases = {
        "大.yaml": (b"# " + b"x" * (2 << 20) + b"\n", "过大"),
        "深.yaml": (b"\xe5\x88\x97:\n  " + b"- " * 100_000 + b"x\n", "嵌套"),
        "别名.yaml": (b"a: &a [1]\nb: *a\n", "别名"),
        "二进制.yaml": (b"\x00\x01\x02" * 100, "NUL"),
    }
    for name, (data, needle) in cases.items():
        import_("xlsx", book, repo, "--map", str(write(tmp_path / name, data)), timeout=30).clean(2, name, needle)


# --- fuzzing ------------------------------------------------------------------------------------

_TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</row>",
    b"<row>",
    b"<c>",
    b'<c r="A1">',
    b'<c t="s"><v>99</v></c>',
    b"<v>1e999</v>",
    b'<mergeCell ref="A1:B2"/>',
    b"&amp;",
    b"&#0;",
    b"\x00",
    b"\xff",
    b'r="0"',
    b'r="XFD9"',
    b't="b"',
    b't="d"',
    b't="e"',
    b"<v>x</v>",
    b'<dimension ref="A1:ZZZ9"/>',
    b"<f>SUM(A1)</f>",
    b's="99999"',
    b"<sheetData/>",
    b"<![CDATA[",
    b"<!-- -->",
    b'<sheet name="x" sheetId="1" r:id="rId9"/>',
]


@functools.cache
def _fuzz_base() -> tuple[tuple[str, bytes], ...]:
    """A workbook with merged ranges, a section row, a boolean, a formula and shared strings
    (built once: openpyxl stamps the time into it)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "在建"
    ws["A1"] = "标题"
    ws.merge_cells("A1:F1")
    for row in (HEADER, ROW, ["一、工业"], ["CY-NEW-2", "x", 1.5, True, None, "=1+2"]):
        ws.append(row)
    ws.merge_cells("A4:F4")
    out = io.BytesIO()
    wb.save(out)
    files = members(with_shared_strings(SST.replace(b"&lol9;", "名称".encode()), out.getvalue()))
    inline = '<c r="B2" t="inlineStr"><is><t>名称</t></is></c>'.encode()
    assert inline in files[SHEET]
    files[SHEET] = files[SHEET].replace(inline, b'<c r="B2" t="s"><v>0</v></c>')
    return tuple(files.items())


#: 150 fixed examples (~5 s); XM_FUZZ=long (as for tests/test_fuzz.py): XM_FUZZ_EXAMPLES random ones.
_LONG = os.environ.get("XM_FUZZ") == "long"
_FUZZ = settings(
    max_examples=int(os.environ.get("XM_FUZZ_EXAMPLES", "1500")) if _LONG else 150,
    deadline=None,
    derandomize=not _LONG,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@_FUZZ
@given(st.data())
def test_damaged_workbooks_are_read_or_refused_with_a_message(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Random damage to the parts of a workbook (tokens inserted, bytes cut, flipped, repeated, the
    rest cut off) or to the zip itself: the sheet is read, or refused with a Chinese message naming
    the file (an EditError, exit 1 or 2), never another exception (「内部错误」 in the CLI)."""
    from xiangmu_cli.office.importfile import read_rows
    from xiangmu_cli.write.edit import EditError

    files = dict(_fuzz_base())
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(sorted(files)))
        body = bytearray(files[name])
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, 10**6)) % max(len(body), 1)
            how = data.draw(st.sampled_from(["cut", "insert", "flip", "repeat", "end"]))
            if how == "cut":
                del body[at : at + data.draw(st.integers(1, 20))]
            elif how == "insert":
                body[at:at] = data.draw(st.sampled_from(_TOKENS))
            elif how == "flip" and body:
                body[at] = data.draw(st.integers(0, 255))
            elif how == "repeat":
                body[at:at] = body[at : at + data.draw(st.integers(1, 300))] * data.draw(st.integers(1, 50))
            else:
                del body[at:]
        files[name] = bytes(body)
    book = pack(files)
    if data.draw(st.booleans()):
        book = book[: data.draw(st.integers(0, 10**6)) % (len(book) + 1)]
    path = tmp_path_factory.mktemp("fuzz") / "坏.xlsx"
    path.write_bytes(book)
    try:
        sheet = read_rows(path, None)
    except EditError as exc:
        assert exc.code in (1, 2) and "坏.xlsx" in exc.message, exc.message
    else:
        assert all(isinstance(row, list) for row in sheet.rows)
