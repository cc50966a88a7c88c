"""Repository checks: rules that need other fields, other files or xiangmu.yaml.

Every check has the same signature, ``check_x(repo) -> list[Problem]``, and the checks are
lists: adding a check is adding a function to ``RECORD_CHECKS`` when it looks at one project
at a time, else to ``REPOSITORY_CHECKS``. Checks never raise. They see the projects that passed
the model's shape and type validation and the partial ones (``Repository.checkable``): those
whose invalid fields were optional or identity fields, dropped or replaced by stand-ins; a
problem names its project by ``Record.code``, which is None for a stand-in 编号.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING

from xiangmu_cli.ledger.model import (
    ISSUE_LEVELS,
    MAX_EXTENSION_OPTIONS,
    MAX_EXTENSIONS,
    RESERVED_KEYS,
    InvestmentProject,
    StartedProject,
)
from xiangmu_cli.ledger.problems import Place, Problem, suggest
from xiangmu_cli.ledger.units import format_amount, month_key
from xiangmu_cli.ledger.vocab import CITY, EVALUATION_KEYS, GROWTH_KEYS, TARGET_KEYS, Ledger

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "CHECKS",
    "ERROR_CHECKS",
    "WARNING_CHECKS",
    "RECORD_CHECKS",
    "REPOSITORY_CHECKS",
    "RELATED_MESSAGES",
    "run_checks",
]


def _close(word: str, options: list[str]) -> str:
    found = suggest(word, options)
    return f"是否应为「{found[0]}」？" if found else ""


def _wan(amount: Decimal) -> str:
    return f"{format_amount(amount)} 万元"


def _duplicate_message(code: str | None, first: Place) -> str:
    return f"编号「{code}」重复：已在 {first} 使用"


def _repeated(
    entries: list[tuple[str, str, int]],
    key: str,
    code: str,
    message: Callable[[str, Place], str],
    hint: str,
    named: bool,
) -> list[Problem]:
    """``code`` at every repeat of a value of ``key`` (entries: value, file, project index), naming
    where it was first used; the value is the problem's project when ``named``."""
    # Counted in C first: at 20k projects grouping every value took 25 ms, for the few repeated.
    repeated = {value for value, count in Counter(map(itemgetter(0), entries)).items() if count > 1}
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for value, file, index in entries:
        if value in repeated:
            where[value].append((file, index))
    problems = []
    for value, places in where.items():
        first = Place(places[0][0], ("项目", places[0][1], key))
        for file, index in places[1:]:
            problems.append(
                Problem(
                    code,
                    message(value, first),
                    file,
                    hint,
                    path=("项目", index, key),
                    project=value if named else None,
                    related=first,
                )
            )
    return problems


def check_unique_ids(repo: Repository) -> list[Problem]:
    """编号 is unique across the whole repository (including projects that are otherwise invalid)."""
    hint = "一个项目只能在一本台账中出现一次；若是不同项目，请换一个编号"
    return _repeated(repo.ids, "编号", "E206", _duplicate_message, hint, named=True)


def _national_duplicate_message(code: str, first: Place) -> str:
    return f"项目代码「{code}」重复：已在 {first} 使用"


def check_unique_national_codes(repo: Repository) -> list[Problem]:
    """项目代码 (the national platform's code) is unique across the whole repository, as 编号 is."""
    hint = "一个项目代码只对应一个项目：核对代码是否抄错；同一项目不要在台账中登记两次"
    return _repeated(repo.national_codes, "项目代码", "E212", _national_duplicate_message, hint, named=False)


#: How the message of a problem that names another place (``Problem.related``) is made, by
#: code: the loader makes it again once it has located that place, to show its line and column.
RELATED_MESSAGES: dict[str, Callable[[Problem, Place], str]] = {
    "E206": lambda problem, first: _duplicate_message(problem.project, first),
    # the code is the first 「…」 of the message (digits and hyphens only: nothing to escape)
    "E212": lambda problem, first: _national_duplicate_message(problem.message.split("「")[1].split("」")[0], first),
}


