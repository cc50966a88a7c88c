"""The `xm` command line: a thin Typer layer over the library, one module per command.

Commands import the library inside their functions so that `xm --help` stays fast.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, NoReturn

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
    rich_utils.RANGE_STRING = "{}"
    _fold_long_lines(rich_utils)
    _chinese_types()


#: How an option's value is described in help: typer's English type names, in Chinese.
_TYPE_WORDS = {
    "<text>": "<文字>",
    "<str>": "<文字>",
    "<int>": "<整数>",
    "<int range>": "<整数>",
    "<float>": "<数>",
    "<path>": "<路径>",
    "<file>": "<文件>",
    "<directory>": "<目录>",
}


def _range_words(text: str | None) -> str | None:
    """typer's ``x>=1``, ``0<=x<=9`` as ``（≥1）``, ``（0～9）``."""
    if not text:
        return None
    both = re.fullmatch(r"(-?\d+)<=x<=(-?\d+)", text)
    if both:
        return f"（{both[1]}～{both[2]}）"
    one = re.fullmatch(r"x(>=|<=|>|<)(-?\d+)", text)
    if one:
        return f"（{_RELATIONS[one[1]]}{one[2]}）"
    return f"（{text}）"


_RELATIONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _chinese_types() -> None:
    """Option types in help as Chinese words; a flag (``--strict``) shows none: it takes no value."""
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperOption, TyperArgument):
        shown = cls.display_type_rich
        if getattr(shown, "_xm_chinese", False):
            continue

        def display(self: Any, ctx: Any, _shown: Any = shown) -> str | None:
            if getattr(self, "is_flag", False):
                return None
            label = _shown(self, ctx)
            return _TYPE_WORDS.get(label, label) if label is not None else None

        display._xm_chinese = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[method-assign]
        ranged = cls._get_number_range_help_str

        def range_help(self: Any, _ranged: Any = ranged) -> str | None:
            return _range_words(_ranged(self))

        cls._get_number_range_help_str = range_help  # type: ignore[method-assign]


def _fold_long_lines(rich_utils: Any) -> None:
    """Help text that wraps Chinese instead of cutting it with "…".

    rich wraps at spaces, and a run of Chinese has none: as one "word" wider than its column it
    was cropped (the column's overflow is "ellipsis"). Folded, it breaks between characters,
    by display width, once it reaches the edge.
    """
    make = rich_utils._make_rich_text
    if getattr(make, "_xm_folds", False):
        return

    def folding(*, text: str, style: str = "", markup_mode: Any) -> Any:
        result = make(text=text, style=style, markup_mode=markup_mode)
        if hasattr(result, "overflow"):
            result.overflow = "fold"
        return result

    folding._xm_folds = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folding


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
        r"No such option: (\S+)(?: Did you mean (.+)\?| \(Possible options: (.+)\))?",
        lambda m: f"没有选项 {m[1]}" + (f"，是否应为 {m[2] or m[3]}？" if m[2] or m[3] else ""),
    ),
    (r"No such command '(.+?)'\.?", lambda m: f"没有命令「{m[1]}」"),
    (r"Option '(.+?)' requires an argument\.?", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Missing option '(.+?)'\.?", lambda m: f"缺少选项 {m[1]}"),
    (r"Missing argument '(.+?)'\.?", lambda m: f"缺少参数 {m[1]}"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", lambda m: f"多余的参数：{m[1]}"),
    (
        r"Invalid value for (.+?)(?: \(env var: '(.+?)'\))?: (.+)",
        lambda m: (
            f"选项 {m[1]}" + (f"（环境变量 {m[2]}）" if m[2] else " ") + f"的值无效：{_chinese_usage_error(m[3])}"
        ),
    ),
    (r"(?:Value error, )?'(.*?)' is not one of (.+?)\.?", lambda m: _not_a_choice(m[1], m[2])),
    (r"(?:Value error, )?'(.*?)' is not a valid integer(?: range)?\.?", lambda m: f"「{m[1]}」不是整数"),
    (r"Input should be a valid integer.*", lambda m: "应为整数"),
    (r"Input should be a valid number.*", lambda m: "应为数字"),
    (r"Input should be greater than or equal to (\S+?)\.?", lambda m: f"应不小于 {m[1]}"),
    (r"Input should be less than or equal to (\S+?)\.?", lambda m: f"应不大于 {m[1]}"),
    (r"Input should be greater than (\S+?)\.?", lambda m: f"应大于 {m[1]}"),
    (r"Input should be less than (\S+?)\.?", lambda m: f"应小于 {m[1]}"),
]


def _not_a_choice(value: str, options: str) -> str:
    import difflib  # only for this message: not on every start-up

    choices = re.findall(r"'((?:[^']|'')*)'", options)
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.3)
    hint = f"，是否应为「{close[0]}」？" if close else ""
    return f"「{value}」不是可选的值{hint}（可选：{'、'.join(choices)}）"


def _chinese_usage_error(message: str) -> str:
    for pattern, make in _USAGE_TRANSLATIONS:
        match = re.fullmatch(pattern, message.strip(), re.S)
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
    help="重点项目建设台账工具。\n\n"
    "用 git 管理在建、未入统、计划开工、招商四本台账和谋划（项目储备库）台账：检查、统计、调度、考评。\n\n"
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
from . import remind as _remind  # noqa: E402,F401
from . import reports as _reports  # noqa: E402,F401
from . import rollover as _rollover  # noqa: E402,F401
from . import schema as _schema  # noqa: E402,F401
from . import validate as _validate  # noqa: E402,F401  (registers the commands)


def main() -> None:
    """The ``xm`` program: run the command, then leave without tearing the interpreter down."""
    from xiangmu_cli.cli import common

    common.KEEP_LOADED = True
    leave(app(standalone_mode=False))


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once the output is out, without the interpreter's teardown.

    A command's loaded repository is hundreds of thousands of objects: freeing them one by one,
    then the modules, took 0.14 s of a cold report at 20k projects (issue 15), for memory the
    system takes back at once. The exit handlers still run; only when the output cannot be
    flushed (a closed pipe) does Python exit as usual, to report it as it does.
    """
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)
