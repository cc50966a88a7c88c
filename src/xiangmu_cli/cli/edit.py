"""Event commands that edit the ledgers in place: `xm start`, `xm enter-stats`, `xm land`,
`xm convert`, `xm finish`, `xm invest`, `xm visit`, `xm problem add|solve|escalate`.

Each builds one plan with the library (:mod:`xiangmu_cli.write.edit`), which verifies it, and writes it.
Usage errors exit 2; refusals (unknown 编号, wrong ledger, ledgers with errors, an edit that
would break validation, the ledgers locked by another command for too long, a read-only
checkout) exit 1 and leave every file untouched.

From loading to the last write a command holds the ledger lock (``<ledgers>/.xm.lock``, see
:func:`xiangmu_cli.base.fileio.ledger_lock`): a second command on the same ledgers says it is waiting,
waits up to ``XM_LOCK_WAIT`` seconds (default 30) and then runs on what the first one wrote, or
gives up with a message. ``--dry-run`` writes nothing and takes no lock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import XmCommand, XmGroup, app
from .common import LEDGERS_HELP, load_repository, resolve_ledgers, usage_error

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository
    from xiangmu_cli.write.edit import EditPlan

LedgersOpt = typer.Option(None, "--ledgers", "-l", help=LEDGERS_HELP, show_default=False)
CodeArg = typer.Argument(..., metavar="编号", help="项目编号", show_default=False)
DateOpt = typer.Option(..., "--date", "-d", help="日期 YYYY-MM-DD", show_default=False)
DryRunOpt = typer.Option(False, "--dry-run", "-n", help="只显示将要做的修改（diff），不写文件")


def _run(ledgers: Path | None, dry_run: bool, make: Callable[[Repository], EditPlan]) -> None:
    """Load the ledgers, make the plan, write it (or show it); EditError → its exit code."""
    from xiangmu_cli.base.fileio import display_path, ledger_lock
    from xiangmu_cli.write.edit import apply, diff

    root = resolve_ledgers(ledgers)
    with refused_edits(), nullcontext() if dry_run else ledger_lock(root, on_wait=waiting):
        plan = make(load_repository(root))
        if dry_run:
            typer.echo(diff(plan), nl=False)
        elif plan.changes:
            apply(plan)
    typer.echo(plan.summary)
    for warning in plan.warnings:
        typer.echo(f"注意：{warning}")
    if plan.changes:
        new = {p for p, before in plan.originals.items() if before is None}
        files = "、".join(display_path(p) + ("（新建）" if p in new else "") for p in plan.changes)
        typer.echo(f"{'将修改' if dry_run else '已修改'}：{files}")


@contextmanager
def refused_edits() -> Iterator[None]:
    """A refused edit as every editing command says it: a usage error (EditError code 2) exits 2,
    another refusal or a lock held too long exits 1, with its message and details on stderr."""
    from xiangmu_cli.base.fileio import LockError
    from xiangmu_cli.write.plan import EditError

    try:
        yield
    except LockError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        raise typer.Exit(1) from None
    except EditError as exc:
        if exc.code == 2:
            raise usage_error(exc.message) from None
        sys.stderr.write("\n".join([f"错误：{exc.message}", *exc.details]) + "\n")
        raise typer.Exit(1) from None


def waiting(lock: Path, wait: float) -> None:
    """Said once when a command starts waiting for the ledger lock."""
    from xiangmu_cli.base.fileio import wait_message

    sys.stderr.write(wait_message(lock, wait) + "\n")
    sys.stderr.flush()


@app.command("start", cls=XmCommand)
def start(
    code: str = CodeArg,
    date: str = DateOpt,
    plan: str | None = typer.Option(
        None, "--plan", help="年度计划投资（万元，可写 1.2亿）；项目没有时必填", show_default=False
    ),
    reason: str | None = typer.Option(None, "--reason", help="未入统原因 [默认：新开工，尚未入统]", show_default=False),
    first_start: str | None = typer.Option(
        None, "--first-start", show_default=False, help="续建项目的最初开工日期（续建必填；--date 记为复工日期）"
    ),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """开工：把项目从 计划开工 移到 未入统，写上开工日期。

    保留计划开工日期、前期手续、建设性质（缺省为新建）、年度计划投资、共有字段和从招商台账转入时保留的字段。

    开工条件不再保留（有注释时连同注释改为注释行，放在开工日期上方）。各键按未入统台账的顺序排列，注释随键移动。

    示例：xm start CY-2018-010 --date 2018-09-20 --plan 5000
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.start(repo, code, date, plan=plan, reason=reason, first_start=first_start))


