"""Recording the common events by editing the ledger files in place.

One function per event computes the new text of every file it touches and returns an
:class:`EditPlan`; :func:`apply` writes a plan. Nothing is written by the event functions.

Events (function — command — what it does):

- :func:`start` — ``xm start 编号 --date D`` — 计划开工 → 未入统 (开工)
- :func:`enter_stats` — ``xm enter-stats 编号 --date D`` — 未入统 → 在建 (入统)
- :func:`land` — ``xm land 编号 --date D --planned-start D2`` — 招商 → 计划开工 (落地)
- :func:`convert` — ``xm convert 编号 --date D --planned-start D2`` — 谋划 → 计划开工 (转化)
- :func:`finish` — ``xm finish 编号 --date D`` — 竣工日期 of a started project
- :func:`invest` — ``xm invest 编号 --month M --amount X`` — 完成投资[M] = X, written as typed
- :func:`visit` — ``xm visit 编号 --date D [--note T]`` — a 走访 appended
- :func:`add_problem` — ``xm problem add 编号 --date D --content T`` — a 问题 appended
- :func:`solve_problem` — ``xm problem solve 编号 N --date D [--how T]`` — 解决日期 (and 解决情况)
- :func:`escalate_problem` — ``xm problem escalate 编号 N [--to 层级] [--date D]`` — a 升级 appended

and :func:`add_projects` for ``xm import``. This module is the public face of the edits; each
step lives in a module of :mod:`xiangmu_cli.write`, whose docstring says the rules:

- :mod:`~xiangmu_cli.write.moves` — the moves and their mapping (docs/ledger-format.md, "Moves
  keep history (revision 2)"); :mod:`~xiangmu_cli.write.in_place` and
  :mod:`~xiangmu_cli.write.invest` — the edits in place;
  :mod:`~xiangmu_cli.write.new_projects` — new projects;
- :mod:`~xiangmu_cli.write.find` — the project an event is for; :mod:`~xiangmu_cli.write.args`
  — its arguments;
- :mod:`~xiangmu_cli.write.document` — the positional document every edit is made in;
  :mod:`~xiangmu_cli.write.pairs`, :mod:`~xiangmu_cli.write.lists`,
  :mod:`~xiangmu_cli.write.projects` — the edits of keys, list items and project blocks;
  :mod:`~xiangmu_cli.write.scalars` — values as YAML;
- :mod:`~xiangmu_cli.write.files` — reading a file to edit; :mod:`~xiangmu_cli.write.verify` —
  the verification of every plan; :mod:`~xiangmu_cli.write.apply` — writing it.

How the files are edited: never by re-dumping a file. Every edit is a text edit at positions taken
from a ruamel node tree of the file (composed with marks), so every line the edit does not touch
stays byte for byte, comments included. Written as they are: a BOM, CRLF or lone-CR (old Mac) line
breaks, tabs (``名称: 甲 \\t# 注释``, which ruamel's scanner refuses and YAML allows: located on the
same text with spaces, same offsets), flow-style projects (``- {编号: …}``: new lists and mappings
go in as ``[…]``/``{…}``).

Before a plan is returned it is verified: the repository is loaded from a temporary copy with
the new texts, and the plan is refused (:class:`EditError`) when that copy has a validation
error the original had not, when the edited project's data is not exactly the intended data
(compared as models), or when any other project's data changed. Files with an error are never
edited (run ``xm validate`` first). :func:`apply` writes under the ledger lock.
"""

from __future__ import annotations

from xiangmu_cli.write.apply import apply, diff
from xiangmu_cli.write.args import check_amount, month_key, parse_day
from xiangmu_cli.write.escalate import escalate_problem
from xiangmu_cli.write.in_place import add_problem, finish, solve_problem, visit
from xiangmu_cli.write.invest import invest
from xiangmu_cli.write.moves import DEFAULT_REASON, convert, enter_stats, land, start
from xiangmu_cli.write.new_projects import add_projects, project_lines
from xiangmu_cli.write.plan import EditError, EditPlan
from xiangmu_cli.write.scalars import flow_mapping, yaml_value

__all__ = [
    "EditPlan",
    "EditError",
    "apply",
    "diff",
    "start",
    "enter_stats",
    "land",
    "convert",
    "finish",
    "invest",
    "visit",
    "add_problem",
    "solve_problem",
    "escalate_problem",
    "parse_day",
    "check_amount",
    "month_key",
    "DEFAULT_REASON",
    "yaml_value",
    "flow_mapping",
    "project_lines",
    "add_projects",
]
