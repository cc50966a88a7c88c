"""Load a ledger repository: files → YAML → models, with every problem located.

``load(root)`` reads xiangmu.yaml and every ledger file once, validates each project on its
own (one broken project never hides the others), runs the repository checks of
:mod:`~xiangmu_cli.reading.checks`, and finally gives every problem its line and column by
composing a positional tree of only the files that have problems. It returns a
:class:`Repository`; bad data never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.base.forking import cores, forkable
from xiangmu_cli.ledger.model import (
    INEXACT,
    PROJECT_CODE_PATTERN,
    PROJECT_MODELS,
    READ_AS_NUMBER,
    Config,
    Project,
    clean_errors,
    project_model,
)
from xiangmu_cli.ledger.problems import PathElem, Problem, clip
from xiangmu_cli.ledger.units import as_text
from xiangmu_cli.ledger.vocab import CONFIG_FILE, Ledger
from xiangmu_cli.reading.files import (
    Walker,
    closest,
    is_link,
    kind_name,
    link_problem,
)
from xiangmu_cli.reading.records import LedgerFile, Record, Repository, Validation
from xiangmu_cli.reading.yamlread import PositionIndex, parse_text

if TYPE_CHECKING:
    from xiangmu_cli.reading.checks import Check

__all__ = [
    "Record",
    "LedgerFile",
    "Repository",
    "Validation",
    "load",
    "check",
    "load_config",
    "load_split",
    "Remote",
    "display_path",
]


#: A well-formed 项目代码 (ledger/model.py): only those take part in the uniqueness check.
_NATIONAL_CODE = re.compile(PROJECT_CODE_PATTERN)


def _parse_read(text: str | None, problems: list[Problem], file: str) -> tuple[Any, str | None, list[Problem], bool]:
    """(data, text, problems, usable) for one YAML file's text (None: it could not be read)."""
    if text is None:
        return None, None, problems, False
    parsed = parse_text(text, file)
    if parsed.broken:
        return None, text, parsed.problems, False
    if parsed.data is None:
        return (
            None,
            text,
            [
                Problem(
                    "E007",
                    "文件为空（或只有注释）",
                    file,
                    "台账文件至少要有 项目: []；不需要的台账文件可以删除",
                    line=1,
                    col=1,
                )
            ],
            False,
        )
    if not isinstance(parsed.data, dict):
        kind = "列表" if isinstance(parsed.data, list) else "单个值"
        return (
            None,
            text,
            [
                Problem(
                    "E008",
                    f"文件顶层是{kind}，应为映射（键: 值）",
                    file,
                    "顶层写 项目: 然后在下面列出项目（台账）或配置项（xiangmu.yaml）",
                    line=1,
                    col=1,
                )
            ],
            False,
        )
    return parsed.data, text, [], True


# --- pydantic errors → problems -------------------------------------------------------------


