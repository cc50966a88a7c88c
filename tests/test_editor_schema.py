"""schemas/ in the real yaml-language-server (VS Code's YAML extension), spoken to over LSP stdio.

The server is pinned in tests/editor/package.json; install it with `npm ci --prefix tests/editor`.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "tests/editor/node_modules/yaml-language-server/bin/yaml-language-server"
NODE = shutil.which("node")
if NODE is None or not SERVER.is_file():
    pytest.skip(
        "yaml-language-server is not installed (needs node); run: npm ci --prefix tests/editor",
        allow_module_level=True,
    )

YAML_SETTINGS: dict[str, Any] = {"validate": True, "schemas": {}, "customTags": []}
YAML_SETTINGS["schemaStore"] = {"enable": False}  # never fetch the catalogue from the network
TIMEOUT = 20.0  # seconds to wait for any one answer from the server
SETTLE = 1.5  # seconds to wait for a later publishDiagnostics after the first one
Json = dict[str, Any]


class LanguageServer:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdio."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        pipe = subprocess.PIPE
        command = [str(NODE), str(SERVER), "--stdio"]
        self.proc = subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL)
        self._write_lock = threading.Lock()
        self._inbox: queue.Queue[Json] = queue.Queue()
        self._responses: dict[int, Json] = {}
        self._next_id = 0
        self.diagnostics: dict[str, list[list[Json]]] = {}  # uri -> every list published
        threading.Thread(target=self._read_loop, daemon=True).start()
        config = {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}}
        capabilities = {"workspace": config, "textDocument": {"completion": {}}}
        init = {"processId": None, "rootUri": workspace.as_uri(), "capabilities": capabilities}
        self.request("initialize", init)
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": YAML_SETTINGS}})

    def _send(self, message: Json) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        assert self.proc.stdin is not None
        with self._write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self.proc.stdin.flush()

    def _read_loop(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    return  # the server exited
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            message: Json = json.loads(stream.read(length))
            if "method" in message and "id" in message:  # a server -> client request
                result: Any = None  # e.g. client/registerCapability
                if message["method"] == "workspace/configuration":
                    items = message["params"]["items"]
                    result = [YAML_SETTINGS if i.get("section") == "yaml" else {} for i in items]
                self._send({"id": message["id"], "result": result})
            else:
                self._inbox.put(message)

    def _pump(self, deadline: float) -> bool:
        """Handle one incoming message; False when none arrived before the deadline."""
        try:
            message = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return False
        if "id" in message:
            self._responses[message["id"]] = message
        elif message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            self.diagnostics.setdefault(params["uri"], []).append(params["diagnostics"])
        return True

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        request_id = self._next_id = self._next_id + 1
        self._send({"id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while request_id not in self._responses:
            if not self._pump(deadline):
                raise TimeoutError(f"no answer to {method} within {TIMEOUT} s")
        response = self._responses.pop(request_id)
        assert "error" not in response, response
        return response.get("result")

    def write(self, relative: str, text: str) -> Path:
        path = self.workspace / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def open(self, path: Path) -> str:
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text("utf-8")}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def diagnose(self, *paths: Path) -> dict[Path, list[Json]]:
        """Open the files; the last diagnostics published for each, once publishing settles."""
        uris = {self.open(path): path for path in paths}
        deadline = time.monotonic() + TIMEOUT
        while missing := [str(p) for u, p in uris.items() if u not in self.diagnostics]:
            if not self._pump(deadline):
                raise TimeoutError(f"no diagnostics within {TIMEOUT} s for {missing}")
        settle = time.monotonic() + SETTLE
        while self._pump(settle):
            pass
        return {path: self.diagnostics[uri][-1] for uri, path in uris.items()}

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, subprocess.TimeoutExpired):
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanguageServer]:
    """A server whose workspace holds a copy of schemas/, as a ledger repository does."""
    workspace = tmp_path_factory.mktemp("ws")
    shutil.copytree(ROOT / "schemas", workspace / "schemas")
    client = LanguageServer(workspace)
    try:
        yield client
    finally:
        client.close()


VALID_ZAIJIAN = """\
# yaml-language-server: $schema=../../schemas/在建.schema.json
地区: 船营区
台账: 在建
项目:
  - 编号: CY-2018-001
    名称: 碳纤维原丝扩能项目
    类别: 工业
    总投资: 1.2亿
    包保领导: 张明
    项目秘书: 李华
    用地面积: 82.1公顷
    建设性质: 新建
    开工日期: 2018-03-02
    年度计划投资: 5000万元
    完成投资: {2018-03: 500, 2018-04: "1,200", 2018-05: 0}
    入统日期: 2018-06-02
    问题:
      - {提出日期: 2018-05-11, 内容: 用地指标不足, 责任单位: 市国土局, 时限: 2018-07-10}
    走访:
      - 2018-09-03
      - {日期: 2018-09-18, 内容: 协调用地}