@app.command("enter-stats", cls=XmCommand)
def enter_stats(
    code: str = CodeArg, date: str = DateOpt, ledgers: Path | None = LedgersOpt, dry_run: bool = DryRunOpt
) -> None:
    """入统：把项目从 未入统 移到 在建，写上入统日期，保留入统时限。

    未入统原因不再保留（有注释时连同注释改为注释行，放在入统日期上方）；其余字段都保留。

    示例：xm enter-stats CY-2018-011 --date 2018-09-25
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.enter_stats(repo, code, date))


@app.command("land", cls=XmCommand)
def land(
    code: str = CodeArg,
    date: str = DateOpt,
    planned_start: str = typer.Option(..., "--planned-start", help="计划开工日期 YYYY-MM-DD", show_default=False),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """落地：把已签约的招商项目移到 计划开工，写上落地日期和计划开工日期。

    保留投资方、来源地、签约日期、计划落地日期、重点，排在计划开工台账的字段之后。

    阶段不再保留（有注释时连同注释改为注释行，放在落地日期上方）。招商台账已记有落地日期的，--date 须与之相同。

    示例：xm land CY-2018-030 --date 2018-09-20 --planned-start 2018-10-15
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.land(repo, code, date, planned_start))


@app.command("convert", cls=XmCommand)
def convert(
    code: str = CodeArg,
    date: str = DateOpt,
    planned_start: str = typer.Option(..., "--planned-start", help="计划开工日期 YYYY-MM-DD", show_default=False),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """转化：把谋划台账（项目储备库）中的项目移到 计划开工，写上转化日期和计划开工日期。

    保留谋划日期、入国家库、前期手续和共有字段（谋划日期、入国家库、转化日期排在最后）。

    谋划阶段、预计开工年度不再保留（有注释时连同注释改为注释行，放在转化日期上方）。转化日期不能早于谋划日期。

    示例：xm convert CY-MH-001 --date 2018-09-20 --planned-start 2019-04-15
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.convert(repo, code, date, planned_start))


@app.command("finish", cls=XmCommand)
def finish(
    code: str = CodeArg, date: str = DateOpt, ledgers: Path | None = LedgersOpt, dry_run: bool = DryRunOpt
) -> None:
    """竣工：给在建或未入统项目写上竣工日期。

    示例：xm finish CY-2018-001 --date 2018-11-30
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.finish(repo, code, date))


@app.command("invest", cls=XmCommand)
def invest(
    code: str = CodeArg,
    month: str = typer.Option(..., "--month", "-m", help="月份 YYYY-MM", show_default=False),
    amount: str = typer.Option(
        ..., "--amount", "-a", help="当月完成投资（万元，可写 1.2亿、5000万元）", show_default=False
    ),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """完成投资：写上某月的当月完成投资（按月份顺序插入，已有则替换），金额按所写原样记入。

    示例：xm invest CY-2018-001 --month 2018-09 --amount 1.2亿
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.invest(repo, code, month, amount))


@app.command("visit", cls=XmCommand)
def visit(
    code: str = CodeArg,
    date: str = DateOpt,
    note: str | None = typer.Option(None, "--note", help="走访内容", show_default=False),
    by: str | None = typer.Option(None, "--by", help="走访人（姓名或单位）", show_default=False),
    mode: str | None = typer.Option(None, "--mode", help="走访方式：现场、电话、座谈 或 视频", show_default=False),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """走访：在项目的 走访 列表末尾加一次走访（只有日期，或 {日期, 走访人, 方式, 内容}）。

    示例：xm visit CY-2018-001 --date 2018-09-03 --by 王芳 --mode 现场 --note 协调用地
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.visit(repo, code, date, note, by, mode))


