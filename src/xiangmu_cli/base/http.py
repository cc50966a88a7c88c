"""One HTTPS POST of a JSON body to a chat robot's webhook, with the standard library only.

The rules (docs/metrics.md "Reminders", choices):

- The address must be ``https://``. Plain ``http://`` is refused, except to this machine
  (127.0.0.1, ::1, localhost) when the caller allows it (``XM_WEBHOOK_ALLOW_LOCAL_HTTP=1``: the
  tests' local server); an address with spaces, control characters or no host is refused.
- Certificates are verified (the default SSL context); redirects are never followed (a 3xx is an
  error: a webhook does not move, and a redirect could carry the message elsewhere or to http).
- A timeout bounds the connection and each read; the reply is read up to :data:`MAX_REPLY` bytes.
- Requests to this machine bypass any proxy of the environment; others use it as urllib does.
- Errors are :class:`HttpError` with a Chinese message and a hint; the address in them is
  :func:`redact`-ed, since a webhook's path or query is its credential.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from xiangmu_cli.base.safetext import first_control, visible

__all__ = ["HttpError", "LOOPBACK", "MAX_REPLY", "check_url", "redact", "post_json"]

#: Hosts that are this machine.
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
#: Bytes of a reply read at most (a robot answers with a few dozen).
MAX_REPLY = 64 * 1024


class HttpError(Exception):
    """A request that could not be made or was not answered: what happened, and what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def redact(url: str) -> str:
    """The address without what identifies the robot: scheme, host and port, then ``/…``."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "（无效地址）"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}/…"


def check_url(url: str, allow_local_http: bool = False) -> urllib.parse.SplitResult:
    """The address split, if it may be posted to; :class:`HttpError` otherwise."""
    if not url or first_control(url) is not None or any(c.isspace() for c in url):
        raise HttpError("webhook 地址为空或含有空白、控制字符", "复制机器人设置页中的完整地址，不要带空格或换行")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise HttpError(
            "webhook 地址无法解析", "地址应形如 https://oapi.dingtalk.com/robot/send?access_token=…"
        ) from None
    if not parts.hostname:
        raise HttpError("webhook 地址缺少主机名", "地址应以 https:// 开头，后接主机名")
    if parts.username is not None or parts.password is not None:
        raise HttpError("webhook 地址中不应含用户名或密码", "去掉地址中「@」之前的部分")
    if parts.scheme == "https":
        return parts
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        if allow_local_http:
            return parts
        raise HttpError(
            f"webhook 地址 {redact(url)} 不是 https",
            "只有测试时才向本机的 http 地址发送，须设置环境变量 XM_WEBHOOK_ALLOW_LOCAL_HTTP=1",
        )
    raise HttpError(
        f"webhook 地址 {redact(url)} 不是 https，不发送", "机器人的地址都以 https:// 开头；消息不能以明文发出"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


def post_json(url: str, body: bytes, *, timeout: float, allow_local_http: bool = False) -> tuple[int, bytes]:
    """POST ``body`` (UTF-8 JSON) to ``url``; the reply's HTTP status and (bounded) body."""
    parts = check_url(url, allow_local_http)
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if parts.hostname in LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    if parts.scheme == "https":
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context()))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "xm (xiangmu-cli)"},
    )
    where = redact(url)
    try:
        with opener.open(request, timeout=timeout) as reply:
            return reply.status, reply.read(MAX_REPLY)
    except urllib.error.HTTPError as exc:
        with exc:
            data = exc.read(MAX_REPLY) if exc.fp is not None else b""
        if 300 <= exc.code < 400:
            raise HttpError(
                f"{where} 返回跳转（HTTP {exc.code}），不跟随", "检查 webhook 地址是否完整、是否已失效"
            ) from None
        return exc.code, data
    except TimeoutError:
        raise HttpError(f"连接 {where} 超时（{timeout:g} 秒）", "检查网络，或用 --timeout 加长等待") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise HttpError(
                f"{where} 的证书验证失败：{reason.verify_message}", "检查系统时间和证书；不要关闭验证"
            ) from None
        if isinstance(reason, TimeoutError):
            raise HttpError(f"连接 {where} 超时（{timeout:g} 秒）", "检查网络，或用 --timeout 加长等待") from None
        raise HttpError(
            f"无法连接 {where}：{visible(str(reason), newlines=False)}", "检查网络和 webhook 地址"
        ) from None
    except OSError as exc:
        raise HttpError(
            f"与 {where} 通信失败：{visible(str(exc.strerror or exc), newlines=False)}", "检查网络后重试"
        ) from None