def check_config_references(repo: Repository) -> list[Problem]:
    """Regions listed once; 目标 and 考评 name known regions and metrics; leaders' regions exist."""
    config = repo.config
    if config is None:
        return []
    file = repo.config_file
    problems = []
    names = config.region_names
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            problems.append(
                Problem("E210", f"地区「{name}」重复登记", file, "每个地区只登记一次", path=("地区", i, "名称"))
            )
        seen.add(name)
    for region, targets in config.targets.items():
        if region != CITY and region not in seen:
            hint = _close(region, names) or f"目标按 {CITY} 或 地区 中的名称设定"
            problems.append(
                Problem(
                    "E209", f"目标中的地区「{region}」未在 地区 中登记", file, hint, path=("目标", region), at="key"
                )
            )
        for key in targets:
            if key not in TARGET_KEYS:
                hint = _close(key, list(TARGET_KEYS)) or "目标的键为 年度投资 或 metrics.md 中的指标名"
                problems.append(
                    Problem("E209", f"目标「{key}」不是已知的指标", file, hint, path=("目标", region, key), at="key")
                )
    if config.evaluation is not None:
        for key in config.evaluation.weights:
            if key in GROWTH_KEYS:  # a growth may be negative: no ratio to a target to score
                problems.append(
                    Problem(
                        "E209",
                        f"考评指标「{key}」是同比增长，不能用于考评",
                        file,
                        "同比增长可为负数，无法按 实际 ÷ 目标 计分；把它写在 目标 中，用 xm targets 查看是否完成",
                        path=("考评", "指标", key),
                        at="key",
                    )
                )
            elif key not in EVALUATION_KEYS:
                hint = _close(key, list(EVALUATION_KEYS)) or "考评指标为 年度投资 或 metrics.md 中的指标名"
                problems.append(
                    Problem(
                        "E209", f"考评指标「{key}」不是已知的指标", file, hint, path=("考评", "指标", key), at="key"
                    )
                )
    for i, leader in enumerate(config.leaders):
        for j, region in enumerate(leader.regions):
            if region not in seen:
                hint = _close(region, names) or "包保地区须为 地区 中登记的名称"
                problems.append(
                    Problem(
                        "E209",
                        f"领导「{leader.name}」的包保地区「{region}」未在 地区 中登记",
                        file,
                        hint,
                        path=("领导", i, "包保地区", j),
                    )
                )
    return problems


def check_vocabulary(repo: Repository) -> list[Problem]:
    """包保领导 is a listed leader; 类别, 级别 and a problem's 分类 are in their vocabularies when set."""
    config = repo.config
    if config is None:
        return []
    leaders = [leader.name for leader in config.leaders]
    categories = config.categories
    problems = []
    for rec in repo.checkable:
        p = rec.project
        problems += _grade_and_issue_kinds(rec, config.grades, config.issue_kinds)
        if p.leader is not None and p.leader not in leaders:
            hint = _close(p.leader, leaders) or "在 xiangmu.yaml 的 领导 中登记该领导，或改正姓名"
            problems.append(
                Problem(
                    "E207",
                    f"包保领导「{p.leader}」未在 xiangmu.yaml 领导 中登记",
                    rec.file,
                    hint,
                    path=(*rec.path, "包保领导"),
                    project=rec.code,
                )
            )
        if categories is not None and p.category is not None and p.category not in categories:
            hint = _close(p.category, categories) or "类别应为：" + "、".join(categories)
            problems.append(
                Problem(
                    "E208",
                    f"类别「{p.category}」不在 xiangmu.yaml 类别 中",
                    rec.file,
                    hint,
                    path=(*rec.path, "类别"),
                    project=rec.code,
                )
            )
    return problems


def _grade_and_issue_kinds(rec: Record, grades: list[str] | None, kinds: list[str] | None) -> list[Problem]:
    """E213 for a 级别 outside xiangmu.yaml 级别, E214 for a problem's 分类 outside 问题分类 (issue 16)."""
    p = rec.project
    problems = []
    if grades is not None and p.grade is not None and p.grade not in grades:
        problems.append(
            Problem(
                "E213",
                f"级别「{p.grade}」不在 xiangmu.yaml 级别 中",
                rec.file,
                _close(p.grade, grades) or "级别应为：" + "、".join(grades),
                path=(*rec.path, "级别"),
                project=rec.code,
            )
        )
    if kinds is not None:
        for i, issue in enumerate(p.issues):
            if issue.kind is not None and issue.kind not in kinds:
                problems.append(
                    Problem(
                        "E214",
                        f"问题分类「{issue.kind}」不在 xiangmu.yaml 问题分类 中",
                        rec.file,
                        _close(issue.kind, kinds) or "分类应为：" + "、".join(kinds),
                        path=(*rec.path, "问题", i, "分类"),
                        project=rec.code,
                    )
                )
    return problems


