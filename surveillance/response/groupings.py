"""How PPV tables group verified signals, and the groups' Chinese names: read by the tables, the console,
the weekly summary and the command line (which imports this, not the tables, to stay quick)."""

GROUPINGS = ("method", "level", "city")
GROUPING_NAMES = {"method": "检测方法", "level": "预警级别", "city": "地区"}
