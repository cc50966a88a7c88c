"""The next free 编号 of a region, in the scheme the region already uses (``xm next-id``).

A 编号 is read as a prefix and a serial: its last run of digits (``CY-2018-`` and ``024``). A
four-digit year in the prefix (1949–2200, standing alone) is the year of the scheme: the codes
of a region are grouped by their prefix with the year taken out (``CY-{年}-``), and the group
most codes use is the region's scheme. The next 编号 puts 年度 (or the year asked for) into it
and takes the serial after the highest one with that prefix, zero-padded to the width that scheme
writes; it skips any 编号 used anywhere in the repository (a valid project or not), so it is
unique. A gap (a number whose project was removed) is never filled: history follows a 编号.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.lookup import NotFound
from xiangmu_cli.figures.metrics import config_of

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["NextId", "next_id", "split_code", "YEAR_MARK"]

#: Where a scheme's year stands, as shown (``CY-{年}-NNN``).
YEAR_MARK = "{年}"
_SERIAL = re.compile(r"^(.*?)([0-9]+)$")
_YEAR = re.compile(r"(?<![0-9])(19[4-9][0-9]|2[01][0-9][0-9]|2200)(?![0-9])")
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*|")


class NextId(TypedDict):
    """The answer: 编号, the scheme it follows (``CY-2018-NNN``), the highest 编号 of that prefix
    already used (None: the first of its year), and how many of the region's codes follow the scheme."""

    地区: str
    编号: str
    规则: str
    已用到: str | None
    依据: int


def split_code(code: str) -> tuple[str, str] | None:
    """(prefix, serial digits) of a 编号 ending in digits; None otherwise."""
    match = _SERIAL.match(code)
    return (match[1], match[2]) if match else None


def _template(prefix: str) -> tuple[str, int | None]:
    """The prefix with its last standalone year taken out, and that year."""
    years = list(_YEAR.finditer(prefix))
    if not years:
        return prefix, None
    last = years[-1]
    return prefix[: last.start()] + YEAR_MARK + prefix[last.end() :], int(last[0])


def _region_codes(repo: Repository, region: str) -> list[str]:
    files = {f.file for f in repo.files if f.region == region}
    return sorted({code for code, file, _ in repo.ids if file in files})


def next_id(repo: Repository, region: str, year: int | None = None, prefix: str | None = None) -> NextId:
    """The next free 编号 of ``region`` for ``year`` (default: 年度), in the region's scheme; with
    ``prefix``, after that prefix instead (a region without projects yet: ``XQ-2018-``).

    :class:`~xiangmu_cli.figures.lookup.NotFound` for a region not in xiangmu.yaml, a region
    whose codes give no scheme and no ``prefix``, or a prefix a 编号 cannot start with.
    """
    config = config_of(repo)
    if region not in config.region_names:
        raise NotFound(f"没有地区「{region}」；地区为：" + "、".join(config.region_names))
    year = config.year if year is None else year
    codes = _region_codes(repo, region)
    split = [s for s in map(split_code, codes) if s is not None]
    if prefix is not None:
        if not _PREFIX.fullmatch(prefix):
            raise NotFound(f"前缀「{prefix}」不能作为编号的开头：编号以字母或数字开头，只含字母、数字、- 和 _")
        chosen, scheme_year = prefix, None
        members = [s for s in split if s[0] == prefix]
        rule = prefix
    else:
        templates = Counter(_template(p)[0] for p, _ in split)
        if not templates:
            raise NotFound(
                f"地区「{region}」还没有以数字结尾的编号，无法推断编号规则；"
                f"用 --prefix 给出前缀，例如 --prefix XQ-{year}-",
                usage=False,
            )
        best = max(templates.items(), key=lambda kv: (kv[1], kv[0]))[0]
        members = [s for s in split if _template(s[0])[0] == best]
        scheme_year = year if YEAR_MARK in best else None
        chosen = best.replace(YEAR_MARK, str(year))
        rule = best
    widths = Counter(len(digits) for _, digits in members)
    width = max(widths.items(), key=lambda kv: (kv[1], kv[0]))[0] if widths else 3
    used = sorted((int(d), p + d) for p, d in split if p == chosen)
    serial = used[-1][0] + 1 if used else 1
    taken = {code for code, _, _ in repo.ids}
    while (code := chosen + str(serial).zfill(width)) in taken:
        serial += 1
    shown_rule = (rule.replace(YEAR_MARK, str(scheme_year)) if scheme_year is not None else rule) + "N" * width
    return {
        "地区": region,
        "编号": code,
        "规则": shown_rule,
        "已用到": used[-1][1] if used else None,
        "依据": len(members),
    }