def check_extensions(repo: Repository) -> list[Problem]:
    """xiangmu.yaml: 扩展字段 names are new keys, each declared once, a 选项 field has 选项 (and
    only it); 产业类别 lie in 类别 (issue 16)."""
    config = repo.config
    if config is None:
        return []
    file = repo.config_file
    problems = []
    seen: set[str] = set()
    if len(config.extensions) > MAX_EXTENSIONS:
        problems.append(
            Problem(
                "E215",
                f"扩展字段有 {len(config.extensions)} 个，超过上限 {MAX_EXTENSIONS} 个；"
                f"第 {MAX_EXTENSIONS} 个以后的未启用",
                file,
                "只声明台账真正需要的字段",
                path=("扩展字段", MAX_EXTENSIONS),
                at="item",
            )
        )
    for i, ext in enumerate(config.extensions[:MAX_EXTENSIONS]):
        where = ("扩展字段", i)
        if ext.name in RESERVED_KEYS:
            problems.append(
                Problem(
                    "E215",
                    f"扩展字段「{ext.name}」与台账已有的键同名",
                    file,
                    f"「{ext.name}」已是台账的键，直接在项目中填写即可；另加的字段请换一个名称",
                    path=(*where, "名称"),
                )
            )
        elif ext.name in seen:
            problems.append(
                Problem(
                    "E215", f"扩展字段「{ext.name}」重复定义", file, "每个扩展字段只定义一次", path=(*where, "名称")
                )
            )
        seen.add(ext.name)
        if ext.kind == "选项" and not ext.options:
            problems.append(
                Problem(
                    "E215",
                    f"扩展字段「{ext.name}」的类型为 选项，但没有列出 选项",
                    file,
                    "添加 选项: [取值1, 取值2]",
                    path=where,
                    at="item",
                )
            )
        elif ext.kind == "选项" and len(set(ext.options or [])) > MAX_EXTENSION_OPTIONS:
            problems.append(
                Problem(
                    "E215",
                    f"扩展字段「{ext.name}」的选项超过 {MAX_EXTENSION_OPTIONS} 个",
                    file,
                    "选项太多的字段请改用 文字 类型",
                    path=(*where, "选项"),
                    at="key",
                )
            )
        elif ext.kind != "选项" and ext.options is not None:
            problems.append(
                Problem(
                    "E215",
                    f"扩展字段「{ext.name}」的类型为 {ext.kind}，不用 选项",
                    file,
                    "删除 选项，或把类型改为 选项",
                    path=(*where, "选项"),
                    at="key",
                )
            )
    categories = config.categories
    for i, name in enumerate(config.industries or []):
        if categories is not None and name not in categories:
            problems.append(
                Problem(
                    "E216",
                    f"产业类别「{name}」不在 类别 中",
                    file,
                    _close(name, categories) or "产业类别须是 类别 中的名称：" + "、".join(categories),
                    path=("产业类别", i),
                )
            )
    return problems


def check_months(repo: Repository) -> list[Problem]:
    """完成投资 months lie in 年度 and not before the start month when the start is in 年度."""
    if repo.config is None:
        return []
    year = repo.config.year
    prefix = f"{year:04d}-"
    first, last = f"{year:04d}-01", f"{year:04d}-12"  # a key is YYYY-MM (MonthKey)
    problems = []
    for rec in repo.checkable:
        p = rec.project
        if not isinstance(p, StartedProject) or not p.monthly:
            continue
        start_month = month_key(p.start_date.year, p.start_date.month)
        started_this_year = p.start_date.year == year
        earliest = min(p.monthly)
        if first <= earliest and max(p.monthly) <= last and not (started_this_year and earliest < start_month):
            continue  # every month in 年度, none before the start (the usual case, without a loop in Python)
        for month in p.monthly:
            if not month.startswith(prefix):
                problems.append(
                    Problem(
                        "E301",
                        f"完成投资的月份「{month}」不在年度 {year} 内",
                        rec.file,
                        f"只记录 {year} 年各月的当月完成投资；以前年度的合计写在 以前年度完成投资",
                        path=(*rec.path, "完成投资", month),
                        at="key",
                        project=rec.code,
                    )
                )
            elif started_this_year and month < start_month:
                problems.append(
                    Problem(
                        "E302",
                        f"完成投资的月份「{month}」早于开工日期 {p.start_date}",
                        rec.file,
                        "开工前不应有完成投资；核对开工日期或月份",
                        path=(*rec.path, "完成投资", month),
                        at="key",
                        project=rec.code,
                    )
                )
    return problems


