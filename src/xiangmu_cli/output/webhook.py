"""Reminder digests posted to a group-chat robot: 钉钉, 企业微信 and 飞书 custom robots.

Each platform's message format, size limit, signature and rate (docs/metrics.md "Reminders",
with the documentation each follows):

- 钉钉 custom robot (open.dingtalk.com/document/orgapp/custom-robot-access,
  …/robot-message-type): ``{"msgtype": "markdown", "markdown": {"title", "text"}}`` or
  ``{"msgtype": "text", "text": {"content"}}``; signed ("加签") by appending
  ``&timestamp=<ms>&sign=<url-encoded base64 HMAC-SHA256 of "<ms>\\n<secret>" keyed by the
  secret>`` to the address; the reply is ``{"errcode": 0, "errmsg": "ok"}``; at most 20 messages a
  minute per robot; a message's text is kept within 20,000 bytes.
- 企业微信 group robot (developer.work.weixin.qq.com/document/path/91770):
  ``{"msgtype": "markdown", "markdown": {"content"}}`` (at most 4096 bytes of UTF-8) or
  ``{"msgtype": "text", "text": {"content"}}`` (at most 2048 bytes); no signature (the key is in
  the address); the reply is ``{"errcode": 0, "errmsg": "ok"}``; at most 20 messages a minute.
- 飞书 custom robot (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
  ``{"msg_type": "text", "content": {"text"}}`` or a card, ``{"msg_type": "interactive",
  "card": {"header": {"title": {"tag": "plain_text", "content"}, "template"}, "elements":
  [{"tag": "div", "text": {"tag": "lark_md", "content"}}]}}``; signed ("签名校验") by
  ``"timestamp"`` (seconds) and ``"sign"`` (base64 HMAC-SHA256 keyed by ``"<s>\\n<secret>"`` of
  an empty message) in the body; the reply is ``{"code": 0, "msg": "success"}``; the request
  body at most 20 KB (kept within 20,000 bytes); 100 messages a minute, 5 a second.

Nothing is sent unless the command is asked to (``xm remind --post``); :func:`payloads` builds the
messages without any network, :func:`send` posts them, one after another with a pause that keeps
within the platform's rate, and stops at the first one refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xiangmu_cli.base.http import HttpError, post_json, redact
from xiangmu_cli.base.safetext import first_control, visible
from xiangmu_cli.output.digest import pack

if TYPE_CHECKING:
    from xiangmu_cli.figures.reminders import Reminders

__all__ = [
    "PLATFORMS",
    "Platform",
    "WebhookError",
    "SendResult",
    "payloads",
    "body_bytes",
    "dingtalk_sign",
    "feishu_sign",
    "signed",
    "send",
    "UNSIGNED",
    "unsigned_view",
    "redact",
]

#: Put where a signature goes in a payload shown by --dry-run (signatures are made when sending).
UNSIGNED = "（发送时计算）"


@dataclass(frozen=True)
class Platform:
    """A chat platform's robot: its name, environment variables, limits and rate."""

    key: str
    name: str
    url_env: str
    secret_env: str | None
    #: Bytes of UTF-8 a message's text may have, by message type ("markdown", "text").
    content_limit: dict[str, int]
    #: Bytes the whole request body may have (飞书), or None.
    body_limit: int | None
    #: Seconds to wait between two messages (the platform's rate).
    interval: float
    #: The reply's status field and the value that means success.
    status_keys: tuple[str, ...] = field(default=("errcode",))


PLATFORMS: dict[str, Platform] = {
    "dingtalk": Platform(
        "dingtalk",
        "钉钉",
        "XM_DINGTALK_WEBHOOK",
        "XM_DINGTALK_SECRET",
        {"markdown": 20000, "text": 20000},
        None,
        3.1,  # 20 a minute
    ),
    "wecom": Platform(
        "wecom",
        "企业微信",
        "XM_WECOM_WEBHOOK",
        None,
        {"markdown": 4096, "text": 2048},
        None,
        3.1,  # 20 a minute
    ),
    "feishu": Platform(
        "feishu",
        "飞书",
        "XM_FEISHU_WEBHOOK",
        "XM_FEISHU_SECRET",
        {"markdown": 20000, "text": 20000},
        20000,
        0.65,  # 100 a minute, 5 a second
        ("code", "StatusCode"),
    ),
}

