"""The cache: same results with and without it; nothing in a ledger repository can forge, hang or redirect it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.reading import cache, files, loading

from .conftest import ROOT, write_repo

runner = CliRunner()
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
GOOD = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-15
    年度计划投资: 6000
"""
BROKEN = GOOD.replace("总投资: 12000", "总投资额: 12000")


def _validate(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.stdout


def _entries(folder: Path, kind: str = "validate") -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.json"))


#: An entry's head line (reading/cache.py): then the MAC of the payload on a line, then the payload.
_HEAD = cache._ENTRY_HEAD


def _split_entry(entry: Path) -> tuple[str, bytes]:
    """(MAC, payload) of a cache entry."""
    raw = entry.read_bytes()
    assert raw.startswith(_HEAD)
    mac, payload = raw[len(_HEAD) :].split(b"\n", 1)
    return mac.decode(), payload


def _write_entry(entry: Path, mac: str, payload: bytes) -> None:
    entry.write_bytes(_HEAD + mac.encode() + b"\n" + payload)


def _mac(secret: bytes, key: str, payload: bytes) -> str:
    return hmac.new(secret, key.encode() + b"\0" + payload, hashlib.sha256).hexdigest()


def _reseal(folder: Path, entry: Path, payload: object) -> None:
    """Rewrite an entry's payload with a valid MAC, as only someone holding the user's secret could."""
    secret = (folder / "secret").read_bytes()
    key = None
    # the MAC covers the full key, of which the file name holds a prefix: find it by trying the payload's own MAC
    old_mac, old_payload = _split_entry(entry)
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    for candidate in _full_keys(folder, entry):
        if hmac.compare_digest(old_mac, _mac(secret, candidate, old_payload)):
            key = candidate
    assert key is not None
    _write_entry(entry, _mac(secret, key, data), data)


_KEYS: list[str] = []


def _full_keys(folder: Path, entry: Path) -> list[str]:
    return [k for k in _KEYS if entry.name.endswith(f"-{k[:40]}.json")]


@pytest.fixture
def record_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from xiangmu_cli.reading import cache

    original = cache._Store.key

    def key(self: cache._Store, *args: object) -> str:
        result = original(self, *args)  # type: ignore[arg-type]
        _KEYS.append(result)
        return result

    monkeypatch.setattr(cache._Store, "key", key)


@pytest.mark.parametrize("ledgers", ["ledgers", "examples/broken/ledgers", "examples/minimal/ledgers"])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cached_results_equal_fresh_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path, ledgers: str, fmt: str
) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / ledgers, copy / "ledgers")
    monkeypatch.chdir(copy)
    fresh = _validate("--no-cache", "-f", fmt)
    assert not cache_on.exists()
    first = _validate("-f", fmt)  # computes and stores
    second = _validate("-f", fmt)  # from the cache
    assert fresh == first == second
    assert len(_entries(cache_on)) == 1
    assert sorted(p.name for p in copy.iterdir()) == ["ledgers"]  # nothing written into the repository
    assert (cache_on / "secret").stat().st_mode & 0o777 == 0o600
    assert cache_on.stat().st_mode & 0o777 == 0o700


def test_a_changed_byte_is_never_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    monkeypatch.chdir(tmp_path)
    assert _validate()[0] == 0
    assert _validate()[0] == 0
    (root / "船营区" / "在建.yaml").write_text(BROKEN, encoding="utf-8")
    code, out = _validate()
    assert code == 1 and "E101" in out
    (root / "船营区" / "未入統.yaml").write_text("项目: []\n", encoding="utf-8")  # a new stray file
    assert "E203" in _validate()[1]


def test_a_corrupt_or_tampered_entry_is_recomputed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path
) -> None:
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BROKEN})
    monkeypatch.chdir(tmp_path)
    expected = _validate("-f", "json")
    assert expected[0] == 1 and json.loads(expected[1])
    (entry,) = _entries(cache_on)
    mac, payload = _split_entry(entry)
    for damaged in (b"", _HEAD, _HEAD + b"x\n[}", _HEAD + mac.encode() + b"\n" + payload[:-1], b"{" + payload):
        entry.write_bytes(damaged)
        assert _validate("-f", "json") == expected
        _write_entry(entry, mac, payload)  # as it was (then rewritten by the run above)
    # the payload replaced by a clean verdict, without the secret: the MAC no longer matches
    _write_entry(entry, mac, json.dumps({"files": 2, "projects": 1, "problems": []}).encode())
    assert _validate("-f", "json") == expected
    # an entry sealed with someone else's secret (a cache folder copied from another machine)
    (cache_on / "secret").write_bytes(os.urandom(32))
    assert _validate("-f", "json") == expected


