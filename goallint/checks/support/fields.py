"""Helpers shared by the form-field check kinds: read a header field's cell, a year, an amount of money."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from goallint.arith.readings import read_money
from goallint.model import AnyForm, Cell
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.memo import Memo
from goallint.values.bounds import out_of_range

FIELD_LABELS: dict[str, str] = {
    "name": "名称", "project_type": "项目类型", "project_level": "项目等级", "department": "主管部门",
    "spending_unit": "预算单位", "issuer": "批复单位", "period_start": "实施周期起始年度",
    "period_end": "实施周期到期年度", "budget": "预算金额", "period_budget": "中期预算",
    "period_goal": "实施周期总目标", "annual_goal": "年度目标", "approval": "批复意见",
    "staff_count": "财政供养人员数", "subunit_count": "下属二级单位数", "basic": "基本支出",
    "project": "项目支出", "special": "财政专项资金", "other_development": "其他事业发展性支出",
    "appropriation": "财政拨款", "other_income": "其他资金", "city_level": "市本级使用资金",
    "transfer": "拟用于对下转移支付资金", "overall_goal": "总体绩效目标", "overview": "项目概况",
}

_MONEY = on_use(r"^(?:人民币)?\s*([+-]?\d[\d,，]*(?:\.\d+)?)\s*(万元|万|元)?$")
_YEAR = re.compile(r"^\s*(\d{1,9})\s*年?(?:度)?\s*$")
"""A year of more digits is no year (a 4,301-digit one is beyond what `int()` converts)."""


def field_cell(form: AnyForm, name: str) -> Cell | None:
    """The cell of header field `name`, None when the form kind has no such field or it is absent."""
    value = getattr(form, name, None)
    return value if isinstance(value, Cell) else None


def is_blank(cell: Cell | None) -> bool:
    return cell is None or cell.is_empty


def parse_amount(text: str, default_unit: str = "元") -> Decimal | None:
    """An amount of money in 元 (`1893200`, `1,893,200`, `189.32万元`, `12000元`), None when the text is not
    one. Read by the value grammar, as the `reconcile` kind reads a budget: a cell this calls
    money is the amount they compute with (`-1893200` or `1，893，200` passed here and were text there)."""
    return read_money(text, "元", default_unit)


def amount_out_of_range(text: str) -> bool:
    """Whether the text is written as an amount of money whose number is beyond any budget."""
    match = _MONEY.match(text.strip())
    if match is None:
        return False
    try:
        return out_of_range(Decimal(match.group(1).replace(",", "").replace("，", "")))
    except InvalidOperation:
        return False


def period_years(form: AnyForm) -> tuple[int | None, int | None]:
    """The start and end years of a form's 实施周期 (None where absent or no year; a department form has none),
    remembered per pair of texts (a department's forms share their periods)."""
    start, end = getattr(form, "period_start", None), getattr(form, "period_end", None)
    return _YEARS[None if start is None else start.raw, None if end is None else end.raw]


def _years(raws: tuple[str | None, str | None]) -> tuple[int | None, int | None]:
    start, end = raws
    return (None if start is None else parse_year(Cell(start).text), None if end is None else parse_year(Cell(end).text))


def parse_year(text: str) -> int | None:
    """The integer of a year cell (`2025`, `2025年`), None when it is not a plain number."""
    match = _YEAR.match(text)
    return int(match.group(1)) if match else None


_YEARS = Memo(_years)
"""`_years` per pair of raw texts."""
