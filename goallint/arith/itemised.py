"""Itemised costs written in prose (项目概况, 项目内容, 立项依据): the items a text adds up and the total it states.

Two ways of writing are read. A total followed by its parts, `总投资200万元，其中：设备购置120万元，人员经费80万元`
(the parts run to the end of the sentence), and items followed by their total, as 115's 项目概况 writes them:
`背街小巷市政设施维护80万元;公厕34座,标准6.2万元/座;桥梁路面清扫保洁(1804㎡*7元/㎡=1.27万元);…共计22430200元`.
An item is an amount (`80万元`), the result of a product written out (`=1.27万元`), or a unit price times the
quantity before it in the same clause (`1908株、单价37元/株`; `/年` is the budget year, `/月` × 12). Anything not
read with certainty (a price with no quantity, `约`, `≤`, a price per two things) makes the text not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_NUMBER = r"\d[\d,，]*(?:\.\d+)?"
_UNITS = ("平方米|平米|立方米|公里|千米|人次|课时|小时|㎡|㎥|m2|米|亩|人|名|次|个|座|株|棵|辆|台|套|件|户|村|所|处|场|期|份|本|"
          "间|吨|张|块|只|头|批|项|家|年|月|天|日")
_MONEY = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<mag>万|亿)?元(?:\s*[/／]\s*(?P<per>(?:{_UNITS})(?:\s*[./·／]\s*(?:{_UNITS}))?))?")
_QUANTITY = re.compile(rf"(?<![\d./／])(?P<num>{_NUMBER})\s*(?P<unit>{_UNITS})(?![元%％\d])")
_RESULT = re.compile(rf"[^,，;；()（）=＝]{{0,40}}[=＝]\s*(?P<num>{_NUMBER})\s*(?P<mag>万|亿)?元")
_TOTAL = re.compile(rf"(?:共计|合计|总计|总共|共需|总额|总金额|合计金额)[为是:：]?\s*(?P<num>{_NUMBER})\s*(?P<mag>万|亿)?元")
_AMONG = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<mag>万|亿)?元[，,]?\s*其中[:：]?(?P<parts>[^。\n]+)")
_CLAUSE = re.compile(r"[;；。\n]")
_INEXACT = re.compile(r"[≤≥<>≈]|约|左右|以上|以下|不超过|不低于|不少于|至少|最多|以内")
_EACH = re.compile(rf"每({_UNITS})[^\d]{{0,2}}$")
_NOT_QUANTITY = frozenset({"年", "月", "天", "日"})
"""Units that date a clause (`从2020年1月起`) rather than count what is bought."""
_MAGNITUDE = {"万": Decimal(10000), "亿": Decimal(100000000), None: Decimal(1)}
_MONTHS = Decimal(12)


@dataclass(frozen=True, slots=True)
class Itemised:
    """A total the text states and the items it is made of, in 元; `start`/`end` locate the total's amount
    in the text (to point at it)."""

    total: Decimal
    items: tuple[Decimal, ...]
    written: tuple[str, ...]
    start: int
    end: int

    @property
    def sum(self) -> Decimal:
        return sum(self.items, Decimal(0))


def _number(text: str, magnitude: str | None) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", "")) * _MAGNITUDE[magnitude]
    except InvalidOperation:
        return None


def _clause_items(clause: str) -> list[tuple[Decimal, str]] | None:
    """The items of one clause, in order; None when a money value in it cannot be read with certainty."""
    if _INEXACT.search(clause):
        return None
    items: list[tuple[Decimal, str]] = []
    rest = clause
    if "=" in clause or "＝" in clause:
        kept: list[str] = []
        at = 0
        for found in _RESULT.finditer(clause):
            value = _number(found.group("num"), found.group("mag"))
            if value is None:
                return None
            items.append((value, clause[found.start("num"):found.end()].strip()))
            kept.extend((clause[at:found.start()], " " * (found.end() - found.start())))
            at = found.end()
        rest = "".join(kept) + clause[at:]
    quantities: list[tuple[int, Decimal, str]] = []
    for found in _QUANTITY.finditer(rest):
        if found.group("unit") in _NOT_QUANTITY:
            continue
        number = _number(found.group("num"), None)
        if number is not None:
            quantities.append((found.start(), number, found.group(0)))
    waiting: list[tuple[Decimal, str]] = []
    events = iter(quantities)
    upcoming = next(events, None)
    for found in _MONEY.finditer(rest):
        while upcoming is not None and upcoming[0] < found.start():
            waiting.append(upcoming[1:])
            upcoming = next(events, None)
        value = _number(found.group("num"), found.group("mag"))
        if value is None:
            return None
        per = [part for part in re.split(r"\s*[./·／]\s*", found.group("per") or "") if part]
        each = _EACH.search(rest[max(0, found.start() - 4):found.start()])
        if each is not None:
            per.append(each.group(1))  # `每期1万元` is `1万元/期`
        months = "月" in per
        per = [part for part in per if part not in ("年", "月")]
        if len(per) > 1 or (per and not waiting):
            return None  # a price per two things, or with nothing to multiply it by: not read
        if months:
            value *= _MONTHS
        shown = found.group(0).strip() + (" × 12" if months else "")
        if waiting and (per or found.group("per") or each is not None):
            count, quantity = waiting.pop()
            items.append((value * count, f"{quantity} × {shown}"))
        else:
            items.append((value, shown))
    return items


def _total_last(text: str) -> list[Itemised]:
    out = []
    begin = 0
    for total in _TOTAL.finditer(text):
        value = _number(total.group("num"), total.group("mag"))
        items: list[tuple[Decimal, str]] = []
        readable = value is not None
        for clause in _CLAUSE.split(text[begin:total.start()]):
            found = _clause_items(clause)
            if found is None:
                readable = False
                break
            items.extend(found)
        if readable and value is not None and len(items) >= 2:
            out.append(Itemised(value, tuple(v for v, _ in items), tuple(w for _, w in items),
                                total.start("num"), total.end()))
        begin = total.end()
    return out


def _total_first(text: str) -> list[Itemised]:
    out = []
    for found in _AMONG.finditer(text):
        value = _number(found.group("num"), found.group("mag"))
        items = _clause_items(found.group("parts").replace("；", "，").replace(";", "，"))
        if value is None or items is None or len(items) < 2 or any("×" in shown for _, shown in items):
            continue
        out.append(Itemised(value, tuple(v for v, _ in items), tuple(w for _, w in items),
                            found.start("num"), found.end("mag") if found.group("mag") else found.end("num") + 1))
    return out


def itemised_costs(text: str) -> list[Itemised]:
    """Every total of a prose text with the items it is built from (`text` as written: offsets are into it)."""
    return _total_first(text) + _total_last(text) if "元" in text else []
