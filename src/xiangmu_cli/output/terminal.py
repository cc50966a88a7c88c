"""A document in the terminal (rich): tables fitted to the width, Chinese text broken as it is
set, cells coloured by their tone (:func:`~xiangmu_cli.output.tables.cell_tone`).

Imported only for rich output (output/formats.render): importing rich costs 35 ms, which
json, csv, plain and html output, and every cache hit rendered in them, need not pay.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.table import Table as RichTable
from rich.text import Text

from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.output.tables import (
    Column,
    Document,
    Table,
    _cells,
    _exact,
    _meta_line,
    _one_line,
    cell_tone,
    format_cell,
    paragraphs,
)

__all__ = ["render_rich", "prose_lines", "terminal_settings"]

#: Cells of a rate's bar.
BAR_CELLS = 8
#: Bars of a table a little too wide for BAR_CELLS (four cells still show a quarter at a glance).
SHORT_BAR_CELLS = 4
#: Text columns may be wrapped down to this many cells (six Chinese characters) before a column is
#: left out, and after that before rows are shown stacked instead.
MIN_TEXT_CELLS = 12
#: A terminal shows at most this many rows of a table (rich renders ~0.1 ms a cell: a report of
#: 10,000 overdue items would take seconds to scroll past); a note says how to see them all.
MAX_RICH_ROWS = 500


# --- rich --------------------------------------------------------------------------------------


def _bar(value: Decimal | Fraction, cells: int = BAR_CELLS) -> str:
    share = min(max(value, Decimal(0)), Decimal(1))
    filled = int(round_half_even(share * cells, 0))
    return "█" * filled + "░" * (cells - filled)


_TONE_STYLES = {"behind": "red", "due": "yellow", "ahead": "green", None: ""}


def _rich_cell(row: Mapping[str, Any], column: Column, bars: int) -> Text:
    """A cell; a rate with a bar of ``bars`` cells (none when 0)."""
    kind = column.kind_for(row)
    value = row.get(column.key)
    text = _one_line(format_cell(row, column))
    if bars and kind == "rate" and value is not None and not isinstance(value, (str, bool)):
        text = f"{text:>6} {_bar(_exact(value), bars)}"
    return _ChineseText(text, style=_TONE_STYLES[cell_tone(row, column)])


class _RichCells:
    """The rich cells of a table, made once per bar setting, and each column's widest cell.

    Rich measures every cell of a table each time it is measured or printed; on reports of
    thousands of rows that took most of a minute. Columns here get their natural width computed
    once from the cells' display widths, and a table measured for fitting has one row only: the
    widest cell of each column, which gives rich's own answer for the whole table.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self._rows: dict[int, list[list[Text]]] = {}

    def rows(self, bars: int) -> list[list[Text]]:
        if bars not in self._rows:
            self._rows[bars] = [[_rich_cell(row, c, bars) for c in self.table.columns] for row in self.table.rows]
        return self._rows[bars]

    def table_for(self, columns: list[Column], bars: int, widest_only: bool = False, fixed: bool = False) -> RichTable:
        """The rich table of ``columns``: all rows, or for measuring only the widest cells; with
        ``fixed`` each column is given its natural width so that rich need not measure it."""
        index = [self.table.columns.index(c) for c in columns]
        rows = self.rows(bars)
        widest = [max((r[i] for r in rows), key=lambda t: t.cell_len) for i in index]
        out = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        for c, cell in zip(columns, widest):
            width = max(cell_len(c.title), cell.cell_len) if fixed else None
            if c.rigid:
                out.add_column(c.title, justify=c.justify, no_wrap=True, width=width)
            else:
                out.add_column(c.title, justify=c.justify, overflow="fold", width=width)
        if widest_only:
            out.add_row(*widest)
        else:
            for cells in rows:
                out.add_row(*(cells[i] for i in index))
        return out


def _stacked(table: Table) -> list[Text]:
    """Each row as "名称：值" lines: readable at any width, nothing dropped or cut (the console
    wraps at the space after "：", so a number moves to the next line whole)."""
    lines: list[Text] = []
    for i, row in enumerate(table.rows):
        if i:
            lines.append(Text())
        lines += [
            _ChineseText.assemble((f"{c.title}：", "bold"), " ", _rich_cell(row, c, bars=0), overflow="fold")
            for c in table.columns
        ]
    return lines


