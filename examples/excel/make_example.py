"""Build examples/excel/example.xlsx: two 项目绩效目标批复表 on one sheet, laid out and merged as in the templates.

Run: .venv/bin/python examples/excel/make_example.py  (the seed forms 党建组织员工资补贴 and 机关事业单位派遣人员经费
of examples/000_9fd6cdad8612f9fc.txt; expected findings: GL401 on the first form).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment  # type: ignore[import-untyped]

HEADER = ("绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "当年度指标值")

FORMS: list[dict[str, Any]] = [
    {
        "name": "党建组织员工资补贴",
        "type": "其他运转类（综合类）",
        "budget": 1893200,
        "goal": "根据《中共东莞市委组织部关于印发〈东莞市党建组织员队伍组建工作方案〉的通知》（东组通〔2018〕30号）"
        "文件精神，为确保工作顺利开展，我镇采用劳务派遣方式聘用23名党建组织员，该专项用于发放党建组织员工资补贴及党建组织员年度考核奖金。",
        "indicators": [
            ("成本指标", "经济成本指标", "支出标准", "10.3万元/人/年", "10.3万元/人/年"),
            ("成本指标", "社会成本指标", "", "", ""),
            ("产出指标", "数量指标", "发放工资补贴人数", "23名党建组织员", "23名党建组织员"),
            ("产出指标", "质量指标", "工作考核达标率", "≥95%", "≥95%"),
            ("产出指标", "质量指标", "人员出勤率", "≥95%", "≥95%"),
            ("产出指标", "时效指标", "拨款及时率", "100%", "100%"),
            ("效益指标", "社会效益", "保障党建工作开展情况", "按时按质按量完成", "按时按质按量完成"),
            ("满意度指标", "服务对象满意度", "党建组织员满意度", "≥90%", "≥90%"),
        ],
    },
    {
        "name": "机关事业单位派遣人员经费",
        "type": "其他运转类（综合类）",
        "budget": 75000,
        "goal": "根据《清溪镇机关事业单位劳务派遣人员管理办法（试行）》文件精神，该专项经费用于发放我办一名劳务派遣工作人员工资薪酬及全年公用经费支出。",
        "indicators": [
            ("成本指标", "经济成本指标", "支出标准", "7.5万元/人/年", "7.5万元/人/年"),
            ("产出指标", "数量指标", "发放工资补贴人数", "1名劳务派遣人员", "1名劳务派遣人员"),
            ("产出指标", "质量指标", "人员出勤率", "≥95%", "≥95%"),
            ("产出指标", "时效指标", "拨款及时率", "100%", "100%"),
            ("满意度指标", "服务对象满意度", "派遣人员满意度", "≥90%", "≥90%"),
        ],
    },
]
DEPARTMENT = "东莞市清溪镇党建和组织人事办公室"
APPROVAL = "经审核，本项目的绩效目标设定基本符合要求。"


def _merge_runs(sheet: Any, column: int, first_row: int, values: list[str]) -> None:
    """Merge each run of equal, non-empty values in one column (how templates show 一级/二级 labels)."""
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            if index - start > 1 and values[start]:
                sheet.merge_cells(start_row=first_row + start, start_column=column,
                                  end_row=first_row + index - 1, end_column=column)
            start = index


def write_form(sheet: Any, top: int, form: dict[str, Any]) -> int:
    """Write one 批复表 starting at row `top`; return the first row after it."""
    def line(row: int, label: str, value: Any) -> None:
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, value)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)

    for offset, title in enumerate(("项目绩效目标批复表", "(2025 年度)", "批复单位：东莞市财政局清溪分局")):
        sheet.cell(top + offset, 1, title)
        sheet.merge_cells(start_row=top + offset, start_column=1, end_row=top + offset, end_column=6)
    row = top + 3
    for label, value in (("项目名称", form["name"]), ("项目类型", form["type"]), ("项目等级", "二级项目"),
                         ("主管部门", DEPARTMENT), ("用款单位", DEPARTMENT)):
        line(row, label, value)
        row += 1
    for column, value in enumerate(("实施周期", "起始年度", 2022, "到期年度", 2099), start=1):
        sheet.cell(row, column, value)
    line(row + 1, "2025年预算金额", form["budget"])
    sheet.cell(row + 1, 2).number_format = "0"
    goals = row + 2
    sheet.cell(goals, 1, "总体绩效目标")
    sheet.merge_cells(start_row=goals, start_column=1, end_row=goals + 3, end_column=1)
    for offset, text in enumerate(("实施周期总目标", form["goal"], "2025年度目标", form["goal"])):
        sheet.cell(goals + offset, 2, text)
        sheet.merge_cells(start_row=goals + offset, start_column=2, end_row=goals + offset, end_column=6)
    header = goals + 4
    for column, label in enumerate(HEADER, start=1):
        sheet.cell(header, column, label)
    indicators = form["indicators"]
    for offset, indicator in enumerate(indicators, start=1):
        for column, value in enumerate(indicator, start=2):
            if value and (column > 3 or offset == 1 or indicators[offset - 2][: column - 1] != indicator[: column - 1]):
                sheet.cell(header + offset, column, value)  # a merged range keeps only its top-left value
    sheet.merge_cells(start_row=header, start_column=1, end_row=header + len(indicators), end_column=1)
    _merge_runs(sheet, 2, header + 1, [ind[0] for ind in indicators])
    _merge_runs(sheet, 3, header + 1, [ind[0] + "/" + ind[1] for ind in indicators])
    approval = header + len(indicators) + 1
    line(approval, "财政分局批复意见", APPROVAL)
    for cells in sheet.iter_rows(min_row=top, max_row=approval):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    return approval + 2


def build_workbook() -> Any:
    """The example workbook: both forms on the sheet 批复表, one under the other."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "批复表"
    top = 1
    for form in FORMS:
        top = write_form(sheet, top, form)
    for column, width in zip("ABCDEF", (16, 14, 16, 22, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook


def main() -> None:
    target = Path(__file__).with_name("example.xlsx")
    build_workbook().save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