def _order(
    rec: Record,
    later: date | None,
    later_key: str,
    earlier: date | None,
    earlier_key: str,
    path: tuple[str | int, ...] = (),
) -> list[Problem]:
    if later is None or earlier is None or later >= earlier:
        return []
    return [
        Problem(
            "E303",
            f"{later_key} {later} 早于 {earlier_key} {earlier}",
            rec.file,
            f"{later_key}不能早于{earlier_key}，请核对两个日期",
            path=(*rec.path, *path, later_key),
            project=rec.code,
        )
    ]


def check_date_order(repo: Repository) -> list[Problem]:
    """签约 ≤ 落地 ≤ 开工 ≤ 入统, 谋划 ≤ 转化 ≤ 开工, 开工 ≤ 竣工, 开工 ≤ 复工, 提出 ≤ 解决 (each
    pair when both are present).

    A record keeps its dates when it moves (签约 and 落地 from 招商, 谋划 and 转化 from 谋划, 开工,
    入统), so the order is checked in every ledger: the dates are its history, and figures for
    past months read them.
    """
    problems = []
    for rec in repo.checkable:
        p = rec.project
        sign, land = p.field_value("sign_date"), p.field_value("land_date")
        problems += _order(rec, land, "落地日期", sign, "签约日期")
        reserve, convert = p.field_value("reserve_date"), p.field_value("convert_date")
        problems += _order(rec, convert, "转化日期", reserve, "谋划日期")
        if isinstance(p, StartedProject):
            problems += _order(rec, p.start_date, "开工日期", convert, "转化日期")
            problems += _order(rec, p.start_date, "开工日期", land, "落地日期")
            problems += _order(rec, p.field_value("stats_date"), "入统日期", p.start_date, "开工日期")
            problems += _order(rec, p.finish_date, "竣工日期", p.start_date, "开工日期")
            problems += _order(rec, p.operation_date, "投产日期", p.start_date, "开工日期")
            problems += _order(rec, p.resume_date, "复工日期", p.start_date, "开工日期")
        for i, issue in enumerate(p.issues):
            problems += _order(rec, issue.solved, "解决日期", issue.raised, "提出日期", ("问题", i))
    return problems


def check_escalations(repo: Repository) -> list[Problem]:
    """E308 (issue 17): a problem's 升级 go up in date order: each 日期 on or after 提出日期 and
    the 升级 before it, not after 解决日期; each 层级 above the one before it (at first, above the
    层级 the problem was raised at, when one is written). A level may be skipped (seed 003:
    提交市政府专题会议或市政府常务会议)."""
    problems = []
    for rec in repo.checkable:
        for i, issue in enumerate(rec.project.issues):
            raised_at: str | None = getattr(issue, "level", None)  # 层级 (issue 16), when the model has it
            rank = ISSUE_LEVELS.index(raised_at) if raised_at in ISSUE_LEVELS else -1
            since, since_key = issue.raised, "提出日期"
            for j, step in enumerate(issue.escalations or ()):
                path = (*rec.path, "问题", i, "升级", j)
                wrong: tuple[str, str, str] | None = None
                if step.day < since:
                    wrong = (
                        "日期",
                        f"升级日期 {step.day} 早于{since_key} {since}",
                        "升级在提出之后，逐次按日期先后登记",
                    )
                elif issue.solved is not None and step.day > issue.solved:
                    wrong = (
                        "日期",
                        f"升级日期 {step.day} 晚于解决日期 {issue.solved}",
                        "已解决的问题不再升级；核对两个日期",
                    )
                elif ISSUE_LEVELS.index(step.level) <= rank:
                    wrong = (
                        "层级",
                        f"升级到「{step.level}」，但问题此前已在「{ISSUE_LEVELS[rank]}」",
                        "升级逐级向上：" + " → ".join(ISSUE_LEVELS),
                    )
                if wrong is not None:
                    key, message, hint = wrong
                    problems.append(Problem("E308", message, rec.file, hint, path=(*path, key), project=rec.code))
                rank = max(rank, ISSUE_LEVELS.index(step.level))
                since, since_key = max(since, step.day), "上一次升级日期"
    return problems