def _natural_width(console: Console, table: RichTable) -> int:
    return console.measure(table, options=console.options.update_width(1 << 20)).maximum


def _fit(console: Console, table: Table, width: int) -> tuple[RichTable | list[Text], list[Column]]:
    """The rich table for ``width`` and the columns left out to make it fit.

    In order: the table as it is, with bars by its rates; with short bars; without bars; with its
    text wrapped (a column of text no narrower than MIN_TEXT_CELLS); only then without the
    columns of highest ``priority``, one at a time, text still wrapped; and when even that is too
    wide, each row as a card of "名称：值" lines. A detail is wrapped before it is left out.
    """
    cells = _RichCells(table)
    columns = list(table.columns)
    for bars in (BAR_CELLS, SHORT_BAR_CELLS, 0):
        if _natural_width(console, cells.table_for(columns, bars, widest_only=True)) <= width:
            return cells.table_for(columns, bars, fixed=True), []
    dropped: list[Column] = []
    while not _wraps_into(console, cells, table, columns, width):
        droppable = [c for c in columns if c.priority > 0]
        if not droppable:
            return _stacked(table), []
        victim = max(reversed(droppable), key=lambda c: c.priority)  # highest, rightmost first
        columns.remove(victim)
        dropped.append(victim)
    left_out = [c for c in table.columns if c in dropped]
    if _natural_width(console, cells.table_for(columns, 0, widest_only=True)) <= width:
        return cells.table_for(columns, 0, fixed=True), left_out
    return cells.table_for(columns, 0), left_out


def _wraps_into(console: Console, cells: _RichCells, table: Table, columns: list[Column], width: int) -> bool:
    """Whether ``columns`` fit in ``width`` once their text wraps (rigid columns never do)."""
    natural = _natural_width(console, cells.table_for(columns, 0, widest_only=True))
    if natural <= width:
        return True
    texts = _cells(table, columns)
    content = [max([cell_len(c.title)] + [cell_len(r[i]) for r in texts]) for i, c in enumerate(columns)]
    squeezed = [w if c.rigid else min(w, MIN_TEXT_CELLS) for w, c in zip(content, columns)]
    return natural - sum(content) + sum(squeezed) <= width


def terminal_settings() -> dict[str, Any]:
    """What rich makes of the real stdout (terminal or not, NO_COLOR, FORCE_COLOR, TERM, COLUMNS):
    all that a rich rendering with ``color=None`` depends on besides the document and width."""
    probe = Console()
    return {
        "width": probe.width,
        "terminal": probe.is_terminal,
        "colors": probe.color_system,
        "no_color": probe.no_color,
    }


#: Punctuation that never starts a line of Chinese text (行首禁则), and that never ends one.
_NO_LINE_START = frozenset("，。、；：！？）」』》〉】〕…—～％,.;:!?)]}%")
_NO_LINE_END = frozenset("（「『《〈【〔([{")
#: A run that is not broken: Latin letters, digits and what joins them in a figure (351.10, 2018-09, 74.7%).
_UNBROKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%+\-/:]*|.", re.S)


def prose_lines(text: str, width: int) -> list[str]:
    """``text`` broken into lines at most ``width`` cells wide (for rich), as Chinese text is set:
    a line may break between any two Chinese characters but never inside a number or a Latin word,
    never before closing punctuation (「，」「。」「）」…: the character before it goes down with it),
    and never after an opening one. A run wider than a line is cut where the width ends."""
    out: list[str] = []
    for part in text.split("\n"):
        bounds = [0, *_breaks(part, width), len(part)]
        out += [part[a:b].rstrip(" ") for a, b in zip(bounds, bounds[1:], strict=False)]
    return out


