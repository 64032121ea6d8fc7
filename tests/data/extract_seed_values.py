"""Print every distinct indicator value cell (实施周期/中期 and 年度 指标值 columns) of the seed forms, one a line.

Usage: python tests/data/extract_seed_values.py [examples/*.txt]  (default: the five seeds in examples/).
The seed tables are damaged (cells shifted left or right), so a row is read by content, not by position:
level names (一级/二级, e.g. 产出指标, 社会效益) are dropped, the first remaining cell is the 三级 name and the
rest are values. The 2020 format has two blocks side by side (name, value, name, value).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEVEL = re.compile(
    r"^(?:.*指标(?:[（(].*[）)])?|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)$"
)
END = re.compile(r"批复意见|审核意见|项目名称|部门名称|^市财 ?政局")


def _cells(line: str) -> list[str]:
    return [re.sub(r"\s+", " ", cell).strip() for cell in line.split("\t")]


def _is_level(cell: str) -> bool:
    return bool(LEVEL.match(re.sub(r"<[^<>]*>| ", "", cell)))


def values_of(text: str) -> Iterator[str]:
    """Yield the value cells of every indicator table in one seed file, in order."""
    columns: list[int] | None = None
    in_table = False
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = _cells(line)
        if any("指标值" in cell.replace(" ", "") for cell in cells):
            in_table = True
            positions = [i for i, cell in enumerate(cells) if "指标值" in cell.replace(" ", "")]
            names = [i for i, cell in enumerate(cells) if cell.replace(" ", "") == "三级指标"]
            columns = positions if len(names) > 1 else None
            continue
        if not in_table:
            continue
        if "\t" not in line or END.search(line):
            in_table = False
            continue
        rest = [cell for cell in cells if cell and not _is_level(cell)]
        if columns is None:
            yield from rest[1:]
        elif len(rest) == 4:  # two blocks side by side: name, value, name, value
            yield from rest[1::2]
        elif len(cells) > max(columns):
            yield from (cells[i] for i in columns if cells[i])


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted((ROOT / "examples").glob("*.txt"))
    seen: set[str] = set()
    for path in files:
        for value in values_of(path.read_text(encoding="utf-8")):
            if value not in seen:
                seen.add(value)
                print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