def _aliases(model: type[BaseModel]) -> dict[str, Any]:
    return {f.alias or name: f for name, f in model.model_fields.items()}


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _submodel(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _submodel(origin) if origin is not None and origin is not annotation else None


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    for elem in loc:
        if not isinstance(elem, str):
            continue
        f = _aliases(model).get(elem)
        if f is None:
            break
        sub = _submodel(f.annotation)
        if sub is None:
            break
        model = sub
    return model


_TYPE_MESSAGES = {
    "list_type": ("应为列表（每项以“- ”开头）", "在每一项前加“- ”"),
    "dict_type": ("应为映射（键: 值）", "检查缩进：子项要比父项多缩进两个空格"),
    "model_type": ("应为映射（键: 值）", "检查缩进：子项要比父项多缩进两个空格"),
    "model_attributes_type": ("应为映射（键: 值）", "检查缩进：子项要比父项多缩进两个空格"),
}


def _key_problem(
    key: Any, file: str, path: tuple[PathElem, ...], model: type[BaseModel], ledger: Ledger | None
) -> Problem:
    shown = key if isinstance(key, str) else as_text(key) if isinstance(key, (int, float)) else "（列表或映射作键）"
    if shown == "<<":
        return Problem("E003", "不允许使用合并键「<<」", file, "把要合并的内容直接写出来", path=path, at="key")
    allowed = list(_aliases(model))
    hint = ""
    if ledger is not None and issubclass(model, Project):
        owners = [lg.value for lg, m in PROJECT_MODELS.items() if lg is not ledger and shown in _aliases(m)]
        if owners:
            hint = f"「{shown}」只用于 {'、'.join(owners)} 台账；项目如已转入本台账，请删除或改用本台账的字段"
    if not hint:
        close = closest(shown, allowed)
        hint = f"是否应为「{close}」？" if close else "允许的键：" + "、".join(allowed)
    return Problem("E101", f"未知的键「{shown}」", file, hint, path=path, at="key")


def _path_key(key: Any) -> Any:
    """A key of a file as a problem's path element: itself, unless it is an integer that str()
    refuses (over 4300 digits), which neither locating, sorting nor JSON could then show."""
    if isinstance(key, int):
        try:
            str(key)
        except ValueError:
            return as_text(key)
    return key


def problems_from_validation(
    exc: ValidationError,
    file: str,
    base: tuple[PathElem, ...],
    model: type[BaseModel],
    ledger: Ledger | None = None,
    data: Any = None,
) -> list[Problem]:
    """One Problem per pydantic error, in the catalogue's codes and Chinese."""
    problems = []
    for err in clean_errors(exc.errors(include_url=False)):
        loc = tuple(e for e in err["loc"] if not (isinstance(e, str) and e.startswith("function-")))
        at = "value"
        if loc and loc[-1] == "[key]":
            loc, at = loc[:-1], "key"
        path = base + loc
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "extra_forbidden":
            problems.append(_key_problem(loc[-1], file, path, _model_at(model, loc[:-1]), ledger))
        elif kind == "invalid_key":  # a number or a list written as a key
            problems.append(_key_problem(err["input"], file, path, _model_at(model, loc[:-1]), ledger))
        elif kind == "missing":
            name = loc[-1]
            problems.append(Problem("E102", f"缺少必填项「{name}」", file, f"添加 {name}: …", path=path, at="item"))
        elif kind in ("E102",):
            problems.append(Problem("E102", f"「{loc[-1]}」为空", file, f"填写 {loc[-1]}", path=path))
        elif len(kind) == 4 and kind[0] in "EW" and kind[1:].isdigit():
            problems.append(
                Problem(
                    kind,
                    f"「{_label(loc)}」：{ctx.get('message', err['msg'])}",
                    file,
                    ctx.get("hint", ""),
                    path=path,
                    at=at,
                    read_as_number=bool(ctx.get(READ_AS_NUMBER)),
                )
            )
        elif kind in _TYPE_MESSAGES:
            message, hint = _TYPE_MESSAGES[kind]
            problems.append(Problem("E103", f"「{_label(loc)}」{message}", file, hint, path=path))
        else:
            problems.append(Problem("E103", f"「{_label(loc)}」类型错误：{err['msg']}", file, "", path=path))
    return problems


def _label(loc: tuple[Any, ...]) -> str:
    """The field a problem is about, by its whole path in the project: 总投资, 完成投资 2018-05,
    走访 第 2 项 的 日期 (a list item counted from 1, as a secretary counts them)."""
    label = ""
    for elem in loc:
        if isinstance(elem, int) and not isinstance(elem, bool):
            label += f" 第 {elem + 1} 项"
        elif label.endswith("项"):
            label += f" 的 {elem}"
        else:
            label += f" {elem}" if label else str(elem)
    return label or "项目"


def _validate(
    model: type[BaseModel],
    data: Any,
    file: str,
    base: tuple[PathElem, ...],
    ledger: Ledger | None,
    exact: Callable[[], Any] | None,
) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        if exact is not None and any(e["type"] == INEXACT for e in clean_errors(exc.errors())):
            return _validate(model, exact(), file, base, ledger, None)
        return None, problems_from_validation(exc, file, base, model, ledger)


# --- the repository -------------------------------------------------------------------------


class _Loader(Walker):
    def __init__(self, root: Path, progress: Callable[[int, int], None] | None) -> None:
        super().__init__(root)
        self.progress = progress
        self.files: list[LedgerFile] = []
        self.records: list[Record] = []
        self.ids: list[tuple[str, str, int]] = []
        self.national_codes: list[tuple[str, str, int]] = []
        #: xiangmu.yaml as read (its 扩展字段 extend the project models), set before ledgers load.
        self.config: Config | None = None
        self.partial: list[Record] = []
        self.items = 0
        #: The text of each file read, by file, when kept (None: not kept): :meth:`locate` then
        #: reads no file again and gives each problem its source line. A worker of a parallel
        #: validate keeps the one file it loads; a whole repository's texts are not kept.
        self.texts: dict[str, str] | None = None

    def parse(self, path: Path, file: str) -> tuple[Any, str | None, list[Problem], bool]:
        text, problems = self.read(path, file)
        if self.texts is not None and text is not None:
            self.texts[file] = text
        return _parse_read(text, problems, file)

    def load_config(self) -> tuple[Config | None, str]:
        path = self.root / CONFIG_FILE
        file = self.file_name(path)
        if is_link(path):
            self.problems.append(link_problem(path, file))
            return None, file
        if path.exists() and not path.is_file():
            self.problems.append(
                Problem(
                    "E201",
                    f"{CONFIG_FILE} 是{kind_name(path)}，不是普通文件，未读取",
                    file,
                    "把它换成普通的 YAML 文件",
                    at="file",
                )
            )
            return None, file
        if not path.is_file():
            self.problems.append(
                Problem(
                    "E201",
                    f"台账目录 {display_path(self.root)} 中没有 {CONFIG_FILE}",
                    file,
                    "在台账目录下新建 xiangmu.yaml，写明 名称、年度 和 地区（见 examples/minimal）",
                    at="file",
                )
            )
            return None, file
        data, text, problems, usable = self.parse(path, file)
        self.problems.extend(problems)
        if not usable:
            return None, file
        index = PositionIndex(text or "")
        config, problems = _validate(Config, data, file, (), None, lambda: index.exact_floats(data))
        self.problems.extend(problems)
        return config, file

    def load_each(self, todo: list[tuple[Path, str, Ledger]], indices: Iterable[int] | None = None) -> None:
        """Load the files of ``todo`` (those at ``indices``, default all), in order, one at a time
        (one parse tree held at once), with progress counted against all of ``todo``.

        Parsing the next files beside the validation, on a thread or in a forked process, was
        measured and is not done (issue 15, 20k projects, 2 cores): yaml_rs holds the GIL while it
        builds the data, so a thread only added contention (load 1.25 → 1.33 s), and a process that
        sends the data back marshalled cost more than it saved (`xm score` cold 2.5 → 2.7 s).
        """
        for done, i in enumerate(range(len(todo)) if indices is None else indices, 1):
            self.load_one(todo, i)
            if self.progress is not None:
                self.progress(done, len(todo))

    def load_one(self, todo: list[tuple[Path, str, Ledger]], i: int) -> None:
        """Load file ``i`` of ``todo``."""
        path, region, ledger = todo[i]
        self.load_ledger(path, region, ledger, self.parse(path, display_path(path)))

    def checked(self, config_file: str, checks: list[Check]) -> list[Problem]:
        """This loader's problems and those that ``checks`` (one-project checks) find in the
        records it loaded."""
        return self.problems + self.checked_since(config_file, checks, (0, 0))

    def checked_since(self, config_file: str, checks: list[Check], since: tuple[int, int]) -> list[Problem]:
        """What ``checks`` (one-project checks) find in the records and partial records loaded
        since ``since`` (how many of each there were then)."""
        from xiangmu_cli.reading.checks import run_checks

        own = Repository(
            root=self.root,
            config=self.config,
            config_file=config_file,
            files=self.files,
            records=self.records[since[0] :],
            problems=[],
            partial=self.partial[since[1] :],
        )
        return run_checks(own, checks)

    def load_ledger(
        self, path: Path, region: str, ledger: Ledger, parsed: tuple[Any, str | None, list[Problem], bool]
    ) -> None:
        file = self.file_name(path)
        data, text, problems, usable = parsed
        if not usable:
            self.problems.extend(problems)
            return
        lf = LedgerFile(path=path, file=file, region=region, ledger=ledger)
        self.files.append(lf)
        for key in data:
            if key not in ("地区", "台账", "项目"):
                problems.append(_key_problem(key, file, (_path_key(key),), _FileHeader, None))
        for key, expected in (("地区", region), ("台账", ledger.value)):
            if key in data and data[key] != expected:
                code = "E204" if key == "地区" else "E205"
                where = "所在文件夹" if key == "地区" else "文件名"
                problems.append(
                    Problem(
                        code,
                        f"{key}「{as_text(data[key])}」与{where}「{expected}」不一致",
                        file,
                        f"改为 {key}: {expected}，或把文件移到正确的位置",
                        path=(key,),
                    )
                )
        if "项目" not in data:
            problems.append(
                Problem(
                    "E102",
                    "缺少必填项「项目」",
                    file,
                    "添加 项目: 并在下面列出项目（没有项目时写 项目: []）",
                    path=(),
                    at="item",
                )
            )
        items = data.get("项目")
        if items is None:
            items = []
        if not isinstance(items, list):
            problems.append(
                Problem(
                    "E103", "「项目」应为列表（每个项目以“- ”开头）", file, "在每个项目的第一行前加“- ”", path=("项目",)
                )
            )
            items = []
        model = project_model(ledger, self.config)
        index: PositionIndex | None = None

        def exact() -> Any:
            nonlocal index
            index = index or PositionIndex(text or "")
            return index.exact_floats(data)["项目"][i]

        self.items += len(items)
        cap = limits.current().max_problems_per_file
        for i, item in enumerate(items):
            if len(problems) >= cap:
                del problems[cap:]
                problems.append(
                    _too_many_problems(file, cap, f"，其余 {len(items) - i} 个项目未检查", path=("项目", i))
                )
                break
            if isinstance(item, dict):
                written_id = item.get("编号")
                if isinstance(written_id, str):
                    self.ids.append((written_id, file, i))
                national = item.get("项目代码")
                if isinstance(national, str) and _NATIONAL_CODE.fullmatch(national.strip()):
                    self.national_codes.append((national.strip(), file, i))
            elif item is not None:
                problems.append(
                    Problem(
                        "E103",
                        "项目应为映射（编号: …、名称: … 等）",
                        file,
                        "检查缩进：项目的各个键要对齐",
                        path=("项目", i),
                    )
                )
                continue
            project, found = _validate(model, item, file, ("项目", i), ledger, exact)
            if project is not None:
                record = Record(project=project, region=region, ledger=ledger, file=file, index=i)
                lf.records.append(record)
                self.records.append(record)
            elif isinstance(item, dict):
                partial = _partial(model, item, found, i)
                if partial is not None:
                    self.partial.append(
                        Record(
                            project=partial[0], region=region, ledger=ledger, file=file, index=i, stand_ins=partial[1]
                        )
                    )
            problems.extend(found)
        self.problems.extend(problems)

    def locate(self) -> None:
        """Give every problem a line and column, composing positions once per file that needs it.

        A place a problem's message names (``Problem.related``) is located too, and the message
        made again to show it; a value read as a number gets a hint quoting it as written.
        """
        from xiangmu_cli.reading.checks import RELATED_MESSAGES

        indexes: dict[str, PositionIndex | None] = {}

        kept = self.texts

        def index_of(file: str) -> PositionIndex | None:
            if file not in indexes:
                path = self.sources.get(file)
                if kept is not None and file in kept:
                    text: str | None = kept[file]
                else:
                    text = self.read(path, file)[0] if path is not None and path.is_file() else None
                indexes[file] = PositionIndex(text) if text is not None else None
            return indexes[file]

        for problem in self.problems:
            if problem.at == "file":
                continue
            if problem.line is not None:  # placed where it was found (a syntax error)
                if kept is not None and problem.file in kept and problem.source is None:
                    index = index_of(problem.file)
                    problem.source = index.line_text(problem.line) if index is not None else None
                continue
            index = index_of(problem.file)
            if index is None:
                continue
            problem.line, problem.col = index.node(problem.path, problem.at)
            if kept is not None:
                problem.source = index.line_text(problem.line)
            related = problem.related
            if related is not None and related.line is None:
                related_index = index_of(related.file)
                if related_index is not None:
                    line, col = related_index.node(related.path)
                    problem.related = replace(related, line=line, col=col)
                    problem.message = clip(RELATED_MESSAGES[problem.code](problem, problem.related))
            if problem.read_as_number and problem.path and isinstance(problem.path[-1], str):
                source = index.scalar_source(problem.path)
                if source is not None:
                    key = problem.path[-1]
                    problem.hint = f'给{key}加引号：{key}: "{source}"'


#: Stand-ins for identity fields that failed validation, so the other checks can still run on
#: the rest of the project. No check reasons about these two values, and none is ever shown: a
#: problem names a partial project by ``Record.code``, None in place of a stand-in 编号.
_IDENTITY_STANDINS: dict[str, Callable[[int], str]] = {
    "编号": lambda i: f"item-{i + 1}",
    "名称": lambda i: "（名称有误）",
}


def _partial(
    model: type[Project], item: dict[str, Any], problems: list[Problem], index: int
) -> tuple[Project, frozenset[str]] | None:
    """The project without its invalid fields, when only optional or identity fields were wrong,
    and the keys given stand-ins.

    Lets the repository checks report a project's other problems in the same run. Partial
    projects are checked but never counted in any figure.
    """
    bad = {p.path[2] for p in problems if len(p.path) > 2 and p.path[:2] == ("项目", index) and p.at != "item"}
    if not bad or any(isinstance(k, str) and p.code == "E102" for p in problems for k in p.path[2:3]):
        return None
    reduced = {k: v for k, v in item.items() if k not in bad}
    stand_ins = frozenset(key for key in _IDENTITY_STANDINS if key in bad)
    for key in stand_ins:
        reduced[key] = _IDENTITY_STANDINS[key](index)
    try:
        return model.model_validate(reduced), stand_ins
    except ValidationError:
        return None


class _FileHeader(BaseModel):
    """Only for suggestions on a ledger file's top-level keys."""

    model_config = {"extra": "forbid"}
    地区: str | None = None
    台账: str | None = None
    项目: list[Any] = []


def load(
    root: Path, progress: Callable[[int, int], None] | None = None, locate: bool = True, warnings: bool = True
) -> Repository:
    """Load the ledger repository at ``root`` (the folder holding xiangmu.yaml).

    ``locate=False`` leaves problems without line and column (and in file order only): for
    commands that only count them, such as the reports, which then never compose a positional
    tree of a file with warnings (most of a cold load on real ledgers, issue 15).
    ``warnings=False`` skips the checks that can only warn (checks.WARNING_CHECKS): for commands
    that count errors only (a warning never keeps a project out of a figure); every error is
    still found.
    """
    return _load(root, progress, locate, warnings)


def load_config(root: Path) -> tuple[Config | None, list[Problem]]:
    """xiangmu.yaml of the ledgers at ``root`` alone (None when it is missing or invalid), and its
    problems (not located): for commands that need the configuration but no ledger, such as
    ``xm schema`` (its 扩展字段)."""
    loader = _Loader(root, None)
    config, _file = loader.load_config()
    return config, loader.problems


#: Below this much YAML a cold check is quicker in one process than in several. Measured on 2
#: cores (median of 7): the demo (418 projects, 53 files, 0.33 MB) 0.059 s in one process against
#: 0.084 s forked; 1,000 generated projects (9 files, 0.74 MB) 0.123 s against 0.098 s.
PARALLEL_MIN_BYTES = 512 * 2**10


def check(
    root: Path, progress: Callable[[int, int], None] | None = None, jobs: int = 0, min_bytes: int | None = None
) -> Validation:
    """The problems of the repository at ``root``, exactly those of :func:`load`.

    The ledger files are independent until the repository checks, so on a machine with more
    than one core a large repository is checked by ``jobs`` forked worker processes (0: one per
    core), each loading whole files and running the one-project checks (checks.RECORD_CHECKS)
    on them; this process then runs the repository-wide checks on every 编号 the workers saw.
    Only problems cross between processes, never projects (pickling 20,000 models costs more
    than validating them). The result is the same, problem for problem, in the same order.
    """
    jobs = jobs or cores()
    min_bytes = PARALLEL_MIN_BYTES if min_bytes is None else min_bytes
    loader = _Loader(root, progress)
    config, config_file = loader.load_config()
    todo = loader.walk(config)
    sizes = _sizes(todo)
    if jobs > 1 and len(todo) > 1 and forkable() and sum(sizes) >= min_bytes:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _check_parallel(loader, config, config_file, todo, sizes, min(jobs, len(todo)))
        except BrokenProcessPool:  # a worker died (killed, out of memory): do it here instead
            pass  # the workers changed nothing in this process
    repo = _load_files(loader, config, config_file, todo)
    return Validation(repo.problems, repo.files_read, repo.items_read, repo.fingerprint)


def _begin(
    root: Path, progress: Callable[[int, int], None] | None, warnings: bool
) -> tuple[_Loader, Config | None, str, list[Check], list[tuple[Path, str, Ledger]]]:
    """A load's first steps: its loader, xiangmu.yaml (and its file name), the checks to run and
    the files to read."""
    from xiangmu_cli.reading.checks import CHECKS, ERROR_CHECKS

    loader = _Loader(root, progress)
    config, config_file = loader.load_config()
    return loader, config, config_file, CHECKS if warnings else ERROR_CHECKS, loader.walk(config)


def _load(
    root: Path, progress: Callable[[int, int], None] | None, locate: bool = True, warnings: bool = True
) -> Repository:
    loader, config, config_file, checks, todo = _begin(root, progress, warnings)
    if not locate and _shareable(todo):
        try:
            with _sharing(root, config, config_file, todo) as (pool, claims):
                return _load_shared(loader, config, config_file, todo, checks, pool, claims)
        except Exception:  # noqa: BLE001 - the worker died or could not answer: all of it here instead
            loader, config, config_file, checks, todo = _begin(root, progress, warnings)
    return _load_files(loader, config, config_file, todo, checks, locate=locate)


@contextmanager
def _sharing(
    root: Path, config: Config | None, config_file: str, todo: list[tuple[Path, str, Ledger]]
) -> Iterator[tuple[Any, _Claims]]:
    """A forked worker for a shared load of ``todo`` (:func:`_load_shared`) and the claims on its
    files, until the block ends."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    claims = _Claims(context.RawArray("b", len(todo)), context.Lock())
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=_init_share_worker, initargs=(root, config, config_file, todo, claims)
    ) as pool:
        try:
            yield pool, claims
        finally:
            pool.shutdown(cancel_futures=True)


class Remote:
    """The worker of a split load (:func:`load_split`), holding the projects it loaded: a function
    of its records runs there (:meth:`call`), and only its result comes back."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def call(self, compute: Callable[..., Any], *args: Any) -> Any:
        """A future of ``compute(records, *args)`` over the worker's records, in file order;
        ``compute`` and its arguments are pickled (a module-level function)."""
        return self._pool.submit(_call_kept, compute, *args)


@contextmanager
def load_split(
    root: Path, progress: Callable[[int, int], None] | None = None, warnings: bool = True
) -> Iterator[tuple[Repository, Remote | None]]:
    """As :func:`load` without locating, for a computation that takes its records in two parts:
    on a large repository a forked worker loads some files and *keeps* their projects (nothing is
    pickled back but problems, 编号s and the like), and the repository's ``records`` are this
    process's only; the worker's are reached through the :class:`Remote` until the block ends.
    Else (a small repository, one core, no fork, a worker that died) the whole load, and None.

    ``repo.files`` lists every file (the worker's without their records), so that file order is
    known on both sides. Only a caller that combines both parts may use this.
    """
    loader, config, config_file, checks, todo = _begin(root, progress, warnings)
    if _shareable(todo):
        with ExitStack() as kept:
            pool, claims = kept.enter_context(_sharing(root, config, config_file, todo))
            try:
                repo = _load_shared(loader, config, config_file, todo, checks, pool, claims, keep=True)
            except Exception:  # noqa: BLE001 - the worker died or could not answer: all of it here instead
                kept.close()
                loader, config, config_file, checks, todo = _begin(root, progress, warnings)
            else:
                yield repo, Remote(pool)
                return
    yield _load_files(loader, config, config_file, todo, checks, locate=False), None


def _shareable(todo: list[tuple[Path, str, Ledger]]) -> bool:
    """Whether a load without locating is shared with a forked worker: a large repository, on more
    than one core, where workers are forked."""
    return len(todo) > 1 and cores() > 1 and forkable() and sum(_sizes(todo)) >= PARALLEL_MIN_BYTES


def _load_shared(
    loader: _Loader,
    config: Config | None,
    config_file: str,
    todo: list[tuple[Path, str, Ledger]],
    checks: list[Check],
    pool: Any,
    claims: _Claims,
    keep: bool = False,
) -> Repository:
    """As :func:`_load_files` without locating, with a forked worker loading some of the files
    (issue 15: a cold report on both cores).

    Each file is a task of the worker's, largest first; this process takes files from the other
    end, smallest first, until the two meet: each side claims a file (a flag in shared memory)
    before it loads it, and skips a file the other has claimed. So the split follows what each
    side really costs, and a busy core does not hold the load up: the worker parses, validates
    and checks a file and pickles its records (unless it ``keep``s them: :func:`load_split`), this
    process unpickles them (measured at 20k projects: loading 1.25 s, pickling 0.86 s, unpickling
    0.33 s), and the worker's results come back file by file while both still load. This process
    then runs the repository-wide checks on everything. Records, 编号s and problems come out in
    the order of one process (tests/test_parallel.py holds it to :func:`_load_files`).
    ``pool`` and ``claims``: the worker and its claims (:func:`_sharing`).
    """
    from xiangmu_cli.reading.checks import RECORD_CHECKS, run_checks

    record_checks = [c for c in checks if c in RECORD_CHECKS]
    repository_checks = [c for c in checks if c not in RECORD_CHECKS]
    sizes = _sizes(todo)
    largest_first = sorted(range(len(todo)), key=lambda i: (-sizes[i], i))
    loader.config = config
    tasks = [pool.submit(_load_share, i, record_checks, keep) for i in largest_first]
    found: list[Problem] = []
    for i in reversed(largest_first):
        if not claims.claim(i):  # the worker has it, and every larger file
            break
        since = len(loader.records), len(loader.partial)
        loader.load_one(todo, i)
        # checked file by file, as the worker does, so that the claims weigh the checks too
        found += loader.checked_since(config_file, record_checks, since)
        if loader.progress is not None:
            loader.progress(claims.count(), len(todo))
    shares = [share for task in tasks if (share := task.result()) is not None]
    problems = loader.problems + found
    if loader.progress is not None:
        loader.progress(len(todo), len(todo))
    rank = {display_path(path): i for i, (path, _region, _ledger) in enumerate(todo)}
    files, partial, ids, codes = list(loader.files), list(loader.partial), list(loader.ids), list(loader.national_codes)
    items = loader.items
    for share_files, share_partial, share_problems, share_ids, share_codes, share_items, digests, torn in shares:
        files += share_files
        partial += share_partial
        problems += share_problems
        ids += share_ids
        codes += share_codes
        items += share_items
        for file, digest in digests.items():
            loader.note_digest(file, digest)
        loader.torn |= torn
    files.sort(key=lambda lf: rank[lf.file])
    repo = Repository(
        root=loader.root,
        config=config,
        config_file=config_file,
        files=files,
        records=[r for lf in files for r in lf.records],
        problems=problems,
        ids=sorted(ids, key=lambda e: (rank[e[1]], e[2])),
        national_codes=sorted(codes, key=lambda e: (rank[e[1]], e[2])),
        partial=sorted(partial, key=lambda r: (rank[r.file], r.index)),
        files_read=len(todo) + (config_file in loader.sources),
        items_read=items,
    )
    repo.problems.extend(run_checks(repo, repository_checks))
    repo.problems = cap_problems(repo.problems, _problem_order(list(loader.sources)))
    repo.fingerprint = loader.fingerprint()
    return repo


#: A worker's share of a load: ledger files (with their records), partial records, problems,
#: 编号s, 项目代码s, items read, digests of what it read, torn.
_Share = tuple[
    list[LedgerFile],
    list[Record],
    list[Problem],
    list[tuple[str, str, int]],
    list[tuple[str, str, int]],
    int,
    dict[str, str],
    bool,
]


@dataclass(frozen=True)
class _Claims:
    """Which files of a shared load are taken (:func:`_load_shared`): a flag per file in memory
    shared with the worker, set under a lock by the side that loads it."""

    flags: Any  # multiprocessing.RawArray of bytes
    lock: Any  # multiprocessing.Lock

    def claim(self, i: int) -> bool:
        """Take file ``i``: False when the other side took it first."""
        with self.lock:
            if self.flags[i]:
                return False
            self.flags[i] = 1
            return True

    def count(self) -> int:
        return sum(self.flags)


#: In a share worker only (:func:`_init_share_worker`): root, config, config file, files, claims.
_SHARE: tuple[Path, Config | None, str, list[tuple[Path, str, Ledger]], _Claims] | None = None


#: In a share worker with ``keep`` (:func:`load_split`): the records of each file it loaded, by
#: the file's index in the walk.
_KEPT: dict[int, list[Record]] = {}


def _call_kept(compute: Callable[..., Any], *args: Any) -> Any:
    """In a share worker: ``compute`` over the records it kept, in file order."""
    return compute([r for i in sorted(_KEPT) for r in _KEPT[i]], *args)


def _init_share_worker(
    root: Path, config: Config | None, config_file: str, todo: list[tuple[Path, str, Ledger]], claims: _Claims
) -> None:
    global _SHARE
    _SHARE = (root, config, config_file, todo, claims)


def _load_share(i: int, record_checks: list[Check], keep: bool = False) -> _Share | None:
    """In a worker of :func:`_load_shared`: load file ``i`` and run the one-project checks on it;
    None when this process took the file first. With ``keep`` the file's records stay here (for
    :class:`Remote`) and go back without them."""
    assert _SHARE is not None, "called outside a share worker"
    root, config, config_file, todo, claims = _SHARE
    if not claims.claim(i):
        return None
    loader = _Loader(root, None)
    loader.config = config
    loader.load_one(todo, i)
    if keep:
        _KEPT[i] = loader.records
        loader.files = [replace(lf, records=[]) for lf in loader.files]
    problems = loader.checked(config_file, record_checks)
    return (
        loader.files,
        loader.partial,
        problems,
        loader.ids,
        loader.national_codes,
        loader.items,
        loader.digests,
        loader.torn,
    )


def _load_files(
    loader: _Loader,
    config: Config | None,
    config_file: str,
    todo: list[tuple[Path, str, Ledger]],
    checks: list[Check] | None = None,
    locate: bool = True,
) -> Repository:
    """Load ``todo`` and run ``checks`` (default: all of them) on it, every problem located
    (unless ``locate`` is False)."""
    from xiangmu_cli.reading.checks import CHECKS, run_checks

    loader.config = config
    loader.load_each(todo)
    repo = Repository(
        root=loader.root,
        config=config,
        config_file=config_file,
        files=loader.files,
        records=loader.records,
        problems=loader.problems,
        ids=loader.ids,
        national_codes=loader.national_codes,
        partial=loader.partial,
        files_read=len(todo) + (config_file in loader.sources),
        items_read=loader.items,
    )
    repo.problems.extend(run_checks(repo, CHECKS if checks is None else checks))
    if locate:
        loader.locate()
    repo.problems = cap_problems(repo.problems, _problem_order(list(loader.sources)))
    repo.fingerprint = loader.fingerprint()
    return repo


def _sizes(todo: list[tuple[Path, str, Ledger]]) -> list[int]:
    sizes = []
    for path, _region, _ledger in todo:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # reading it will say what is wrong
    return sizes


#: What a forked worker inherits: (loader, config, config file, files to read).
#: In a worker process only: what it checks files of (root, config, config file, files to read),
#: set by the pool's initializer (:func:`_init_worker`), never by the parent.
_WORKER: tuple[Path, Config | None, str, list[tuple[Path, str, Ledger]]] | None = None


def _init_worker(root: Path, config: Config | None, config_file: str, todo: list[tuple[Path, str, Ledger]]) -> None:
    global _WORKER
    _WORKER = (root, config, config_file, todo)


def _check_parallel(
    loader: _Loader,
    config: Config | None,
    config_file: str,
    todo: list[tuple[Path, str, Ledger]],
    sizes: list[int],
    jobs: int,
) -> Validation:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from xiangmu_cli.reading.checks import REPOSITORY_CHECKS, run_checks

    # Largest files first, so that no worker is left with a big one at the end.
    order = sorted(range(len(todo)), key=lambda i: -sizes[i])
    found: list[_FileResult | None] = [None] * len(todo)
    # Forked workers receive their state through the initializer's arguments (inherited, not pickled).
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(loader.root, config, config_file, todo),
    ) as pool:
        futures = {pool.submit(_check_file, i): i for i in order}
        for done, future in enumerate(as_completed(futures), 1):
            found[futures[future]] = future.result()
            if loader.progress is not None:
                loader.progress(done, len(todo))
    problems, ids, codes, items = [], [], [], 0
    for result in found:
        assert result is not None
        problems += result[0]
        ids += result[1]
        items += result[2]
        for file, digest in result[3].items():
            loader.note_digest(file, digest)
        loader.torn |= result[4]
        codes += result[5]
    repo = Repository(
        root=loader.root,
        config=config,
        config_file=config_file,
        files=[],
        records=[],
        problems=loader.problems,
        ids=ids,
        national_codes=codes,
    )
    loader.problems.extend(run_checks(repo, REPOSITORY_CHECKS))
    loader.locate()
    problems += loader.problems
    problems = cap_problems(problems, _problem_order(list(loader.sources)))
    return Validation(problems, len(todo) + (config_file in loader.sources), items, loader.fingerprint())