#: Known refusals: (platform, code) → what to check.
_HINTS: dict[tuple[str, int], str] = {
    ("dingtalk", 310000): "签名或关键词不符：检查 XM_DINGTALK_SECRET 是否为机器人「加签」的密钥、"
    "所设关键词是否为「台账提醒」（每条消息都含有它）、本机 IP 是否在白名单",
    ("dingtalk", 300001): "access_token 无效：检查 XM_DINGTALK_WEBHOOK",
    ("dingtalk", 400013): "机器人所在的群已解散",
    ("dingtalk", 410100): "发送过于频繁：稍后再发，或加长 --interval",
    ("wecom", 93000): "webhook 的 key 无效：检查 XM_WECOM_WEBHOOK",
    ("wecom", 45009): "发送过于频繁（每分钟至多 20 条）：稍后再发，或加长 --interval",
    ("wecom", 40058): "消息格式或长度不被接受",
    ("feishu", 19021): "签名校验失败：检查 XM_FEISHU_SECRET 和本机时间（时间戳须在一小时内）",
    ("feishu", 19022): "本机 IP 不在机器人的白名单中",
    ("feishu", 19024): "消息不含机器人所设的关键词（消息都以「台账提醒」开头，可把它设为关键词）",
    ("feishu", 9499): "请求格式或大小不被接受",
    ("feishu", 11232): "发送过于频繁：稍后再发，或加长 --interval",
}