def _today() -> date:
    """Today on the machine that runs xm (a function, so tests can fix it)."""
    return date.today()


#: The dated events of a project that must not lie in the future: (key, attribute).
_EVENT_DATES = (
    ("开工日期", "start_date"),
    ("复工日期", "resume_date"),
    ("入统日期", "stats_date"),
    ("签约日期", "sign_date"),
    ("落地日期", "land_date"),
    ("竣工日期", "finish_date"),
    ("投产日期", "operation_date"),
    ("谋划日期", "reserve_date"),
    ("入国家库", "national_date"),
    ("转化日期", "convert_date"),
)


def check_future_events(repo: Repository) -> list[Problem]:
    """W105: an event dated after today has not happened yet (planned dates, 计划… and 时限, may)."""
    today = _today()
    month = month_key(today.year, today.month)
    problems = []

    def later(day: date | None, key: str, path: tuple[str | int, ...], rec: Record) -> None:
        if day is not None and day > today:
            problems.append(
                Problem(
                    "W105",
                    f"{key} {day} 晚于今天（{today}），事情还没有发生",
                    rec.file,
                    f"核对{key}；尚未发生的事件不要提前登记（计划日期写在 计划… 或 时限 中）",
                    path=(*rec.path, *path),
                    project=rec.code,
                )
            )

    year_prefix = f"{repo.config.year:04d}-" if repo.config is not None else ""
    # (a date is compared here before ``later`` is called: at 20k projects, 270,000 dates)
    dated: dict[type, list[tuple[str, str]]] = {}  # the _EVENT_DATES each kind of project has
    for rec in repo.checkable:
        p = rec.project
        kind = type(p)
        if kind not in dated:
            dated[kind] = [(key, attr) for key, attr in _EVENT_DATES if attr in kind.model_fields]
        values = p.__dict__
        for key, attr in dated[kind]:
            day = values[attr]
            if day is not None and day > today:
                later(day, key, (key,), rec)
        for i, visit in enumerate(p.visits):
            if visit.day > today:
                later(visit.day, "走访日期", ("走访", i), rec)
        for i, issue in enumerate(p.issues):
            if issue.raised > today or (issue.solved is not None and issue.solved > today) or issue.escalations:
                later(issue.raised, "提出日期", ("问题", i, "提出日期"), rec)
                later(issue.solved, "解决日期", ("问题", i, "解决日期"), rec)
                for j, step in enumerate(issue.escalations or ()):
                    later(step.day, "升级日期", ("问题", i, "升级", j, "日期"), rec)
        for i, approval in enumerate(values.get("approvals") or ()):
            if approval.done is not None and approval.done > today:
                later(approval.done, "办结日期", ("前期手续", i, "办结日期"), rec)
        monthly = p.field_value("monthly")
        if not monthly or max(monthly) <= month:  # (the usual case, without a loop in Python)
            continue
        for key in monthly:
            if key > month and key.startswith(year_prefix):  # a month outside 年度 is E301 already
                problems.append(
                    Problem(
                        "W105",
                        f"完成投资的月份「{key}」晚于本月（{month}），还没有完成",
                        rec.file,
                        "只登记已经过去的月份的完成投资",
                        path=(*rec.path, "完成投资", key),
                        at="key",
                        project=rec.code,
                    )
                )
    return problems