def _breaks(text: str, width: int) -> list[int]:
    """Where each line of ``text`` after the first begins (offsets), by :func:`prose_lines`' rules;
    ``text`` is one line of input (no line break)."""
    offsets: list[int] = []
    line: list[tuple[int, str]] = []  # (offset, token)
    used = 0

    def begin(tokens: list[tuple[int, str]]) -> None:
        nonlocal line, used
        line, used = tokens, sum(cell_len(token) for _, token in tokens)
        while used > width and len(line) == 1 and len(line[0][1]) > 1:  # a run wider than a line
            at, run = line[0]
            cut = _fit_cells(run, width)
            while cut > 1 and run[cut] in _NO_LINE_START:  # 「.」「%」 stay on the line before
                cut -= 1
            offsets.append(at + cut)
            line, used = [(at + cut, run[cut:])], cell_len(run[cut:])

    for match in _UNBROKEN.finditer(text):
        at, token = match.start(), match.group()
        size = cell_len(token)
        if used + size <= width:
            line.append((at, token))
            used += size
            continue
        if not line:
            begin([(at, token)])
            continue
        carried: list[tuple[int, str]] = []
        moved = size
        if token[0] in _NO_LINE_START and len(line) > 1 and moved + cell_len(line[-1][1]) <= width:
            moved += cell_len(line[-1][1])
            carried.append(line.pop())  # the character before goes down with the punctuation
        while len(line) > 1 and line[-1][1][-1] in _NO_LINE_END and moved + cell_len(line[-1][1]) <= width:
            moved += cell_len(line[-1][1])
            carried.insert(0, line.pop())
        if token == " " and not carried:  # the space ends the line
            if at + 1 < len(text):
                offsets.append(at + 1)
            begin([])
        else:
            tokens = [*carried, (at, token)]
            offsets.append(tokens[0][0])
            begin(tokens)
    return offsets


class _ChineseText(Text):
    """Text that rich wraps as Chinese is set (:func:`prose_lines`' rules) rather than folding
    anywhere: a table cell never starts a line with 「，」 or cuts a date or a number."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore" or "\t" in self.plain:
            return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap)
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            pieces = line.divide(_breaks(line.plain, width))
            for piece in pieces:
                piece.rstrip_end(width)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines


def _fit_cells(text: str, width: int) -> int:
    """How many leading characters of ``text`` fit in ``width`` cells (at least one)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(i, 1)
    return len(text)


def _console(width: int | None, color: bool | None) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    common: dict[str, Any] = {"file": buffer, "highlight": False, "emoji": False, "legacy_windows": False}
    if color is None:
        probe = terminal_settings()
        console = Console(
            width=width or probe["width"],
            force_terminal=probe["terminal"],
            color_system=probe["colors"],
            no_color=probe["no_color"],
            **common,
        )
    elif color:
        console = Console(width=width or 80, force_terminal=True, color_system="standard", no_color=False, **common)
    else:
        console = Console(width=width or 80, force_terminal=False, color_system=None, **common)
    return console, buffer


def render_rich(doc: Document, width: int | None, color: bool | None) -> str:
    """The document as rich prints it: ``width`` columns (None: the terminal's), in colour when
    ``color`` (None: as the real stdout allows)."""
    console, buffer = _console(width, color)
    console.print(Text(doc.title, style="bold"))
    if doc.meta:
        console.print(Text(_meta_line(doc.meta), style="dim"))
    for table in doc.tables:
        console.print()
        console.print(Text(table.name, style="bold"))
        if table.note:
            console.print(Text(table.note, style="dim"))
        if not table.rows:
            console.print(Text("（无）"))
            continue
        if table.prose:
            for i, paragraph in enumerate(paragraphs(table)):
                if i:
                    console.print()
                for line in prose_lines(paragraph, console.width):
                    console.print(Text(line), no_wrap=True, crop=False)
            continue
        total = len(table.rows)
        if total > MAX_RICH_ROWS:
            table = Table(table.name, table.columns, table.rows[:MAX_RICH_ROWS], table.note)
        shown, dropped = _fit(console, table, console.width)
        for renderable in shown if isinstance(shown, list) else [shown]:
            console.print(renderable)
        if dropped:
            names = "、".join(c.title for c in dropped)
            console.print(Text(f"（窄屏省略：{names}；加宽终端或用 --format plain 查看全部）", style="dim"))
        if total > MAX_RICH_ROWS:
            console.print(
                Text(
                    f"（共 {total} 行，终端只显示前 {MAX_RICH_ROWS} 行；用 --format plain、csv 或 -o 文件 查看全部）",
                    style="dim",
                )
            )
    return "\n".join(_rstrip(line) for line in buffer.getvalue().splitlines()) + "\n"


_TRAILING_BLANK = re.compile(r"\s+((?:\x1b\[[0-9;]*m)*)$")


def _rstrip(line: str) -> str:
    """Trailing padding removed, also when styled (spaces followed only by ANSI codes)."""
    while (stripped := _TRAILING_BLANK.sub(r"\1", line)) != line:
        line = stripped
    return line
