"""`--format xlsx -o 审核意见.xlsx`: the findings workbook a reviewer sends back to a spending unit.

Sheet 表单: one row per form (file, name, kind, 主管部门, budget, grade, counts of every finding, how many of
them a baseline or a waiver hid). Sheet 审核意见: one row per finding (form, indicator, cell, rule, severity,
message, the arithmetic of a budget finding, whether a baseline hid it, and an empty column for the reply).
Both have a frozen header row and an auto-filter. openpyxl is imported only for this format."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, Any

from goallint.model import form_name
from goallint.report import SEVERITY_LABELS, RenderOptions, cell_ref, related_places
from goallint.report.forms import FormFacts, arithmetic, arithmetic_codes, form_facts

if TYPE_CHECKING:
    from goallint.model import Diagnostic
    from goallint.results import RunReport

FORM_HEADERS = ("文件", "表单名称", "类型", "主管部门", "预算（元）", "预算（表中写法）", "审核档次", "错误", "警告", "提示",
                "其中基线隐藏", "其中表内豁免")
FINDING_HEADERS = ("文件", "表单名称", "指标", "单元格", "规则", "规则名称", "级别", "问题", "测算", "状态", "单位回复")
WIDTHS = {"文件": 28, "表单名称": 30, "主管部门": 22, "指标": 30, "问题": 60, "测算": 40, "单位回复": 30,
          "预算（表中写法）": 18}
KINDS = {"project": "项目", "department": "部门整体"}


def _location(d: Diagnostic) -> str:
    ref = cell_ref(d)
    own = f"{d.sheet}!{ref}" if ref else f"第 {d.line} 行第 {d.column} 列"
    others = related_places(d)  # the other cells of the same defect (the row's other column, a form's group)
    return f"{own}，另见 {'、'.join(others)}" if others else own


def _indicator(d: Diagnostic) -> str:
    ref = cell_ref(d)
    return d.field[len(d.sheet or "") + len(ref) + 2:] if ref else d.field


def _facts(run: RunReport) -> dict[tuple[str, str], FormFacts]:
    out: dict[tuple[str, str], FormFacts] = {}
    for report in run.files:
        for form in report.source_forms:
            out.setdefault((report.path, form_name(form)), form_facts(form))
    return out


def _sheet(workbook: Any, title: str, headers: tuple[str, ...], rows: list[list[Any]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # a text that starts with `=` is text here, never a formula
                cell.data_type = "s"
            if isinstance(cell.value, str) and len(cell.value) > 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 10)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"


def _finding_row(d: Diagnostic, status: str, titles: dict[str, str], shown: frozenset[str]) -> list[Any]:
    return [d.path, d.form, _indicator(d), _location(d), d.code, titles.get(d.code) or d.name,
            SEVERITY_LABELS[d.severity], d.message, arithmetic(d.message) if d.code in shown else "",
            status, ""]


def render_bytes(run: RunReport, options: RenderOptions) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    facts = _facts(run)
    workbook = Workbook()
    workbook.remove(workbook.active)
    forms = []
    for grade in options.grades:
        fact = facts.get((grade.path, grade.form), FormFacts("", "", None))
        budget = int(fact.budget_yuan) if fact.budget_yuan is not None and fact.budget_yuan == int(fact.budget_yuan) \
            else (float(fact.budget_yuan) if fact.budget_yuan is not None else None)
        forms.append([grade.path, grade.form or "（整个文件）", KINDS.get(grade.kind, grade.kind), fact.department, budget,
                      fact.budget, grade.grade, grade.error, grade.warning, grade.info, grade.baseline, grade.waived])
    _sheet(workbook, "表单", FORM_HEADERS, forms)
    every = [(d, "待处理") for d in run.diagnostics] + [(d, "基线已记录（报告中未列出）") for d in options.baselined]
    order = {path: index for index, path in enumerate(dict.fromkeys(d.path for d, _ in every))}
    every.sort(key=lambda pair: (order[pair[0].path], pair[0].line, pair[0].column, pair[0].code))
    titles = {rule.code: rule.doc.title for rule in run.rules}  # the Chinese name; the English one is the id
    shown = arithmetic_codes(run.rules)
    _sheet(workbook, "审核意见", FINDING_HEADERS, [_finding_row(d, status, titles, shown) for d, status in every])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