def test_a_committed_cache_folder_is_never_read_nor_written(tmp_path: Path, cache_on: Path) -> None:
    """The attack of issue 12: a pull request breaks a ledger and commits a clean verdict for it."""
    origin = tmp_path / "origin"
    write_repo(origin, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BROKEN})
    forged = origin / ".xm-cache"
    forged.mkdir()
    clean = {"files": 2, "projects": 1, "problems": []}
    for name in ["validate-" + "0" * 40 + ".json", "report-" + "0" * 40 + ".json"]:
        (forged / name).write_text(
            json.dumps({"key": "0" * 40, **clean, "payload": json.dumps(clean), "mac": "0" * 64}), encoding="utf-8"
        )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (origin / "reports").symlink_to(elsewhere)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(origin)], check=True)
    subprocess.run([*git, "-C", str(origin), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(origin), "commit", "-qm", "forged"], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    env = {**os.environ, "XM_CACHE": "1", "XM_CACHE_DIR": str(cache_on)}
    xm = [sys.executable, "-m", "xiangmu_cli"]
    for _ in range(2):  # the second run may use the user's own cache: the same verdict
        run = subprocess.run(
            [*xm, "validate", "--format", "github"], cwd=clone, env=env, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 1, run.stdout
        assert "::error file=ledgers/船营区/在建.yaml" in run.stdout and "未发现问题" not in run.stdout
    fresh = subprocess.run(
        [*xm, "validate", "--format", "github", "--no-cache"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fresh.stdout == run.stdout
    # under CI the cache is off unless asked for: nothing stored
    ci_cache = tmp_path / "ci-cache"
    ci_env = {**os.environ, "CI": "true", "XM_CACHE_DIR": str(ci_cache)}
    ci_env.pop("XM_CACHE", None)
    run = subprocess.run([*xm, "validate"], cwd=clone, env=ci_env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and not ci_cache.exists()
    assert sorted(p.name for p in (clone / ".xm-cache").iterdir()) == sorted(p.name for p in forged.iterdir())
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", [["info"], ["targets", "--month", "2018-09"]], ids=" ".join)
def test_a_report_from_the_cache_equals_a_fresh_one(tmp_path: Path, cache_on: Path, command: list[str]) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples/broken/ledgers", root)
    args = [*command, "--ledgers", str(root), "--format", "json"]
    fresh = runner.invoke(app, [*args, "--no-cache"])
    stored = runner.invoke(app, args)
    cached = runner.invoke(app, args)
    assert len(_entries(cache_on, "report")) == 1
    assert fresh.stdout == stored.stdout == cached.stdout and fresh.stderr == cached.stderr


def test_a_json_entry_keeps_only_what_json_shows(tmp_path: Path, cache_on: Path) -> None:
    """For json the entry leaves out the display tables of a document with its own json data
    (issue 15): each format's warm output is still its cold output, whichever came first."""
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    base = ["report", "monthly", "--ledgers", str(root), "--month", "2018-09"]
    outputs = {}
    for fmt in ("json", "plain", "json", "plain"):
        warm = runner.invoke(app, [*base, "--format", fmt])
        cold = runner.invoke(app, [*base, "--format", fmt, "--no-cache"])
        assert warm.exit_code == 0 and warm.stdout == cold.stdout, fmt
        outputs[fmt] = warm.stdout
    assert "分地区" in outputs["plain"] and '"分地区"' in outputs["json"]
    entries = _entries(cache_on, "report")
    assert len(entries) == 2  # one for json, one for every other format
    documents = sorted((json.loads(_split_entry(e)[1])["document"] for e in entries), key=lambda d: len(d["tables"]))
    assert documents[0]["tables"] == [] and documents[0]["json_data"]  # the json entry: no display tables
    assert documents[1]["tables"] and documents[1]["json_data"]


def test_a_report_entry_is_data_rendered_through_the_same_escaping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path, record_keys: None
) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    args = ["targets", "--ledgers", str(root), "--month", "2018-09", "--format", "html"]
    fresh = runner.invoke(app, [*args, "--no-cache"]).stdout
    assert runner.invoke(app, args).stdout == fresh
    (entry,) = _entries(cache_on, "report")
    payload = json.loads(_split_entry(entry)[1])
    payload["document"]["title"] = "<script>alert(1)</script>"
    _reseal(cache_on, entry, payload)
    page = runner.invoke(app, args).stdout
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_file_changed_while_it_is_read_lends_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path
) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BROKEN})
    monkeypatch.chdir(tmp_path)
    ledger = root / "船营区" / "在建.yaml"
    looked_up = files.fingerprint

    def racing(folder: Path) -> str | None:
        key = looked_up(folder)  # the key of the broken file …
        ledger.write_text(GOOD, encoding="utf-8")  # … which is then changed before it is read
        return key

    monkeypatch.setattr(files, "fingerprint", racing)
    assert _validate()[0] == 0  # the file it read was clean
    monkeypatch.setattr(files, "fingerprint", looked_up)
    ledger.write_text(BROKEN, encoding="utf-8")
    assert _validate()[0] == 1  # the clean result was stored under the clean file's key only


def test_special_files_and_dotfiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    before = files.fingerprint(root)
    (root / ".junk").mkdir()
    for i in range(50):
        (root / ".junk" / f"{i}.yaml").write_text("x", encoding="utf-8")
    os.mkfifo(root / ".fifo")
    os.mkfifo(root / "船营区" / ".hidden-fifo")
    assert files.fingerprint(root) == before  # what the loader skips, the key skips
    os.mkfifo(root / "船营区" / "未入统.yaml")
    env = {**os.environ, "XM_CACHE": "1", "XM_CACHE_DIR": str(cache_on)}
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "xiangmu_cli", "validate", "--ledgers", str(root)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1 and "E203" in run.stdout and "命名管道" in run.stdout, run.stdout


def test_a_linked_ledgers_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ledgers").symlink_to("/")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1 and "符号链接" in result.stderr
    result = runner.invoke(app, ["report", "monthly", "--ledgers", "ledgers"])
    assert result.exit_code == 1 and "符号链接" in result.stderr


def test_no_parent_ledgers_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    (tmp_path / "pr").mkdir()
    monkeypatch.chdir(tmp_path / "pr")
    assert _validate()[0] == 0  # on a desk: the nearest ledgers/ above, as git finds .git
    monkeypatch.setenv("CI", "true")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2 and "CI 中不到上级目录查找" in result.stderr


@pytest.mark.parametrize("setup", ["file", "link", "group-writable"])
def test_an_unusable_cache_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: Path, setup: str
) -> None:
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    target = tmp_path / "target"
    target.mkdir()
    if setup == "file":
        cache_on.write_text("not a folder", encoding="utf-8")
    elif setup == "link":
        cache_on.symlink_to(target)
    else:
        cache_on.mkdir()
        cache_on.chmod(0o777)
    monkeypatch.chdir(tmp_path)
    assert _validate() == (0, "未发现问题（检查了 2 个文件、1 个项目）\n")
    assert _validate() == (0, "未发现问题（检查了 2 个文件、1 个项目）\n")
    assert list(target.iterdir()) == []
    if setup == "group-writable":
        assert list(cache_on.iterdir()) == []


