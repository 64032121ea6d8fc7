"""`goallint init`: write a commented starter `goallint.yaml` into the current folder (never over an existing one)."""

from __future__ import annotations

import sys
from pathlib import Path

STARTER = """\
# goallint.yaml：goallint（预算绩效目标表检查工具）的配置。
# `goallint check` 从当前文件夹或最近的上级文件夹读取本文件；命令行上的同名选项优先于这里的设置。
# 每一项都可以不写：下面写出的值就是默认值，注释掉的行是可以照着改的示例。
# `goallint rules` 列出全部规则，`goallint rule GL401` 解释其中一条。
# 凡是接受列表的项也接受单个值（`ignore: GL208`、`exclude: "*.txt"`）。

# 指标层级（一级/二级指标）的模板：dg2025、legacy 或 dg2019。
# 不写：按每张表自己的标签识别。
# profile: dg2025

# 只运行这些规则（代替默认的规则）：规则编号（GL401）、规则名称（budget-mismatch）或编号前缀
# （GL4：预算测算）。不写：运行所有默认开启的规则。
# select: [GL0, GL1, GL2, GL3, GL4, GL5, GL9]

# 在上面的选择之外再运行的规则，例如默认关闭的规则。
extend-select: []
# extend-select: [GL106]

# 不运行的规则。
ignore: []
# ignore: [GL104, generic-indicator-name]

# 规则的级别（error 错误、warning 警告、info 提示），按编号、名称或前缀。
severity: {}
# severity: {GL303: info, GL9: warning}

# 让 `goallint check` 以状态 1 退出的最低级别：error、warning、info 或 never（从不）。
fail-on: error

# 额外的规则包：YAML 文件或装有规则包的文件夹，路径相对于本文件（与内置规则包一起使用）。
rules: []
# rules: [goallint-rules]

# 某些文件不运行的规则：通配符（相对于本文件）-> 规则编号、名称或前缀。
per-file-ignores: {}
# per-file-ignores: {"archive/2019/*.txt": [GL2, GL303]}

# 不检查的文件和文件夹（通配符）。
exclude: []
# exclude: [drafts, "*.bak.txt"]

# 审核档次（优/良/中/差）的评定：下列编号或前缀的错误使表单评为“差”。
# grade: {blocking: [GL001, GL002, GL101, GL102, GL201, GL4, GL5]}

# 基线：在旧仓库启用 goallint 时已认可的问题，只报告基线中没有记录的问题（报告会说明基线隐藏了多少个）。
# 路径相对于本文件。先用 `goallint check --write-baseline goallint-baseline.yaml .` 写出基线，再取消下一行的注释。
# baseline: goallint-baseline.yaml
"""

NAME = "goallint.yaml"


def run_init(force: bool) -> int:
    """Write ./goallint.yaml. Exit 0, or 2 when a config file is already there (unless `force`) or on a write error."""
    from goallint.config import CONFIG_NAMES
    from goallint.plumbing.atomic import write_atomic
    from goallint.plumbing.outputs import link_out_of_folder

    existing = [name for name in CONFIG_NAMES if Path(name).exists()]
    if existing and not force:
        print(f"goallint: 错误：{existing[0]} 已存在，不覆盖（--force 可替换它）", file=sys.stderr)
        return 2
    elsewhere = link_out_of_folder(Path(NAME))
    if elsewhere is not None:
        print(f"goallint: error: {NAME} 是指向本文件夹之外（{elsewhere}）的符号链接，不通过它写入；请先删除该链接",
              file=sys.stderr)
        return 2
    try:
        write_atomic(Path(NAME), STARTER.encode("utf-8"))
    except OSError as exc:
        print(f"goallint: 错误：{NAME}：无法写入：{exc.strerror or exc}", file=sys.stderr)
        return 2
    shadowed = [name for name in existing if name != NAME]
    note = f"（{shadowed[0]} 仍在，但不再被读取：请删除它）" if shadowed else ""
    print(f"goallint: 已写入 {NAME}{note}；试试 `goallint check .`", file=sys.stderr)
    return 0
