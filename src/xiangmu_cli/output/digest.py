"""Reminder digests (figures/reminders.py) as text or markdown, whole or packed into messages.

Everything from a ledger is untrusted text: control characters are shown as escapes
(:func:`~xiangmu_cli.base.safetext.visible`), tabs and line breaks inside a value become spaces, and
in markdown the characters that would make a value a link, an image, emphasis, a heading, a
quote, a table cell or a mention (钉钉 ``@``手机号 needs the ``at`` field; 企业微信 ``<@userid>``;
飞书 ``<at …>``) are replaced by their full-width forms (``[`` → ``［``, ``<`` → ``＜``, ``*`` →
``＊`` …), which read the same in Chinese text and mean nothing to any of the three renderers. In
text, only ``<`` and ``>`` are (企业微信 and 飞书 read mention tags in text messages too).

:func:`pack` cuts the digests into messages that each satisfy a size predicate (a chat
platform's limit, output/webhook.py): whole digests where they fit, a digest longer than one
message continued in the next ("（续）"), a single line longer than a message cut with "…".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from xiangmu_cli.base.safetext import visible
from xiangmu_cli.figures.overdue import DUE_NAMES

if TYPE_CHECKING:
    from xiangmu_cli.figures.overdue import DueSoonItem, OverdueItem
    from xiangmu_cli.figures.reminders import Digest, Reminders

__all__ = ["render_reminders", "digest_blocks", "message_header", "pack", "safe_text", "markdown_text"]

#: Markdown's active characters → full-width forms (see the module's docstring).
_MARKDOWN = str.maketrans(
    {
        "\\": "＼",
        "`": "｀",
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "|": "｜",
        "~": "～",
        "!": "！",
        "@": "＠",
        "&": "＆",
        "$": "＄",
    }
)

#: Who is named in an item line besides the recipient, by the digest's role.
_ALSO = {"项目秘书": (), "包保领导": ("项目秘书",), "责任单位": ("项目秘书",)}
#: The heading of the digest of items that name nobody for the role.
_NOBODY = {"项目秘书": "未配备项目秘书的事项", "包保领导": "未落实包保领导的事项", "责任单位": "未明确责任单位的事项"}


#: In text too, the brackets of the mention tags that 企业微信 (``<@userid>``) and 飞书 (``<at …>``)
#: read in a text message's content.
_TEXT = str.maketrans({"<": "＜", ">": "＞"})


def safe_text(value: object) -> str:
    """A value on one line: control characters as escapes, tabs and line breaks as spaces, ``<``
    and ``>`` in their full-width forms (no mention tag)."""
    text = visible(str(value), newlines=False)
    return " ".join(text.replace("\t", " ").split()).translate(_TEXT)


def markdown_text(value: object) -> str:
    """:func:`safe_text` with markdown's active characters in their full-width forms."""
    return safe_text(value).translate(_MARKDOWN)


def _item_line(item: OverdueItem | DueSoonItem, role: str, markdown: bool) -> str:
    clean = markdown_text if markdown else safe_text
    what = f"：{clean(item['事项'])}，" if item["事项"] else "："
    if "逾期天数" in item:
        days = item["逾期天数"]  # type: ignore[typeddict-item]
        kind = item["类型"]
        when = "今天到期，仍未办" if days == 0 else f"已逾期 {days} 天"
    else:
        days = item["剩余天数"]
        kind = DUE_NAMES[item["类型"]]
        when = "今天到期" if days == 0 else f"还有 {days} 天"
    others = [f"{key} {clean(item[key])}" for key in _ALSO[role] if item[key]]  # type: ignore[literal-required]
    tail = f"（{'，'.join(others)}）" if others else ""
    return (
        f"【{kind}】{clean(item['地区'])} {clean(item['编号'])} {clean(item['名称'])}"
        f"{what}{item['到期日期'].isoformat()} 到期，{when}{tail}"
    )


def _heading(digest: Digest, days: int) -> str:
    who = digest["对象"]
    head = _NOBODY[digest["对象类型"]] if who is None else f"{digest['对象类型']} {who}"
    return f"{head}：逾期 {len(digest['逾期事项'])} 项，{days} 天内到期 {len(digest['临期事项'])} 项"


