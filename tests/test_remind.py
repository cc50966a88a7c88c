"""Reminders (metrics.md "Reminders"): the digests of the hand-worked repository of
test_lights.py, their text, the webhook payloads of 钉钉, 企业微信 and 飞书 field by field, and
real posts to a local HTTP server on 127.0.0.1 (no other network) that checks path, headers,
body and signature the way each platform documents them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.http import HttpError, check_url, redact
from xiangmu_cli.base.safetext import first_control
from xiangmu_cli.cli import app
from xiangmu_cli.figures.reminders import reminders
from xiangmu_cli.output.digest import markdown_text, pack, render_reminders
from xiangmu_cli.output.webhook import PLATFORMS, body_bytes, dingtalk_sign, feishu_sign, payloads, signed
from xiangmu_cli.reading.loading import Repository, load

from .conftest import ROOT, load_repo, write_repo
from .test_lights import AS_OF, FILES

runner = CliRunner()
DEMO = ROOT / "ledgers"


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES)


def _codes(items: list[Any]) -> list[str]:
    return [it["编号"] for it in items]


# --- the digests ------------------------------------------------------------------------------


def test_digests_per_secretary(repo: Repository) -> None:
    # Overdue: CY-4 问题超期 (10 days, 李娜), CY-9 签约未落地 (1 day, 王芳). Falling due within 7
    # days: CY-8 (0, 李娜), GX-2 (1, 陈晨), CY-10 (2, 王芳), CY-2 (5, 王芳), CY-6 (7, 李娜).
    # Secretaries in code-point order: 李 U+674E, 王 U+738B, 陈 U+9648.
    rem = reminders(repo, AS_OF)
    assert rem.days == 7 and rem.role == "项目秘书"
    assert [(d["对象"], _codes(d["逾期事项"]), _codes(d["临期事项"])) for d in rem.digests] == [
        ("李娜", ["CY-4"], ["CY-8", "CY-6"]),
        ("王芳", ["CY-9"], ["CY-10", "CY-2"]),
        ("陈晨", [], ["GX-2"]),
    ]
    assert [d["对象"] for d in reminders(repo, AS_OF, name="王芳").digests] == ["王芳"]
    assert reminders(repo, AS_OF, region="高新区").digests[0]["对象"] == "陈晨"
    assert reminders(repo, AS_OF, days=0).digests[0]["临期事项"][0]["编号"] == "CY-8"


def test_digests_per_leader_and_department(repo: Repository) -> None:
    # Only GX-2 has a 包保领导 (张明); everything else names none and goes to the last digest.
    by_leader = reminders(repo, AS_OF, "包保领导").digests
    assert [(d["对象"], _codes(d["逾期事项"]), _codes(d["临期事项"])) for d in by_leader] == [
        ("张明", [], ["GX-2"]),
        (None, ["CY-4", "CY-9"], ["CY-8", "CY-10", "CY-2", "CY-6"]),
    ]
    # A problem's 责任单位 is its own: 市自然资源局 (CY-4), 供电公司 (GX-2; 供 U+4F9B < 市 U+5E02).
    by_department = reminders(repo, AS_OF, "责任单位").digests
    assert [(d["对象"], _codes(d["逾期事项"]), _codes(d["临期事项"])) for d in by_department] == [
        ("供电公司", [], ["GX-2"]),
        ("市自然资源局", ["CY-4"], []),
        (None, ["CY-9"], ["CY-8", "CY-10", "CY-2", "CY-6"]),
    ]
    with pytest.raises(ValueError):
        reminders(repo, AS_OF, "局长")


def test_text_digest(repo: Repository) -> None:
    text = render_reminders(reminders(repo, AS_OF, name="王芳"), "text")
    assert text == (
        "【台账提醒】测试台账 截至 2018-09-20\n\n"
        "对象：项目秘书，1 份；临期为截至日期起 7 天内（含）到期\n\n"
        "项目秘书 王芳：逾期 1 项，7 天内到期 2 项\n"
        "逾期事项：\n"
        "  【签约未落地】船营区 CY-9 签约未落地项目：2018-09-19 到期，已逾期 1 天\n"
        "7 天内到期：\n"
        "  【入统时限】船营区 CY-10 待入统项目：2018-09-22 到期，还有 2 天\n"
        "  【走访】船营区 CY-2 续建临界项目：2018-09-25 到期，还有 5 天\n"
    )
    markdown = render_reminders(reminders(repo, AS_OF, "包保领导", name="张明"), "md")
    assert markdown.splitlines()[4:] == [
        "**包保领导 张明：逾期 0 项，7 天内到期 1 项**",
        "7 天内到期：",
        "- 【问题时限】高新区 GX-2 问题临期项目：电力增容，2018-09-21 到期，还有 1 天（项目秘书 陈晨）",
    ]
    data = json.loads(render_reminders(reminders(repo, AS_OF, name="王芳"), "json"))
    assert data["对象类型"] == "项目秘书" and data["临期天数"] == 7
    assert [it["编号"] for it in data["提醒"][0]["临期事项"]] == ["CY-10", "CY-2"]
    nothing = render_reminders(reminders(repo, AS_OF, name="没有这个人"), "text")
    assert "没有逾期或 7 天内到期的事项" in nothing


HOSTILE = "[点我](http://evil.example) <@all> <at id=all></at> **粗** `x` # 标题 | a\tb"


def test_ledger_text_cannot_format_or_mention(tmp_path: Path) -> None:
    """A project's name and a problem's content are shown, never interpreted: no link, mention,
    emphasis, code or heading in markdown; tabs become spaces in every message."""
    files = {**FILES, "船营区/招商.yaml": FILES["船营区/招商.yaml"].replace("签约未落地项目", json.dumps(HOSTILE))}
    repo = load_repo(tmp_path, files)
    rem = reminders(repo, AS_OF, name="王芳")
    shown = markdown_text(HOSTILE)
    assert shown == "［点我］（http://evil.example） ＜＠all＞ ＜at id=all＞＜/at＞ ＊＊粗＊＊ ｀x｀ ＃ 标题 ｜ a b"
    for key in PLATFORMS:
        for payload in payloads(rem, PLATFORMS[key]):
            body = body_bytes(payload).decode("utf-8")
            assert "[点我]" not in body and "<@all>" not in body and "<at" not in body and "\\t" not in body
            assert shown in body
    # text keeps the value as written, but for the brackets of 企业微信's and 飞书's mention tags
    assert "[点我](http://evil.example) ＜@all＞ ＜at id=all＞＜/at＞ **粗**" in render_reminders(rem, "text")
    for key in PLATFORMS:
        for payload in payloads(rem, PLATFORMS[key], "text"):
            body = body_bytes(payload).decode("utf-8")
            assert "<@all>" not in body and "<at" not in body and "\\t" not in body


# --- messages and payloads --------------------------------------------------------------------


def test_payloads_field_by_field(repo: Repository) -> None:
    rem = reminders(repo, AS_OF, name="王芳")
    text = render_reminders(rem, "md").split("\n\n", 2)
    content = "\n\n".join([text[0], text[2].rstrip("\n")])  # the header, then the digest (no summary)
    assert payloads(rem, PLATFORMS["dingtalk"]) == [
        {"msgtype": "markdown", "markdown": {"title": "台账提醒", "text": content}}
    ]
    assert payloads(rem, PLATFORMS["wecom"]) == [{"msgtype": "markdown", "markdown": {"content": content}}]
    assert payloads(rem, PLATFORMS["feishu"]) == [
        {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": "台账提醒"}, "template": "red"},
                "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
            },
        }
    ]
    plain = render_reminders(rem, "text").split("\n\n", 2)
    plain_content = "\n\n".join([plain[0], plain[2].rstrip("\n")])
    assert payloads(rem, PLATFORMS["dingtalk"], "text") == [{"msgtype": "text", "text": {"content": plain_content}}]
    assert payloads(rem, PLATFORMS["wecom"], "text") == [{"msgtype": "text", "text": {"content": plain_content}}]
    assert payloads(rem, PLATFORMS["feishu"], "text") == [{"msg_type": "text", "content": {"text": plain_content}}]
    # 陈晨 has nothing overdue: the 飞书 card is orange, not red
    calm = payloads(reminders(repo, AS_OF, name="陈晨"), PLATFORMS["feishu"])
    assert calm[0]["card"]["header"]["template"] == "orange"
    assert payloads(reminders(repo, AS_OF, name="无人"), PLATFORMS["dingtalk"]) == []


def _content(platform: str, payload: dict[str, Any]) -> str:
    if platform == "dingtalk":
        return payload["markdown"]["text"] if "markdown" in payload else payload["text"]["content"]
    if platform == "wecom":
        return payload[payload["msgtype"]]["content"]
    if payload["msg_type"] == "text":
        return payload["content"]["text"]
    return payload["card"]["elements"][0]["text"]["content"]


#: The documented limits (metrics.md "Reminders"): bytes of a message's text, and of 飞书's body.
LIMITS = {("dingtalk", "markdown"): 20000, ("dingtalk", "text"): 20000, ("wecom", "markdown"): 4096}
LIMITS |= {("wecom", "text"): 2048, ("feishu", "markdown"): 20000, ("feishu", "text"): 20000}


@pytest.mark.parametrize("platform,msgtype", sorted(LIMITS))
def test_long_digests_are_split_within_the_limits(platform: str, msgtype: str) -> None:
    """The demo's leaders' digest (hundreds of items) is cut into messages that each keep within
    the platform's limit and carry no control character; together they hold every item line."""
    demo = load(DEMO)
    rem = reminders(demo, date(2018, 9, 30), "包保领导")
    messages = payloads(rem, PLATFORMS[platform], msgtype)
    assert len(messages) > 1
    texts = [_content(platform, m) for m in messages]
    for i, text in enumerate(texts):
        assert len(text.encode("utf-8")) <= LIMITS[platform, msgtype]
        assert first_control(text) is None and "\t" not in text
        assert f"（第 {i + 1}/{len(texts)} 条）" in text.splitlines()[0]
    if platform == "feishu":
        assert all(len(body_bytes(signed(PLATFORMS["feishu"], "u", "s", m, 1e9)[1])) <= 20000 for m in messages)
    whole = render_reminders(rem, "md" if msgtype == "markdown" else "text")
    items = [line for line in whole.splitlines() if line.startswith(("- 【", "  【"))]
    sent = "\n".join(texts)
    assert all(line in sent for line in items)


