"""The `xm` command line: a thin Typer layer over the library, one module per command.

Commands import the library inside their functions so that `xm --help` stays fast.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__


def _chinese_typer_words() -> None:
    """Typer's own words in help, in Chinese. Its rich formatting is imported only for help."""
    rich_utils: Any = rich_help()  # a module whose settings are assigned, not declared
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已中止。"
    rich_utils.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"


#: Modules that typer.rich_utils imports at its top for one class each, and uses only for what xm
#: never asks of it: Markdown for rich_markup_mode="markdown" (xm's is "rich"), Traceback for
#: typer's pretty exceptions (XmGroup.main catches every exception). Importing them (markdown_it,
#: pygments) is ~0.1 s, a third of `xm --help`.
_HELP_UNUSED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


class _Deferred(type):
    """A stand-in class that imports the real one when it is first used in any way."""

    _module: str

    def _real(cls) -> Any:
        import importlib

        return getattr(importlib.import_module(cls._module), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls._real(), name)


def rich_help() -> ModuleType:
    """typer.rich_utils, imported without the modules of ``_HELP_UNUSED``.

    While it is imported those modules are stand-ins holding a deferred class each; they are
    taken out of sys.modules right after, so any other import of them gets rich's own, and a
    deferred class, if typer ever used one, would import the real class and hand over to it.
    """
    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    stand_ins = {}
    for module, cls in _HELP_UNUSED.items():
        if module not in sys.modules:
            stand_ins[module] = ModuleType(module)
            setattr(stand_ins[module], cls, _Deferred(cls, (), {"_module": module}))
    sys.modules.update(stand_ins)
    try:
        from typer import rich_utils
    finally:
        for module, stand_in in stand_ins.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]
    return rich_utils


_USAGE_TRANSLATIONS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (
        r"No such option: (\S+)(?: Did you mean (.+)\?)?",
        lambda m: f"没有选项 {m[1]}" + (f"，是否应为 {m[2]}？" if m[2] else ""),
    ),
    (r"No such command '(.+?)'\.?", lambda m: f"没有命令「{m[1]}」"),
    (r"Option '(.+?)' requires an argument\.?", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Missing option '(.+?)'\.?", lambda m: f"缺少选项 {m[1]}"),
    (r"Missing argument '(.+?)'\.?", lambda m: f"缺少参数 {m[1]}"),
    (r"Got unexpected extra arguments? \((.+)\)", lambda m: f"多余的参数：{m[1]}"),
    (r"Invalid value for (.+?): (.+)", lambda m: f"选项 {m[1]} 的值无效：{m[2]}"),
]


def _chinese_usage_error(message: str) -> str:
    for pattern, make in _USAGE_TRANSLATIONS:
        match = re.match(pattern, message, re.S)
        if match:
            return make(match)
    return message


def _format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix="用法：")


def _format_help(base: Any) -> Any:
    def format_help(self: Any, ctx: Any, formatter: Any) -> None:
        _chinese_typer_words()
        base.format_help(self, ctx, formatter)

    return format_help


class XmCommand(TyperCommand):
    """Every `xm` subcommand: Chinese usage line and help."""

    format_usage = _format_usage
    format_help = _format_help(TyperCommand)


class XmGroup(TyperGroup):
    """The `xm` group: Chinese usage errors (exit 2) and no traceback, whatever happens."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click import exceptions as click_exc

        self._chinese_help_options()
        try:
            result = super().main(
                args=args,
                prog_name=prog_name or "xm",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click_exc.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "xm"
            sys.stderr.write(
                f"用法错误：{_chinese_usage_error(exc.format_message())}\n运行 '{command} --help' 查看用法。\n"
            )
            code = 2
        except click_exc.ClickException as exc:
            sys.stderr.write(f"错误：{exc.format_message()}\n")
            code = exc.exit_code
        except KeyboardInterrupt:
            sys.stderr.write("已中止。\n")
            code = 130
        except Exception as exc:  # noqa: BLE001 - the last-resort handler: never a traceback for a user
            sys.stderr.write(
                f"xm 内部错误：{type(exc).__name__}: {exc}\n这是 xm 的缺陷，请连同所用命令报告给维护者。\n"
            )
            code = 1
        else:
            code = result if isinstance(result, int) else 0
        finally:
            gc.unfreeze()  # what a command froze (common.load_repository) goes back to the collector
        if not standalone_mode:
            return code
        sys.exit(code)

    format_usage = _format_usage
    format_help = _format_help(TyperGroup)

    def _chinese_help_options(self) -> None:
        from typer._click import Context

        todo: list[Any] = [self]
        while todo:
            command = todo.pop()
            option = command.get_help_option(Context(command))
            if option is not None:
                option.help = "显示本帮助并退出"
            todo.extend(getattr(command, "commands", {}).values())


app = typer.Typer(
    cls=XmGroup,
    name="xm",
    help="重点项目建设台账工具。\n\n用 git 管理在建、未入统、计划开工、招商四本台账：检查、统计、调度、考评。\n\n"
    "示例：xm validate",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本并退出"),
) -> None:
    """重点项目建设台账工具。"""


# Registration order is the order of `xm --help`.
from . import edit as _edit  # noqa: E402,F401
from . import fmt as _fmt  # noqa: E402,F401
from . import history as _history  # noqa: E402,F401
from . import info as _info  # noqa: E402,F401
from . import interop as _interop  # noqa: E402,F401
from . import pages as _pages  # noqa: E402,F401
from . import reports as _reports  # noqa: E402,F401
from . import schema as _schema  # noqa: E402,F401
from . import validate as _validate  # noqa: E402,F401  (registers the commands)


def main() -> None:
    app()
