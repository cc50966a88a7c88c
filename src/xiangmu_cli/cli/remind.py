"""`xm remind`: digests of what is overdue or falls due soon, per 项目秘书, 包保领导 or 责任单位,
printed, or posted to a 钉钉 / 企业微信 / 飞书 group robot with ``--post`` (and only then).

Exit codes: 0 done (or nothing to remind of), 1 the ledgers' xiangmu.yaml is unusable, 2 usage
(a bad option, a webhook address missing or not https), 3 a message was not sent (the network,
or the platform refused it; the messages before it were sent, and the error says how many).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import XmCommand, app
from .common import usage_error
from .reports import AsOfOpt, LedgersOpt, MonthOpt, RegionOpt, _load

if TYPE_CHECKING:
    from xiangmu_cli.figures.reminders import Reminders

#: Exit code of a message that was not sent.
NOT_SENT = 3
#: The environment variable that lets messages go to http://127.0.0.1 (tests' local server).
ALLOW_LOCAL_HTTP = "XM_WEBHOOK_ALLOW_LOCAL_HTTP"


class Role(str, Enum):
    项目秘书 = "项目秘书"
    包保领导 = "包保领导"
    责任单位 = "责任单位"


class DigestFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


class Post(str, Enum):
    dingtalk = "dingtalk"
    wecom = "wecom"
    feishu = "feishu"


class MessageType(str, Enum):
    markdown = "markdown"
    text = "text"


@app.command("remind", cls=XmCommand)
def remind(
    ledgers: Path | None = LedgersOpt,
    by: Role = typer.Option(Role.项目秘书, "--by", help="按谁汇总：项目秘书、包保领导 或 责任单位"),
    name: str | None = typer.Option(None, "--name", help="只看这一个人或单位", show_default=False),
    days: int | None = typer.Option(
        None, "--days", min=0, max=366, help="临期天数；缺省为 xiangmu.yaml 口径.临期天数（7）", show_default=False
    ),
    as_of: str | None = AsOfOpt,
    month: str | None = MonthOpt,
    region: str | None = RegionOpt,
    fmt: DigestFormat = typer.Option(DigestFormat.text, "--format", "-f", help="打印的格式：text、md 或 json"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件而不打印", show_default=False),
    post: Post | None = typer.Option(
        None,
        "--post",
        help="发到群机器人：dingtalk（钉钉）、wecom（企业微信）、feishu（飞书）；地址和密钥取自环境变量"
        " XM_DINGTALK_WEBHOOK / XM_DINGTALK_SECRET、XM_WECOM_WEBHOOK、XM_FEISHU_WEBHOOK / XM_FEISHU_SECRET",
        show_default=False,
    ),
    msgtype: MessageType = typer.Option(MessageType.markdown, "--msgtype", help="发送的消息类型：markdown 或 text"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只打印将要发送的消息（JSON），不联网、不发送"),
    interval: float | None = typer.Option(
        None,
        "--interval",
        min=0,
        help="两条消息间隔的秒数；缺省按平台限频（钉钉、企业微信 3.1，飞书 0.65）",
        show_default=False,
    ),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, max=300, help="每条消息等待答复的秒数"),
) -> None:
    """提醒：逾期和临期事项，按项目秘书、包保领导或责任单位汇总，打印或发到钉钉、企业微信、飞书群。

    临期事项：截至日期起 口径.临期天数 天内（含）到期、尚未办结的事项。

    只有给了 --post 才会发送；加 --dry-run 只打印将要发送的内容。发送失败时以 3 退出，并说明已发出几条。

    示例：xm remind --by 包保领导 --post dingtalk --dry-run
    """
    from xiangmu_cli.figures.reminders import reminders

    if dry_run and post is None:
        raise usage_error("--dry-run 须与 --post 一起用：它打印将要发到群里的消息")
    if post is not None and output is not None:
        raise usage_error("--post 发送消息，-o 写文件，二者只能选一")
    ctx = _load(ledgers, as_of, month, region)
    rem = reminders(ctx.repo, ctx.as_of, by.value, days=days, name=name, region=region)
    if ctx.repo.errors:
        sys.stderr.write(f"注意：台账有 {len(ctx.repo.errors)} 个错误，有错误的项目未计入；运行 xm validate 查看。\n")
    if post is None:
        _print(rem, fmt.value, output)
        return
    _post(rem, post.value, msgtype.value, dry_run, interval, timeout)


def _print(rem: Reminders, fmt: str, output: Path | None) -> None:
    from xiangmu_cli.output.digest import render_reminders

    text = render_reminders(rem, fmt)
    if output is None:
        sys.stdout.write(text)
        return
    from xiangmu_cli.base.fileio import write_atomic

    from .common import output_path

    try:
        write_atomic(output_path(output), text.encode("utf-8"))
    except OSError as exc:
        raise usage_error(f"无法写入 {output}：{exc.strerror or exc}") from None
    sys.stderr.write(f"已写入 {output}\n")


def _post(rem: Reminders, key: str, msgtype: str, dry_run: bool, interval: float | None, timeout: float) -> None:
    from xiangmu_cli.base.http import HttpError, check_url, redact
    from xiangmu_cli.output.webhook import PLATFORMS, WebhookError, body_bytes, payloads, send, unsigned_view

    platform = PLATFORMS[key]
    messages = payloads(rem, platform, msgtype)
    url = os.environ.get(platform.url_env, "").strip()
    secret = os.environ.get(platform.secret_env, "").strip() if platform.secret_env else ""
    allow_local = os.environ.get(ALLOW_LOCAL_HTTP, "").strip() == "1"
    if dry_run:
        import json

        shown = {
            "平台": platform.name,
            "地址": redact(url) if url else f"（未设置 {platform.url_env}）",
            "签名": ("有（发送时计算）" if secret else "无")
            if platform.secret_env
            else "不适用（地址中的 key 即凭证）",
            "消息数": len(messages),
            "消息": [unsigned_view(platform, m, bool(secret)) for m in messages],
        }
        sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2) + "\n")
        for i, m in enumerate(messages):
            sys.stderr.write(f"第 {i + 1} 条：{len(body_bytes(m))} 字节\n")
        sys.stderr.write("（--dry-run：未发送）\n")
        return
    if not messages:
        sys.stderr.write("没有逾期或临期事项，未发送消息。\n")
        return
    if not url:
        raise usage_error(f"未设置环境变量 {platform.url_env}（{platform.name}机器人的 webhook 地址）")
    try:
        check_url(url, allow_local)
    except HttpError as exc:
        raise usage_error(f"{platform.url_env}：{exc.message}（{exc.hint}）") from None

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"已发送 {done}/{total} 条到{platform.name}\n")

    try:
        send(
            platform,
            url,
            secret or None,
            messages,
            timeout=timeout,
            interval=interval,
            allow_local_http=allow_local,
            progress=progress,
        )
    except WebhookError as exc:
        sys.stderr.write(f"发送失败：{exc.message}\n")
        if exc.hint:
            sys.stderr.write(f"  提示：{exc.hint}\n")
        sys.stderr.write(f"  已发出 {exc.sent} 条，其余未发。\n")
        raise typer.Exit(NOT_SENT) from None