class WebhookError(Exception):
    """A message that could not be sent: what happened, what to do, and how many went before it."""

    def __init__(self, message: str, hint: str = "", sent: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.sent = sent


def _title(number: int, total: int) -> str:
    return "台账提醒" + (f"（{number}/{total}）" if total > 1 else "")


def _payload(platform: Platform, msgtype: str, content: str, number: int, total: int, red: bool) -> dict[str, Any]:
    title = _title(number, total)
    if platform.key == "dingtalk":
        if msgtype == "markdown":
            return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
        return {"msgtype": "text", "text": {"content": content}}
    if platform.key == "wecom":
        return {"msgtype": msgtype, msgtype: {"content": content}}
    if msgtype == "markdown":
        header = {"title": {"tag": "plain_text", "content": title}, "template": "red" if red else "orange"}
        return {
            "msg_type": "interactive",
            "card": {"header": header, "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}]},
        }
    return {"msg_type": "text", "content": {"text": content}}


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The request body of a payload: compact JSON, UTF-8, non-ASCII as is."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _with_signature(platform: Platform, payload: dict[str, Any], timestamp: str, sign: str) -> dict[str, Any]:
    """飞书's signature fields first in the body, as its documentation shows them."""
    return {"timestamp": timestamp, "sign": sign, **payload} if platform.key == "feishu" else payload


def _fits(platform: Platform, msgtype: str) -> Callable[[str], bool]:
    """Whether a message text is within the platform's limits, as it will be sent: its text in
    bytes, and (飞书) the whole body with a signature's fields in it."""
    limit = platform.content_limit[msgtype]

    def fits(content: str) -> bool:
        if len(content.encode("utf-8")) > limit:
            return False
        if platform.body_limit is None:
            return True
        payload = _with_signature(platform, _payload(platform, msgtype, content, 999, 999, True), "9" * 10, "=" * 44)
        return len(body_bytes(payload)) <= platform.body_limit

    return fits


def _clean(content: str) -> None:
    """Nothing sent carries a control character (a line feed between lines is the only one)."""
    if first_control(content) is not None or "\t" in content:
        raise ValueError("a message carries a control character")


def payloads(rem: Reminders, platform: Platform, msgtype: str = "markdown") -> list[dict[str, Any]]:
    """The messages of ``rem`` for ``platform``, unsigned, each within the platform's limits."""
    if msgtype not in platform.content_limit:
        raise ValueError(f"unknown message type {msgtype!r}")
    red = any(d["逾期事项"] for d in rem.digests)
    texts = pack(rem, msgtype == "markdown", _fits(platform, msgtype))
    out = []
    for i, text in enumerate(texts):
        _clean(text)
        out.append(_payload(platform, msgtype, text, i + 1, len(texts), red))
    return out


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """钉钉 加签: base64(HMAC-SHA256(key=secret, msg="<ms>\\n<secret>")), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """飞书 签名校验: base64(HMAC-SHA256(key="<s>\\n<secret>", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed(
    platform: Platform, url: str, secret: str | None, payload: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    """The address and payload to post at time ``now`` (seconds since the epoch), signed when the
    platform signs and a secret is given."""
    if not secret or platform.secret_env is None:
        return url, payload
    if platform.key == "dingtalk":
        stamp = str(int(now * 1000))
        joiner = "&" if urllib.parse.urlsplit(url).query else "?"
        return f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}", payload
    stamp = str(int(now))
    return url, _with_signature(platform, payload, stamp, feishu_sign(secret, stamp))


def unsigned_view(platform: Platform, payload: dict[str, Any], secret: bool) -> dict[str, Any]:
    """A payload as ``--dry-run`` shows it: with placeholders where a signature will go."""
    if secret and platform.key == "feishu":
        return _with_signature(platform, payload, UNSIGNED, UNSIGNED)
    return payload


@dataclass
class SendResult:
    sent: int
    total: int


def _refusal(platform: Platform, status: int, reply: bytes) -> tuple[str, str] | None:
    """None when the reply says the message was taken; else the message and hint to show."""
    try:
        answer = json.loads(reply.decode("utf-8")) if reply else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        answer = None
    if status != 200:
        detail = ""
        if isinstance(answer, dict):
            detail = f"：{visible(str(answer.get('errmsg') or answer.get('msg') or ''), newlines=False)}"
        return f"{platform.name}返回 HTTP {status}{detail}", "检查 webhook 地址；平台故障时稍后重试"
    if not isinstance(answer, dict):
        return f"{platform.name}的答复不是 JSON，无法确认已送达", "检查 webhook 地址是否为机器人的地址"
    code = next((answer[k] for k in platform.status_keys if k in answer), None)
    if code == 0:
        return None
    text = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
    shown = visible(str(text), newlines=False)[:200]
    hint = _HINTS.get((platform.key, code), "") if isinstance(code, int) else ""
    return f"{platform.name}拒收：错误码 {code}，{shown}", hint


def send(
    platform: Platform,
    url: str,
    secret: str | None,
    messages: list[dict[str, Any]],
    *,
    timeout: float = 10.0,
    interval: float | None = None,
    allow_local_http: bool = False,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] | None = None,
) -> SendResult:
    """Post ``messages`` in order, ``interval`` seconds apart (default the platform's), each
    signed just before it is sent; stop at the first failure (:class:`WebhookError`, saying how
    many were sent before it)."""
    pause = platform.interval if interval is None else interval
    for i, payload in enumerate(messages):
        if i and pause > 0:
            sleep(pause)
        address, body = signed(platform, url, secret, payload, clock())
        data = body_bytes(body)
        if platform.body_limit is not None and len(data) > platform.body_limit:
            raise WebhookError(f"第 {i + 1} 条消息超过{platform.name}的大小上限", "这是 xm 的缺陷，请报告", i)
        try:
            status, reply = post_json(address, data, timeout=timeout, allow_local_http=allow_local_http)
        except HttpError as exc:
            raise WebhookError(f"第 {i + 1}/{len(messages)} 条未发出：{exc.message}", exc.hint, i) from None
        refused = _refusal(platform, status, reply)
        if refused is not None:
            raise WebhookError(f"第 {i + 1}/{len(messages)} 条未发出：{refused[0]}", refused[1], i)
        if progress is not None:
            progress(i + 1, len(messages))
    return SendResult(len(messages), len(messages))