def check_stage_fields(repo: Repository) -> list[Problem]:
    """招商: 签约 and 落地 need 签约日期; 落地 needs 落地日期."""
    problems = []
    for rec in repo.checkable:
        p = rec.project
        if not isinstance(p, InvestmentProject):
            continue
        needed = {"洽谈": (), "签约": ("签约日期",), "落地": ("签约日期", "落地日期")}[p.stage]
        values = {"签约日期": p.sign_date, "落地日期": p.land_date}
        if p.stage == "洽谈" and p.sign_date is not None:
            problems.append(
                Problem(
                    "E306",
                    f"阶段为「洽谈」，却有签约日期 {p.sign_date}",
                    rec.file,
                    "已经签约的改为 阶段: 签约；还在洽谈的删除签约日期",
                    path=(*rec.path, "签约日期"),
                    at="key",
                    project=rec.code,
                )
            )
        for key in needed:
            if values[key] is None:
                problems.append(
                    Problem(
                        "E304",
                        f"阶段为「{p.stage}」，缺少{key}",
                        rec.file,
                        f"添加 {key}: YYYY-MM-DD，或改正阶段",
                        path=(*rec.path, key),
                        at="item",
                        project=rec.code,
                    )
                )
    return problems


def check_converted(repo: Repository) -> list[Problem]:
    """A record that left 谋划 keeps both 谋划日期 and 转化日期 (转化 writes the one and keeps the
    other): one without the other outside 谋划 leaves its time in the 储备库 unknown."""
    problems = []
    for rec in repo.checkable:
        if rec.ledger is Ledger.RESERVE:
            continue
        p = rec.project
        reserve, convert = p.field_value("reserve_date"), p.field_value("convert_date")
        if (reserve is None) == (convert is None):
            continue
        present, missing = ("谋划日期", "转化日期") if convert is None else ("转化日期", "谋划日期")
        problems.append(
            Problem(
                "E307",
                f"有{present}，缺少{missing}",
                rec.file,
                f"从谋划台账转出的项目同时保留 谋划日期 和 转化日期（xm convert 会写上）；添加 {missing}: YYYY-MM-DD，"
                f"或删除 {present}",
                path=(*rec.path, present),
                at="key",
                project=rec.code,
            )
        )
    return problems


def check_resume_on_new(repo: Repository) -> list[Problem]:
    """复工日期 belongs to 续建 projects only."""
    return [
        Problem(
            "E305",
            "新建项目不应有复工日期",
            rec.file,
            "新建项目只填开工日期；如是以前年度开工、本年复工的项目，建设性质应为 续建",
            path=(*rec.path, "复工日期"),
            at="key",
            project=rec.code,
        )
        for rec in repo.checkable
        if isinstance(rec.project, StartedProject) and rec.project.nature == "新建" and rec.project.resume_date
    ]


def check_policy(repo: Repository) -> list[Problem]:
    """The warnings: thresholds (W101 unless 口径.低于门槛提示 is 否), secretaries, 包保 leaders,
    completed investment above 总投资."""
    if repo.config is None:
        return []
    caliber = repo.config.caliber
    below_warning = caliber.below_threshold_warning
    threshold, leader_threshold = caliber.threshold, caliber.leader_threshold
    problems = []
    for rec in repo.checkable:
        p = rec.project
        kept = rec.ledger not in (Ledger.INVESTMENT, Ledger.RESERVE)  # not the 招商 and 谋划 ledgers
        if kept and below_warning and p.total < threshold:
            problems.append(
                Problem(
                    "W101",
                    f"总投资 {_wan(p.total)} 低于入库门槛 {_wan(threshold)}"
                    f"（“{format_amount(threshold)}万元以上”重点项目的统计线）",
                    rec.file,
                    "核对总投资（单位为万元）。门槛以下的项目可以留在台账中调度，照常计入项目数和投资，"
                    "但不计入入统率、秘书配备率和走访达标率，也不列走访超期；"
                    "不需要此提示时在 xiangmu.yaml 口径 中写 低于门槛提示: 否",
                    path=(*rec.path, "总投资"),
                    project=rec.code,
                )
            )
        if kept and p.total >= threshold and p.secretary is None:
            problems.append(
                Problem(
                    "W102",
                    f"总投资 {_wan(p.total)}，达到入库门槛，未配备项目秘书",
                    rec.file,
                    "添加 项目秘书: 姓名",
                    path=(*rec.path, "编号"),
                    at="key",
                    project=rec.code,
                )
            )
        if p.total >= leader_threshold and p.leader is None:
            problems.append(
                Problem(
                    "W103",
                    f"总投资 {_wan(p.total)}，达到领导包保门槛 {_wan(leader_threshold)}，未落实包保领导",
                    rec.file,
                    "添加 包保领导: 姓名（须在 xiangmu.yaml 领导 中）",
                    path=(*rec.path, "编号"),
                    at="key",
                    project=rec.code,
                )
            )
        if isinstance(p, StartedProject):
            done = (p.prior_invest or Decimal(0)) + sum(p.monthly.values(), Decimal(0))
            done += p.prior_months.amount if p.prior_months is not None else Decimal(0)
            if done > p.total:
                problems.append(
                    Problem(
                        "W104",
                        f"以前年度完成投资与本年完成投资合计 {_wan(done)}，超过总投资 {_wan(p.total)}",
                        rec.file,
                        "总投资可能需要调整；或核对各月完成投资",
                        path=(*rec.path, "总投资"),
                        project=rec.code,
                    )
                )
    return problems