def digest_blocks(rem: Reminders, markdown: bool) -> list[list[str]]:
    """Each digest as lines: its heading, then its overdue items and its items falling due, each
    group under a line that names it (lines of markdown when ``markdown``)."""
    blocks = []
    for digest in rem.digests:
        heading = _heading(digest, rem.days)
        lines = [f"**{markdown_text(heading)}**" if markdown else safe_text(heading)]
        bullet = "- " if markdown else "  "
        for title, items in (("逾期事项：", digest["逾期事项"]), (f"{rem.days} 天内到期：", digest["临期事项"])):
            if items:
                lines.append(title)
                lines.extend(bullet + _item_line(item, rem.role, markdown) for item in items)
        blocks.append(lines)
    return blocks


def message_header(rem: Reminders, markdown: bool, number: int = 1, total: int = 1) -> str:
    """The first line of every message (and of the whole digest): what, whose and as of when."""
    name = markdown_text(rem.name) if markdown else safe_text(rem.name)
    part = f"（第 {number}/{total} 条）" if total > 1 else ""
    head = f"【台账提醒】{name} 截至 {rem.as_of.isoformat()}{part}"
    return f"**{head}**" if markdown else head


def _join(header: str, blocks: list[str]) -> str:
    return "\n\n".join([header, *blocks]).rstrip("\n")


def render_reminders(rem: Reminders, fmt: str) -> str:
    """The whole digest of ``rem`` as ``text``, ``md`` or ``json`` (the library's data)."""
    if fmt == "json":
        from xiangmu_cli.output.tables import Document, render_text

        meta = {"名称": rem.name, "年度": rem.year, "截至": rem.as_of}
        return render_text(Document(f"{rem.name} 提醒", meta, [], json_data=rem.as_dict()), "json")
    markdown = fmt == "md"
    blocks = ["\n".join(lines) for lines in digest_blocks(rem, markdown)]
    summary = (
        f"对象：{rem.role}，{len(rem.digests)} 份；临期为截至日期起 {rem.days} 天内（含）到期"
        if rem.digests
        else f"截至 {rem.as_of.isoformat()} 没有逾期或 {rem.days} 天内到期的事项"
    )
    if rem.errors:
        summary += f"；台账有 {rem.errors} 个错误，有错误的项目未计入（运行 xm validate 查看）"
    return _join(message_header(rem, markdown), [summary, *blocks]) + "\n"


def _cut(line: str, fits: Callable[[str], bool]) -> str:
    """The longest prefix of ``line`` followed by "…" that fits (by bisection)."""
    low, high = 0, len(line)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(line[:mid] + "…"):
            low = mid
        else:
            high = mid - 1
    return line[:low] + "…"


def pack(rem: Reminders, markdown: bool, fits: Callable[[str], bool]) -> list[str]:
    """The digests as messages, each a text ``fits`` accepts, each starting with the header
    (numbered when there are several). Whole digests go together while they fit; a digest that
    does not fit in one message goes on in the next under its heading with "（续）"; a single
    line that does not fit even alone is cut. Empty when there is no digest."""
    widest = message_header(rem, markdown, 999, 999)  # the header is at most this long

    def fits_with_header(body: str) -> bool:
        return fits(_join(widest, [body]))

    bodies: list[str] = []  # the text of each message after its header
    current = ""
    for lines in digest_blocks(rem, markdown):
        block = "\n".join(lines)
        together = f"{current}\n\n{block}" if current else block
        if fits_with_header(together):
            current = together
            continue
        if current:
            bodies.append(current)
        if fits_with_header(block):
            current = block
            continue
        heading = lines[0]
        more = heading[:-2] + "（续）**" if markdown else heading + "（续）"

        def fits_after_heading(text: str, head: str = more) -> bool:
            return fits_with_header(f"{head}\n{text}")

        current = heading
        for line in lines[1:]:
            if fits_with_header(f"{current}\n{line}"):
                current = f"{current}\n{line}"
                continue
            bodies.append(current)
            current = more
            if not fits_with_header(f"{current}\n{line}"):
                line = _cut(line, fits_after_heading)
            current = f"{current}\n{line}"
    if current:
        bodies.append(current)
    total = len(bodies)
    messages = [_join(message_header(rem, markdown, i + 1, total), [body]) for i, body in enumerate(bodies)]
    assert all(fits(m) for m in messages), "a packed message is over the limit"
    return messages