"""

VALID_XIANGMU = """\
# yaml-language-server: $schema=../schemas/xiangmu.schema.json
名称: 吉林市重点项目建设台账
年度: 2018
口径: {入库门槛: 5000, 走访周期: 15, 入统时限: 2018-09-30}
领导: [{姓名: 张明, 职务: 常务副市长, 包保地区: [船营区]}]
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
目标: {全市: {年度投资: 3000000, 开工率: 0.8}}
考评:
  指标: {投资完成率: 40}
  封顶: 1.2
  前列加分: {名次: 3, 加分: 2}
  后列减档: {名次: 3}
"""


def messages_on_line(diagnostics: list[Json], text: str, needle: str) -> list[str]:
    line = next(n for n, content in enumerate(text.splitlines()) if needle in content)
    return [d["message"] for d in diagnostics if d["range"]["start"]["line"] == line]


def test_valid_ledger_has_no_diagnostics(server: LanguageServer) -> None:
    path = server.write("ledgers/船营区/在建.yaml", VALID_ZAIJIAN)
    assert server.diagnose(path)[path] == []


def test_misspelt_key_is_flagged(server: LanguageServer) -> None:
    text = VALID_ZAIJIAN.replace("总投资: 1.2亿", "总投资额: 1.2亿")
    path = server.write("ledgers/昌邑区/在建.yaml", text)
    diagnostics = server.diagnose(path)[path]
    messages = messages_on_line(diagnostics, text, "总投资额")
    assert any("总投资额" in m and "not allowed" in m for m in messages), diagnostics
    assert any('Missing property "总投资"' in d["message"] for d in diagnostics), diagnostics


def test_wrong_enum_value_is_flagged(server: LanguageServer) -> None:
    text = VALID_ZAIJIAN.replace("建设性质: 新建", "建设性质: 扩建")
    path = server.write("ledgers/丰满区/在建.yaml", text)
    diagnostics = server.diagnose(path)[path]
    assert messages_on_line(diagnostics, text, "建设性质: 扩建"), diagnostics


def test_valid_config_has_no_diagnostics(server: LanguageServer) -> None:
    path = server.write("ledgers/xiangmu.yaml", VALID_XIANGMU)
    assert server.diagnose(path)[path] == []


def test_chinese_keys_are_completed(server: LanguageServer) -> None:
    text = VALID_ZAIJIAN + "  - 编号: CY-2018-009\n    \n"
    uri = server.open(server.write("ledgers/龙潭区/在建.yaml", text))
    position = {"line": len(text.splitlines()) - 1, "character": 4}
    params = {"textDocument": {"uri": uri}, "position": position}
    result = server.request("textDocument/completion", params)
    labels = {item["label"] for item in (result["items"] if isinstance(result, dict) else result)}
    assert {"名称", "总投资", "建设性质", "完成投资"} <= labels, sorted(labels)


def test_demo_ledgers_have_no_diagnostics(server: LanguageServer) -> None:
    if not (ROOT / "ledgers").is_dir():
        pytest.skip("the demo ledgers (ledgers/) are not there")
    paths = sorted((ROOT / "ledgers").rglob("*.yaml"))
    assert paths
    found = {str(p.relative_to(ROOT)): d for p, d in server.diagnose(*paths).items() if d}
    assert found == {}