#: A worker's answer for one file: problems, 编号s, items read, digests of what it read, torn,
#: 项目代码s.
_FileResult = tuple[list[Problem], list[tuple[str, str, int]], int, dict[str, str], bool, list[tuple[str, str, int]]]


def _check_file(i: int) -> _FileResult:
    """In a worker: load one ledger file and run the one-project checks on it."""
    from xiangmu_cli.reading.checks import RECORD_CHECKS

    assert _WORKER is not None, "called outside a worker of _check_parallel"
    root, config, config_file, todo = _WORKER
    loader = _Loader(root, None)
    loader.texts = {}  # one file's: located here, its problems carry their source lines
    repo = _load_files(loader, config, config_file, [todo[i]], RECORD_CHECKS)
    return repo.problems, repo.ids, repo.items_read, loader.digests, loader.torn, repo.national_codes


def _too_many_problems(file: str, shown: int, rest: str, path: tuple[PathElem, ...] = ()) -> Problem:
    """E010; with a ``path`` (the first item not checked) it is located there, else at the file's start."""
    return Problem(
        "E010",
        f"问题过多：已列出 {shown} 个{rest}",
        file,
        "先改正上面列出的问题（常见原因：缩进错误、整段粘贴错位），再运行 xm validate",
        path=path,
        at="item",
        line=None if path else 1,
        col=None if path else 1,
    )