def test_a_line_longer_than_a_message_is_cut(tmp_path: Path) -> None:
    long = "征地拆迁" * 500  # 2000 characters, 6000 bytes: more than a whole 企业微信 message
    files = {**FILES, "船营区/在建.yaml": FILES["船营区/在建.yaml"].replace("内容: 用地指标", f"内容: {long}")}
    repo = load_repo(tmp_path, files)
    rem = reminders(repo, AS_OF, name="李娜")
    messages = payloads(rem, PLATFORMS["wecom"])
    texts = [_content("wecom", m) for m in messages]
    assert all(len(t.encode("utf-8")) <= 4096 for t in texts)
    cut = next(t for t in texts if "征地拆迁征地拆迁" in t)
    assert "…" in cut and long not in cut
    assert "（续）" in "".join(texts) or len(texts) == 1


def test_pack_keeps_whole_digests_together(repo: Repository) -> None:
    rem = reminders(repo, AS_OF)
    one = pack(rem, True, lambda text: len(text.encode("utf-8")) <= 20000)
    assert len(one) == 1 and all(f"项目秘书 {n}" in one[0] for n in ("李娜", "王芳", "陈晨"))
    # The digests are 368, 359 and 179 bytes of text (render_reminders, blocks between blank
    # lines); a header is at most 69 bytes ("…（第 999/999 条）") and a blank line 2: with 439
    # bytes each digest fits alone and no two together (359 + 2 + 179 > 368) → three messages.
    blocks = render_reminders(rem, "text").rstrip("\n").split("\n\n")[2:]
    assert [len(b.encode()) for b in blocks] == [368, 359, 179]
    small = pack(rem, False, lambda text: len(text.encode("utf-8")) <= 69 + 2 + 368)
    assert len(small) == 3 and [m.split("\n\n", 1)[1] for m in small] == blocks
    assert [m.splitlines()[0] for m in small] == [
        f"【台账提醒】测试台账 截至 2018-09-20（第 {i}/3 条）" for i in (1, 2, 3)
    ]