problem_app = typer.Typer(
    cls=XmGroup,
    help="问题清单：新增问题、登记解决、提交上一级会议。\n\n"
    "示例：xm problem add CY-2018-001 --date 2018-09-03 --content 施工用电不足",
    no_args_is_help=True,
)
app.add_typer(problem_app, name="problem")


@problem_app.command("add", cls=XmCommand)
def problem_add(
    code: str = CodeArg,
    date: str = typer.Option(..., "--date", "-d", help="提出日期 YYYY-MM-DD", show_default=False),
    content: str = typer.Option(..., "--content", "-c", help="问题内容", show_default=False),
    department: str | None = typer.Option(None, "--department", help="负责解决的责任单位", show_default=False),
    deadline: str | None = typer.Option(None, "--deadline", help="解决时限 YYYY-MM-DD", show_default=False),
    kind: str | None = typer.Option(None, "--kind", help="问题分类（xiangmu.yaml 问题分类 中的）", show_default=False),
    level: str | None = typer.Option(
        None, "--level", help="协调层级：联席会议、专题会议 或 常务会议", show_default=False
    ),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """新增问题：在项目的 问题 列表末尾加一条。

    示例：xm problem add CY-2018-001 --date 2018-09-03 --content 施工用电不足 --department 供电公司 --kind 要素保障
    """
    from xiangmu_cli.write import edit

    _run(
        ledgers,
        dry_run,
        lambda repo: edit.add_problem(repo, code, date, content, department, deadline, kind, level),
    )


@problem_app.command("solve", cls=XmCommand)
def problem_solve(
    code: str = CodeArg,
    number: int = typer.Argument(
        ..., metavar="N", help="问题序号：项目 问题 列表中的第几条（从 1 起）", show_default=False
    ),
    date: str = typer.Option(..., "--date", "-d", help="解决日期 YYYY-MM-DD", show_default=False),
    how: str | None = typer.Option(None, "--how", help="解决情况", show_default=False),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """问题解决：给项目的第 N 个问题写上解决日期（和解决情况）。

    示例：xm problem solve CY-2018-001 1 --date 2018-09-20 --how 已完成增容
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.solve_problem(repo, code, number, date, how))


@problem_app.command("escalate", cls=XmCommand)
def problem_escalate(
    code: str = CodeArg,
    number: int = typer.Argument(
        ..., metavar="N", help="问题序号：项目 问题 列表中的第几条（从 1 起，见 xm show 编号）", show_default=False
    ),
    to: str | None = typer.Option(
        None, "--to", help="提交到的层级：联席会议、专题会议 或 常务会议 [默认：比现在高一级]", show_default=False
    ),
    date: str | None = typer.Option(None, "--date", "-d", help="升级日期 YYYY-MM-DD [默认：今天]", show_default=False),
    ledgers: Path | None = LedgersOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """问题升级：把项目的第 N 个问题提交到更高一级的会议（联席会议 → 专题会议 → 常务会议），
    在问题的 升级 列表末尾记下 {层级, 日期}；问题原来的 层级 不改，按日期可知各时点所在的层级。

    示例：xm problem escalate CY-2018-001 1 --to 专题会议 --date 2018-09-25
    """
    from xiangmu_cli.write import edit

    _run(ledgers, dry_run, lambda repo: edit.escalate_problem(repo, code, number, to, date))