def check_prior_months(repo: Repository) -> list[Problem]:
    """以前月份完成投资 (issue 18): its 截至 lies in 年度, not before the start month (E301, E302, as
    a month of 完成投资 would), not after this month (W105), and some month up to it is not listed
    in 完成投资 (E310: else the amount is counted twice)."""
    if repo.config is None:
        return []
    year = repo.config.year
    today = _today()
    this_month = month_key(today.year, today.month)
    problems = []
    for rec in repo.checkable:
        p = rec.project
        if not isinstance(p, StartedProject) or p.prior_months is None:
            continue
        through = p.prior_months.through
        first = month_key(year, p.start_date.month) if p.start_date.year == year else month_key(year, 1)
        found: tuple[str, str, str] | None = None
        if not through.startswith(f"{year:04d}-"):
            found = (
                "E301",
                f"以前月份完成投资的截至月份「{through}」不在年度 {year} 内",
                f"只记录 {year} 年的完成投资；以前年度的合计写在 以前年度完成投资",
            )
        elif through < first:
            found = (
                "E302",
                f"以前月份完成投资截至「{through}」，早于开工日期 {p.start_date}",
                "开工前不应有完成投资；核对开工日期或截至月份",
            )
        elif all(month_key(year, m) in p.monthly for m in range(int(first[5:]), int(through[5:]) + 1)):
            found = (
                "E310",
                f"以前月份完成投资截至「{through}」，但 {first} 到 {through} 各月都已在 完成投资 中逐月登记",
                "以前月份完成投资只记没有逐月登记的月份的合计：删去它，或删去重复登记的月份",
            )
        elif through > this_month:
            found = (
                "W105",
                f"以前月份完成投资截至「{through}」，晚于本月（{this_month}），还没有完成",
                "只登记已经过去的月份的完成投资",
            )
        if found is not None:
            code, message, hint = found
            path = (*rec.path, "以前月份完成投资", "截至")
            problems.append(Problem(code, message, rec.file, hint, path=path, project=rec.code))
    return problems


Check = Callable[["Repository"], list[Problem]]

#: Checks that need the whole repository: every 编号, or xiangmu.yaml on its own.
REPOSITORY_CHECKS: list[Check] = [
    check_unique_ids,
    check_config_references,
    check_unique_national_codes,
    check_extensions,
]
#: Checks that look at one project at a time (with xiangmu.yaml): they give the same problems
#: whether they see the whole repository or one file of it, so ``xm validate`` may run them on
#: each file in a separate process (loading.check).
RECORD_CHECKS: list[Check] = [
    check_vocabulary,
    check_months,
    check_date_order,
    check_escalations,
    check_stage_fields,
    check_converted,
    check_resume_on_new,
    check_policy,
    check_future_events,
    check_prior_months,
]
CHECKS: list[Check] = REPOSITORY_CHECKS + RECORD_CHECKS
#: Checks whose every problem is a warning (W…): a command that only counts errors (the reports:
#: a warning keeps no project out of a figure) skips them (loading.load's ``warnings``).
WARNING_CHECKS: list[Check] = [check_policy, check_future_events]
#: Every check that can find an error.
ERROR_CHECKS: list[Check] = [check for check in CHECKS if check not in WARNING_CHECKS]


def run_checks(repo: Repository, checks: list[Check] = CHECKS) -> list[Problem]:
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check(repo))
    return problems