# --- signatures ------------------------------------------------------------------------------


def test_dingtalk_signature() -> None:
    # 钉钉: sign = urlEncode(base64(HmacSHA256(key=secret, "timestamp\nsecret"))), both appended to the URL
    secret, stamp = "SEC000test", "1537000000000"
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert urllib.parse.unquote_plus(dingtalk_sign(secret, stamp)) == base64.b64encode(digest).decode()
    assert "+" not in dingtalk_sign(secret, stamp) and "/" not in dingtalk_sign(secret, stamp)
    url, body = signed(PLATFORMS["dingtalk"], "https://oapi.dingtalk.com/robot/send?access_token=T", secret, {}, 1537e6)
    assert (
        url
        == f"https://oapi.dingtalk.com/robot/send?access_token=T&timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
    )
    assert body == {}
    unsigned, _ = signed(PLATFORMS["dingtalk"], "https://x/robot/send?access_token=T", None, {}, 1537e6)
    assert unsigned == "https://x/robot/send?access_token=T"


def test_feishu_signature() -> None:
    # 飞书: sign = base64(HmacSHA256(key="timestamp\nsecret", msg="")), timestamp in seconds, in the body
    secret, stamp = "feishu-secret", "1537000000"
    digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    assert feishu_sign(secret, stamp) == base64.b64encode(digest).decode()
    url, body = signed(
        PLATFORMS["feishu"], "https://open.feishu.cn/open-apis/bot/v2/hook/H", secret, {"msg_type": "text"}, 1537e6
    )
    assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/H"
    assert body == {"timestamp": stamp, "sign": feishu_sign(secret, stamp), "msg_type": "text"}
    # 企业微信 never signs: the key is in the address
    assert signed(PLATFORMS["wecom"], "https://q/send?key=K", "ignored", {"a": 1}, 1537e6) == (
        "https://q/send?key=K",
        {"a": 1},
    )


