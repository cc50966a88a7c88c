"""`xm diff` and `xm log`: the ledger history in business terms."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import XmCommand, app
from .common import LEDGERS_HELP, resolve_ledgers, usage_error
from .reports import FormatOpt, OutputFormat, OutputOpt, emit

if TYPE_CHECKING:
    from xiangmu_cli.ledger.problems import Problem
    from xiangmu_cli.reading.records import Repository


@app.command("diff", cls=XmCommand)
def diff(
    old: str | None = typer.Argument(None, help="原版本（缺省 HEAD）", show_default=False),
    new: str | None = typer.Argument(None, help="新版本（缺省为工作区中的文件）", show_default=False),
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
) -> None:
    """按项目比较两个版本的台账：新增、移除、开工、入统、落地、签约、竣工、转移、问题升级、变更。

    不给版本时比较 HEAD 与工作区；给一个版本时比较它与工作区。

    示例：xm diff HEAD~1 HEAD
    """
    from xiangmu_cli.history.diff import diff_repositories
    from xiangmu_cli.history.git import Git, GitError, load_revision
    from xiangmu_cli.output.views import diff_document

    root = resolve_ledgers(ledgers)
    try:
        git = Git(root)
        before, old_label = load_revision(git, root, old or "HEAD")
        after, new_label = load_revision(git, root, new)
    except GitError as exc:
        raise usage_error(str(exc)) from None
    _note_unread(((old_label, before), (new_label, after)))
    result = diff_repositories(before, after, old_label, new_label)
    config = after.config or before.config
    name = config.name if config else str(root)
    emit(diff_document(name, result), fmt, output)


def _note_unread(revisions: Iterable[tuple[str, Repository]]) -> None:
    """On stderr, each revision's files that could not be read or parsed, located, one line each.

    A historical revision cannot be given to ``xm validate``, so this is where its problems show;
    the files' projects are 无法比较 in the report.
    """
    from xiangmu_cli.history.diff import blocking

    for label, repo in revisions:
        first: dict[str, list[Problem]] = {}
        for problem in blocking(repo):
            first.setdefault(problem.file, []).append(problem)
        if not first:
            continue
        sys.stderr.write(f"注意：{label} 中有文件未能读取或解析，其中的项目未参与比较：\n")
        for problems in first.values():
            p = problems[0]
            where = p.file if p.line is None else f"{p.file}:{p.line}:{p.col}"
            more = f"（另有 {len(problems) - 1} 个问题）" if len(problems) > 1 else ""
            sys.stderr.write(f"  {where}: {p.code} {p.message}{more}\n")


@app.command("log", cls=XmCommand)
def log(
    code: str = typer.Argument(..., help="项目编号", show_default=False),
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
    fmt: OutputFormat | None = FormatOpt,
    output: Path | None = OutputOpt,
) -> None:
    """列出改动过某个项目的提交（版本、日期、作者、说明）和每次改了什么，跨台账、跨地区跟踪。

    示例：xm log CY-2018-001
    """
    from xiangmu_cli.history.git import Git, GitError, project_log
    from xiangmu_cli.output.views import log_document

    root = resolve_ledgers(ledgers)
    try:
        rows = project_log(Git(root), root, code)
    except GitError as exc:
        raise usage_error(str(exc)) from None
    for row in rows:
        if row["备注"]:
            sys.stderr.write(f"注意：提交 {row['提交']}：{row['备注']}\n")
    if not rows:
        typer.echo(f"没有提交改动过编号「{code}」的项目。", err=True)
        raise typer.Exit(1)
    emit(log_document(code, rows[0]["名称"], rows), fmt, output)


@app.command("textconv", cls=XmCommand)
def textconv(path: Path = typer.Argument(..., help="台账文件", show_default=False)) -> None:
    """把一个台账文件显示成“每行一个字段、行首是编号”的文本，供 git diff 的 textconv 使用。

    设置：在 .gitattributes 写  ledgers/**/*.yaml diff=xm ，再运行
    git config diff.xm.textconv "xm textconv" ；之后 git diff、git log -p 按项目显示变动。

    超过大小上限（20 MB）的文件不读取，显示为一行说明（退出码 0，git 才能继续显示其他变动）；
    命名管道、设备、符号链接等不是普通文件，不打开，退出码 2。

    示例：xm textconv ledgers/船营区/在建.yaml
    """
    from xiangmu_cli.base.fileio import TooLargeError, read_regular
    from xiangmu_cli.base.limits import current
    from xiangmu_cli.history.textconv import textconv as convert
    from xiangmu_cli.history.textconv import too_large

    try:
        raw = read_regular(path, current().max_file_bytes)  # a FIFO or a device is never opened
    except TooLargeError as exc:
        sys.stdout.write(too_large(exc.size, exc.limit))  # exit 0: see textconv.too_large
        return
    except FileNotFoundError:
        raise usage_error(f"文件 {path} 不存在") from None
    except PermissionError:
        raise usage_error(f"无法读取 {path}：没有读取权限") from None
    except OSError as exc:  # not a regular file (git only ever gives one), or another failure
        raise usage_error(f"无法读取 {path}：{exc.strerror or exc}") from None
    sys.stdout.write(convert(raw, path.name))