def cap_problems(problems: list[Problem], order: Callable[[Problem], Any]) -> list[Problem]:
    """``problems`` sorted, at most the per-file and total limits of them, each cut saying how many more.

    Errors are kept before warnings when a file is cut, so a cut never turns a failing
    repository into a passing one.
    """
    lim = limits.current()
    problems.sort(key=order)
    if len(problems) <= lim.max_problems_per_file and len(problems) <= lim.max_problems:
        return problems
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    kept: list[Problem] = []
    for file, found in by_file.items():  # files in order; each cut ends its file's problems
        stopped = [p for p in found if p.code == "E010"]  # the loader's own: it stopped reading items
        found = [p for p in found if p.code != "E010"]
        if len(found) > lim.max_problems_per_file:
            found.sort(key=lambda p: not p.is_error)  # stable: in order within errors and warnings
            more = len(found) - lim.max_problems_per_file
            kept += sorted(found[: lim.max_problems_per_file] + stopped, key=order)
            kept.append(_too_many_problems(file, lim.max_problems_per_file, f"，另有 {more} 个未列出"))
        else:
            kept += sorted(found + stopped, key=order)
    if len(kept) > lim.max_problems:
        more = len(kept) - lim.max_problems
        rank = {id(p): n for n, p in enumerate(kept)}
        kept = sorted(sorted(kept, key=lambda p: not p.is_error)[: lim.max_problems], key=lambda p: rank[id(p)])
        kept.append(_too_many_problems(kept[-1].file, lim.max_problems, f"（全部文件），另有 {more} 个未列出"))
    return kept


def _problem_order(files: list[str]) -> Callable[[Problem], tuple[Any, ...]]:
    """Files in the order they were walked (xiangmu.yaml, then regions as listed), then position."""
    rank = {name: n for n, name in enumerate(files)}
    # Everything shown breaks ties, so the order never depends on which check or process found what.
    return lambda p: (
        rank.get(p.file, len(rank)),
        p.file,
        p.line or 0,
        p.col or 0,
        p.code,
        p.message,
        p.hint,
        repr(p.path),
        p.at,
        p.project or "",
    )
