"""`xm validate`: the CI gate."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from . import XmCommand, app
from .common import LEDGERS_HELP, check_repository, resolve_ledgers


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


# Long only by its options (typer declares them in the signature) and its help text.
@app.command("validate", cls=XmCommand)
def validate(
    ledgers: Path | None = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False),
    strict: bool = typer.Option(False, "--strict", help="有警告也以 1 退出（CI 从严）"),
    fmt: ProblemFormat = typer.Option(
        ProblemFormat.text, "--format", "-f", help="输出格式：text（带源码行）、json、github（GitHub Actions 注释）"
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="不读写缓存（用户缓存目录，见 XM_CACHE_DIR），全部重新检查"
    ),
    max_file_mb: int = typer.Option(
        20, "--max-file-mb", min=1, envvar="XM_MAX_FILE_MB", help="单个文件的大小上限（MB），更大的文件不读取（E009）"
    ),
    max_depth: int = typer.Option(
        100, "--max-depth", min=1, envvar="XM_MAX_DEPTH", help="列表和映射嵌套层数上限，更深的是语法错误（E001）"
    ),
    max_files: int = typer.Option(
        20_000, "--max-files", min=1, envvar="XM_MAX_FILES", help="台账目录中文件和文件夹数量上限，超过时不读取（E009）"
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        envvar="XM_JOBS",
        help="并行检查的进程数；0 为按 CPU 核数，1 为不并行（台账不足 512 KB 时总是不并行）",
    ),
) -> None:
    """检查全部台账，每个问题给出 文件:行:列、说明和改法。

    检查内容：YAML 语法，键与类型，金额与日期，编号唯一，文件夹与文件名，包保领导与类别，日期先后。
    有错误时以 1 退出（加 --strict 时警告也算），没有错误以 0 退出，用法错误以 2 退出。

    过大的文件、过深的嵌套、过多的文件都在读取前拒绝，上限见 --max-file-mb、--max-depth、--max-files。

    示例：xm validate --ledgers ledgers --format github
    """
    from xiangmu_cli.base.limits import Limits, using
    from xiangmu_cli.reading.cache import cached_validation, enabled

    root = resolve_ledgers(ledgers)
    with using(Limits(max_file_bytes=max_file_mb * 2**20, max_depth=max_depth, max_files=max_files)):
        if no_cache or not enabled():
            result = check_repository(root, jobs)
            problems, files, projects = result.problems, result.files_read, result.items_read
        else:
            problems, files, projects = cached_validation(root, lambda: check_repository(root, jobs))
    # imported once the check is done: while the workers check, this process has time to spare
    from xiangmu_cli.output.messages import no_commands, problems_github, problems_json, problems_text, summary_line

    if fmt is ProblemFormat.json:
        typer.echo(problems_json(problems), nl=False)
    else:
        text = problems_text(problems) + [summary_line(problems, files=files, projects=projects)]
        lines = problems_github(problems) + no_commands(text) if fmt is ProblemFormat.github else text
        typer.echo("\n".join(lines))
    errors = any(p.is_error for p in problems)
    warnings = any(not p.is_error for p in problems)
    raise typer.Exit(1 if errors or (strict and warnings) else 0)
