"""`xm schema`: JSON Schemas for editors and CI, generated from the models."""

from __future__ import annotations

from pathlib import Path

import typer

from . import XmCommand, app
from .common import usage_error


@app.command("schema", cls=XmCommand)
def schema(
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        show_default=False,
        help="写入的目录；默认为台账目录旁的 schemas/（找不到台账时为 ./schemas）",
    ),
    check: bool = typer.Option(False, "--check", help="只检查已提交的 schema 是否最新；过期时以 1 退出"),
) -> None:
    """生成 JSON Schema，供编辑器补全、检查中文键，供 CI 使用。

    写出 xiangmu.schema.json 和每本台账一个 schema（在建、未入统、计划开工、招商、谋划）。台账目录的
    xiangmu.yaml 定义了扩展字段时，台账的 schema 也包含这些字段。

    示例：xm schema --check
    """
    import sys

    from xiangmu_cli.ledger.schema import write_schemas
    from xiangmu_cli.reading.files import find_ledgers, in_ci
    from xiangmu_cli.reading.loading import load_config

    found = find_ledgers(walk_up=not in_ci())
    config = None
    if found is not None and not found.is_symlink() and found.is_dir():
        config, problems = load_config(found)
        if config is None and any(p.code != "E201" for p in problems):
            sys.stderr.write(f"注意：{found}/xiangmu.yaml 有错误，schema 中不含其扩展字段；运行 xm validate 查看\n")
    if out is None:
        out = (found.parent if found is not None else Path.cwd()) / "schemas"
    if out.is_symlink():
        raise usage_error(f"{out} 是符号链接，不写入（链接可以指向任何地方）；请指定真正的目录")
    if out.exists() and not out.is_dir():
        raise usage_error(f"{out} 不是目录")
    stale = write_schemas(out, check=check, config=config)
    if check:
        for name in stale:
            typer.echo(f"{out / name}: 已过期，运行 xm schema 重新生成")
        if stale:
            raise typer.Exit(1)
        typer.echo(f"schema 均为最新（{out}）")
    else:
        for name in stale:
            typer.echo(f"已写入 {out / name}")
