"""xiangmu-cli (`xm`): 重点项目建设台账 kept as YAML in git — validation, metrics and reports."""

__version__ = "0.1.0"