def test_document_codec_round_trips_every_report(tmp_path: Path) -> None:
    from xiangmu_cli.figures.metrics import resolve_as_of
    from xiangmu_cli.figures.report import monthly_report
    from xiangmu_cli.output.docdata import decode_document, encode_document
    from xiangmu_cli.output.views import monthly_document

    repo = loading.load(ROOT / "ledgers")
    doc = monthly_document(monthly_report(repo, resolve_as_of(repo, None, "2018-09"), None))
    data = json.loads(json.dumps(encode_document(doc)))
    assert decode_document(data) == doc
    # The rows of a table are stored as columns (the usual rows all have the same keys); damaged
    # columns are refused as damaged rows are.
    assert all(set(t["rows"]) == {"keys", "columns"} for t in data["tables"])
    at = next(i for i, t in enumerate(data["tables"]) if {"d", "*"} <= {kind for kind, _ in t["rows"]["columns"]})
    rows = data["tables"][at]["rows"]
    money = next(i for i, (kind, _) in enumerate(rows["columns"]) if kind == "d")
    for damage in (
        lambda r: r["columns"].pop(),  # a column missing
        lambda r: r["columns"][0][1].pop(),  # a column shorter than the others
        lambda r: r["columns"].__setitem__(0, ["?", r["columns"][0][1]]),  # an unknown kind
        lambda r: r["columns"][money][1].__setitem__(0, "12,0"),  # not a Decimal
        lambda r: r.__setitem__("keys", r["keys"][:-1] + [7]),  # a key that is not text
    ):
        damaged = json.loads(json.dumps(data))
        damage(damaged["tables"][at]["rows"])
        with pytest.raises((ValueError, TypeError)):
            decode_document(damaged)
    data["tables"][0]["rows"] = [["x", "y"]]  # rows of other shapes are stored one by one
    with pytest.raises(ValueError):
        decode_document(data)