def test_addresses_must_be_https() -> None:
    assert check_url("https://oapi.dingtalk.com/robot/send?access_token=T").hostname == "oapi.dingtalk.com"
    for url in (
        "http://oapi.dingtalk.com/robot/send",
        "ftp://x/y",
        "https:///nohost",
        "https://a b/",
        "",
        "https://u:p@h/x",
    ):
        with pytest.raises(HttpError):
            check_url(url, allow_local_http=True)
    with pytest.raises(HttpError) as refused:
        check_url("http://127.0.0.1:9/robot")
    assert "XM_WEBHOOK_ALLOW_LOCAL_HTTP=1" in refused.value.hint
    assert check_url("http://127.0.0.1:9/robot", allow_local_http=True).port == 9
    assert redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY") == "https://qyapi.weixin.qq.com/…"


# --- posting to a local server ---------------------------------------------------------------


class Robot:
    """A local robot: records each request and answers as told (``reply``: status, JSON body,
    extra headers; ``delay``: seconds before answering)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.reply: tuple[int, dict[str, Any], dict[str, str]] = (200, {"errcode": 0, "errmsg": "ok"}, {})
        self.delay = 0.0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                robot.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                        "at": time.time(),
                    }
                )
                time.sleep(robot.delay)
                status, answer, headers = robot.reply
                data = json.dumps(answer).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def robot() -> Iterator[Robot]:
    local = Robot()
    local.thread.start()
    yield local
    local.server.shutdown()
    local.server.server_close()


@pytest.fixture
def ledgers(tmp_path: Path) -> Path:
    return write_repo(tmp_path, FILES)


def _remind(ledgers: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    base = {"XM_WEBHOOK_ALLOW_LOCAL_HTTP": "1"}
    return runner.invoke(
        app,
        ["remind", "--ledgers", str(ledgers), "--as-of", "2018-09-20", "--interval", "0", *args],
        env={**base, **(env or {})},
    )


def _dry(ledgers: Path, platform: str, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    result = _remind(ledgers, "--post", platform, "--dry-run", *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["消息"]


def test_post_to_dingtalk_signed(ledgers: Path, robot: Robot) -> None:
    secret = "SECdingtalk-test"
    env = {"XM_DINGTALK_WEBHOOK": f"{robot.base}/robot/send?access_token=TOKEN1", "XM_DINGTALK_SECRET": secret}
    before = time.time()
    result = _remind(ledgers, "--post", "dingtalk", env=env)
    assert result.exit_code == 0, result.output
    expected = _dry(ledgers, "dingtalk")
    assert len(robot.requests) == len(expected) == 1
    request = robot.requests[0]
    path, query = request["path"].split("?", 1)
    fields = urllib.parse.parse_qs(query)
    assert path == "/robot/send" and fields["access_token"] == ["TOKEN1"]
    stamp = fields["timestamp"][0]
    assert abs(int(stamp) / 1000 - before) < 3600  # 钉钉 accepts a timestamp within an hour
    expected_sign = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert fields["sign"] == [expected_sign.decode()]  # parse_qs undoes the URL encoding
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"].decode("utf-8")) == expected[0]
    assert "已发送 1/1 条到钉钉" in result.stderr


def test_post_to_wecom(ledgers: Path, robot: Robot) -> None:
    env = {"XM_WECOM_WEBHOOK": f"{robot.base}/cgi-bin/webhook/send?key=KEY-1"}
    result = _remind(ledgers, "--post", "wecom", "--by", "包保领导", "--msgtype", "text", env=env)
    assert result.exit_code == 0, result.output
    expected = _dry(ledgers, "wecom", "--by", "包保领导", "--msgtype", "text")
    assert [json.loads(r["body"]) for r in robot.requests] == expected
    assert all(r["path"] == "/cgi-bin/webhook/send?key=KEY-1" for r in robot.requests)
    assert all(m["msgtype"] == "text" and len(m["text"]["content"].encode()) <= 2048 for m in expected)


def test_post_to_feishu_signed(ledgers: Path, robot: Robot) -> None:
    robot.reply = (200, {"code": 0, "msg": "success", "data": {}}, {})
    secret = "feishu-test-secret"
    env = {"XM_FEISHU_WEBHOOK": f"{robot.base}/open-apis/bot/v2/hook/HOOK-1", "XM_FEISHU_SECRET": secret}
    before = time.time()
    result = _remind(ledgers, "--post", "feishu", "--by", "责任单位", env=env)
    assert result.exit_code == 0, result.output
    expected = _dry(ledgers, "feishu", "--by", "责任单位", env=env)
    assert len(robot.requests) == len(expected) == 1
    request = robot.requests[0]
    assert request["path"] == "/open-apis/bot/v2/hook/HOOK-1"
    body = json.loads(request["body"])
    stamp = body["timestamp"]
    assert abs(int(stamp) - before) < 3600
    assert (
        body["sign"] == base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    )
    assert expected[0]["timestamp"] == expected[0]["sign"] == "（发送时计算）"  # the dry run shows where they go
    assert {k: v for k, v in body.items() if k not in ("timestamp", "sign")} == {
        k: v for k, v in expected[0].items() if k not in ("timestamp", "sign")
    }
    assert len(request["body"]) <= 20000


def test_nothing_is_sent_without_post(ledgers: Path, robot: Robot) -> None:
    env = {"XM_DINGTALK_WEBHOOK": f"{robot.base}/robot/send?access_token=T", "XM_DINGTALK_SECRET": "S3cret"}
    assert _remind(ledgers, env=env).exit_code == 0
    dry = _remind(ledgers, "--post", "dingtalk", "--dry-run", env=env)
    assert dry.exit_code == 0 and robot.requests == []
    assert "access_token=T" not in dry.output and "S3cret" not in dry.output  # credentials never shown
    assert json.loads(dry.stdout)["地址"] == f"{robot.base}/…"


def test_refused_messages_exit_3(ledgers: Path, robot: Robot) -> None:
    env = {"XM_DINGTALK_WEBHOOK": f"{robot.base}/robot/send?access_token=T", "XM_DINGTALK_SECRET": "x"}
    robot.reply = (200, {"errcode": 310000, "errmsg": "sign not match"}, {})
    refused = _remind(ledgers, "--post", "dingtalk", "--by", "包保领导", env=env)
    assert refused.exit_code == 3
    assert "钉钉拒收：错误码 310000，sign not match" in refused.stderr and "XM_DINGTALK_SECRET" in refused.stderr
    assert "已发出 0 条" in refused.stderr and len(robot.requests) == 1  # stops at the first refusal
    robot.reply = (500, {"errmsg": "busy"}, {})
    failed = _remind(ledgers, "--post", "dingtalk", env=env)
    assert failed.exit_code == 3 and "HTTP 500" in failed.stderr and "Traceback" not in failed.output


def test_redirects_are_not_followed(ledgers: Path, robot: Robot) -> None:
    robot.reply = (302, {}, {"Location": f"{robot.base}/elsewhere"})
    env = {"XM_WECOM_WEBHOOK": f"{robot.base}/cgi-bin/webhook/send?key=K"}
    result = _remind(ledgers, "--post", "wecom", env=env)
    assert result.exit_code == 3 and "跳转" in result.stderr
    assert [r["path"] for r in robot.requests] == ["/cgi-bin/webhook/send?key=K"]


def test_timeout(ledgers: Path, robot: Robot) -> None:
    robot.delay = 2.0
    env = {"XM_WECOM_WEBHOOK": f"{robot.base}/cgi-bin/webhook/send?key=K"}
    result = _remind(ledgers, "--post", "wecom", "--timeout", "0.3", env=env)
    assert result.exit_code == 3 and "超时" in result.stderr


def test_interval_between_messages(ledgers: Path, robot: Robot) -> None:
    env = {"XM_WECOM_WEBHOOK": f"{robot.base}/cgi-bin/webhook/send?key=K"}
    result = runner.invoke(
        app,
        ["remind", "--ledgers", str(ledgers), "--as-of", "2018-09-20", "--post", "wecom", "--interval", "0.2"],
        env={**env, "XM_WEBHOOK_ALLOW_LOCAL_HTTP": "1"},
    )
    assert result.exit_code == 0, result.output
    assert len(robot.requests) == 1  # one message: no wait at all
    robot.requests.clear()
    demo_env = {**env, "XM_WEBHOOK_ALLOW_LOCAL_HTTP": "1"}
    result = runner.invoke(
        app,
        ["remind", "--ledgers", str(DEMO), "--by", "包保领导", "--post", "wecom", "--interval", "0.2"],
        env=demo_env,
    )
    assert result.exit_code == 0, result.output
    times = [r["at"] for r in robot.requests]
    assert len(times) > 2 and all(b - a >= 0.19 for a, b in zip(times, times[1:]))


@pytest.mark.parametrize(
    "env,message",
    [
        ({}, "未设置环境变量 XM_DINGTALK_WEBHOOK"),
        ({"XM_DINGTALK_WEBHOOK": "http://oapi.dingtalk.com/robot/send?access_token=T"}, "不是 https"),
        ({"XM_DINGTALK_WEBHOOK": "not a url"}, "空白"),
    ],
)
def test_bad_addresses_are_usage_errors(ledgers: Path, env: dict[str, str], message: str) -> None:
    result = _remind(ledgers, "--post", "dingtalk", env=env)
    assert result.exit_code == 2 and message in result.stderr


def test_local_http_needs_the_switch(ledgers: Path, robot: Robot) -> None:
    env = {"XM_DINGTALK_WEBHOOK": f"{robot.base}/robot/send?access_token=T"}
    result = runner.invoke(
        app,
        ["remind", "--ledgers", str(ledgers), "--as-of", "2018-09-20", "--post", "dingtalk"],
        env={**env, "XM_WEBHOOK_ALLOW_LOCAL_HTTP": ""},
    )
    assert result.exit_code == 2 and "XM_WEBHOOK_ALLOW_LOCAL_HTTP=1" in result.stderr and robot.requests == []


def test_usage_errors(ledgers: Path) -> None:
    assert _remind(ledgers, "--dry-run").exit_code == 2
    assert _remind(ledgers, "--post", "dingtalk", "-o", "x.txt").exit_code == 2
    assert _remind(ledgers, "--post", "qq").exit_code == 2
    assert _remind(ledgers, "--by", "局长").exit_code == 2


def test_written_to_a_file(ledgers: Path, tmp_path: Path) -> None:
    out = tmp_path / "提醒.md"
    result = _remind(ledgers, "--format", "md", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("**【台账提醒】测试台账 截至 2018-09-20**")
